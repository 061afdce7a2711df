package e2e

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// screenshotDir is where -update writes, relative to this package.
var screenshotDir = filepath.Join("..", "docs", "screenshots")

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{
	{"desktop", 1280, 800, false},
	{"mobile", 390, 844, true},
}

// screenshotPages are the tour pages shown in docs/UI.md; ru lists those also
// shot in Russian (the longest strings).
var screenshotPages = []struct {
	page string
	ru   bool
}{
	{"home", false},
	{"login", true},
	{"login-error", false},
	{"signup", true},
	{"signup-error", true},
	{"logout", false},
	{"password_change", false},
	{"sessions", false},
	{"password_change-error", false},
	{"dashboard", false},
	{"secret", false},
	{"forbidden", false},
	{"error", false},
	{"confirm_email", true},
	{"confirm_email-code", true},
	{"confirm_email-code-error", false},
	{"confirm_email_key", false},
	{"confirm_email_key-invalid", false},
	{"password_reset", false},
	{"password_reset_done", true},
	{"password_reset_key", true},
	{"password_reset_key-invalid", false},
	{"password_reset_key_done", false},
	{"password_reset_code", false},
	{"reauthenticate", false},
	{"email", true},
	{"email-flash", false},
	{"email-change", true},
	{"email_cancel", true},
	{"email_cancel-invalid", false},
	{"login-code-link", true},
	{"login_code", true},
	{"login_code_confirm", false},
	{"login_code_confirm-error", true},
	{"password_set", true},
	{"signup-email-only", true},
	{"signup_closed", false},
	{"inactive", true},
	{"login-social", true},
	{"signup-social", true},
	{"social_connections", true},
	{"social_signup", true},
	{"social_error", true},
	{"social_cancelled", true},
	{"mfa_index-off", false},
	{"mfa_index", true},
	{"mfa_totp_activate", true},
	{"mfa_totp_activate-login", false},
	{"mfa_authenticate-error", true},
	{"mfa_trust", false},
	{"mfa_recovery_codes", true},
	{"mfa_recovery_generate", false},
	{"mfa_totp_deactivate", false},
	{"mfa_reauthenticate", false},
	{"mfa_index-webauthn", false},
	{"mfa_webauthn", true},
	{"mfa_webauthn_add", true},
	{"mfa_webauthn_add-passkey", false},
	{"mfa_webauthn_add-failed", false},
	{"mfa_webauthn_edit", false},
	{"mfa_webauthn_remove", false},
	{"reauthenticate-webauthn", false},
	{"mfa_webauthn_reauthenticate", false},
	{"mfa_authenticate-webauthn", false},
	{"login-passkey", false},
	{"mfa_webauthn_login", false},
	{"signup-passkey", false},
	{"signup_passkey", true},
	{"mfa_webauthn_add-signup", false},
}

// TestScreenshots renders every page at desktop and mobile sizes, light and
// dark, and checks the layout: nothing wider than the viewport, no text
// overflowing its button, tap targets at least 44px high. With -update it
// also writes docs/screenshots/<page>[-ru]-<viewport>-<scheme>.png.
func TestScreenshots(t *testing.T) {
	site := newTourSite(t)
	if *update {
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tour := map[string]tourPage{}
	for _, p := range tourPages {
		tour[p.name] = p
	}
	for _, lang := range []string{"en", "ru"} {
		b := newBrowser(t, site.main)
		b.visit("/")
		b.setLanguage(lang)
		for _, sp := range screenshotPages {
			if lang == "ru" && !sp.ru {
				continue
			}
			p, ok := tour[sp.page]
			if !ok {
				t.Fatalf("no tour page %q", sp.page)
			}
			t.Run(lang+"/"+sp.page, func(t *testing.T) {
				defer b.use(t)()
				b.on(site.main)
				p.open(b, site)
				for _, vp := range viewports {
					for _, scheme := range []string{"light", "dark"} {
						b.emulate(vp.width, vp.height, vp.mobile, scheme)
						b.settle()
						checkLayout(t, b, vp.name+"/"+scheme)
						shot := b.screenshot()
						if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
							t.Fatalf("%s %s: bad PNG: %v", vp.name, scheme, err)
						}
						if !*update {
							continue
						}
						name := sp.page
						if lang != "en" {
							name += "-" + lang
						}
						name += "-" + vp.name + "-" + scheme + ".png"
						if err := os.WriteFile(filepath.Join(screenshotDir, name), shot, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
				b.emulate(1280, 800, false, "light")
			})
		}
	}
}

// checkLayout fails t when the page overflows the viewport, text overflows
// its control, a control is smaller than a fingertip, or the only action of
// a card (but a centred message card's) is not a full-width primary button.
func checkLayout(t *testing.T, b *browser, where string) {
	t.Helper()
	problems := eval[[]string](b, `(() => {
		const out = [];
		const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " «" + (e.textContent || e.value || "").trim().slice(0, 30) + "»";
		const vw = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth > vw) out.push("page is " + document.documentElement.scrollWidth + "px wide in a " + vw + "px viewport");
		for (const e of document.querySelectorAll("body *")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || getComputedStyle(e).position === "absolute") continue;
			if (r.right > vw + 0.5) out.push(name(e) + " sticks out of the viewport (right edge " + Math.round(r.right) + "px)");
		}
		for (const e of document.querySelectorAll("button, .gh-button, .gh-nav__link, .gh-badge, .gh-alert, .gh-field__label, h1, h2")) {
			if (e.scrollWidth > e.clientWidth + 1) out.push(name(e) + " overflows its box (" + e.scrollWidth + " > " + e.clientWidth + ")");
		}
		for (const e of document.querySelectorAll("button, .gh-button, .gh-nav__link, .gh-brand, .gh-check__label, input:not([type=hidden]):not([type=checkbox]):not([hidden])")) {
			const r = e.getBoundingClientRect();
			if (r.height < 43.5) out.push(name(e) + " is only " + r.height.toFixed(1) + "px high");
		}
		// (A centred message card, gh-center, centres its button instead.)
		for (const card of document.querySelectorAll(".gh-auth__card:not(.gh-center)")) {
			const buttons = [...card.querySelectorAll(".gh-button")].filter(e => e.getBoundingClientRect().width > 0);
			if (buttons.length !== 1) continue;
			const e = buttons[0], cs = getComputedStyle(card);
			const inner = card.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
			if (e.getBoundingClientRect().width < inner - 1) out.push(name(e) + " is the card's only action but " + Math.round(e.getBoundingClientRect().width) + "px wide, not the card's " + Math.round(inner) + "px");
			if (!e.classList.contains("gh-button--primary")) out.push(name(e) + " is the card's only action but not a primary button");
		}
		return out;
	})()`)
	for _, p := range problems {
		t.Errorf("%s: %s", where, p)
	}
	if len(problems) > 0 {
		t.Logf("%s: %d layout problems on %s", where, len(problems), strings.TrimSpace(b.path()))
	}
}

// The tour's pages exist for every screenshot; a renamed page fails here
// rather than silently dropping a picture.
func TestScreenshotPagesInTour(t *testing.T) {
	names := map[string]bool{}
	for _, p := range tourPages {
		names[p.name] = true
	}
	for _, sp := range screenshotPages {
		if !names[sp.page] {
			t.Errorf("screenshot page %q is not in tourPages", sp.page)
		}
	}
}
