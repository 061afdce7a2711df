package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelpShown ends a command whose --help was printed; run returns nil for it.
var errHelpShown = errors.New("help shown")

// usageError is a command used wrongly: an unknown flag, a missing argument.
// main prints it and a pointer to the command's --help, and exits with 2.
type usageError struct {
	cmd string // "user create"; empty for gatehouse itself
	msg string
}

func (e *usageError) Error() string {
	return strings.TrimSpace("gatehouse "+e.cmd) + ": " + e.msg
}

// hint points at the command's --help.
func (e *usageError) hint() string {
	return "Run '" + strings.TrimSpace("gatehouse "+e.cmd) + " --help' for usage."
}

// cmdFlags is the flag set of one command, which knows its usage for --help.
// Every command has --database.
type cmdFlags struct {
	*flag.FlagSet
	e        *env
	name     string // "user create"
	args     string // what follows the name in its usage line
	doc      string
	database *string
}

func newFlags(e *env, name, args, doc string) *cmdFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	f := &cmdFlags{FlagSet: fs, e: e, name: name, args: args, doc: doc}
	f.database = fs.String("database", "", "database `URL`: sqlite:PATH or postgres://… (GATEHOUSE_DATABASE_URL)")
	return f
}

// parse parses args, whose flags may stand before, between or after the
// positional arguments ("user create ann --email a@x"), checks that there are
// min to max positional ones (max < 0: no limit) and returns them. Then it
// loads the settings (file, environment, --database) into f.e.settings and
// validates them. With --help it prints the usage and returns errHelpShown.
func (f *cmdFlags) parse(args []string, min, max int) ([]string, error) {
	pos, err := parseArgs(f.FlagSet, args)
	if errors.Is(err, flag.ErrHelp) {
		f.help(f.e.stdout)
		return nil, errHelpShown
	}
	if err != nil {
		return nil, &usageError{cmd: f.name, msg: err.Error()}
	}
	switch {
	case len(pos) < min:
		return nil, &usageError{cmd: f.name, msg: "missing arguments; usage: " + f.usageLine()}
	case max >= 0 && len(pos) > max:
		return nil, &usageError{cmd: f.name, msg: fmt.Sprintf("unexpected argument %q; usage: %s", pos[max], f.usageLine())}
	}
	if err := f.e.loadSettings(*f.database); err != nil {
		return nil, err
	}
	return pos, nil
}

func (f *cmdFlags) usageLine() string {
	return strings.TrimSpace("gatehouse " + f.name + " " + f.args)
}

// help prints the command's usage line, what it does and its flags.
func (f *cmdFlags) help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s.\n\nflags:\n", f.usageLine(), capitalize(f.doc))
	f.VisitAll(func(fl *flag.Flag) {
		name, use := flag.UnquoteUsage(fl)
		line := "  --" + fl.Name
		if name != "" {
			line += " " + name
		}
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" {
			use += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, use)
	})
}

// parseArgs parses flags that may stand before, between or after the
// positional arguments and returns the positional ones. Everything after
// "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
