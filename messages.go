package gatehouse

import (
	"net/http"

	"github.com/gatehouse-auth/gatehouse/web"
)

// Message is a one-time message: Gatehouse's own ("You have signed in.",
// translated) or an app's, shown once on the next page.
type Message = web.Flash

// AddMessage leaves a one-time message for the next page the browser loads
// (Gatehouse's pages show it at the top; an app's pages read it with
// Messages), like Django's messages.add_message. Level is "success",
// "info", "warning" or "error"; text is shown as is (HTML-escaped), cut at
// 300 bytes. Call it before writing the response.
func (g *Gatehouse) AddMessage(w http.ResponseWriter, r *http.Request, level, text string) error {
	return g.web.AddMessage(w, r, level, text)
}

// Messages returns the pending one-time messages, Gatehouse's own in the
// request's language, and clears them so each shows once. Call it before
// writing the response.
func (g *Gatehouse) Messages(w http.ResponseWriter, r *http.Request) []Message {
	return g.web.TakeMessages(w, r)
}
