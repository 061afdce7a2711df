package password

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// djangoVector is one hash made by real Django (testdata/gen_vectors.py).
type djangoVector struct {
	Name           string `json:"name"`
	Algorithm      string `json:"algorithm"`
	Kind           string `json:"kind"` // fast, default, unusable
	Password       string `json:"password"`
	Encoded        string `json:"encoded"`
	DjangoVerifies bool   `json:"django_verifies"`
	Django72X      *bool  `json:"django_verifies_72_prefix_plus_x"`
}

func loadVectors(t testing.TB) []djangoVector {
	t.Helper()
	b, err := os.ReadFile("testdata/django_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Django  string         `json:"django"`
		Vectors []djangoVector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 70 || f.Django == "" {
		t.Fatalf("only %d vectors (django %q)", len(f.Vectors), f.Django)
	}
	return f.Vectors
}

// wrongVariants are the P4 near-misses of pw: none may verify.
func wrongVariants(pw string) []string {
	prefix := pw
	if len(prefix) > 72 {
		prefix = prefix[:72]
	}
	var out []string
	for _, w := range []string{"wrong password", prefix + "x", strings.ToUpper(pw), pw + " ", " " + pw} {
		if w != pw {
			out = append(out, w)
		}
	}
	return out
}

func TestDjangoVectors(t *testing.T) {
	set := DefaultSet()
	seen := map[string]bool{}
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			seen[v.Algorithm] = true
			if v.Kind == "unusable" {
				ok, up, err := set.Verify(context.Background(), v.Password, v.Encoded)
				if ok || up != "" || err != nil || set.Algorithm(v.Encoded) != "unusable" {
					t.Errorf("unusable: Verify = %v, %q, %v", ok, up, err)
				}
				return
			}
			if v.Kind == "default" && testing.Short() {
				t.Skip("default costs are slow")
			}
			if !v.DjangoVerifies {
				t.Fatalf("vector not verified by Django")
			}
			h := set.hasher(identify(v.Encoded))
			if h == nil || h.Algorithm() != v.Algorithm || set.Algorithm(v.Encoded) != v.Algorithm {
				t.Fatalf("identified as %v (%q), Django says %q", h, set.Algorithm(v.Encoded), v.Algorithm)
			}
			want := true
			if v.Algorithm == "bcrypt" && len(v.Password) > 72 {
				// Django accepts it, and P[:72]+"x" too; Gatehouse closes the trap.
				if v.Django72X == nil || !*v.Django72X {
					t.Errorf("expected the vector to show Django's truncation")
				}
				want = false
			}
			if ok, err := h.Verify(v.Password, v.Encoded); ok != want || err != nil {
				t.Errorf("Verify(right) = %v, %v; want %v", ok, err, want)
			}
			wrongs := wrongVariants(v.Password)
			if v.Kind == "default" {
				wrongs = wrongs[:1]
			}
			for _, w := range wrongs {
				if ok, err := h.Verify(w, v.Encoded); ok || err != nil {
					t.Errorf("Verify(%q) = %v, %v; want false", w, ok, err)
				}
			}
		})
	}
	for _, alg := range []string{"pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "bcrypt", "scrypt", "sha1", "md5", "unsalted_sha1", "unsalted_md5"} {
		if !seen[alg] {
			t.Errorf("no vector for %s", alg)
		}
	}
}

// TestSetUpgradesDjangoVectors: every imported hash verifies through a Set
// and is upgraded to the preferred argon2id, which then verifies too.
func TestSetUpgradesDjangoVectors(t *testing.T) {
	set := DefaultSet()
	set.Preferred = Argon2Hasher{Memory: 512, Time: 2, Threads: 1}
	for _, v := range loadVectors(t) {
		if v.Kind != "fast" {
			continue
		}
		ok, up, err := set.Verify(context.Background(), v.Password, v.Encoded)
		if v.Algorithm == "bcrypt" && len(v.Password) > 72 {
			if ok || up != "" || err != nil {
				t.Errorf("%s: Verify = %v, %q, %v; want false", v.Name, ok, up, err)
			}
			continue
		}
		if !ok || err != nil || !strings.HasPrefix(up, "argon2$argon2id$v=19$m=512,t=2,p=1$") {
			t.Errorf("%s: Verify = %v, %q, %v; want true and an argon2id upgrade", v.Name, ok, up, err)
			continue
		}
		if ok, again, err := set.Verify(context.Background(), v.Password, up); !ok || again != "" || err != nil {
			t.Errorf("%s: upgraded hash: Verify = %v, %q, %v", v.Name, ok, again, err)
		}
		if n := Normalize(v.Password); n != v.Password {
			// Django hashed the non-normalized password; after the upgrade
			// both spellings log in.
			if ok, _, _ := set.Verify(context.Background(), n, v.Encoded); ok {
				t.Errorf("%s: normalized spelling verified against Django's hash", v.Name)
			}
			if ok, _, _ := set.Verify(context.Background(), n, up); !ok {
				t.Errorf("%s: normalized spelling fails after upgrade", v.Name)
			}
		}
	}
}
