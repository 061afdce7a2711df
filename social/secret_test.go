package social

import (
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
)

// TestSealSecret: a sealed secret does not show the secret, opens back,
// is bound to its app, and needs the same secret key.
func TestSealSecret(t *testing.T) {
	r, _ := keys.New([]byte(strings.Repeat("s", 32)))
	a := &App{Provider: "github", AppID: "", Secret: "gh-client-secret"}
	stored := SealSecret(r, a)
	if strings.Contains(stored, "gh-client-secret") || !strings.HasPrefix(stored, "sealed:") {
		t.Fatalf("stored secret %q", stored)
	}
	got, err := OpenSecret(r, &App{Provider: "github", Secret: stored})
	if err != nil || got != "gh-client-secret" {
		t.Fatalf("OpenSecret = %q, %v", got, err)
	}
	if _, err := OpenSecret(r, &App{Provider: "gitlab", Secret: stored}); err != ErrSecret {
		t.Errorf("a secret moved to another app opened: %v", err)
	}
	other, _ := keys.New([]byte(strings.Repeat("o", 32)))
	if _, err := OpenSecret(other, &App{Provider: "github", Secret: stored}); err != ErrSecret {
		t.Errorf("a secret opened under another secret key: %v", err)
	}
	if got, _ := OpenSecret(r, &App{Secret: "plain"}); got != "plain" {
		t.Errorf("an unsealed secret = %q", got)
	}
}
