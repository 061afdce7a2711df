package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestHelpExitsZeroOnStdout asks every command, subcommand and gatehouse
// itself for help in every spelling: usage on standard output, nothing on
// standard error, status 0.
func TestHelpExitsZeroOnStdout(t *testing.T) {
	c := newEmptyCLI(t)
	check := func(want string, args ...string) {
		t.Helper()
		out, errOut, err := c.run3("", args...)
		if code := exitStatus(err, &bytes.Buffer{}); code != 0 || err != nil {
			t.Errorf("gatehouse %s: status %d, %v", strings.Join(args, " "), code, err)
		}
		if !strings.HasPrefix(out, "usage: "+want) || errOut != "" {
			t.Errorf("gatehouse %s: stdout %.60q…, stderr %q; want the usage of %q on stdout alone", strings.Join(args, " "), out, errOut, want)
		}
	}
	for _, args := range [][]string{{}, {"help"}, {"--help"}, {"-h"}, {"-help"}} {
		check("gatehouse [--config FILE]", args...)
	}
	for _, path := range append(leaves(), groups()...) {
		want := "gatehouse " + strings.Join(path, " ")
		for _, h := range []string{"--help", "-h"} {
			check(want, append(path, h)...)
		}
		check(want, append([]string{"help"}, path...)...)
	}
	check("gatehouse user create USER", "user", "create", "ann", "--help") // help wins over arguments
	check("gatehouse user create USER", "user", "help", "create")
	check("gatehouse user SUBCOMMAND", "user", "help")
	if files, _ := os.ReadDir(c.dir); len(files) != 0 {
		t.Errorf("help created %v", files)
	}
}

// TestUsageErrors checks that a bad flag, a missing or extra argument or an
// unknown command is one line and a pointer to --help, with status 2.
func TestUsageErrors(t *testing.T) {
	c := newEmptyCLI(t)
	check := func(wantLine, wantHelp string, args ...string) {
		t.Helper()
		_, _, err := c.run3("", args...)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("gatehouse %s: %v, want a usage error", strings.Join(args, " "), err)
			return
		}
		var stderr bytes.Buffer
		if code := exitStatus(err, &stderr); code != 2 {
			t.Errorf("gatehouse %s: status %d, want 2", strings.Join(args, " "), code)
		}
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], wantLine) || lines[1] != "Run '"+wantHelp+" --help' for usage." {
			t.Errorf("gatehouse %s printed\n%s\nwant a line starting %q and \"Run '%s --help' for usage.\"", strings.Join(args, " "), stderr.String(), wantLine, wantHelp)
		}
	}
	for _, path := range leaves() {
		name := "gatehouse " + strings.Join(path, " ")
		check(name+": flag provided but not defined: -no-such-flag", name, append(path, "--no-such-flag")...)
	}
	check("gatehouse: flag provided but not defined: -x", "gatehouse", "-x", "user", "list")
	check(`gatehouse: unknown command "usr" (did you mean user?)`, "gatehouse", "usr", "list")
	check("gatehouse user: missing subcommand; usage: gatehouse user list|show|create", "gatehouse user", "user")
	check(`gatehouse group: unknown subcommand "lsit" (did you mean list?)`, "gatehouse group", "group", "lsit")
	check("gatehouse user show: missing arguments; usage: gatehouse user show USER", "gatehouse user show", "user", "show")
	check(`gatehouse user show: unexpected argument "bob"; usage: gatehouse user show USER`, "gatehouse user show", "user", "show", "ann", "bob")
	check("gatehouse user create: flag needs an argument: -email", "gatehouse user create", "user", "create", "ann", "--email")
	check("gatehouse createsuperuser: --username is required with --no-input", "gatehouse createsuperuser", "createsuperuser", "--no-input")
	var other bytes.Buffer
	if code := exitStatus(errors.New("boom"), &other); code != 1 || other.String() != "gatehouse: boom\n" {
		t.Errorf("a plain error: status %d, %q", code, other.String())
	}
}

// TestArgumentsAfterDoubleDash takes everything after "--" as arguments.
func TestArgumentsAfterDoubleDash(t *testing.T) {
	c := newCLI(t)
	c.fails(`user "--json" does not exist`, "user", "show", "--", "--json")
}
