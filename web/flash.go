package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// flashCookie carries one-time messages to the next page, signed with the
// secret key so a third party cannot plant text on our pages.
const flashCookie = "gatehouse_flash"

// flashMsg is a message as stored: a catalog key, translated when shown, or
// an app's own text.
type flashMsg struct {
	Level string `json:"l"`
	Key   string `json:"k,omitempty"`
	Text  string `json:"t,omitempty"`
}

// Bounds of the flash cookie: the newest maxFlashes messages are kept, an
// app's text is cut at maxFlashText bytes, and the cookie stays under
// maxFlashCookie bytes (readFlashes ignores a longer one).
const (
	maxFlashes     = 5
	maxFlashText   = 300
	maxFlashCookie = 2048
)

// flash adds a message for the next page the browser loads.
func (h *Handlers) flash(w http.ResponseWriter, r *http.Request, level, key string) {
	h.addFlash(w, r, flashMsg{Level: level, Key: key})
}

// ErrFlashLevel is AddMessage's error for a level other than "success",
// "info", "warning" and "error".
var ErrFlashLevel = errors.New(`web: message level must be "success", "info", "warning" or "error"`)

// AddMessage leaves an app's one-time message (level "success", "info",
// "warning" or "error"; text shown as is, HTML-escaped, cut at 300 bytes)
// for the next page the browser loads, as Django's messages.add_message.
// The newest five pending messages are kept.
func (h *Handlers) AddMessage(w http.ResponseWriter, r *http.Request, level, text string) error {
	if !validLevel(level) {
		return ErrFlashLevel
	}
	if len(text) > maxFlashText {
		text = strings.ToValidUTF8(text[:maxFlashText], "")
	}
	h.addFlash(w, r, flashMsg{Level: level, Text: text})
	return nil
}

// TakeMessages returns the pending one-time messages, Gatehouse's own
// translated into the request's language, and clears them: each message is
// shown once.
func (h *Handlers) TakeMessages(w http.ResponseWriter, r *http.Request) []Flash {
	return h.takeFlashes(w, r, h.catalogs.Localizer(h.catalogs.Negotiate(r)))
}

// addFlash appends m to the pending messages, dropping the oldest ones
// beyond the bounds.
func (h *Handlers) addFlash(w http.ResponseWriter, r *http.Request, m flashMsg) {
	msgs := append(h.pendingFlashes(w, r), m)
	if len(msgs) > maxFlashes {
		msgs = msgs[len(msgs)-maxFlashes:]
	}
	for {
		b, _ := json.Marshal(msgs)
		payload := base64.RawURLEncoding.EncodeToString(b)
		value := payload + "." + h.sign(payload)
		if len(value) <= maxFlashCookie || len(msgs) == 1 {
			http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: value,
				Path: "/", HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
			return
		}
		msgs = msgs[1:]
	}
}

// pendingFlashes returns the messages of the request's cookie, or those an
// earlier addFlash of this response set.
func (h *Handlers) pendingFlashes(w http.ResponseWriter, r *http.Request) []flashMsg {
	for _, line := range w.Header()["Set-Cookie"] {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == flashCookie {
			return h.decodeFlashes(c.Value)
		}
	}
	return h.readFlashes(r)
}

// takeFlashes returns the pending messages, translated, and clears them.
func (h *Handlers) takeFlashes(w http.ResponseWriter, r *http.Request, l *Localizer) []Flash {
	msgs := h.readFlashes(r)
	if len(msgs) == 0 {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	out := make([]Flash, 0, len(msgs))
	for _, m := range msgs {
		text := m.Text
		if m.Key != "" {
			text = l.T(m.Key)
		}
		out = append(out, Flash{Level: m.Level, Text: text})
	}
	return out
}

// readFlashes returns the messages of the request's flash cookie (none when
// it is missing, too long or not signed by us).
func (h *Handlers) readFlashes(r *http.Request) []flashMsg {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	return h.decodeFlashes(c.Value)
}

// decodeFlashes checks a flash cookie value's signature and decodes it.
func (h *Handlers) decodeFlashes(value string) []flashMsg {
	if len(value) > maxFlashCookie {
		return nil
	}
	payload, sig, ok := strings.Cut(value, ".")
	if !ok || !h.keys.Verify("web.flash", []byte(payload), sig) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	var msgs []flashMsg
	if json.Unmarshal(b, &msgs) != nil {
		return nil
	}
	valid := msgs[:0]
	for _, m := range msgs {
		if validLevel(m.Level) && (m.Key == "") != (m.Text == "") {
			valid = append(valid, m)
		}
	}
	return valid
}

func validLevel(level string) bool {
	switch level {
	case "success", "info", "warning", "error":
		return true
	}
	return false
}

// sign is the flash cookie's signature of payload (a key of its own,
// derived from the secret key; fallbacks still verify).
func (h *Handlers) sign(payload string) string { return h.keys.Sign("web.flash", []byte(payload)) }
