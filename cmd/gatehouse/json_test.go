package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// jsonArgs are the arguments of every command that has --json.
var jsonArgs = map[string][]string{
	"user list":       {},
	"user show":       {"ann"},
	"user mfa":        {"ann"},
	"group list":      {},
	"perm list":       {},
	"mail outbox":     {"--status", "all"},
	"social app list": {},
}

// TestJSONKeysAreSnakeCase runs every command whose --help lists --json, on
// a database where every list has an entry, and checks every key of the
// output, at every depth.
func TestJSONKeysAreSnakeCase(t *testing.T) {
	c := newCLI(t)
	c.ok("a long enough secret\n", "user", "create", "ann", "--email", "ann@example.com", "--password-stdin")
	c.ok("", "group", "create", "editors")
	c.ok("", "group", "grant", "editors", "blog.publish_post", "--create")
	c.ok("", "user", "add-group", "ann", "editors")
	c.ok("", "user", "grant", "ann", "blog.view_stats", "--create")
	db := openCLIDB(t, c)
	queue(t, db, "ann@example.com", "Welcome")
	ann, err := db.UserByUsername(t.Context(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	addFactors(t, db, ann.ID)
	c.env["GATEHOUSE_SECRET_KEY"] = "a-secret-key-for-the-json-test-0123456789"
	c.ok("s3cret\n", "social", "app", "add", "--provider", "github", "--client-id", "cid", "--secret-stdin", "--setting", "verified_email=true", "--scope", "read:org")
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	seen := 0
	for _, path := range leaves() {
		name := strings.Join(path, " ")
		if !strings.Contains(c.ok("", append(path, "--help")...), "\n  --json\n") {
			continue
		}
		args, ok := jsonArgs[name]
		if !ok {
			t.Errorf("gatehouse %s has --json: add its arguments to jsonArgs", name)
			continue
		}
		seen++
		var v any
		out := c.ok("", append(append(path, args...), "--json")...)
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("gatehouse %s --json: %v\n%s", name, err, out)
		}
		keys := 0
		walkKeys(v, func(k string) {
			keys++
			if !snake.MatchString(k) {
				t.Errorf("gatehouse %s --json: key %q is not snake_case", name, k)
			}
		})
		if keys == 0 {
			t.Errorf("gatehouse %s --json printed no key: %s", name, out)
		}
	}
	if seen != len(jsonArgs) {
		t.Errorf("%d commands have --json, jsonArgs lists %d", seen, len(jsonArgs))
	}
}

// walkKeys calls fn with every object key in v, at every depth.
func walkKeys(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			fn(k)
			walkKeys(e, fn)
		}
	case []any:
		for _, e := range x {
			walkKeys(e, fn)
		}
	}
}
