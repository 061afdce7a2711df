package account

import (
	"errors"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/ratelimit"
)

// Stable error codes. The adapters translate them (catalog key "error.<code>")
// and pick HTTP statuses; the codes never change meaning.
const (
	CodeInvalidCredentials = "invalid_credentials"
	CodeTooManyAttempts    = "too_many_attempts"
	CodeRequired           = "required"
	CodeUsernameInvalid    = "username_invalid"
	CodeUsernameTaken      = "username_taken"
	CodeUsernameConfusable = "username_confusable"
	CodeEmailInvalid       = "email_invalid"
	CodeEmailTaken         = "email_taken"
	CodePasswordMismatch   = "password_mismatch"
	CodePasswordIncorrect  = "password_incorrect"
	CodePasswordContext    = "password_context"
	CodeInputTooLong       = "input_too_long"
	CodeSignupClosed       = "signup_closed"
	// CodeReauthenticationRequired: the action needs the password again
	// (the last authentication is older than ReauthenticationTimeout).
	CodeReauthenticationRequired = "reauthentication_required"
	// CodeStagePending: the login has a stage left (see Login, NextStage).
	CodeStagePending = "stage_pending"
	// CodeLoginExpired: no login (or reset) in progress: it expired,
	// finished, or never began in this browser.
	CodeLoginExpired = "login_expired"
	// CodeCodeIncorrect: a mailed code was mistyped (attempts remain).
	CodeCodeIncorrect = "code_incorrect"
	// CodeCodeExpired: a mailed code expired or ran out of attempts; ask
	// for a new one.
	CodeCodeExpired = "code_expired"
	// CodeConfirmationInvalid: an email confirmation link is wrong,
	// expired, or for an address that changed.
	CodeConfirmationInvalid = "confirmation_invalid"
	// CodeResetKeyInvalid: a password-reset link is wrong, expired or
	// already used.
	CodeResetKeyInvalid = "reset_key_invalid"
	// CodeEmailAlreadyYours: the address is already one of the user's.
	CodeEmailAlreadyYours = "email_already_yours"
	// CodeTooManyEmails: the user has Config.MaxEmailAddresses already.
	CodeTooManyEmails = "too_many_emails"
	// CodeEmailUnknown: the address is not one of the user's (or, to
	// resend, not one waiting for confirmation).
	CodeEmailUnknown = "email_unknown"
	// CodeEmailUnverifiedPrimary: an unverified address cannot become
	// primary while a verified one exists.
	CodeEmailUnverifiedPrimary = "email_unverified_primary"
	// CodeEmailPrimaryRemove: the primary address cannot be removed.
	CodeEmailPrimaryRemove = "email_primary_remove"
	// CodeEmailLastWayIn: the last verified address is the only way in.
	CodeEmailLastWayIn = "email_last_way_in"
	// CodePasswordAlreadySet: the user has a password; change it instead.
	CodePasswordAlreadySet = "password_already_set"
	// CodeLoginByCodeDisabled: login by code is not enabled here.
	CodeLoginByCodeDisabled = "login_by_code_disabled"
	// CodeEmailMismatch: the address typed twice differs.
	CodeEmailMismatch = "email_mismatch"
	// CodeAccountInactive: the credentials are right but the account is
	// inactive (shown only to who typed the right password).
	CodeAccountInactive = "account_inactive"
)

// Error is one problem a user can act on: a stable Code, the form Field it
// belongs to ("" for the whole form), parameters for the message, and the
// underlying cause (never shown to users).
type Error struct {
	Code   string
	Field  string
	Params map[string]any
	Err    error
	// RetryAfter is, for CodeTooManyAttempts, how long until the limit's
	// window ends and an attempt can succeed again.
	RetryAfter time.Duration
}

// tooMany is the CodeTooManyAttempts error of a counter past its limit.
func tooMany(c ratelimit.Counter, now time.Time) *Error {
	return &Error{Code: CodeTooManyAttempts, RetryAfter: c.RetryAfter(now)}
}

func (e *Error) Error() string {
	s := "account: " + e.Code
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors is several problems found at once (a form with two bad fields).
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// AsErrors flattens err into the user-facing problems it carries: an Errors, a
// single *Error, or nothing (for internal failures).
func AsErrors(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}

// HasCode reports whether err carries a problem with the code.
func HasCode(err error, code string) bool {
	for _, e := range AsErrors(err) {
		if e.Code == code {
			return true
		}
	}
	return false
}

func fieldErr(field, code string, params map[string]any) *Error {
	return &Error{Code: code, Field: field, Params: params}
}

// FieldError returns the problem code on form field field, for flows built
// on the account's (the second factor's code field).
func FieldError(field, code string) *Error { return fieldErr(field, code, nil) }
