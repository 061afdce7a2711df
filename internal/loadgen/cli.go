package loadgen

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"
)

// CLI is gatehouse-bench's command line: the run's Config and where its
// report goes. Bind registers the flags, Finish completes the Config after
// parsing.
type CLI struct {
	Config Config
	JSON   bool   // print the report as JSON instead of a table
	Out    string // also write the JSON report to this file

	scenarios     string
	argon2Memory  uint
	argon2Time    uint
	argon2Threads uint
}

// Bind sets c.Config to DefaultConfig and registers every flag on fs.
func (c *CLI) Bind(fs *flag.FlagSet) {
	c.Config = DefaultConfig()
	cfg := &c.Config
	c.scenarios = strings.Join(cfg.Scenarios, ",")

	fs.StringVar(&cfg.Target, "target", cfg.Target, "base `URL` of the server; its host must be 127.0.0.0/8, ::1 or localhost")
	fs.StringVar(&c.scenarios, "scenario", c.scenarios, "comma-separated `scenarios` to run in order: "+strings.Join(ScenarioNames(), ","))
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "measured `time` of each scenario")
	fs.Int64Var(&cfg.MaxOps, "n", cfg.MaxOps, "at most this many measured operations per scenario (bounds the run and the latency memory, 8 bytes each)")
	fs.IntVar(&cfg.Concurrency, "c", cfg.Concurrency, "concurrent virtual users (workers); 0: 4×NumCPU (at least 4) for HTTP scenarios, NumCPU for hash")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "same as -c")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured `time` run before each scenario's measured phase")
	fs.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "per-request `timeout` (0: none)")

	fs.IntVar(&cfg.Users, "users", cfg.Users, "login and authed log in as prefix0 … prefix{`N`-1} (as made by gatehouse user bulk-create --count N)")
	fs.StringVar(&cfg.Prefix, "prefix", cfg.Prefix, "username `prefix` of the bench users, and of signups (prefix-runid-counter)")
	fs.StringVar(&cfg.Password, "password", cfg.Password, "`password` of the bench users (required by login and authed); also the one the hash scenario hashes")

	fs.StringVar(&cfg.LoginPath, "login-path", cfg.LoginPath, "login page `path` (may carry a query; ?next=<authed-path> is added unless it has next)")
	fs.StringVar(&cfg.SignupPath, "signup-path", cfg.SignupPath, "signup page `path` (like -login-path)")
	fs.StringVar(&cfg.AuthedPath, "authed-path", cfg.AuthedPath, "login-required page `path` that shows the user")
	fs.StringVar(&cfg.LoginField, "login-field", cfg.LoginField, "login form's username (or email) field `name`")
	fs.StringVar(&cfg.PasswordField, "password-field", cfg.PasswordField, "login form's password field `name`")
	fs.StringVar(&cfg.SignupUsernameField, "signup-username-field", cfg.SignupUsernameField, "signup form's username field `name`")
	fs.StringVar(&cfg.SignupEmailField, "signup-email-field", cfg.SignupEmailField, "signup form's email field `name` (\"\": none)")
	fs.StringVar(&cfg.SignupPassword1Field, "signup-password1-field", cfg.SignupPassword1Field, "signup form's password field `name`")
	fs.StringVar(&cfg.SignupPassword2Field, "signup-password2-field", cfg.SignupPassword2Field, "signup form's password confirmation field `name` (\"\": none)")
	fs.StringVar(&cfg.ExpectText, "expect-text", cfg.ExpectText, "`text` that the page after login/signup and the authed page must contain; {username} is the user's name; \"\" checks nothing")

	fs.StringVar(&cfg.Hash.Algorithm, "hasher", cfg.Hash.Algorithm, "hash scenario's `hasher`: "+strings.Join(HasherNames, "|")+" (else $"+EnvHasher+")")
	fs.IntVar(&cfg.Hash.PBKDF2Iterations, "pbkdf2-iterations", cfg.Hash.PBKDF2Iterations, "pbkdf2_sha256 iterations, 0: default (else $"+EnvPBKDF2Iterations+")")
	fs.UintVar(&c.argon2Memory, "argon2-memory-kib", 0, "argon2 memory in KiB, 0: default (else $"+EnvArgon2MemoryKiB+")")
	fs.UintVar(&c.argon2Time, "argon2-time", 0, "argon2 passes, 0: default (else $"+EnvArgon2Time+")")
	fs.UintVar(&c.argon2Threads, "argon2-threads", 0, "argon2 lanes, 0: default (else $"+EnvArgon2Threads+")")
	fs.IntVar(&cfg.Hash.BcryptCost, "bcrypt-cost", cfg.Hash.BcryptCost, "bcrypt_sha256 cost, 0: default (else $"+EnvBcryptCost+")")

	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&c.Out, "out", "", "also write the JSON report to `file`")
}

// Finish completes c.Config after fs has been parsed: it splits -scenario,
// converts the argon2 flags, and reads GATEHOUSE_PASSWORD_* with getenv for
// every hash flag not given on the command line. It does not Validate.
func (c *CLI) Finish(fs *flag.FlagSet, getenv func(string) string) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (flags only)", fs.Args())
	}
	c.Config.Scenarios = nil
	for _, s := range strings.Split(c.scenarios, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Config.Scenarios = append(c.Config.Scenarios, strings.ToLower(s))
		}
	}
	var errs []error
	if c.argon2Memory > math.MaxUint32 {
		errs = append(errs, errors.New("-argon2-memory-kib too large"))
	}
	if c.argon2Time > math.MaxUint32 {
		errs = append(errs, errors.New("-argon2-time too large"))
	}
	if c.argon2Threads > math.MaxUint8 {
		errs = append(errs, errors.New("-argon2-threads must be ≤ 255"))
	}
	h := &c.Config.Hash
	h.Argon2MemoryKiB, h.Argon2Time, h.Argon2Threads = uint32(c.argon2Memory), uint32(c.argon2Time), uint8(c.argon2Threads)
	h.Algorithm = strings.ToLower(strings.TrimSpace(h.Algorithm))
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if err := h.ApplyEnv(getenv, given); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
