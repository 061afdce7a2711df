package loadgen

import "context"

// scenario describes one scenario: how to build its workload and, when it
// has one, the ceiling scenario it is measured against and the target ratio.
type scenario struct {
	name    string
	http    bool    // drives the target (so the target must be checked)
	ceiling string  // scenario whose ops/s bounds this one's, or ""
	target  float64 // the project's goal for ops/s ÷ ceiling's ops/s
	doc     string  // one line for -h
	build   func(ctx context.Context, e *env) (Workload, error)
}

// scenarios lists every scenario in the order -h shows them.
var scenarios = []scenario{
	{name: "baseline", build: newBaseline,
		doc: "GET a bare net/http handler in a process of its own, started by the tool on 127.0.0.1: the ceiling of authed and page"},
	{name: "baseline-inproc", build: newBaselineInProc,
		doc: "the same handler served inside the tool's process: the client's own limit, above any server's"},
	{name: "page", http: true, ceiling: "baseline", target: 0.70, build: newPage,
		doc: "anonymous GET of the login page"},
	{name: "authed", http: true, ceiling: "baseline", target: 0.50, build: newAuthed,
		doc: "log each virtual user in once, then GET the authed page repeatedly"},
	{name: "hash", ceiling: "", build: newHash,
		doc: "verify a password hash in a loop on every core: the ceiling of login and signup"},
	{name: "login", http: true, ceiling: "hash", target: 0.90, build: newLogin,
		doc: "GET the login form, POST credentials, follow the redirect, check the page shows the user"},
	{name: "signup", http: true, ceiling: "hash", target: 0.80, build: newSignup,
		doc: "sign up a new user (unique name, strong random password) each time, like login"},
}

// lookupScenario returns the scenario called name.
func lookupScenario(name string) (scenario, bool) {
	for _, s := range scenarios {
		if s.name == name {
			return s, true
		}
	}
	return scenario{}, false
}

// ScenarioNames returns the names of every scenario.
func ScenarioNames() []string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.name
	}
	return names
}

// noClose is embedded by workloads that hold nothing to release.
type noClose struct{}

// Close does nothing.
func (noClose) Close() error { return nil }
