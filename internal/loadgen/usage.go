package loadgen

import (
	"flag"
	"fmt"
	"io"
)

// usageHead is the -h text before the flags; the package doc says the same.
const usageHead = `gatehouse-bench drives a running Gatehouse (or any server with HTML login
forms: paths and field names are flags) over HTTP like a browser, each
virtual user with its own cookie jar, and reports operations per second,
latency percentiles (p50/p90/p99/max) and errors per scenario.

Usage:
  gatehouse-bench [flags]

Examples:
  gatehouse migrate
  gatehouse user bulk-create --count 100 --prefix bench --password "$PW"
  gatehouse-bench -scenario baseline,authed,page -password "$PW"
  gatehouse-bench -scenario hash,login,signup -users 100 -password "$PW" -duration 10s -out bench.json
  gatehouse-bench -scenario page -c 32 -n 50000 -json

Scenarios (-scenario a,b,c runs them in order and prints one table):
  baseline  GET a bare net/http handler served on 127.0.0.1 by a process of
            its own that the tool starts, as a server is (the ceiling of
            authed and page)
  baseline-inproc  the same handler served inside the tool's process:
            the client's own limit, which no server process reaches
  page      anonymous GET of the login page
  authed    each virtual user logs in once (as prefix{i % users}), then GETs
            the authed page (-authed-path) repeatedly
  hash      verify a precomputed password hash in a loop, NumCPU workers
            (or -c), with the hasher the server uses (-hasher and its
            parameters, each read from the server's GATEHOUSE_PASSWORD_*
            variable when the flag is not given): the ceiling of login and
            signup
  login     new cookies, GET the login form, POST credentials (copying the
            form's hidden inputs), expect a redirect, follow it, check the
            page shows the user (-expect-text)
  signup    like login with the signup form and a new user each time
            (prefix-runid-counter, strong random password)

An operation is one scenario iteration: one request for baseline, page and
authed, one whole login or signup (about 3 requests), one verification for
hash. ops/s counts successful operations over the wall time; latencies are
those of successful operations. On Linux a second table gives the CPU time
per operation of the tool's process and of the server's (the process
listening on the target's port, or the baseline's own server). Errors are counted by kind ("status 500",
"body", "form", "redirect", "transport", "hash") with a few samples.

Ratios to ceilings (when both scenarios ran) and the project's targets:
authed ≥ 50% of baseline, page ≥ 70% of baseline, login ≥ 90% of hash,
signup ≥ 80% of hash.

Only loopback targets are driven: the target's host must be 127.0.0.0/8,
::1 or a name (such as localhost) that resolves only to those, and every
connection is checked again when it is dialed.

Exit status: 0 if every scenario ran without errors, 1 if one could not
run or had errors, 2 for bad flags or a refused target.

Flags:
`

// PrintUsage writes the -h text: the description above and fs's flags.
func PrintUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, usageHead)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}
