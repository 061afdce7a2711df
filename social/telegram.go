package social

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Telegram signs in with Telegram's login widget, as allauth's telegram
// provider: the browser goes to oauth.telegram.org/auth with the bot's id
// (the app's ClientID) and comes back with the user's fields signed with
// HMAC-SHA256 under SHA-256 of the bot token (the app's Secret). The
// fields are accepted on the callback of a state this browser began, when
// the signature matches (constant-time) and auth_date is recent: 30
// seconds by default, the app's "auth_date_validity" setting (seconds)
// otherwise, and not before the login began.
var Telegram = &Provider{
	ID:       "telegram",
	Name:     "Telegram",
	Protocol: TelegramWidget,
	AuthURL:  "https://oauth.telegram.org/auth",
	Map:      mapTelegram,
}

// DefaultTelegramMaxAge is how old a widget's auth_date may be (allauth's
// AUTH_PARAMS auth_date_validity).
const DefaultTelegramMaxAge = 30 * time.Second

// telegramSkew is how far in the future an auth_date may be (clocks).
const telegramSkew = 5 * time.Second

func mapTelegram(raw []byte) (*Profile, error) {
	var u struct {
		ID        flexID `json:"id"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Username  string `json:"username"`
		PhotoURL  string `json:"photo_url"`
	}
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	return profileOf(&Profile{Subject: string(u.ID), FirstName: u.FirstName, LastName: u.LastName,
		Username: u.Username, AvatarURL: u.PhotoURL})
}

// telegramFields reads the widget's fields from a callback: the
// tgAuthResult the page re-posts from the URL fragment (base64 JSON), or
// the fields themselves as parameters (the widget's data-auth-url), our
// own state aside.
func telegramFields(params url.Values) (map[string]string, error) {
	if enc := params.Get("tgAuthResult"); enc != "" {
		return decodeTgAuthResult(enc)
	}
	fields := map[string]string{}
	for k, vs := range params {
		if k == "state" {
			continue
		}
		if len(vs) != 1 {
			return nil, errTelegramData
		}
		fields[k] = vs[0]
	}
	return checkFieldBounds(fields)
}

var errTelegramData = &failure{code: CodeProviderError, reason: "telegram: malformed data"}

func decodeTgAuthResult(enc string) (map[string]string, error) {
	if len(enc) > 8192 {
		return nil, errTelegramData
	}
	enc = strings.TrimRight(enc, "=")
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(enc); err != nil {
			return nil, errTelegramData
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, errTelegramData
	}
	fields := map[string]string{}
	for k, v := range obj {
		switch v := v.(type) {
		case string:
			fields[k] = v
		case json.Number:
			fields[k] = v.String()
		case bool:
			fields[k] = strconv.FormatBool(v)
		default:
			return nil, errTelegramData
		}
	}
	return checkFieldBounds(fields)
}

func checkFieldBounds(fields map[string]string) (map[string]string, error) {
	if len(fields) > 20 {
		return nil, errTelegramData
	}
	for k, v := range fields {
		if len(k) > 64 || len(v) > 2048 || strings.ContainsAny(k, "=\n") {
			return nil, errTelegramData
		}
	}
	return fields, nil
}

// TelegramDataCheckString is the string the widget signs: every field but
// hash as key=value, sorted, joined by newlines.
func TelegramDataCheckString(fields map[string]string) string {
	lines := make([]string, 0, len(fields))
	for k, v := range fields {
		if k != "hash" {
			lines = append(lines, k+"="+v)
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// TelegramHash returns the widget's signature of fields under botToken:
// hex(HMAC-SHA256(key = SHA-256(botToken), data-check-string)).
func TelegramHash(fields map[string]string, botToken string) string {
	key := sha256.Sum256([]byte(botToken))
	m := hmac.New(sha256.New, key[:])
	m.Write([]byte(TelegramDataCheckString(fields)))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyTelegram checks the widget's fields signed with botToken: a hash
// that matches (compared in constant time), an auth_date no older than
// maxAge at now, not in the future, and not before notBefore (the start of
// the login it answers). It returns the fields without the hash, as JSON:
// the raw profile.
func VerifyTelegram(fields map[string]string, botToken string, now, notBefore time.Time, maxAge time.Duration) (json.RawMessage, error) {
	given, err := hex.DecodeString(fields["hash"])
	if err != nil || len(given) != sha256.Size {
		return nil, &failure{code: CodeProviderError, reason: "telegram: no hash"}
	}
	want, _ := hex.DecodeString(TelegramHash(fields, botToken))
	if !hmac.Equal(given, want) {
		return nil, &failure{code: CodeProviderError, reason: "telegram: hash mismatch"}
	}
	sec, err := strconv.ParseInt(fields["auth_date"], 10, 64)
	if err != nil {
		return nil, &failure{code: CodeProviderError, reason: "telegram: no auth_date"}
	}
	at := time.Unix(sec, 0)
	switch {
	case now.Sub(at) > maxAge:
		return nil, &failure{code: CodeProviderError, reason: "telegram: auth_date too old"}
	case at.After(now.Add(telegramSkew)), at.Before(notBefore.Add(-telegramSkew)):
		return nil, &failure{code: CodeProviderError, reason: "telegram: auth_date out of the login's time"}
	}
	out := map[string]any{}
	for k, v := range fields {
		if k != "hash" {
			out[k] = v
		}
	}
	return json.Marshal(out)
}
