package account

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/user"
)

// djangoPython is Debian's interpreter, where python3-django installs.
const djangoPython = "/usr/bin/python3"

// TestResetTokenIsDjangos: resetTokenAt makes, for the same user values,
// timestamp and key, the token Django's PasswordResetTokenGenerator makes
// with allauth's email-aware hash value (testdata/django_reset_token.py
// runs Django itself), and checkResetToken accepts Django's token.
// Skipped when Django is not installed, except under CI=true, where it
// fails.
func TestResetTokenIsDjangos(t *testing.T) {
	if err := exec.Command(djangoPython, "-c", "import django").Run(); err != nil {
		msg := "the reset-token interop test needs " + djangoPython + " with Django " +
			"(Debian: apt-get install python3-django): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ring, err := keys.New([]byte("a secret key for the Django token interop test"))
	if err != nil {
		t.Fatal(err)
	}
	key := ring.Key("account.password_reset")
	moscow := time.FixedZone("MSK", 3*3600)
	type tc struct {
		u      user.User
		emails []string
		ts     int64
	}
	now := int64(time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC).Sub(resetEpoch) / time.Second)
	cases := []tc{
		{user.User{ID: 1, Password: "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", Email: "ann@example.com"},
			[]string{"ann@example.com"}, now},
		{user.User{ID: 42, Password: "pbkdf2_sha256$1200000$salt$hash=", Email: "bob@example.com",
			LastLogin: time.Date(2026, 5, 4, 11, 59, 58, 123456000, time.UTC)},
			[]string{"bob@example.com", "Bob.Second@Example.com", "a@example.com"}, now},
		{user.User{ID: 7, Password: "!unusable0123456789", Email: ""}, nil, now + 1},
		{user.User{ID: 8, Password: "md5$s$h", Email: "", LastLogin: time.Date(2024, 2, 29, 23, 59, 59, 999999000, moscow)},
			[]string{"orphan@example.com"}, 0},
		{user.User{ID: 9_007_199_254_740_993, Password: "bcrypt_sha256$$2b$12$x", Email: "юзер@пример.рф",
			LastLogin: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)},
			[]string{"юзер@пример.рф", "Zed@example.com", "zed@example.com", "ärger@example.com"}, 1 << 40},
		{user.User{ID: 10, Password: "", Email: "dup@example.com"}, []string{"dup@example.com", "dup@example.com"}, 35},
	}
	type pyCase struct {
		PK        int64    `json:"pk"`
		Password  string   `json:"password"`
		LastLogin *string  `json:"last_login"`
		Email     string   `json:"email"`
		Emails    []string `json:"emails"`
		TS        int64    `json:"ts"`
	}
	in := struct {
		Secret string   `json:"secret_hex"`
		Cases  []pyCase `json:"cases"`
	}{Secret: hex.EncodeToString(key)}
	for _, c := range cases {
		pc := pyCase{PK: c.u.ID, Password: c.u.Password, Email: c.u.Email, Emails: c.emails, TS: c.ts}
		if pc.Emails == nil {
			pc.Emails = []string{}
		}
		if !c.u.LastLogin.IsZero() {
			s := c.u.LastLogin.UTC().Format("2006-01-02T15:04:05.000000")
			pc.LastLogin = &s
		}
		in.Cases = append(in.Cases, pc)
	}
	body, _ := json.Marshal(in)
	cmd := exec.Command(djangoPython, "django_reset_token.py")
	cmd.Dir = "testdata"
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("django_reset_token.py: %v\n%s", err, stderr.String())
	}
	var django []string
	if err := json.Unmarshal(out, &django); err != nil || len(django) != len(cases) {
		t.Fatalf("django_reset_token.py output %q: %v", out, err)
	}
	for i, c := range cases {
		got := resetTokenAt(key, &c.u, c.emails, c.ts)
		if got != django[i] {
			t.Errorf("case %d (user %d): Gatehouse's token %s, Django's %s", i, c.u.ID, got, django[i])
		}
		if !strings.HasPrefix(django[i], strings.SplitN(got, "-", 2)[0]+"-") {
			continue
		}
		// Gatehouse accepts Django's token at its timestamp.
		at := resetEpoch.Add(time.Duration(c.ts) * time.Second)
		s := &Service{Keys: ring, Now: func() time.Time { return at }, Config: Config{PasswordResetTimeout: time.Hour}}
		if !s.checkResetToken(&c.u, c.emails, django[i]) {
			t.Errorf("case %d: checkResetToken refuses Django's token %s", i, django[i])
		}
		if s.checkResetToken(&c.u, append(c.emails, "new@example.com"), django[i]) {
			t.Errorf("case %d: a token survives a new address", i)
		}
	}
}
