// Package mailtest runs a real mailpit SMTP sink for tests, in the style of
// net/http/httptest: [Start] launches a private mailpit process on free
// loopback ports with its database in the test's temporary directory, and
// stops it when the test ends. Messages sent to [Sink.SMTPURL] are read back
// through mailpit's REST API with [Sink.Messages] and [Sink.WaitFor].
//
// The mailpit binary (github.com/axllent/mailpit v1.33.1, installed with
// `go install github.com/axllent/mailpit@v1.33.1`) is looked up in $MAILPIT,
// then PATH, $GOBIN, and the bin directory of every GOPATH entry (as `go env
// GOPATH` reports it). When it is missing the test is skipped, unless the
// environment has CI=true, in which case the test fails.
package mailtest
