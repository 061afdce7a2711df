// Command gatehouse is the Gatehouse server and its administration tool:
// serve, migrate, createsuperuser, changepassword, user, group, perm, mail,
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
	"strings"
	"syscall"
)

// commands is every command of gatehouse; user, group, perm, mail and social have
// subcommands.
func commands() []command {
	return []command{
		{name: "serve", args: "[--addr ADDR]", doc: "run the server until SIGINT or SIGTERM, creating and migrating the database when needed", run: cmdServe},
		{name: "migrate", doc: "create the database when needed and apply the migrations it lacks", run: cmdMigrate},
		{name: "createsuperuser", args: "[--no-input --username U --email E]", doc: "create a staff superuser; asks for the password twice (with --no-input it comes from GATEHOUSE_SUPERUSER_PASSWORD)", run: cmdCreateSuperuser},
		{name: "changepassword", args: "USER [--password-stdin]", doc: "set a user's password (asked twice, or one line from standard input with --password-stdin) and end their sessions", run: cmdChangePassword},
		{name: "user", doc: "list, show, create and change users", sub: userCommands()},
		{name: "group", doc: "list, create and delete groups and grant them permissions", sub: groupCommands()},
		{name: "perm", doc: "list and create permissions", sub: permCommands()},
		{name: "mail", doc: "list the mail outbox and send a test message", sub: mailCommands()},
		{name: "social", doc: "manage the apps of social login providers", sub: socialCommands()},
		{name: "import-django", args: "[--dry-run] FILE.json", doc: "import `manage.py dumpdata` output (auth, account, socialaccount, mfa) into a migrated database", run: cmdImportDjango},
		{name: "config", doc: "validate and print the effective configuration (secrets masked)", run: cmdConfig},
	}
}

// env is what every command gets: the standard streams, the environment and,
// once its flags are parsed, the settings.
type env struct {
	settings   *Settings
	configPath string // the global --config
	database   string // the global --database
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	environ    []string
	getenv     func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(exitStatus(err, os.Stderr))
}

// exitStatus prints err on w and returns the exit status for it: 0 for none,
// 2 for a usage error (followed by a pointer to the command's --help), 1 for
// any other.
func exitStatus(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(w, ue.Error())
		fmt.Fprintln(w, ue.hint())
		return 2
	}
	// The library's errors carry their package's prefix already.
	fmt.Fprintln(w, "gatehouse:", strings.TrimPrefix(err.Error(), "gatehouse: "))
	return 1
}

// run parses the global flags and runs one command. environ holds the
// environment as KEY=VALUE lines (os.Environ). A command's --help makes it
// return nil.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, environ: environ, getenv: lookupEnv(environ)}
	global := flag.NewFlagSet("gatehouse", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.Usage = func() {}
	global.StringVar(&e.configPath, "config", "", "TOML configuration `FILE` (GATEHOUSE_CONFIG)")
	global.StringVar(&e.database, "database", "", "database `URL`, for every command (GATEHOUSE_DATABASE_URL)")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return nil
		}
		return &usageError{msg: err.Error()}
	}
	rest := global.Args()
	if len(rest) == 0 {
		usage(stdout)
		return nil
	}
	if rest[0] == "help" {
		if len(rest) == 1 {
			usage(stdout)
			return nil
		}
		rest = append(rest[1:], "--help")
	}
	c, ok := find(commands(), rest[0])
	if !ok {
		return &usageError{msg: fmt.Sprintf("unknown command %q%s", rest[0], didYouMean(rest[0], names(commands())))}
	}
	err := c.invoke(ctx, e, "", rest[1:])
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

// lookupEnv returns a getenv over KEY=VALUE lines; the last line of a key wins.
func lookupEnv(environ []string) func(string) string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

// usage prints the list of commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gatehouse [--config FILE] [--database URL] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	printTable(w, commands())
	fmt.Fprintln(w, "  help [COMMAND [SUBCOMMAND]]\n        print this, or the usage of a command (as COMMAND --help)")
	fmt.Fprintln(w, "\nEvery command takes --database URL (sqlite:PATH or postgres://…). Every setting")
	fmt.Fprintln(w, "section.key is also the environment variable GATEHOUSE_SECTION_KEY; see \"gatehouse config\".")
	fmt.Fprintln(w, "Run 'gatehouse COMMAND --help' for a command's arguments and flags.")
}

// cmdConfig prints the settings once they are loaded and valid.
func cmdConfig(_ context.Context, f *cmdFlags, args []string) error {
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	f.e.settings.Print(f.e.stdout)
	return nil
}
