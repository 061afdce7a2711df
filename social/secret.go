package social

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
)

// sealedPrefix marks an app secret sealed for the store.
const sealedPrefix = "sealed:"

// SealSecret returns a's secret as the store keeps it: sealed with AES-GCM
// under a key derived from the site's secret key, bound to the app's
// provider and id, base64, prefixed "sealed:".
func SealSecret(r *keys.Ring, a *App) string {
	if a.Secret == "" {
		return ""
	}
	sealed := r.Seal("social.app_secret", []byte(a.Secret), []byte(a.Provider+"/"+a.AppID))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed)
}

// ErrSecret is OpenSecret's error for a stored secret it cannot open (made
// under another secret key, altered, or moved to another app).
var ErrSecret = errors.New("social: the app's stored secret cannot be opened: was the secret key changed without a fallback?")

// OpenSecret returns the plain secret of an app read from the store (a
// secret without the "sealed:" prefix — one written by hand or imported —
// is returned as it is).
func OpenSecret(r *keys.Ring, a *App) (string, error) {
	rest, ok := strings.CutPrefix(a.Secret, sealedPrefix)
	if !ok {
		return a.Secret, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(rest)
	if err != nil {
		return "", ErrSecret
	}
	plain, err := r.Open("social.app_secret", b, []byte(a.Provider+"/"+a.AppID))
	if err != nil {
		return "", ErrSecret
	}
	return string(plain), nil
}
