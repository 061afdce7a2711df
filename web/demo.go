package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
)

// home is the demo site's landing page.
func (h *Handlers) home(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, h.page(w, r, "home"))
}

// dashboard shows the signed-in user's username, groups and effective permissions.
func (h *Handlers) dashboard(w http.ResponseWriter, r *http.Request) {
	st := authctx.From(r.Context())
	ctx := r.Context()
	groups, err := st.Groups(ctx)
	if err != nil {
		h.internalError(w, r, "dashboard: groups", err)
		return
	}
	perms, err := st.Perms(ctx)
	if err != nil {
		h.internalError(w, r, "dashboard: permissions", err)
		return
	}
	codes, err := perms.List(ctx, h.opts.Account.Users)
	if err != nil {
		h.internalError(w, r, "dashboard: permissions", err)
		return
	}
	d := DashboardData{Groups: groups, Permissions: codes, Superuser: perms.Superuser}
	p := h.page(w, r, "dashboard")
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}

// secret is the demo page that needs permission demo.view_secret.
func (h *Handlers) secret(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, h.page(w, r, "secret"))
}
