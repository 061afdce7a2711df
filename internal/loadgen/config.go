package loadgen

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Config is everything one invocation of gatehouse-bench needs. BindFlags
// fills it from the command line; DefaultConfig gives its defaults.
type Config struct {
	Target      string        // base URL of the server, loopback only
	Scenarios   []string      // scenario names, run in order
	Duration    time.Duration // measured phase of each scenario
	Warmup      time.Duration // unmeasured phase before it
	MaxOps      int64         // at most this many measured operations per scenario
	Concurrency int           // workers; 0: 4×NumCPU (≥ 4) for HTTP scenarios, NumCPU for hash
	Timeout     time.Duration // per HTTP request

	// Users of login and authed: Prefix{i % Users}, all with Password.
	Users    int
	Prefix   string
	Password string

	// Paths on the target (a path may carry a query).
	LoginPath  string
	SignupPath string
	AuthedPath string

	// Form field names.
	LoginField           string
	PasswordField        string
	SignupUsernameField  string
	SignupEmailField     string // "": not sent
	SignupPassword1Field string
	SignupPassword2Field string // "": not sent

	// ExpectText must appear on the page reached after logging in or signing
	// up, and on the authed page; "{username}" stands for the user's name,
	// and "" checks nothing.
	ExpectText string

	Hash HashConfig

	// Resolver resolves target names for the loopback check and every dial;
	// nil is the system resolver.
	Resolver Resolver
}

// Default values of Config and its flags.
const (
	DefaultTarget     = "http://127.0.0.1:8000"
	DefaultExpectText = "{username}"
	DefaultMaxOps     = 1_000_000
	// MaxMaxOps bounds -n: the latency slice takes 8 bytes per operation.
	MaxMaxOps = 50_000_000
)

// DefaultConfig returns the defaults: Gatehouse's (and django-allauth's)
// paths and field names on http://127.0.0.1:8000, the page scenario (the
// one that needs no users) for 10 s after a 1 s warm-up.
func DefaultConfig() Config {
	return Config{
		Target:               DefaultTarget,
		Scenarios:            []string{"page"},
		Duration:             10 * time.Second,
		Warmup:               time.Second,
		MaxOps:               DefaultMaxOps,
		Timeout:              30 * time.Second,
		Users:                100,
		Prefix:               "bench",
		LoginPath:            "/accounts/login/",
		SignupPath:           "/accounts/signup/",
		AuthedPath:           "/dashboard/",
		LoginField:           "login",
		PasswordField:        "password",
		SignupUsernameField:  "username",
		SignupEmailField:     "email",
		SignupPassword1Field: "password1",
		SignupPassword2Field: "password2",
		ExpectText:           DefaultExpectText,
		Hash:                 DefaultHashConfig(),
	}
}

// Validate checks c, including every scenario name, but not the target's
// address (RunSuite checks that before sending anything).
func (c *Config) Validate() error {
	var errs []error
	if len(c.Scenarios) == 0 {
		errs = append(errs, errors.New("no scenario given"))
	}
	for _, name := range c.Scenarios {
		if _, ok := lookupScenario(name); !ok {
			errs = append(errs, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(ScenarioNames(), ", ")))
		}
	}
	if c.Duration <= 0 {
		errs = append(errs, errors.New("-duration must be > 0"))
	}
	if c.Warmup < 0 {
		errs = append(errs, errors.New("-warmup must be ≥ 0"))
	}
	if c.MaxOps < 1 || c.MaxOps > MaxMaxOps {
		errs = append(errs, fmt.Errorf("-n must be in [1, %d]", MaxMaxOps))
	}
	if c.Concurrency < 0 || c.Concurrency > 10_000 {
		errs = append(errs, errors.New("-c must be in [0, 10000] (0: automatic)"))
	}
	if c.Timeout < 0 {
		errs = append(errs, errors.New("-timeout must be ≥ 0"))
	}
	if c.needsUsers() {
		if c.Users < 1 {
			errs = append(errs, errors.New("-users must be ≥ 1"))
		}
		if c.Password == "" {
			errs = append(errs, errors.New("login and authed need -password, the one the users were created with (gatehouse user bulk-create --password)"))
		}
	}
	if c.uses("hash") {
		if err := c.Hash.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// uses reports whether scenario name is among c's.
func (c *Config) uses(name string) bool {
	for _, s := range c.Scenarios {
		if s == name {
			return true
		}
	}
	return false
}

// needsUsers reports whether a scenario logs in existing users.
func (c *Config) needsUsers() bool { return c.uses("login") || c.uses("authed") }

// concurrencyFor returns the number of workers of scenario name.
func (c *Config) concurrencyFor(name string) int {
	switch {
	case c.Concurrency > 0:
		return c.Concurrency
	case name == "hash":
		return runtime.NumCPU()
	default:
		return max(4, 4*runtime.NumCPU())
	}
}

// expect returns the text to look for on a page of user's.
func (c *Config) expect(user string) string {
	return strings.ReplaceAll(c.ExpectText, "{username}", user)
}
