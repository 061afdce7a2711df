package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGrantMissingPermission follows the error of a grant of a missing
// permission: the command it names creates it, and --create does too.
func TestGrantMissingPermission(t *testing.T) {
	c := newCLI(t)
	c.ok("", "user", "create", "ann", "--no-password")
	c.ok("", "group", "create", "editors")
	c.ok("", "user", "add-group", "ann", "editors")
	_, err := c.run("", "user", "grant", "ann", "blog.publish_post")
	if err == nil || !strings.Contains(err.Error(), "--create") {
		t.Fatalf("grant of a missing permission: %v, want a mention of --create", err)
	}
	m := regexp.MustCompile("`gatehouse ([^`]*)`").FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("the error names no command: %v", err)
	}
	c.ok("", shellWords(t, m[1])...)
	c.ok("", "user", "grant", "ann", "blog.publish_post")
	c.ok("", "group", "grant", "editors", "blog.publish_post")

	if out := c.ok("", "user", "grant", "ann", "blog.view_stats", "--create"); !strings.Contains(out, "Permission blog.view_stats created") {
		t.Errorf("grant --create: %s", out)
	}
	c.ok("", "user", "grant", "ann", "blog.view_stats", "--create") // exists now: granted again, not created
	c.ok("", "group", "grant", "editors", "blog.edit_post", "--create")
	c.fails("app_label.codename", "group", "grant", "editors", "no-dot", "--create")
	out := c.ok("", "user", "show", "ann")
	for _, p := range []string{"blog.publish_post", "blog.view_stats", "blog.edit_post"} {
		if !strings.Contains(out, p) {
			t.Errorf("ann lacks %s:\n%s", p, out)
		}
	}
	c.fails("does not exist", "user", "revoke", "ann", "blog.no_such")
}

// shellWords splits a command line of bare words and double-quoted strings.
func shellWords(t *testing.T, s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			w, _ := strconv.Unquote(q)
			out = append(out, w)
			s = s[len(q):]
			continue
		}
		w, rest, _ := strings.Cut(s, " ")
		out = append(out, w)
		s = rest
	}
	return out
}
