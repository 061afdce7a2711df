package main

import "testing"

// TestDidYouMean suggests close names and names cut short, and nothing for
// a name unlike any.
func TestDidYouMean(t *testing.T) {
	names := []string{"GATEHOUSE_DATABASE_URL", "GATEHOUSE_SITE_NAME", "GATEHOUSE_PASSWORD_MIN_LENGTH"}
	for s, want := range map[string]string{
		"GATEHOUSE_DATABASE":            " (did you mean GATEHOUSE_DATABASE_URL?)",
		"GATEHOUSE_SITENAME":            " (did you mean GATEHOUSE_SITE_NAME?)",
		"gatehouse_password_min_lenght": " (did you mean GATEHOUSE_PASSWORD_MIN_LENGTH?)",
		"GATEHOUSE_FROBNICATE":          "",
	} {
		if got := didYouMean(s, names); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", s, got, want)
		}
	}
	if got := didYouMean("usr", []string{"serve", "user", "group"}); got != " (did you mean user?)" {
		t.Errorf("didYouMean(usr) = %q", got)
	}
}
