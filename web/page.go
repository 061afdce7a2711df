package web

import (
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Page is the data every template receives. Templates reach translations
// through .L (see Localizer), the signed-in user through .User, and the
// page-specific data through .Data.
type Page struct {
	// L translates: {{.L.T "key"}}, {{.L.T "key" "name" value}} fills {name},
	// {{.L.N "key" count "name" value}} picks the plural form for count.
	// .L.Lang is "en" or "ru".
	L *Localizer
	// Name is the page's template name ("login", "signup", …), for <body class>.
	Name string
	// TitleKey is the catalog key of the page title.
	TitleKey string
	// User is the signed-in user, nil for anonymous visitors.
	User *user.User
	// Flashes are one-time messages from the previous request.
	Flashes []Flash
	// Form holds submitted values and errors; nil on pages without a form.
	Form *Form
	// Next is the sanitized post-login target carried through forms ("" for none).
	Next string
	// Path is the current request path with query, for the language switch.
	Path string
	// SiteName is the configured site name.
	SiteName string
	// Stylesheets are extra CSS URLs an embedding site adds after ours.
	Stylesheets []string
	// StaticPrefix is where web/static is served, e.g. "/static/".
	StaticPrefix string
	// Status is the HTTP status of error pages (403, 404, 429, 500).
	Status int
	// URLs are the links templates use, from the configuration.
	URLs *URLs
	// PasswordMinLength is the configured minimum, for the password rules.
	PasswordMinLength int
	// Demo is true when the demo site (/dashboard/, /secret/) is mounted.
	Demo bool
	// Data is page-specific (see the page's template comment).
	Data any

	// gen is the generation read before the page's social buttons
	// (genOK: read), the page cache's check for those pages.
	gen   int64
	genOK bool
	// kept is the page cache's copy for gen, found before the buttons
	// were read (which it makes unnecessary); render serves it.
	kept []byte
	// keptSocial: kept has social buttons (see genPage.social).
	keptSocial bool
}

// URLs are the addresses pages link to.
type URLs struct {
	Home           string // "/"
	Dashboard      string // where login lands and Cancel links lead: Options.LoginRedirect
	Login          string // Options.LoginURL
	Signup         string
	Logout         string
	PasswordChange string
	Sessions       string
	SetLang        string
	PasswordReset  string // "/accounts/password/reset/"; its steps are below it
	ConfirmEmail   string // the email stage: "/accounts/confirm-email/"
	Reauthenticate string
	Email          string // the account area's first page: "/accounts/email/"
	PasswordSet    string // "/accounts/password/set/"
	Inactive       string // "/accounts/inactive/"
	Connections    string // "/accounts/3rdparty/" ("" without social login)
	MFA            string // "/accounts/2fa/" ("" without two-factor authentication)
	Secret         string // the demo's permission-protected page ("" without Demo)
}

// SignupData is .Data of the signup page.
type SignupData struct {
	// EmailRequired marks the email field required (kept for templates
	// written before Fields; equal to Fields.EmailRequired).
	EmailRequired bool
	// Fields are the form's fields (account.Config.SignupFields).
	Fields account.SignupFields
	// Honeypot names the hidden field bots fill ("" for none).
	Honeypot string
	// Social are the buttons of the configured social apps.
	Social []social.Button
	// PasskeySignup links the signup with a passkey.
	PasskeySignup bool
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Level string // "success", "info", "warning", "error"
	Text  string // already translated
}

// Form is a submitted (or empty) form: values to re-fill and errors to show
// next to each field.
type Form struct {
	Values map[string]string
	// Errors maps a field name to its translated error messages.
	Errors map[string][]string
	// NonField holds errors that belong to the whole form.
	NonField []string
}

// Value returns the submitted value of a field ("" when none).
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// FieldErrors returns the translated errors of a field.
func (f *Form) FieldErrors(name string) []string {
	if f == nil {
		return nil
	}
	return f.Errors[name]
}

// HasErrors reports whether the form has any error.
func (f *Form) HasErrors() bool {
	return f != nil && (len(f.Errors) > 0 || len(f.NonField) > 0)
}

// DashboardData is .Data of the dashboard page.
type DashboardData struct {
	Groups      []string
	Permissions []string // effective "app_label.codename"
	Superuser   bool
}
