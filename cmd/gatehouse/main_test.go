package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// cli runs gatehouse commands against one temporary database.
type cli struct {
	t   *testing.T
	dir string
	env map[string]string
}

// newCLI returns a cli over a migrated database: the administration
// commands refuse to create one.
func newCLI(t *testing.T) *cli {
	c := newEmptyCLI(t)
	c.ok("", "migrate")
	return c
}

// newEmptyCLI returns a cli whose database does not exist yet.
func newEmptyCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, dir: dir, env: map[string]string{
		"GATEHOUSE_DATABASE_URL":               "sqlite:" + filepath.Join(dir, "gh.db"),
		"GATEHOUSE_SECRET_KEY_FILE":            filepath.Join(dir, "secret"),
		"GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB": "1024",
		"GATEHOUSE_PASSWORD_ARGON2_TIME":       "1",
		"GATEHOUSE_LOG_LEVEL":                  "error",
	}}
}

// environ returns c.env as os.Environ would.
func (c *cli) environ() []string {
	var kv []string
	for k, v := range c.env {
		kv = append(kv, k+"="+v)
	}
	return kv
}

func (c *cli) run(stdin string, args ...string) (string, error) {
	out, _, err := c.run3(stdin, args...)
	return out, err
}

// run3 runs a command and returns its standard output and error.
func (c *cli) run3(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, c.environ())
	return out.String(), errb.String(), err
}

func (c *cli) ok(stdin string, args ...string) string {
	c.t.Helper()
	out, err := c.run(stdin, args...)
	if err != nil {
		c.t.Fatalf("gatehouse %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (c *cli) fails(want string, args ...string) {
	c.t.Helper()
	_, err := c.run("", args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		c.t.Fatalf("gatehouse %s: err %v, want one containing %q", strings.Join(args, " "), err, want)
	}
	if strings.Contains(err.Error(), "\n") {
		c.t.Errorf("error is not one line: %q", err)
	}
}

func TestConfigPrecedenceAndMasking(t *testing.T) {
	c := newCLI(t)
	file := filepath.Join(c.dir, "gatehouse.toml")
	os.WriteFile(file, []byte("addr = \"127.0.0.1:9000\"\nsecret_key = \"file-secret-file-secret-file-secret-1234\"\n[account]\nemail_verification = \"mandatory\"\n[mail]\nsmtp_url = \"smtp://me:hunter2@mail.example:587\"\n"), 0o600)
	c.env["GATEHOUSE_ACCOUNT_EMAIL_VERIFICATION"] = "none"
	out := c.ok("", "--config", file, "config")
	for _, want := range []string{`"127.0.0.1:9000"`, "# file", `"none"`, "# env", "GATEHOUSE_ACCOUNT_EMAIL_VERIFICATION", "me:xxxxx@mail.example"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"hunter2", "file-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("config printed the secret %q", secret)
		}
	}
	os.WriteFile(file, []byte("[account]\nemail_verifcation = \"none\"\n"), 0o600)
	c.fails("unknown key", "--config", file, "config")
}

func TestUsersGroupsPermissions(t *testing.T) {
	c := newCLI(t)
	c.env["GATEHOUSE_SUPERUSER_PASSWORD"] = "root-passphrase-long"
	c.ok("", "createsuperuser", "--no-input", "--username", "root_user", "--email", "root@example.com")
	c.fails("already exists", "createsuperuser", "--no-input", "--username", "ROOT_USER", "--email", "x@example.com")

	c.ok("", "perm", "create", "blog.publish_post", "Can publish posts")
	c.ok("", "group", "create", "editors")
	c.ok("", "group", "grant", "editors", "blog.publish_post")
	c.ok("a long enough secret\n", "user", "create", "ann", "--email", "ann@example.com", "--password-stdin")
	c.ok("", "user", "add-group", "ann", "editors")
	c.ok("", "perm", "create", "blog.view_stats")
	c.ok("", "user", "grant", "ann", "blog.view_stats")
	c.ok("", "user", "grant", "ann", "demo.view_secret") // the demo's permission exists on a fresh database
	c.ok("", "user", "revoke", "ann", "demo.view_secret")

	var j userJSON
	if err := json.Unmarshal([]byte(c.ok("", "user", "show", "ann", "--json")), &j); err != nil {
		t.Fatal(err)
	}
	if j.Username != "ann" || j.Email != "ann@example.com" || !j.IsActive || j.PasswordAlgorithm != "argon2" {
		t.Errorf("user show: %+v", j)
	}
	if strings.Join(j.Groups, ",") != "editors" || strings.Join(j.Permissions, ",") != "blog.publish_post,blog.view_stats" {
		t.Errorf("groups %v permissions %v", j.Groups, j.Permissions)
	}
	c.ok("", "user", "revoke", "ann", "blog.view_stats")
	c.ok("", "user", "remove-group", "ann", "editors")
	json.Unmarshal([]byte(c.ok("", "user", "show", "ann", "--json")), &j)
	if len(j.Permissions) != 0 || len(j.Groups) != 0 {
		t.Errorf("after revoke: groups %v permissions %v", j.Groups, j.Permissions)
	}
	json.Unmarshal([]byte(c.ok("", "user", "show", "root_user", "--json")), &j)
	if !j.IsSuperuser || !j.IsStaff || len(j.Permissions) < 2 {
		t.Errorf("superuser: %+v", j)
	}
	if out := c.ok("", "user", "logout", "ann"); !strings.Contains(out, "Ended 0 sessions") {
		t.Errorf("user logout: %s", out)
	}
	c.ok("", "user", "set-active", "ann", "false")
	json.Unmarshal([]byte(c.ok("", "user", "show", "ann", "--json")), &j)
	if j.IsActive || len(j.Permissions) != 0 {
		t.Errorf("inactive user still active or holding permissions: %+v", j)
	}
	list := c.ok("", "user", "list")
	if !strings.Contains(list, "ann") || !strings.Contains(list, "root_user") {
		t.Errorf("user list:\n%s", list)
	}
	if out := c.ok("", "group", "list"); !strings.Contains(out, "editors") || !strings.Contains(out, "blog.publish_post") {
		t.Errorf("group list:\n%s", out)
	}
	c.ok("", "group", "delete", "editors")

	c.fails("does not exist", "user", "show", "nobody")
	c.fails("does not exist", "user", "grant", "ann", "no.such_perm")
	c.fails("app_label.codename", "perm", "create", "nodot")
	c.fails("usage", "user", "frobnicate")
	c.fails("unknown command", "frobnicate")
	if _, err := c.run("short\n", "user", "create", "weak", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("weak password: err %v", err)
	}
	c.fails("no password", "user", "create", "nopw", "--password-stdin")
}

func TestChangePasswordFromPipe(t *testing.T) {
	c := newCLI(t)
	c.ok("first passphrase here\n", "user", "create", "bo", "--password-stdin")
	c.ok("second passphrase here\nsecond passphrase here\n", "changepassword", "bo")
	if _, err := c.run("x\ny\nx\ny\nx\ny\n", "changepassword", "bo"); err == nil {
		t.Fatal("mismatched passwords accepted")
	}
}

func TestCreateSuperuserNeedsPassword(t *testing.T) {
	c := newCLI(t)
	c.fails("GATEHOUSE_SUPERUSER_PASSWORD", "createsuperuser", "--no-input", "--username", "x")
	c.env["GATEHOUSE_SUPERUSER_PASSWORD"] = "12345678901"
	c.fails("numeric", "createsuperuser", "--no-input", "--username", "x")
}

func TestBulkCreate(t *testing.T) {
	c := newCLI(t)
	out := c.ok("", "user", "bulk-create", "--count", "2500", "--prefix", "bench", "--password", "bench-password", "--sessions", "3000")
	if !strings.Contains(out, "Created 2500 users") || !strings.Contains(out, "Created 3000 sessions") {
		t.Fatalf("bulk-create: %s", out)
	}
	var j userJSON
	json.Unmarshal([]byte(c.ok("", "user", "show", "bench2499", "--json")), &j)
	if j.Username != "bench2499" || j.PasswordAlgorithm != "argon2" {
		t.Fatalf("bench2499: %+v", j)
	}
}

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAndGracefulShutdown(t *testing.T) {
	c := newEmptyCLI(t) // serve creates the database
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, io.Discard, c.environ())
	}()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)
	var addr string
	for i := 0; i < 200 && addr == ""; i++ {
		time.Sleep(25 * time.Millisecond)
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("serve printed no URL: %q", out.String())
	}
	for _, p := range []string{"/healthz", "/accounts/login/", "/"} {
		resp, err := http.Get("http://" + addr + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", p, resp.StatusCode)
		}
	}
	if _, err := os.Stat(filepath.Join(c.dir, "secret")); err != nil {
		t.Errorf("no generated secret key file: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestExitStatusOnePrefix: an error from the library, which names its
// package already ("gatehouse: Config.MFA: …"), is printed with one
// "gatehouse:" prefix, not two.
func TestExitStatusOnePrefix(t *testing.T) {
	var b strings.Builder
	if code := exitStatus(errors.New("gatehouse: Config.MFA: mfa: webauthn: no"), &b); code != 1 {
		t.Fatalf("exit status %d, want 1", code)
	}
	if got := b.String(); got != "gatehouse: Config.MFA: mfa: webauthn: no\n" {
		t.Errorf("printed %q", got)
	}
	b.Reset()
	exitStatus(errors.New("open x: no such file"), &b)
	if got := b.String(); got != "gatehouse: open x: no such file\n" {
		t.Errorf("printed %q", got)
	}
}
