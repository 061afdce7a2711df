package web

import "testing"

func TestPluralForms(t *testing.T) {
	cases := map[int]string{0: "many", 1: "one", 2: "few", 4: "few", 5: "many", 11: "many", 12: "many", 21: "one", 22: "few", 111: "many", 101: "one"}
	for n, want := range cases {
		if got := pluralForm("ru", n); got != want {
			t.Errorf("ru %d = %s, want %s", n, got, want)
		}
	}
	if pluralForm("en", 1) != "one" || pluralForm("en", 2) != "other" || pluralForm("en", 0) != "other" {
		t.Error("en plural")
	}
}

func TestCatalogsComplete(t *testing.T) {
	c, err := LoadCatalogs(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	en, ru := c.Keys("en"), c.Keys("ru")
	if len(en) == 0 {
		t.Fatal("empty catalog")
	}
	inRu := map[string]bool{}
	for _, k := range ru {
		inRu[k] = true
	}
	for _, k := range en {
		if !inRu[k] {
			t.Errorf("key %q missing from ru", k)
		}
		delete(inRu, k)
	}
	for k := range inRu {
		t.Errorf("key %q only in ru", k)
	}
	l := c.Localizer("ru")
	if got := l.N("error.password_too_short", 8, "min_length", 8); got != "Пароль слишком короткий. Он должен содержать не менее 8 символов." {
		t.Errorf("ru plural message = %q", got)
	}
	if got := c.Localizer("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}
