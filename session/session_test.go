package session

import "testing"

func TestNewTokenUniqueAndShaped(t *testing.T) {
	seen := make(map[string]bool, 10000)
	for i := 0; i < 10000; i++ {
		tok, id := NewToken()
		if !ValidToken(tok) {
			t.Fatalf("token %q not valid", tok)
		}
		if id != HashToken(tok) || len(id) != 64 || id == tok {
			t.Fatalf("id %q is not the hash of the token", id)
		}
		if seen[tok] {
			t.Fatalf("duplicate token after %d", i)
		}
		seen[tok] = true
	}
}

func TestValidTokenRefusesJunk(t *testing.T) {
	for _, s := range []string{"", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if ValidToken(s) {
			t.Errorf("ValidToken(%q) = true", s)
		}
	}
}
