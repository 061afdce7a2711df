package web

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/account"
)

// SessionsData is .Data of the sessions page.
type SessionsData struct {
	Sessions []SessionRow
	// NeedPassword is true when the session's last authentication is older
	// than account.ReauthenticationTimeout: ending sessions then asks for
	// the password first (on the reauthentication page).
	NeedPassword bool
}

// SessionRow is one of the user's sessions as the page shows it.
type SessionRow struct {
	ID        string // the stored id (a hash: not usable as a cookie)
	Current   bool
	CreatedAt string
	LastSeen  string
	IP        string
	UserAgent string // as sent
	Device    string // DescribeUserAgent(UserAgent)
}

// sessions lists the signed-in user's sessions and ends one of them (POST
// id=…) or all the others (POST all=1). When the last authentication is
// older than account.ReauthenticationTimeout the POST waits for a
// reauthentication and resumes after it (SECURITY.md S6). The rules are
// account.Service's; this is the form.
func (h *Handlers) sessions(w http.ResponseWriter, r *http.Request) {
	u, cur := current(r)
	ctx := r.Context()
	acc := h.opts.Account
	p := h.page(w, r, "sessions")
	p.Form = &Form{}
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		if !acc.RecentlyAuthenticated(cur) {
			h.requireReauth(w, r)
			return
		}
		id := r.PostFormValue("id")
		if r.PostFormValue("all") != "" {
			id = ""
		} else if id == "" || id == cur.ID {
			http.Redirect(w, r, h.urls.Sessions, http.StatusSeeOther)
			return
		}
		switch err := acc.EndSessions(ctx, u, cur, id, h.client(r)); {
		case err == nil:
			h.flash(w, r, "success", "flash.sessions_ended")
			http.Redirect(w, r, h.urls.Sessions, http.StatusSeeOther)
			return
		case account.AsErrors(err) == nil:
			h.internalError(w, r, "sessions", err)
			return
		default:
			formFromErrors(p.L, p.Form, err)
		}
	}
	list, err := h.opts.Sessions.Store.ListUser(ctx, u.ID)
	if err != nil {
		h.internalError(w, r, "sessions: list", err)
		return
	}
	d := SessionsData{NeedPassword: !acc.RecentlyAuthenticated(cur)}
	for _, s := range list {
		d.Sessions = append(d.Sessions, SessionRow{ID: s.ID, Current: s.ID == cur.ID,
			CreatedAt: when(s.CreatedAt), LastSeen: when(s.LastSeenAt),
			IP: s.IP, UserAgent: s.UserAgent, Device: DescribeUserAgent(s.UserAgent)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}
