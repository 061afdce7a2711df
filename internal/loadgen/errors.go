package loadgen

import (
	"errors"
	"fmt"
)

// Error kinds that a failed operation is counted under. A failed status check
// is counted under its own kind, "status NNN" (see StatusKind).
const (
	// KindTransport is a failure to get a response at all: refused
	// connection, reset, timeout, a body that could not be read.
	KindTransport = "transport"
	// KindBody is a response whose body lacks the expected text.
	KindBody = "body"
	// KindForm is a page without the expected form, or a form that cannot be
	// submitted (bad action URL).
	KindForm = "form"
	// KindRedirect is a redirect without a usable Location, or too many hops.
	KindRedirect = "redirect"
	// KindHash is a password verification that failed or returned an error.
	KindHash = "hash"
)

// OpError is the failure of one operation, classified by Kind for the report.
type OpError struct {
	Kind   string // KindTransport, KindBody, … or StatusKind(code)
	Detail string // human-readable, for the report's samples
}

// Error returns "kind: detail".
func (e *OpError) Error() string { return e.Kind + ": " + e.Detail }

// StatusKind is the error kind of an unexpected HTTP status code.
func StatusKind(code int) string { return fmt.Sprintf("status %d", code) }

// opErrorf returns an *OpError of kind with a formatted detail.
func opErrorf(kind, format string, args ...any) *OpError {
	return &OpError{Kind: kind, Detail: fmt.Sprintf(format, args...)}
}

// errorKind returns the kind err is counted under: its *OpError's Kind, or
// KindTransport for any other error.
func errorKind(err error) string {
	if oe, ok := errors.AsType[*OpError](err); ok {
		return oe.Kind
	}
	return KindTransport
}
