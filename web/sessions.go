package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse-auth/gatehouse/password"
)

// ReauthWindow is how long after a login or re-authentication the user may
// end sessions without typing their password again (allauth's
// REAUTHENTICATION_TIMEOUT).
const ReauthWindow = 5 * time.Minute

// SessionsData is .Data of the sessions page.
type SessionsData struct {
	Sessions []SessionRow
	// NeedPassword is true when the session's last authentication is older
	// than ReauthWindow: ending sessions then asks for the password.
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
// id=…) or all the others (POST all=1), after re-authentication when the
// last one is older than ReauthWindow (SECURITY.md S6).
func (h *Handlers) sessions(w http.ResponseWriter, r *http.Request) {
	u, cur := current(r)
	ctx := r.Context()
	p := h.page(w, r, "sessions")
	p.Form = &Form{}
	now := h.opts.Now()
	if r.Method == http.MethodPost {
		if !h.parseForm(w, r) {
			return
		}
		if now.Sub(cur.AuthAt) > ReauthWindow {
			ok, _, err := h.opts.Account.Passwords.Verify(ctx, r.PostFormValue("password"), u.Password)
			if err != nil && !errors.Is(err, password.ErrTooLong) && ctx.Err() == nil {
				h.opts.Log.Warn("password hash unreadable", "user_id", u.ID, "err", err)
			}
			if !ok {
				p.Form.Errors = map[string][]string{"password": {p.L.T("error.password_incorrect")}}
			} else {
				cur.AuthAt = now.UTC().Truncate(time.Microsecond)
				if err := h.opts.Sessions.Store.Save(ctx, *cur); err != nil {
					h.internalError(w, r, "sessions: reauth", err)
					return
				}
			}
		}
		if !p.Form.HasErrors() {
			var err error
			if r.PostFormValue("all") != "" {
				err = h.opts.Sessions.Store.DeleteUser(ctx, u.ID, cur.ID)
			} else if id := r.PostFormValue("id"); id != "" && id != cur.ID {
				err = h.endOwnSession(r, u.ID, id)
			}
			if err != nil {
				h.internalError(w, r, "sessions: end", err)
				return
			}
			h.opts.Log.Info("sessions ended", "event", "session_revoke", "user_id", u.ID)
			h.flash(w, r, "success", "flash.sessions_ended")
			http.Redirect(w, r, h.urls.Sessions, http.StatusSeeOther)
			return
		}
	}
	list, err := h.opts.Sessions.Store.ListUser(ctx, u.ID)
	if err != nil {
		h.internalError(w, r, "sessions: list", err)
		return
	}
	d := SessionsData{NeedPassword: now.Sub(cur.AuthAt) > ReauthWindow}
	for _, s := range list {
		d.Sessions = append(d.Sessions, SessionRow{ID: s.ID, Current: s.ID == cur.ID,
			CreatedAt: s.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), LastSeen: s.LastSeenAt.UTC().Format("2006-01-02 15:04 UTC"),
			IP: s.IP, UserAgent: s.UserAgent, Device: DescribeUserAgent(s.UserAgent)})
	}
	p.Data = d
	h.render(w, r, http.StatusOK, p)
}

// endOwnSession deletes session id only when it belongs to the user.
func (h *Handlers) endOwnSession(r *http.Request, userID int64, id string) error {
	s, ok, err := h.opts.Sessions.Store.Find(r.Context(), id)
	if err != nil || !ok || s.UserID != userID {
		return err
	}
	return h.opts.Sessions.Store.Delete(r.Context(), id)
}
