// Package loadgen is the engine of cmd/gatehouse-bench: it drives a running
// Gatehouse (or any server with HTML login forms: paths and field names are
// flags) over HTTP like a browser, each virtual user with its own cookie
// jar, and reports operations per second, latency percentiles
// (p50/p90/p99/max) and errors per scenario, as a table or as JSON.
//
// # Usage
//
//	gatehouse migrate
//	gatehouse user bulk-create --count 100 --prefix bench --password "$PW"
//	gatehouse-bench -scenario baseline,authed,page -password "$PW"
//	gatehouse-bench -scenario hash,login,signup -users 100 -password "$PW" -duration 10s -out bench.json
//	gatehouse-bench -scenario page -c 32 -n 50000 -json
//
// # Scenarios
//
// -scenario a,b,c runs scenarios in order and prints one table:
//
//   - baseline: GET a bare net/http handler served on 127.0.0.1 by a
//     process of its own, the tool's executable started again as the
//     server (see ServeBaselineIfChild): the ceiling of authed and page.
//   - baseline-inproc: the same handler served inside the tool's process,
//     where it shares one Go scheduler with the client: the client's own
//     limit, which no server process reaches.
//   - page: anonymous GET of the login page (-login-path).
//   - authed: each virtual user logs in once as prefix{i % users}, then GETs
//     the authed page (-authed-path) repeatedly.
//   - hash: verify a precomputed password hash in a loop with NumCPU workers
//     (or -c), with the hasher the server uses (-hasher, -pbkdf2-iterations,
//     -argon2-memory-kib, -argon2-time, -argon2-threads, -bcrypt-cost, each
//     read from GATEHOUSE_PASSWORD_HASHER,
//     GATEHOUSE_PASSWORD_PBKDF2_ITERATIONS,
//     GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB, GATEHOUSE_PASSWORD_ARGON2_TIME,
//     GATEHOUSE_PASSWORD_ARGON2_THREADS or GATEHOUSE_PASSWORD_BCRYPT_COST
//     when the flag is not given; zero means the password package's
//     default), verifying through a password.Set as the server does: the
//     ceiling of login and signup.
//   - login: new cookies, GET the login form, POST the credentials (-users,
//     -prefix, -password; fields -login-field and -password-field) with the
//     form's hidden inputs (csrfmiddlewaretoken, next …) copied, expect a
//     redirect, follow it, check the page shows the user (-expect-text).
//   - signup: like login with the signup form (-signup-path,
//     -signup-username-field, -signup-email-field, -signup-password1-field,
//     -signup-password2-field) and a new user each time: prefix-runid-counter
//     with a strong random password.
//
// Login and signup add ?next=<-authed-path> to the form's URL unless it has
// a next parameter, like a browser sent to the login page by the authed
// page. Every POST carries Origin (the target's origin) and Sec-Fetch-Site:
// same-origin, which Go's http.CrossOriginProtection and Django accept.
//
// # Measurements
//
// An operation is one scenario iteration: one request for baseline, page
// and authed, one whole login or signup (about 3 requests), one
// verification for hash. Each scenario runs -warmup unmeasured, then
// -duration or -n operations, whichever ends first, with -c workers
// (-concurrency is the same flag). Every latency is kept in a slice
// allocated up front (bounded by -n), so percentiles are exact; ops/s is
// successful operations over the wall time. Errors are counted by kind
// ("status 500", "body", "form", "redirect", "transport", "hash") with a few
// samples. All virtual users share one http.Transport with keep-alive and
// enough idle connections per host; each request has -timeout.
//
// On Linux the report also gives the CPU time per operation of the tool's
// own process and of the server's: the process listening on the target's
// port (found through /proc/net/tcp and the processes' file descriptors),
// or the baseline server the tool started. Tool and server share the
// machine's cores, so these show where a scenario's time goes: for login,
// the server's CPU per login against the hash scenario's CPU per hash.
//
// Where a scenario's ceiling also ran, the report gives the ratio and the
// project's target: authed ≥ 50% of baseline, page ≥ 70% of baseline,
// login ≥ 90% of hash, signup ≥ 80% of hash.
//
// The report is a table on standard output, or JSON with -json; -out writes
// the JSON to a file as well. See Report for the JSON schema.
//
// # Safety
//
// Only loopback targets are driven (-target): the host must be
// 127.0.0.0/8, ::1 or a name such as localhost that resolves only to those,
// and every connection is checked again when it is dialed, so a redirect to
// another host fails instead of leaving the machine.
//
// Exit status: 0 if every scenario ran without errors, 1 if one could not
// run or had errors, 2 for bad flags or a refused target. Reports are
// written even when the status is 1. The -json and -out flags choose the
// output.
package loadgen
