package social

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzMap: every provider's Map takes any bytes without panicking, and
// what it returns has a subject (the identity) or is an error.
func FuzzMap(f *testing.F) {
	for _, p := range Builtin() {
		for _, name := range []string{"profile.json", "id_token.json", "auth.json"} {
			if b, err := os.ReadFile(filepath.Join("testdata", p.ID, name)); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"id": 1e400}`))
	f.Add([]byte(`{"sub": null, "email_verified": "TRUE"}`))
	f.Add([]byte(`{"data": {"id": [1]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, p := range Builtin() {
			pr, err := p.MapProfile(raw)
			if err == nil && pr.Subject == "" {
				t.Fatalf("%s: a profile without a subject from %q", p.ID, raw)
			}
			if err == nil && pr.EmailVerified && pr.Email == "" {
				t.Fatalf("%s: verified without an address", p.ID)
			}
		}
	})
}

// FuzzTelegram: the widget's data, as tgAuthResult or as parameters,
// never panics the parser, and nothing verifies without the bot token's
// signature.
func FuzzTelegram(f *testing.F) {
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"id":1,"first_name":"A","auth_date":1700000000,"hash":"00"}`)))
	f.Add("eyJpZCI6IDF9")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, enc string) {
		fields, err := decodeTgAuthResult(enc)
		if err != nil {
			return
		}
		now := time.Unix(1700000000, 0)
		if _, err := VerifyTelegram(fields, "123:secret", now, now.Add(-time.Minute), time.Hour); err == nil && fields["hash"] != TelegramHash(fields, "123:secret") {
			t.Fatalf("verified without the signature: %v", fields)
		}
	})
}

// FuzzMergeUserInfo: userinfo never replaces the ID token's claims, and
// another subject is refused.
func FuzzMergeUserInfo(f *testing.F) {
	f.Add([]byte(`{"sub":"1","email":"a@b.c"}`), []byte(`{"sub":"1","email":"x@y.z","email_verified":true}`))
	f.Add([]byte(`{"sub":"1"}`), []byte(`{"sub":"2"}`))
	f.Fuzz(func(t *testing.T, id, info []byte) {
		var idm map[string]json.RawMessage
		if json.Unmarshal(id, &idm) != nil {
			return
		}
		out, err := mergeUserInfo(id, info)
		if err != nil {
			return
		}
		var om map[string]json.RawMessage
		if err := json.Unmarshal(out, &om); err != nil {
			t.Fatal(err)
		}
		for k, v := range idm {
			if string(om[k]) != string(compact(v)) && string(om[k]) != string(v) {
				t.Fatalf("claim %s changed: %s -> %s", k, v, om[k])
			}
		}
	})
}

func compact(b []byte) []byte {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}
