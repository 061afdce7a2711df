// Command gatehouse is the Gatehouse server and its administration tool:
// serve, migrate, createsuperuser, changepassword, user, group, perm,
// import-django and config. Run "gatehouse help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve [--addr ADDR] [--database URL]   run the server", cmdServe},
		{"migrate", "migrate                                apply database migrations", cmdMigrate},
		{"createsuperuser", "createsuperuser [--no-input --username U --email E]", cmdCreateSuperuser},
		{"changepassword", "changepassword USER                    set a user's password (interactive)", cmdChangePassword},
		{"user", "user list|show|create|set-active|add-group|remove-group|grant|revoke|bulk-create …", cmdUser},
		{"group", "group list|create|delete|grant|revoke …", cmdGroup},
		{"perm", "perm list|create …", cmdPerm},
		{"import-django", "import-django [--dry-run] FILE.json      import `manage.py dumpdata` output", cmdImportDjango},
		{"config", "config                                 print the effective configuration (secrets masked)", cmdConfig},
	}
}

// env is what every command gets: settings and the standard streams.
type env struct {
	settings *Settings
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	getenv   func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gatehouse:", err)
		}
		os.Exit(1)
	}
}

// run parses the global flags, loads the settings and runs one command.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	global := flag.NewFlagSet("gatehouse", flag.ContinueOnError)
	global.SetOutput(stderr)
	configPath := global.String("config", "", "TOML configuration file")
	global.Usage = func() { usage(stderr) }
	if err := global.Parse(args); err != nil {
		return err
	}
	rest := global.Args()
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" {
		usage(stdout)
		return nil
	}
	s := defaultSettings()
	if *configPath == "" {
		*configPath = getenv("GATEHOUSE_CONFIG")
	}
	if *configPath != "" {
		if err := s.loadFile(*configPath); err != nil {
			return err
		}
	}
	s.loadEnv(getenv)
	e := &env{settings: s, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	for _, c := range commands() {
		if c.name == rest[0] {
			return c.run(ctx, e, rest[1:])
		}
	}
	return fmt.Errorf("unknown command %q (run \"gatehouse help\")", rest[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gatehouse [--config FILE] COMMAND [ARGS]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintln(w, "  "+c.usage)
	}
	fmt.Fprintln(w, "\nEvery setting section.key is also the environment variable GATEHOUSE_SECTION_KEY; see \"gatehouse config\".")
}

// newFlags returns a FlagSet for a subcommand that reports errors, not exits.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func cmdConfig(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "config")
	if err := fs.Parse(args); err != nil {
		return err
	}
	e.settings.Print(e.stdout)
	return nil
}

// parseArgs parses flags that may stand before, between or after the
// positional arguments ("user create ann --email a@x") and returns the
// positional ones.
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
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
