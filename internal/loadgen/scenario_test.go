package loadgen

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// testConfig returns a short run against site with its users.
func testConfig(site *testSite, scenario string, n int64) Config {
	cfg := DefaultConfig()
	cfg.Target = site.URL
	cfg.Scenarios = []string{scenario}
	cfg.Duration = 10 * time.Second // bounded by n
	cfg.Warmup = 0
	cfg.MaxOps = n
	cfg.Concurrency = 2
	cfg.Users = 3
	cfg.Password = testPassword
	return cfg
}

// runOne runs cfg and returns its only row.
func runOne(t *testing.T, cfg Config) ScenarioReport {
	t.Helper()
	rep, err := RunSuite(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Scenarios) != 1 {
		t.Fatalf("got %d rows, want 1", len(rep.Scenarios))
	}
	return rep.Scenarios[0]
}

// wantClean fails unless row ran n operations without errors.
func wantClean(t *testing.T, row ScenarioReport, n int64) {
	t.Helper()
	if row.Failed != "" || row.Ops != n || row.OK != n || row.Errors != 0 || row.Stop != StopMaxOps {
		t.Fatalf("row = %+v, want %d clean ops stopped by max_ops", row, n)
	}
	if row.OpsPerSec <= 0 || row.LatencyMS.P50 <= 0 || row.LatencyMS.Max < row.LatencyMS.P99 {
		t.Fatalf("bad numbers: %+v", row)
	}
}

func TestPageScenario(t *testing.T) {
	site := newTestSite(t, 3, false)
	row := runOne(t, testConfig(site, "page", 20))
	wantClean(t, row, 20)
	if row.HTTPRequests != 20 {
		t.Errorf("http_requests = %d, want 20", row.HTTPRequests)
	}
	if site.logins.Load() != 0 {
		t.Errorf("page logged in")
	}
}

func TestLoginScenario(t *testing.T) {
	for _, secure := range []bool{false, true} {
		site := newTestSite(t, 3, secure)
		row := runOne(t, testConfig(site, "login", 12))
		wantClean(t, row, 12)
		if got := site.logins.Load(); got != 12 {
			t.Errorf("secure=%v: site saw %d logins, want 12", secure, got)
		}
		// GET form, POST, GET dashboard.
		if row.HTTPRequests != 36 {
			t.Errorf("secure=%v: http_requests = %d, want 36", secure, row.HTTPRequests)
		}
		if site.dashboards.Load() != 12 {
			t.Errorf("secure=%v: dashboard shown %d times, want 12", secure, site.dashboards.Load())
		}
		site.mu.Lock()
		users := slices.Sorted(slices.Values(slices.Compact(slices.Sorted(slices.Values(site.loggedIn)))))
		site.mu.Unlock()
		if !slices.Equal(users, []string{"bench0", "bench1", "bench2"}) {
			t.Errorf("secure=%v: logged in as %v, want bench0..2", secure, users)
		}
	}
}

func TestLoginWrongPasswordFails(t *testing.T) {
	site := newTestSite(t, 3, false)
	cfg := testConfig(site, "login", 5)
	cfg.Password = "wrong"
	row := runOne(t, cfg)
	// The site answers 200 with the form echoing the username: that must
	// not pass for a login.
	if row.OK != 0 || row.Errors != 5 || row.ErrorKinds["status 200"] != 5 {
		t.Fatalf("row = %+v, want 5 errors of kind status 200", row)
	}
	if len(row.ErrorSamples) == 0 || !strings.Contains(row.ErrorSamples[0], "want a redirect") {
		t.Errorf("samples = %q", row.ErrorSamples)
	}
}

func TestLoginWrongFieldIsFormError(t *testing.T) {
	site := newTestSite(t, 3, false)
	cfg := testConfig(site, "login", 3)
	cfg.LoginField = "username" // the site's field is "login"
	row := runOne(t, cfg)
	if row.Errors != 3 || row.ErrorKinds[KindForm] != 3 {
		t.Fatalf("row = %+v, want 3 form errors", row)
	}
}

func TestLoginExpectText(t *testing.T) {
	site := newTestSite(t, 3, false)
	cfg := testConfig(site, "login", 4)
	cfg.ExpectText = "Signed in as <b>{username}</b>"
	wantClean(t, runOne(t, cfg), 4)

	cfg.ExpectText = "not on the page"
	row := runOne(t, cfg)
	if row.ErrorKinds[KindBody] != 4 {
		t.Fatalf("row = %+v, want 4 body errors", row)
	}
}

func TestAuthedScenario(t *testing.T) {
	site := newTestSite(t, 3, true)
	cfg := testConfig(site, "authed", 30)
	cfg.Concurrency = 4
	row := runOne(t, cfg)
	wantClean(t, row, 30)
	if got := site.logins.Load(); got != 4 {
		t.Errorf("site saw %d logins, want one per virtual user (4)", got)
	}
	// 30 measured GETs plus the 4 that ended each login.
	if got := site.dashboards.Load(); got != 34 {
		t.Errorf("dashboard shown %d times, want 34", got)
	}
	if row.HTTPRequests != 30 {
		t.Errorf("http_requests = %d, want 30", row.HTTPRequests)
	}
}

func TestAuthedBadPasswordDoesNotRun(t *testing.T) {
	site := newTestSite(t, 3, false)
	cfg := testConfig(site, "authed", 5)
	cfg.Password = "wrong"
	row := runOne(t, cfg)
	if row.Failed == "" || !strings.Contains(row.Failed, "logging in as bench") {
		t.Fatalf("row = %+v, want a setup failure", row)
	}
}

func TestSignupScenario(t *testing.T) {
	site := newTestSite(t, 3, false)
	rep, err := RunSuite(context.Background(), testConfig(site, "signup", 6), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	wantClean(t, rep.Scenarios[0], 6)
	if site.signups.Load() != 6 || site.userCount() != 9 {
		t.Fatalf("signups = %d, users = %d; want 6 and 9", site.signups.Load(), site.userCount())
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	n := 0
	for name, pw := range site.users {
		if strings.HasPrefix(name, "bench-"+rep.RunID+"-") {
			n++
			if len(pw) < 16 {
				t.Errorf("weak password %q", pw)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d users named bench-%s-*, want 6", n, rep.RunID)
	}
}

func TestBaselineScenarios(t *testing.T) {
	for _, name := range []string{"baseline", "baseline-inproc"} {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Scenarios = []string{name}
			cfg.Warmup = 0
			cfg.Duration = 10 * time.Second
			cfg.MaxOps = 50
			cfg.Concurrency = 2
			// The default target (nothing listens there) is not used by baseline.
			rep, err := RunSuite(context.Background(), cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			row := rep.Scenarios[0]
			wantClean(t, row, 50)
			if !strings.HasPrefix(row.URL, "http://127.0.0.1:") {
				t.Errorf("%s URL %q", name, row.URL)
			}
		})
	}
}

// TestBaselineProcess checks that the baseline server is another process,
// serves the baseline page, and is gone once stopped: it exits when its
// standard input closes, which is also what happens if the tool dies.
func TestBaselineProcess(t *testing.T) {
	p, err := startBaselineProcess(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pid := p.cmd.Process.Pid; pid == os.Getpid() {
		t.Fatal("the baseline server runs in the tool's process")
	}
	resp, err := http.Get("http://" + p.addr + "/")
	if err != nil {
		p.kill()
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, baselineBody) {
		t.Errorf("GET: %d %q", resp.StatusCode, body)
	}
	if err := p.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !p.cmd.ProcessState.Exited() || p.cmd.ProcessState.ExitCode() != 0 {
		t.Errorf("baseline process ended with %v", p.cmd.ProcessState)
	}
	if c, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after stop", p.addr)
	}
}

func TestUnreachableTargetDoesNotRun(t *testing.T) {
	site := newTestSite(t, 1, false)
	cfg := testConfig(site, "page", 5)
	site.Close()
	row := runOne(t, cfg)
	if row.Failed == "" || !strings.Contains(row.Failed, "unreachable") || row.Ops != 0 {
		t.Fatalf("row = %+v, want 'target unreachable'", row)
	}
}

func TestDurationBoundsRun(t *testing.T) {
	site := newTestSite(t, 3, false)
	cfg := testConfig(site, "page", DefaultMaxOps)
	cfg.Duration = 200 * time.Millisecond
	start := time.Now()
	row := runOne(t, cfg)
	if row.Stop != StopDuration || row.Ops == 0 || row.Errors != 0 {
		t.Fatalf("row = %+v, want a clean run stopped by duration", row)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("200ms run took %s", el)
	}
}

// fakeHasher stands in for a password.Hasher.
type fakeHasher struct{}

// Hash returns "fake$" + pw.
func (*fakeHasher) Hash(pw string) (string, error) { return "fake$" + pw, nil }

// Verify takes 100µs and checks enc is Hash(pw).
func (*fakeHasher) Verify(pw, enc string) (bool, error) {
	time.Sleep(100 * time.Microsecond)
	return enc == "fake$"+pw, nil
}

func TestHashScenario(t *testing.T) {
	cfg := DefaultConfig()
	e := &env{cfg: &cfg, newHasher: func(HashConfig) (Verifier, error) { return &fakeHasher{}, nil }}
	w, err := newHash(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), w, RunOptions{Concurrency: 2, Duration: 10 * time.Second, MaxOps: 40})
	if err != nil {
		t.Fatal(err)
	}
	if res.Succeeded != 40 || res.Failed != 0 || res.Requests != 0 || res.Latency.P50 < 100*time.Microsecond {
		t.Fatalf("result = %+v", res)
	}
}

// TestSiteChecksOriginAndToken makes sure the test site would catch a
// client that sent a cross-site POST or dropped the hidden inputs.
func TestSiteChecksOriginAndToken(t *testing.T) {
	site := newTestSite(t, 1, false)
	b := NewBrowser(NewTransport(1, nil), 0)
	ctx := context.Background()
	login, _ := url.Parse(site.URL + "/accounts/login/")
	if _, err := b.Get(ctx, login); err != nil { // sets the CSRF cookie
		t.Fatal(err)
	}
	creds := url.Values{"login": {"bench0"}, "password": {testPassword}}
	other, _ := url.Parse("http://localhost:1/")
	p, err := b.PostForm(ctx, other, login, creds)
	if err != nil || p.Status != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %v, %d; want 403", err, p.Status)
	}
	p, err = b.PostForm(ctx, login, login, creds)
	if err != nil || p.Status != http.StatusForbidden {
		t.Fatalf("POST without csrfmiddlewaretoken: %v, %d; want 403", err, p.Status)
	}
	if site.logins.Load() != 0 {
		t.Fatal("logged in without the checks")
	}
}
