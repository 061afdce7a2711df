package djangoimport

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzParse: the decoder never panics, and whatever it accepts is valid JSON.
func FuzzParse(f *testing.F) {
	// Small seeds: one record of each model of the Django fixtures.
	for _, name := range fixtures {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(b, &recs); err != nil {
			f.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range recs {
			var m struct{ Model string }
			json.Unmarshal(r, &m)
			if !seen[m.Model] {
				seen[m.Model] = true
				var c bytes.Buffer
				json.Compact(&c, r)
				f.Add([]byte("[" + c.String() + "]"))
			}
		}
	}
	for _, s := range []string{
		"[]", "", "[", "[{}]", `[{"model":"auth.user","fields":{}}]`,
		`[{"model":"auth.user","pk":"x","fields":{"username":"a","groups":[["g"],1,"2"],"last_login":null}}]`,
		`[{"model":"auth.permission","fields":{"content_type":["a","b"],"codename":"c"}}]`,
		`[{"model":"account.emailaddress","pk":1,"fields":{"user":["u"],"email":"e","verified":true}}]`,
		`[{"model":"auth.user","pk":1,"fields":{"date_joined":"2021-03-04T12:30:15.123+05:00"}}] `,
		`[{"model":"socialaccount.socialapp","pk":3,"fields":{"provider":"openid_connect","provider_id":"k","settings":{"server_url":"u","x":[1]},"sites":[]}}]`,
		`[{"model":"socialaccount.socialaccount","pk":1,"fields":{"user":["u"],"provider":"k","uid":"1","extra_data":{"a": [1.50, "\u00e9"]}}}]`,
		`[{"model":"socialaccount.socialaccount","pk":1,"fields":{"user":1,"provider":"k","uid":"1","extra_data":"{\"a\": 1}"}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parse(bytes.NewReader(data), &Options{MaxRecordSize: 4096})
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		// References print, whatever they hold.
		for _, u := range d.users {
			_ = u.pk.String()
			for _, r := range append(u.groups(), u.perms()...) {
				_ = r.String()
				r.natural()
			}
		}
		for _, g := range d.groups {
			for _, r := range g.perms {
				_ = r.String()
			}
		}
		for _, e := range d.emails {
			_ = e.user.String()
		}
		// extra_data is stored as JSON: whatever was accepted is.
		for _, a := range d.socialAccounts {
			_ = a.user.String()
			if a.extra != nil && !json.Valid(a.extra) {
				t.Fatalf("extra_data %q is not JSON", a.extra)
			}
		}
	})
}

// FuzzRef: any reference decodes or fails cleanly; a natural key keeps its
// parts.
func FuzzRef(f *testing.F) {
	for _, s := range []string{`1`, `"a"`, `["a"]`, `["a","b","c"]`, `[1,"x"]`, `null`, `[]`, `{}`, `-0.5e3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r ref
		if err := r.UnmarshalJSON(b); err != nil {
			return
		}
		_ = r.String()
		if parts, ok := r.natural(); ok && len(parts) == 0 {
			t.Fatalf("natural key without parts from %q", b)
		}
	})
}
