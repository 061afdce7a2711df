package web

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mail"
)

// MailRenderer renders account mail (account.Notices) from the templates
// under templates/mail/: <kind>.txt defines "<kind>.subject" and
// "<kind>.text" (plain text), <kind>.html defines "<kind>.html"; texts come
// from the catalogs (locales/<lang>/mail.json) in the user's language, and
// every file can be overridden like the pages'. Links start with the
// configured site URL.
type MailRenderer struct {
	text     map[string]*texttemplate.Template // language → all text templates
	html     map[string]*htmltemplate.Template // language → all HTML templates
	catalogs *Catalogs
	siteURL  string
	siteName string
	from     string
}

var _ account.Notices = (*MailRenderer)(nil)

// MailData is what a mail template receives.
type MailData struct {
	L        *Localizer
	SiteName string
	SiteURL  string
	// Email is the address the mail goes to.
	Email string
	// Username is the account's username ("" when no account has Email).
	Username string
	// Link is the page to open (confirmation, reset, or the site).
	Link string
	// Code is a mailed code in its display form.
	Code string
	// ValidFor says how long the link or code works ("1 hour", "10 минут").
	ValidFor string
	// NewEmail is the address a change of address goes to.
	NewEmail string
	// Count is how many recovery codes are left (recovery_code_used).
	Count int
	// Factor names the key a notice is about (webauthn_added, _removed).
	Factor string
}

// newMailRenderer parses the mail templates of fsys (the embedded files
// overlaid by Options.Override).
func newMailRenderer(fsys overlay, cats *Catalogs, opts Options) (*MailRenderer, error) {
	m := &MailRenderer{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{},
		catalogs: cats, siteURL: strings.TrimRight(opts.SiteURL, "/"), siteName: opts.SiteName, from: opts.MailFrom}
	txt, err := fsys.glob("templates/mail/*.txt")
	if err != nil {
		return nil, err
	}
	htm, err := fsys.glob("templates/mail/*.html")
	if err != nil {
		return nil, err
	}
	for _, lang := range Languages {
		l := cats.Localizer(lang)
		tt := texttemplate.New("mail")
		for _, f := range txt {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(path.Base(f), ".txt")
			if _, err := tt.New(name).Parse(string(b)); err != nil {
				return nil, fmt.Errorf("web: mail %s: %w", f, err)
			}
		}
		ht := htmltemplate.New("mail").Funcs(mailFuncs)
		for _, f := range htm {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			if _, err := ht.New(path.Base(f)).Parse(translate(string(b), l)); err != nil {
				return nil, fmt.Errorf("web: mail %s: %w", f, err)
			}
		}
		m.text[lang], m.html[lang] = tt, ht
	}
	return m, nil
}

// Render turns a notice into a message: subject and text from the
// "<kind>.subject" and "<kind>.text" templates of <kind>.txt, HTML from
// "<kind>.html" of <kind>.html (which frames itself with layout.html's
// "mail-top" and "mail-bottom"), in the notice's language (the default when
// it has none or one not shipped).
func (m *MailRenderer) Render(n account.Notice) (*mail.Message, error) {
	lang := Languages[0]
	for _, l := range Languages {
		if n.Lang == l {
			lang = l
		}
	}
	d := MailData{L: m.catalogs.Localizer(lang), SiteName: m.siteName, SiteURL: m.siteURL, Email: n.To,
		Code: n.Code, Link: m.link(n), NewEmail: n.NewEmail, Count: n.Count, Factor: n.Factor}
	d.ValidFor = validFor(d.L, n.ValidFor)
	if n.User != nil {
		d.Username = n.User.Username
	}
	kind := string(n.Kind)
	tt := m.text[lang]
	if tt.Lookup(kind+".subject") == nil || tt.Lookup(kind+".text") == nil {
		return nil, fmt.Errorf("web: no mail template %s.txt defining %s.subject and %s.text", kind, kind, kind)
	}
	var subject, text, html bytes.Buffer
	if err := tt.ExecuteTemplate(&subject, kind+".subject", d); err != nil {
		return nil, fmt.Errorf("web: mail %s subject: %w", kind, err)
	}
	if err := tt.ExecuteTemplate(&text, kind+".text", d); err != nil {
		return nil, fmt.Errorf("web: mail %s text: %w", kind, err)
	}
	if ht := m.html[lang]; ht.Lookup(kind+".html") != nil {
		if err := ht.ExecuteTemplate(&html, kind+".html", d); err != nil {
			return nil, fmt.Errorf("web: mail %s html: %w", kind, err)
		}
	}
	return &mail.Message{To: []string{n.To}, From: m.from, Subject: strings.TrimSpace(subject.String()),
		Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String(),
		Headers: map[string]string{"X-Gatehouse-Kind": kind, "Auto-Submitted": "auto-generated"}}, nil
}

// validFor says d in whole days, hours or minutes, in l's language.
func validFor(l *Localizer, d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		n := int(d / (24 * time.Hour))
		return l.N("mail.days", n, "count", n)
	case d >= time.Hour && d%time.Hour == 0:
		n := int(d / time.Hour)
		return l.N("mail.hours", n, "count", n)
	}
	n := int((d + time.Minute - 1) / time.Minute)
	return l.N("mail.minutes", n, "count", n)
}

// mailFuncs are the functions mail templates may call: button makes the
// data of the "mail-button" template.
var mailFuncs = htmltemplate.FuncMap{"button": func(link, label string) mailButton {
	return mailButton{Link: link, Label: label}
}}

// mailButton is a link shown as a button, with the address below it.
type mailButton struct{ Link, Label string }

// link is the page a notice sends its reader to.
func (m *MailRenderer) link(n account.Notice) string {
	switch n.Kind {
	case account.NoticeEmailConfirmation:
		return m.siteURL + "/accounts/confirm-email/" + n.Key + "/"
	case account.NoticePasswordReset:
		return m.siteURL + "/accounts/password/reset/key/" + n.Key + "/"
	case account.NoticeLoginCode:
		return m.siteURL + "/accounts/login/code/confirm/"
	case account.NoticeEmailChangeRequested:
		return m.siteURL + "/accounts/email/cancel/" + n.Key + "/"
	case account.NoticeTOTPActivated, account.NoticeRecoveryCodesGenerated:
		return m.siteURL + "/accounts/2fa/"
	case account.NoticeWebAuthnAdded:
		return m.siteURL + "/accounts/2fa/webauthn/"
	case account.NoticeUnknownAccount, account.NoticeAccountAlreadyExists, account.NoticePasswordChanged, account.NoticeEmailChanged,
		account.NoticeTOTPDeactivated, account.NoticeRecoveryCodeUsed, account.NoticeWebAuthnRemoved:
		return m.siteURL + "/accounts/password/reset/"
	}
	return m.siteURL + "/"
}
