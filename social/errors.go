package social

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/gatehouse-auth/gatehouse/account"
)

// Stable error codes of social login, carried by *account.Error as the
// account flows' are (the adapters translate "error.<code>" and pick the
// page: allauth's /accounts/3rdparty/login/cancelled/ for CodeCancelled,
// /accounts/3rdparty/login/error/ for the provider's and the state's). The
// account codes apply on this path too: CodeTooManyAttempts (a locked
// account, SECURITY.md L3), CodeAccountInactive, CodeSignupClosed,
// CodeReauthenticationRequired, and the field codes of the signup form.
const (
	// CodeCancelled: the user declined at the provider (error=access_denied).
	CodeCancelled = "social_cancelled"
	// CodeProviderError: the provider answered with an error, or with
	// something that does not hold (a bad ID token, a signature that does
	// not match, a profile without an id, a response too large).
	CodeProviderError = "social_provider_error"
	// CodeStateInvalid: the callback's state is not one this browser began
	// and has not used: missing, altered, expired, replayed, another
	// browser's, or sent to another provider's callback.
	CodeStateInvalid = "social_state_invalid"
	// CodeTimeout: the provider did not answer in time.
	CodeTimeout = "social_timeout"
	// CodeProviderDown: the provider could not be reached or failed (5xx).
	CodeProviderDown = "social_provider_unavailable"
	// CodeUnknownProvider: no app of that provider (and app id) is
	// configured.
	CodeUnknownProvider = "social_unknown_provider"
	// CodeAccountTaken: the provider's account is connected to another user.
	CodeAccountTaken = "social_account_taken"
	// CodeLastWayIn: disconnecting would leave the user no way to log in
	// (no usable password, no verified address to get a login code at, no
	// other connection).
	CodeLastWayIn = "social_last_way_in"
	// CodeNotConnected: the connection is not one of the user's.
	CodeNotConnected = "social_not_connected"
	// CodeWrongAccount: a reauthentication came back with a provider
	// account that is not the signed-in user's.
	CodeWrongAccount = "social_wrong_account"
)

// Codes lists every code above, for the adapters' catalogs.
var Codes = []string{CodeCancelled, CodeProviderError, CodeStateInvalid, CodeTimeout, CodeProviderDown,
	CodeUnknownProvider, CodeAccountTaken, CodeLastWayIn, CodeNotConnected, CodeWrongAccount}

// ErrResponseTooLarge is the outbound client's error for a response body
// over Outbound.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("social: the provider's response is too large")

// ErrPrivateAddress is the outbound client's error for a connection to a
// loopback, private or link-local address that Outbound does not allow.
var ErrPrivateAddress = errors.New("social: refusing to connect to a private or loopback address")

// ErrInsecureURL is the error for a provider URL that is not https (plain
// http is allowed only to hosts Outbound lets be private).
var ErrInsecureURL = errors.New("social: provider URLs must be https")

// statusError is a provider's answer with an HTTP error status.
type statusError struct{ status int }

func (e *statusError) Error() string { return "social: provider answered " + http.StatusText(e.status) }

// failure is a refusal with its stable code and a reason that is safe to
// log (never a token, code, secret or state).
type failure struct {
	code   string
	reason string
}

func (f *failure) Error() string { return "social: " + f.reason }

// fail returns the *account.Error of code, its cause a failure with a
// log-safe reason.
func fail(code, reason string) *account.Error {
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "") + "…"
	}
	return &account.Error{Code: code, Err: &failure{code, reason}}
}

// maxReason bounds a reason in the log: a provider's error text (a
// discovery document's body …) is cut there.
const maxReason = 200

// classify turns an outbound or protocol error into the user's code and a
// log-safe reason. The reason names the kind of failure, an HTTP status and
// an OAuth error code; never a body, which may hold tokens.
func classify(err error, what string) *account.Error {
	var re *oauth2.RetrieveError
	var se *statusError
	var ne net.Error
	switch {
	case errors.Is(err, ErrPrivateAddress):
		return fail(CodeProviderError, what+": private address refused")
	case errors.Is(err, ErrInsecureURL):
		return fail(CodeProviderError, what+": not https")
	case errors.Is(err, ErrResponseTooLarge):
		return fail(CodeProviderError, what+": response too large")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fail(CodeTimeout, what+": timeout")
	case errors.As(err, &re):
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if status >= 500 {
			return fail(CodeProviderDown, what+": status "+http.StatusText(status))
		}
		return fail(CodeProviderError, what+": error "+safeToken(re.ErrorCode)+" status "+http.StatusText(status))
	case errors.As(err, &se):
		if se.status >= 500 {
			return fail(CodeProviderDown, what+": status "+http.StatusText(se.status))
		}
		return fail(CodeProviderError, what+": status "+http.StatusText(se.status))
	case errors.As(err, &ne):
		return fail(CodeProviderDown, what+": unreachable")
	}
	return fail(CodeProviderError, what+": "+err.Error())
}

// safeToken returns s when it looks like an OAuth error code (a short
// word), else "other": provider-chosen text goes to the log only when it
// cannot carry a secret.
func safeToken(s string) string {
	if s == "" || len(s) > 40 {
		return "other"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return "other"
		}
	}
	return s
}
