package e2e

import (
	"bytes"
	"context"
	"image/png"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/mail"
	"github.com/gatehouse-auth/gatehouse/mail/mailtest"
	"github.com/gatehouse-auth/gatehouse/user"
	"github.com/gatehouse-auth/gatehouse/web"
)

// mailSiteURL is the site URL the pictured mails link to.
const mailSiteURL = "https://accounts.example.com"

// mailShots are the account mails shown in docs/UI.md, each as the flows
// would send it to alice (unknown_account goes to an address no account
// has). Keys and codes are made up in their real formats and lengths.
var mailShots = []account.Notice{
	{Kind: account.NoticeEmailConfirmation, Key: "1-1-t5x2ak-1.Xq3v9Lk2Rb7sYw0pZ4mN8cF6hJ1dG5eT2uA9oK3iB7w", ValidFor: 72 * time.Hour},
	{Kind: account.NoticeEmailConfirmationCode, Code: "KXTB-QZRM", ValidFor: 10 * time.Minute},
	{Kind: account.NoticeAccountAlreadyExists},
	{Kind: account.NoticePasswordReset, Key: "1-cmh8k2-4f9e2a7c1b3d5e8f0a6c", ValidFor: time.Hour},
	{Kind: account.NoticePasswordResetCode, Code: "DMWP-HLSC", ValidFor: 3 * time.Minute},
	{Kind: account.NoticeUnknownAccount},
	{Kind: account.NoticePasswordChanged},
	{Kind: account.NoticeReauthenticationCode, Code: "GNVF-TRXJ", ValidFor: 10 * time.Minute},
	{Kind: account.NoticeLoginCode, Code: "RZPW-KDNE", ValidFor: 3 * time.Minute},
	{Kind: account.NoticeEmailTaken},
	{Kind: account.NoticeEmailChangeRequested, NewEmail: "alice.liddell@exmaple.com",
		Key: "1-cmh8k2-9Vb2Xq7LkR4sTw1pZ8mN3cF6hJ0dG5eA", ValidFor: 72 * time.Hour},
	{Kind: account.NoticeEmailChanged, NewEmail: "alice.liddell@example.org"},
	{Kind: account.NoticeTOTPActivated},
	{Kind: account.NoticeTOTPDeactivated},
	{Kind: account.NoticeRecoveryCodesGenerated},
	{Kind: account.NoticeRecoveryCodeUsed, Count: 7},
	{Kind: account.NoticeWebAuthnAdded, Factor: "YubiKey 5C"},
	{Kind: account.NoticeWebAuthnRemoved, Factor: "YubiKey 5C"},
}

// mailShotsDark are the mails also pictured in the dark scheme (of the
// clients that honour the layout's dark styles): one with a button, one
// with a code.
var mailShotsDark = map[account.NoticeKind]bool{account.NoticeEmailConfirmation: true, account.NoticeLoginCode: true}

// reMailStyle is the layout's <style> element, which some mail clients drop.
var reMailStyle = regexp.MustCompile(`(?s)<style>.*?</style>`)

// TestMailScreenshots renders every account mail (Gatehouse's own
// renderer, in English and Russian), sends it through a real SMTP sink,
// takes its HTML part back as a mail client gets it, and shows it in the
// browser at desktop and mobile sizes: it must fit the viewport and be
// axe-clean (but for the rules about a whole page's landmarks) in the
// light and the dark scheme, and stay so in a client that drops its
// <style> (the dark styles) while the reader prefers dark.
// With -update it writes docs/screenshots/mail-<kind>[-ru]-<viewport>.png,
// and mail-<kind>-<viewport>-dark.png for mailShotsDark.
func TestMailScreenshots(t *testing.T) {
	sink := mailtest.Start(t)
	// Links as a real site's (and the same in every run, so the pictures
	// change only when the mails do).
	srv := gatehousetest.NewServer(t, gatehousetest.Mail(sink), func(c *gatehouse.Config) { c.SiteURL = mailSiteURL })
	mailer, err := mail.FromURL("smtp", "", sink.SMTPURL(), "gatehouse@example.com")
	if err != nil {
		t.Fatal(err)
	}
	notices := srv.Gatehouse.Account().Notices
	if notices == nil {
		t.Fatal("the Gatehouse has no mail renderer")
	}
	alice := &user.User{ID: 1, Username: "alice", Email: "alice@example.com"}

	// The mails' HTML, served by path for the browser.
	var mu sync.Mutex
	pages := map[string]string{}
	ms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		html, ok := pages[r.URL.Path]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(html))
	}))
	t.Cleanup(ms.Close)

	if *update {
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t, srv)
	sent := 0
	for _, lang := range []string{"en", "ru"} {
		l := catalog(srv, lang)
		for _, n := range mailShots {
			name := "mail-" + string(n.Kind)
			if lang != "en" {
				name += "-" + lang
			}
			t.Run(name, func(t *testing.T) {
				defer b.use(t)()
				n.Lang, n.To, n.User = lang, alice.Email, alice
				if n.Kind == account.NoticeUnknownAccount {
					n.To, n.User = "someone@example.com", nil
				}
				msg, err := notices.Render(n)
				if err != nil {
					t.Fatalf("render: %v", err)
				}
				if msg.HTML == "" {
					t.Fatal("no HTML part")
				}
				if want := l.T("mail."+string(n.Kind)+".subject", "site", "Gatehouse"); msg.Subject != want {
					t.Errorf("subject %q, want %q", msg.Subject, want)
				}
				if err := mailer.Send(context.Background(), msg); err != nil {
					t.Fatalf("send: %v", err)
				}
				sent++
				got := sink.WaitFor(t, sent, mailTimeout)
				m := got[len(got)-1]
				if m.Subject != msg.Subject {
					t.Fatalf("the sink's newest mail is %q, want %q", m.Subject, msg.Subject)
				}
				if strings.TrimSpace(m.HTML) == "" {
					t.Fatal("the delivered mail has no HTML part")
				}
				if !reMailStyle.MatchString(m.HTML) {
					t.Error("the delivered mail has no <style> (its dark scheme)")
				}
				mu.Lock()
				pages["/"+name] = m.HTML
				pages["/"+name+"/no-style"] = reMailStyle.ReplaceAllString(m.HTML, "")
				mu.Unlock()

				// A client that drops the <style>: the inline light styles
				// alone, whatever the reader's scheme.
				b.open(ms.URL + "/" + name + "/no-style")
				auditMail(t, b)
				b.emulate(1280, 800, false, "dark")
				b.settle()
				if bg := eval[string](b, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(244, 245, 247)" {
					t.Errorf("without its <style>, in the dark scheme, the mail's background is %s, want the light one", bg)
				}

				b.open(ms.URL + "/" + name)
				if got := b.lang(); got != lang {
					t.Errorf("mail language %q, want %q", got, lang)
				}
				auditMail(t, b)
				for _, scheme := range []string{"light", "dark"} {
					for _, vp := range viewports {
						b.emulate(vp.width, vp.height, vp.mobile, scheme)
						b.settle()
						checkLayout(t, b, vp.name+"/"+scheme)
						if scheme == "dark" {
							if bg := eval[string](b, `getComputedStyle(document.body).backgroundColor`); bg == "rgb(244, 245, 247)" {
								t.Errorf("%s: the mail keeps its light background in the dark scheme", vp.name)
							}
							if !mailShotsDark[n.Kind] || lang != "en" {
								continue
							}
						}
						shot := b.screenshot()
						if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
							t.Fatalf("%s: bad PNG: %v", vp.name, err)
						}
						if *update {
							file := name + "-" + vp.name + ".png"
							if scheme == "dark" {
								file = name + "-" + vp.name + "-dark.png"
							}
							if err := os.WriteFile(filepath.Join(screenshotDir, file), shot, 0o644); err != nil {
								t.Fatal(err)
							}
						}
					}
				}
				b.emulate(1280, 800, false, "light")
			})
		}
	}
}

// Every mail kind shown has its templates, so a renamed kind fails here
// rather than silently dropping a picture.
func TestMailShotsHaveTemplates(t *testing.T) {
	for _, n := range mailShots {
		for _, ext := range []string{".txt", ".html"} {
			if _, err := fs.Stat(web.Embedded(), "templates/mail/"+string(n.Kind)+ext); err != nil {
				t.Errorf("mail %s: %v", n.Kind, err)
			}
		}
	}
}
