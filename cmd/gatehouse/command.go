package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// command is one command or subcommand: either it runs, or it dispatches to
// its subcommands.
type command struct {
	name string
	args string // what follows the name in its usage line: "USER [--json]"
	doc  string // what it does, for the lists of commands and its --help
	run  func(ctx context.Context, f *cmdFlags, args []string) error
	sub  []command
}

// invoke runs c (named path+c.name) with args: a command with subcommands
// runs the one args[0] names.
func (c command) invoke(ctx context.Context, e *env, path string, args []string) error {
	full := strings.TrimSpace(path + " " + c.name)
	if c.sub == nil {
		return c.run(ctx, newFlags(e, full, c.args, c.doc), args)
	}
	if len(args) == 0 {
		return &usageError{cmd: full, msg: "missing subcommand; usage: gatehouse " + full + " " + strings.Join(names(c.sub), "|")}
	}
	switch args[0] {
	case "help":
		if len(args) > 1 { // "user help create" is "user create --help"
			return c.invoke(ctx, e, path, append(args[1:], "--help"))
		}
		fallthrough
	case "-h", "-help", "--help":
		c.help(e.stdout, full)
		return errHelpShown
	}
	s, ok := find(c.sub, args[0])
	if !ok {
		return &usageError{cmd: full, msg: fmt.Sprintf("unknown subcommand %q%s; usage: gatehouse %s %s",
			args[0], didYouMean(args[0], names(c.sub)), full, strings.Join(names(c.sub), "|"))}
	}
	return s.invoke(ctx, e, full, args[1:])
}

// help prints the usage of a command with subcommands.
func (c command) help(w io.Writer, full string) {
	fmt.Fprintf(w, "usage: gatehouse %s SUBCOMMAND [ARGS]\n\n%s.\n\nsubcommands:\n", full, capitalize(c.doc))
	printTable(w, c.sub)
	fmt.Fprintf(w, "\nEvery subcommand takes --database URL. Run 'gatehouse %s SUBCOMMAND --help' for its flags.\n", full)
}

// synopsis is what follows the command's name in a list of commands.
func (c command) synopsis() string {
	if c.sub != nil {
		return "SUBCOMMAND"
	}
	return c.args
}

// printTable lists commands: a line of name and arguments, then one of what
// the command does.
func printTable(w io.Writer, cs []command) {
	for _, c := range cs {
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimSpace(c.name+" "+c.synopsis()), c.doc)
	}
}

func find(cs []command, name string) (command, bool) {
	for _, c := range cs {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func names(cs []command) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
