package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Languages are the languages Gatehouse ships, the first being the fallback.
var Languages = []string{"en", "ru"}

// LangCookie is the cookie that remembers a visitor's explicit choice.
const LangCookie = "gatehouse_lang"

// Catalog is one language's messages: key → text, or key → plural forms
// ("one", "few", "many", "other").
type Catalog map[string]entry

type entry struct {
	text   string
	plural map[string]string
}

func (e *entry) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &e.text)
	}
	return json.Unmarshal(b, &e.plural)
}

// Catalogs holds every language's catalog.
type Catalogs struct {
	byLang  map[string]Catalog
	matcher language.Matcher
	tags    []language.Tag
}

// LoadCatalogs reads locales/<lang>/*.json from fsys and merges each language's
// files; a key defined twice for one language is an error.
func LoadCatalogs(fsys fs.FS) (*Catalogs, error) {
	c := &Catalogs{byLang: map[string]Catalog{}}
	for _, lang := range Languages {
		cat := Catalog{}
		files, err := fs.Glob(fsys, path.Join("locales", lang, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var part map[string]entry
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("web: %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := cat[k]; dup {
					return nil, fmt.Errorf("web: %s: key %q defined twice", f, k)
				}
				cat[k] = v
			}
		}
		c.byLang[lang] = cat
		c.tags = append(c.tags, language.MustParse(lang))
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

// Keys returns the sorted keys of a language's catalog.
func (c *Catalogs) Keys(lang string) []string {
	keys := make([]string, 0, len(c.byLang[lang]))
	for k := range c.byLang[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Negotiate picks the language for a request: the LangCookie when it names a
// shipped language, else the best match of Accept-Language, else English.
func (c *Catalogs) Negotiate(r *http.Request) string {
	if ck, err := r.Cookie(LangCookie); err == nil {
		for _, l := range Languages {
			if ck.Value == l {
				return l
			}
		}
	}
	al := r.Header.Get("Accept-Language")
	if al == "" || len(al) > 512 {
		return Languages[0]
	}
	tags, _, err := language.ParseAcceptLanguage(al)
	if err != nil || len(tags) == 0 {
		return Languages[0]
	}
	_, idx, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

// Localizer translates into one language.
func (c *Catalogs) Localizer(lang string) *Localizer {
	return &Localizer{Lang: lang, cat: c.byLang[lang], fallback: c.byLang[Languages[0]]}
}

// Localizer translates catalog keys for one language, falling back to English
// and then to the key itself.
type Localizer struct {
	Lang     string
	cat      Catalog
	fallback Catalog
}

// T returns the text of key with {name} placeholders filled from pairs
// ("name", value, …).
func (l *Localizer) T(key string, pairs ...any) string {
	e, ok := l.cat[key]
	if !ok {
		e, ok = l.fallback[key]
	}
	if !ok {
		return key
	}
	s := e.text
	if e.plural != nil {
		s = e.plural["other"]
	}
	return fill(s, pairs)
}

// N returns the plural form of key for count n, with {n} and the pairs filled.
func (l *Localizer) N(key string, n int, pairs ...any) string {
	e, ok := l.cat[key]
	lang := l.Lang
	if !ok {
		e, ok = l.fallback[key]
		lang = Languages[0]
	}
	if !ok {
		return key
	}
	s := e.text
	if e.plural != nil {
		s = e.plural[pluralForm(lang, n)]
		if s == "" {
			s = e.plural["other"]
		}
	}
	return fill(s, append([]any{"n", n}, pairs...))
}

// pluralForm is CLDR's cardinal rule for the shipped languages.
func pluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ru":
		switch {
		case n%10 == 1 && n%100 != 11:
			return "one"
		case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
			return "few"
		default:
			return "many"
		}
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

func fill(s string, pairs []any) string {
	if len(pairs) < 2 || !strings.Contains(s, "{") {
		return s
	}
	args := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		var v string
		switch x := pairs[i+1].(type) {
		case string:
			v = x
		case int:
			v = strconv.Itoa(x)
		default:
			v = fmt.Sprint(x)
		}
		args = append(args, "{"+fmt.Sprint(pairs[i])+"}", v)
	}
	return strings.NewReplacer(args...).Replace(s)
}
