package password

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// djangoPython is Debian's interpreter, where python3-django,
// python3-argon2 and python3-bcrypt install.
const djangoPython = "/usr/bin/python3"

// TestDjangoChecksGatehouseHashes hashes with Gatehouse and verifies with
// Django's own check_password (testdata/django_check.py): the other
// direction of the Django vectors. Skipped when Django is not installed,
// except under CI=true, where it fails.
func TestDjangoChecksGatehouseHashes(t *testing.T) {
	if err := exec.Command(djangoPython, "-c", "import django, argon2, bcrypt").Run(); err != nil {
		msg := "Django interop test needs " + djangoPython + " with Django, argon2-cffi and bcrypt " +
			"(Debian: apt-get install python3-django python3-argon2 python3-bcrypt): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	type tc struct {
		Password string `json:"password"`
		Encoded  string `json:"encoded"`
		alg      string
	}
	passwords := []string{"correct horse battery staple", "пароль-Ünïcødé-密码", "x",
		strings.Repeat("0123456789", 10), "🐙🔑🌈🚀 emoji"}
	var cases []tc
	hashers := append(cheapHashers(), Argon2Hasher{}) // and the default argon2id
	for _, h := range hashers {
		for _, pw := range passwords {
			if _, plain := h.(BcryptHasher); plain && len(pw) > 72 {
				continue
			}
			enc, err := h.Hash(pw)
			if err != nil {
				t.Fatal(err)
			}
			cases = append(cases, tc{pw, enc, h.Algorithm()})
		}
	}
	set := cheapSet()
	for _, pw := range passwords {
		enc, _ := set.Hash(context.Background(), pw) // NFKC leaves these unchanged
		cases = append(cases, tc{pw, enc, "argon2"})
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command(djangoPython, "django_check.py")
	cmd.Dir = "testdata"
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("django_check.py: %v\n%s", err, stderr.String())
	}
	var res []struct {
		OK        bool   `json:"ok"`
		WrongOK   bool   `json:"wrong_ok"`
		Algorithm string `json:"algorithm"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(cases) {
		t.Fatalf("django_check.py output: %v (%d results for %d cases)", err, len(res), len(cases))
	}
	for i, r := range res {
		c := cases[i]
		if !r.OK || r.WrongOK || r.Algorithm != c.alg {
			t.Errorf("Django check_password(%q, %s) = %v, wrong = %v, algorithm %q (want %s)",
				c.Password, c.Encoded, r.OK, r.WrongOK, r.Algorithm, c.alg)
		}
	}
}
