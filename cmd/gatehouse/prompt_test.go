package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestNoTerminalHintsNameRealFlags runs every command that asks for a
// password or a name with nothing on standard input: the error says how to
// do without a terminal, and every flag it names is one the command has.
// Then it follows each hint.
func TestNoTerminalHintsNameRealFlags(t *testing.T) {
	c := newCLI(t)
	c.ok("first passphrase here\n", "user", "create", "ann", "--password-stdin")
	flagRE := regexp.MustCompile(`--[a-z][a-z-]*`)
	for _, args := range [][]string{
		{"createsuperuser"},
		{"createsuperuser", "--username", "root", "--email", "root@example.com"},
		{"changepassword", "ann"},
		{"user", "create", "bob"},
	} {
		name := strings.Join(args, " ")
		_, err := c.run("", args...)
		if err == nil || !strings.Contains(err.Error(), "without a terminal") {
			t.Errorf("gatehouse %s with no input: %v, want a hint for running without a terminal", name, err)
			continue
		}
		named := flagRE.FindAllString(err.Error(), -1)
		if len(named) == 0 {
			t.Errorf("gatehouse %s: the hint names no flag: %v", name, err)
		}
		path := args[:1]
		if args[0] == "user" {
			path = args[:2]
		}
		help := c.ok("", append(path, "--help")...)
		for _, f := range named {
			if !strings.Contains(help, "\n  "+f+"\n") && !strings.Contains(help, "\n  "+f+" ") {
				t.Errorf("gatehouse %s: the hint names %s, which is not a flag of %q:\n%s", name, f, strings.Join(path, " "), help)
			}
		}
	}

	c.env["GATEHOUSE_SUPERUSER_PASSWORD"] = "root-passphrase-long"
	c.ok("", "createsuperuser", "--no-input", "--username", "root", "--email", "root@example.com")
	c.ok("second passphrase here\n", "changepassword", "ann", "--password-stdin")
	c.ok("", "user", "create", "bob", "--no-password")
	c.ok("bob's passphrase here\n", "user", "create", "carol", "--password-stdin")
	c.fails("no password on standard input", "changepassword", "ann", "--password-stdin")
	if _, err := c.run("short\n", "changepassword", "ann", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("changepassword --password-stdin with a short password: %v", err)
	}
}
