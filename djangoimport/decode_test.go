package djangoimport

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestDecodeErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty input"},
		{"  \n", "empty input"},
		{"{}", `want a JSON array of records, found "{"`},
		{`"x"`, "want a JSON array"},
		{"[", "record 0 (byte 1): unexpected EOF"},
		{"[1]", "record 0"},
		{`[{"model":"auth.user","pk":1,"fields":{}},`, "record 1"},
		{`[{"model":"auth.user","pk":1,"fields":{}} {"model":"x","fields":{}}]`, "record 1"},
		{`[{"fields":{}}]`, `record 0: no "model"`},
		{`[{"model":"auth.user","pk":1}]`, `record 0 (auth.user): "fields" must be an object`},
		{`[{"model":"auth.user","pk":1,"fields":[]}]`, `"fields" must be an object`},
		{`[{"model":"auth.user","pk":[1],"fields":{}}]`, "record 0 (auth.user): pk must be a number or a string"},
		{`[{"model":"auth.user","pk":{},"fields":{}}]`, "neither a pk nor a natural key"},
		{`[{"model":"auth.user","pk":1,"fields":{"groups":[true]}}]`, "neither a pk nor a natural key"},
		{`[{"model":"auth.user","pk":1,"fields":{"groups":[[]]}}]`, "empty natural key"},
		{`[{"model":"auth.user","pk":1,"fields":{"groups":[[{}]]}}]`, "is not a string"},
		{`[{"model":"auth.user","pk":1,"fields":{"last_login":"2020-13-01T00:00:00Z"}}]`, "last_login: cannot parse datetime"},
		{`[{"model":"auth.group","pk":1,"fields":{"name":1}}]`, "record 0 (auth.group): json: cannot unmarshal number"},
		{`[{"model":"account.emailaddress","pk":1,"fields":{"user":1,"verified":"yes"}}]`, "record 0 (account.emailaddress)"},
		{"[] []", "data after the array"},
		{"[] x", "after the array: invalid character"},
		{"[]]", "after the array"},
	}
	for _, c := range cases {
		_, err := parse(strings.NewReader(c.in), &Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parse(%q) = %v; want an error with %q", c.in, err, c.want)
		}
	}
}

func TestDecodeEmpty(t *testing.T) {
	for _, in := range []string{"[]", " [ ]\n", "[\n]\n\n"} {
		d, err := parse(strings.NewReader(in), &Options{})
		if err != nil || d.records != 0 {
			t.Errorf("parse(%q) = %+v, %v", in, d, err)
		}
	}
}

// failAfter returns data, then err.
type failAfter struct {
	data string
	err  error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestDecodeStreams: records are returned as they arrive, before the rest of
// the input is read.
func TestDecodeStreams(t *testing.T) {
	boom := errors.New("boom")
	var b strings.Builder
	b.WriteString("[")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"model": "blog.post", "pk": %d, "fields": {"title": "%s"}}`, i, strings.Repeat("x", 100))
	}
	dec := newDecoder(&failAfter{data: b.String(), err: boom}, 0)
	for i := range 1000 {
		if _, err := dec.next(); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	if _, err := dec.next(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "record 1000") {
		t.Fatalf("after the records: %v; want boom at record 1000", err)
	}
}

// endless is `[{"model": "x", "fields": {"a": "` and then "a" forever.
type endless struct{ head string }

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestRecordSizeBound: an endless record fails at the bound instead of
// eating memory; a long stream of records within it is fine.
func TestRecordSizeBound(t *testing.T) {
	const limit = 64 << 10
	_, err := parse(&endless{head: `[{"model": "x", "fields": {"a": "`}, &Options{MaxRecordSize: limit})
	if err == nil || !strings.Contains(err.Error(), "record 0") || !strings.Contains(err.Error(), "larger than 65536 bytes") {
		t.Fatalf("endless record: %v", err)
	}
	_, err = parse(&endless{head: `[{"model": "x", "fields": {}},{"model": "x", "fields": {}}, {"model": "x", "fields": {"a": "`},
		&Options{MaxRecordSize: limit})
	if err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Fatalf("endless third record: %v", err)
	}
	var b strings.Builder
	b.WriteString("[")
	for i := range 200 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"model": "blog.post", "pk": %d, "fields": {"body": "%s"}}`, i, strings.Repeat("y", limit-100))
	}
	b.WriteString("]")
	d, err := parse(strings.NewReader(b.String()), &Options{MaxRecordSize: limit})
	if err != nil || d.other["blog.post"] != 200 {
		t.Fatalf("200 records just under the bound (%d bytes in all): %v", b.Len(), err)
	}
	if _, err := parse(strings.NewReader(b.String()), &Options{MaxRecordSize: limit - 200}); err == nil ||
		!strings.Contains(err.Error(), "record 0") {
		t.Fatalf("records over the bound: %v", err)
	}
}

func TestRefs(t *testing.T) {
	cases := []struct {
		in, want string
		natural  bool
	}{
		{`12`, "pk 12", false},
		{`"7d3c"`, "pk 7d3c", false},
		{`["alice"]`, `["alice"]`, true},
		{`["view_user", "auth", "user"]`, `["view_user","auth","user"]`, true},
		{`[ "a", 3 ]`, `["a","3"]`, true},
		{`null`, "null", false},
	}
	for _, c := range cases {
		var r ref
		if err := r.UnmarshalJSON([]byte(c.in)); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if r.String() != c.want {
			t.Errorf("%s: String() = %s, want %s", c.in, r, c.want)
		}
		if _, natural := r.natural(); natural != c.natural {
			t.Errorf("%s: natural = %v", c.in, natural)
		}
	}
	// A pk and a natural key never collide, whatever the key says.
	var a, b ref
	_ = a.UnmarshalJSON([]byte(`"1"`))
	_ = b.UnmarshalJSON([]byte(`["1"]`))
	if a == b {
		t.Error(`pk "1" and natural key ["1"] share a ref`)
	}
}

func TestParseTime(t *testing.T) {
	utc := time.UTC
	moscow := time.FixedZone("MSK", 3*3600)
	cases := []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2021-03-04T12:30:15.123Z", utc, time.Date(2021, 3, 4, 12, 30, 15, 123e6, utc)},
		{"2021-03-04T12:30:15Z", utc, time.Date(2021, 3, 4, 12, 30, 15, 0, utc)},
		{"2021-03-04T15:30:15.5+03:00", utc, time.Date(2021, 3, 4, 12, 30, 15, 5e8, utc)},
		{"2021-03-04T12:30:15.123456", utc, time.Date(2021, 3, 4, 12, 30, 15, 123456e3, utc)},
		{"2021-03-04T12:30:15", moscow, time.Date(2021, 3, 4, 9, 30, 15, 0, utc)},
		{"2021-03-04 12:30:15", utc, time.Date(2021, 3, 4, 12, 30, 15, 0, utc)},
	}
	for _, c := range cases {
		got, err := parseTime(c.in, c.loc)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2021-02-30T00:00:00Z", "12:30"} {
		if _, err := parseTime(bad, utc); err == nil {
			t.Errorf("parseTime(%q) succeeded", bad)
		}
	}
}

// TestParseFixtures: both Django dumps parse to the same records.
func TestParseFixtures(t *testing.T) {
	for _, name := range fixtures {
		d, err := parse(strings.NewReader(string(readFile(t, name))), &Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d.records != 77 || len(d.contentTypes) != 10 || len(d.permissions) != 40 || len(d.groups) != 3 ||
			len(d.users) != 8 || len(d.emails) != 5 || len(d.socialApps) != 4 || len(d.socialAccounts) != 5 ||
			len(d.other) != 2 || d.other["socialaccount.socialtoken"] != 1 || d.other["account.emailconfirmation"] != 1 {
			t.Errorf("%s: %d records: %d content types, %d permissions, %d groups, %d users, %d emails, %d social apps, %d social accounts, others %v",
				name, d.records, len(d.contentTypes), len(d.permissions), len(d.groups), len(d.users), len(d.emails),
				len(d.socialApps), len(d.socialAccounts), d.other)
		}
	}
}

func TestUnknownModelsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range 3 * maxOtherModels {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"model": "app%d.%s", "fields": {}}`, i, strings.Repeat("m", 200))
	}
	b.WriteString("]")
	d, err := parse(strings.NewReader(b.String()), &Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.other) != maxOtherModels+1 || d.other[otherModels] != 2*maxOtherModels {
		t.Errorf("%d distinct models kept, %d lumped together", len(d.other), d.other[otherModels])
	}
	for m := range d.other {
		if len(m) > 110 {
			t.Errorf("model name of %d bytes kept", len(m))
		}
	}
}
