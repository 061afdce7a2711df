package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// flashCookie carries one-time messages to the next page, signed with the
// secret key so a third party cannot plant text on our pages.
const flashCookie = "gatehouse_flash"

// flashMsg is a message as stored: a catalog key, translated when shown.
type flashMsg struct {
	Level string `json:"l"`
	Key   string `json:"k"`
}

// flash adds a message for the next page the browser loads.
func (h *Handlers) flash(w http.ResponseWriter, r *http.Request, level, key string) {
	msgs := h.readFlashes(r)
	msgs = append(msgs, flashMsg{Level: level, Key: key})
	if len(msgs) > 5 {
		msgs = msgs[len(msgs)-5:]
	}
	b, _ := json.Marshal(msgs)
	payload := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: payload + "." + h.sign(payload),
		Path: "/", HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
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
		out = append(out, Flash{Level: m.Level, Text: l.T(m.Key)})
	}
	return out
}

func (h *Handlers) readFlashes(r *http.Request) []flashMsg {
	c, err := r.Cookie(flashCookie)
	if err != nil || len(c.Value) > 2048 {
		return nil
	}
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(h.sign(payload))) {
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
		switch m.Level {
		case "success", "info", "warning", "error":
			valid = append(valid, m)
		}
	}
	return valid
}

func (h *Handlers) sign(payload string) string {
	mac := hmac.New(sha256.New, h.opts.SecretKey)
	mac.Write([]byte("gatehouse.web.flash:"))
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
