package loadgen

import (
	"flag"
	"go/parser"
	"go/token"
	"io"
	"strings"
	"testing"
	"time"
)

// parseCLI parses args with env as the environment.
func parseCLI(t *testing.T, env map[string]string, args ...string) (*CLI, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c CLI
	c.Bind(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return &c, c.Finish(fs, func(k string) string { return env[k] })
}

func TestCLIDefaultsAndFlags(t *testing.T) {
	c, err := parseCLI(t, nil, "-scenario", "baseline, Authed,page", "-c", "16", "-n", "500", "-duration", "3s",
		"-users", "10", "-password", "pw", "-login-field", "email", "-json", "-out", "r.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config
	if strings.Join(cfg.Scenarios, ",") != "baseline,authed,page" || cfg.Concurrency != 16 || cfg.MaxOps != 500 ||
		cfg.Duration != 3*time.Second || cfg.Users != 10 || cfg.LoginField != "email" || !c.JSON || c.Out != "r.json" {
		t.Fatalf("cli = %+v", c)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if c, _ := parseCLI(t, nil, "-concurrency", "3"); c.Config.Concurrency != 3 {
		t.Error("-concurrency is -c")
	}
	d, _ := parseCLI(t, nil)
	if d.Config.Target != DefaultTarget || d.Config.Hash.Algorithm != "argon2" || d.Config.ExpectText != "{username}" {
		t.Errorf("defaults = %+v", d.Config)
	}
	if _, err := parseCLI(t, nil, "extra"); err == nil {
		t.Error("positional arguments accepted")
	}
}

func TestCLIHashEnv(t *testing.T) {
	env := map[string]string{
		EnvHasher: "PBKDF2_SHA256", EnvPBKDF2Iterations: "5000",
		EnvArgon2MemoryKiB: "65536", EnvArgon2Time: "3", EnvArgon2Threads: "4", EnvBcryptCost: "10",
	}
	c, err := parseCLI(t, env, "-scenario", "hash")
	if err != nil {
		t.Fatal(err)
	}
	want := HashConfig{Algorithm: "pbkdf2_sha256", PBKDF2Iterations: 5000, Argon2MemoryKiB: 65536, Argon2Time: 3, Argon2Threads: 4, BcryptCost: 10}
	if c.Config.Hash != want {
		t.Errorf("from env: %+v, want %+v", c.Config.Hash, want)
	}
	// Flags win over the environment, even when set to the default value.
	c, err = parseCLI(t, env, "-hasher", "argon2", "-argon2-time", "0", "-pbkdf2-iterations", "7")
	if err != nil {
		t.Fatal(err)
	}
	want = HashConfig{Algorithm: "argon2", PBKDF2Iterations: 7, Argon2MemoryKiB: 65536, Argon2Time: 0, Argon2Threads: 4, BcryptCost: 10}
	if c.Config.Hash != want {
		t.Errorf("flags over env: %+v, want %+v", c.Config.Hash, want)
	}
	if _, err := parseCLI(t, map[string]string{EnvArgon2Threads: "300"}); err == nil {
		t.Error("out-of-range env accepted")
	}
	if _, err := parseCLI(t, nil, "-argon2-threads", "256"); err == nil {
		t.Error("-argon2-threads 256 accepted")
	}
}

func TestValidate(t *testing.T) {
	bad := []func(*Config){
		func(c *Config) { c.Scenarios = nil },
		func(c *Config) { c.Scenarios = []string{"nope"} },
		func(c *Config) { c.Duration = 0 },
		func(c *Config) { c.MaxOps = 0 },
		func(c *Config) { c.MaxOps = MaxMaxOps + 1 },
		func(c *Config) { c.Concurrency = -1 },
		func(c *Config) { c.Scenarios = []string{"login"}; c.Password = "" },
		func(c *Config) { c.Scenarios = []string{"authed"}; c.Users = 0 },
		func(c *Config) { c.Scenarios = []string{"hash"}; c.Hash.Algorithm = "md5" },
		func(c *Config) { c.Scenarios = []string{"hash"}; c.Hash.BcryptCost = 3 },
	}
	for i, mutate := range bad {
		cfg := DefaultConfig()
		cfg.Password = "pw"
		mutate(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("case %d: invalid config accepted", i)
		}
	}
	cfg := DefaultConfig()
	cfg.Scenarios = []string{"baseline", "page", "hash", "signup"} // no password needed
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

// TestUsageDocumentsEveryFlag keeps the package doc and -h in step with the
// flags.
func TestUsageDocumentsEveryFlag(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	fs := flag.NewFlagSet("gatehouse-bench", flag.ContinueOnError)
	var c CLI
	c.Bind(fs)
	var usage strings.Builder
	PrintUsage(&usage, fs)
	fs.VisitAll(func(fl *flag.Flag) {
		if !strings.Contains(doc, "-"+fl.Name) {
			t.Errorf("package doc does not mention -%s", fl.Name)
		}
		if !strings.Contains(usage.String(), "-"+fl.Name) {
			t.Errorf("-h does not mention -%s", fl.Name)
		}
	})
	for _, name := range ScenarioNames() {
		if !strings.Contains(doc, name+":") || !strings.Contains(usage.String(), "  "+name+" ") {
			t.Errorf("scenario %s undocumented", name)
		}
	}
	for _, fe := range hashEnv {
		if !strings.Contains(doc, fe.env) {
			t.Errorf("package doc does not mention %s", fe.env)
		}
	}
}
