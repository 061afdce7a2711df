package e2e

import (
	_ "embed"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gatehouse-auth/gatehouse/gatehousetest"
)

// axe-core, committed so the audit needs no network (see testdata/README.md).
//
//go:embed testdata/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRun audits the current page with axe-core (WCAG 2.x A/AA and best
// practices) and returns the violations.
func axeRun(b *browser) []axeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		eval[any](b, axeSource+"\n;null")
	}
	js := eval[string](b, `axe.run(document, {
		resultTypes: ["violations"],
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
	}).then(r => JSON.stringify(r.violations))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(js), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// audit runs axe in the light and in the dark colour scheme and fails t on a
// serious or critical violation; lesser ones are logged.
func audit(t *testing.T, b *browser) {
	t.Helper()
	auditPage(t, b, false)
}

// auditClean is audit failing on every violation, whatever its impact: the
// journeys check each page they reach with it.
func auditClean(t *testing.T, b *browser) {
	t.Helper()
	auditPage(t, b, true)
}

func auditPage(t *testing.T, b *browser, strict bool) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		b.emulate(1280, 800, false, scheme)
		b.settle()
		for _, v := range axeRun(b) {
			var where []string
			for _, n := range v.Nodes {
				w, _ := json.Marshal(n.Target)
				where = append(where, string(w))
			}
			msg := scheme + ": " + v.Impact + " " + v.ID + ": " + v.Help + " at " + strings.Join(where, ", ")
			if len(v.Nodes) > 0 && v.Nodes[0].Summary != "" {
				msg += "\n\t" + strings.ReplaceAll(v.Nodes[0].Summary, "\n", "\n\t")
			}
			msg = b.path() + ": " + msg
			if strict || v.Impact == "serious" || v.Impact == "critical" {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
	}
	b.emulate(1280, 800, false, "light")
}

// TestAccessibility audits every page, anonymous and signed in, with and
// without form errors, in English and Russian, light and dark, and checks
// that each fits the desktop and the mobile viewport.
func TestAccessibility(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	seedUsers(t, srv)
	for _, lang := range []string{"en", "ru"} {
		b := newBrowser(t, srv)
		b.visit("/")
		if lang == "en" {
			// The audit itself works: a broken page is caught.
			eval[any](b, `document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/gatehouse/favicon.svg"><button></button>'); null`)
			found := map[string]bool{}
			for _, v := range axeRun(b) {
				found[v.ID] = true
			}
			if !found["image-alt"] || !found["button-name"] {
				t.Fatalf("axe missed planted violations; found %v", found)
			}
		}
		b.setLanguage(lang)
		for _, p := range tourPages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				defer b.use(t)()
				p.open(b)
				if got := b.lang(); got != lang {
					t.Errorf("page language %q, want %q", got, lang)
				}
				audit(t, b)
				// Every page and state, in both languages, also fits a phone.
				for _, vp := range viewports {
					b.emulate(vp.width, vp.height, vp.mobile, "light")
					b.settle()
					checkLayout(t, b, vp.name)
				}
				b.emulate(1280, 800, false, "light")
			})
		}
	}
}

// seedUsers creates the users the page tour signs in as: alice, in two groups
// with a few permissions, and bob, with none.
func seedUsers(t *testing.T, srv *gatehousetest.Server) {
	t.Helper()
	srv.CreateUser(t, "alice", "alice@example.com", goodPassword)
	srv.CreateUser(t, "bob", "", goodPassword)
	for _, p := range []string{"demo.view_secret", "blog.add_post", "blog.change_post"} {
		srv.Grant(t, "alice", p)
	}
	addToGroups(t, srv, "alice", "editors", "staff")
}

// tourPage is one state of one page: how to reach it from any state.
type tourPage struct {
	name string
	open func(b *browser)
}

// signIn makes sure the browser is signed in as username (and only then).
func signIn(b *browser, username string) {
	b.t.Helper()
	b.visit("/dashboard/")
	if strings.HasPrefix(b.path(), "/dashboard/") {
		if b.attr(".gh-nav__username", "class") != "" && eval[string](b, `document.querySelector(".gh-nav__username").textContent`) == username {
			return
		}
		signOut(b)
	}
	b.login(username, goodPassword)
	if !strings.HasPrefix(b.path(), "/dashboard/") {
		b.t.Fatalf("login as %s landed on %s", username, b.path())
	}
}

func signOut(b *browser) {
	b.t.Helper()
	b.visit("/accounts/logout/")
	if b.path() == "/accounts/logout/" {
		b.submit()
	}
}

// tourPages are every page in each state worth seeing, in an order that needs
// few sign-ins. The accessibility audit and the screenshots both walk it.
var tourPages = []tourPage{
	{"home", func(b *browser) { signOut(b); b.visit("/") }},
	{"login", func(b *browser) { signOut(b); b.visit("/accounts/login/") }},
	{"login-error", func(b *browser) {
		signOut(b)
		b.login("alice", "wrong-password")
	}},
	{"signup", func(b *browser) { signOut(b); b.visit("/accounts/signup/") }},
	{"signup-error", func(b *browser) {
		signOut(b)
		b.visit("/accounts/signup/")
		b.fill("username", "alice")
		b.fill("email", "alice@example.com")
		b.fill("password1", "12345")
		b.fill("password2", "54321")
		b.submit()
	}},
	{"error", func(b *browser) { signOut(b); b.visit("/no/such/page/") }},
	{"forbidden", func(b *browser) { signIn(b, "bob"); b.visit("/secret/") }},
	{"dashboard-empty", func(b *browser) { signIn(b, "bob"); b.visit("/dashboard/") }},
	{"home-signed-in", func(b *browser) { signIn(b, "alice"); b.visit("/") }},
	{"dashboard", func(b *browser) { signIn(b, "alice"); b.visit("/dashboard/") }},
	{"password_change", func(b *browser) { signIn(b, "alice"); b.visit("/accounts/password/change/") }},
	{"password_change-error", func(b *browser) {
		signIn(b, "alice")
		b.visit("/accounts/password/change/")
		b.fill("oldpassword", "wrong-password")
		b.fill("password1", "short")
		b.fill("password2", "short")
		b.submit()
	}},
	{"secret", func(b *browser) { signIn(b, "alice"); b.visit("/secret/") }},
	{"sessions", func(b *browser) { signIn(b, "alice"); b.visit("/accounts/sessions/") }},
	{"logout", func(b *browser) { signIn(b, "alice"); b.visit("/accounts/logout/") }},
}

// focusDescribe names an element the same way for the expected and the
// focused lists.
const focusDescribe = `(e => !e ? "none" : e.tagName.toLowerCase() +
	(e.id ? "#" + e.id : "") +
	(e.name ? "[name=" + e.name + (e.tagName === "BUTTON" && e.value ? "=" + e.value : "") + "]" : "") +
	(e.tagName === "A" ? "(" + e.getAttribute("href") + " " + e.textContent.trim() + ")" : ""))`

// TestKeyboardLogin tabs through the login page: every link, field and button
// is reached, in document order, each with a visible focus indicator; the
// skip link jumps straight to the form.
func TestKeyboardLogin(t *testing.T) {
	srv := gatehousetest.NewServer(t)
	b := newBrowser(t, srv)
	b.visit("/accounts/login/")

	want := eval[[]string](b, `[...document.querySelectorAll("a[href], button, input, select, textarea")]
		.filter(e => e.type !== "hidden" && !e.hidden && !e.disabled && e.tabIndex >= 0)
		.map(`+focusDescribe+`)`)
	if len(want) < 10 {
		t.Fatalf("only %d focusable elements: %v", len(want), want)
	}
	var got []string
	for range want {
		b.do("Tab", chromedp.KeyEvent(kb.Tab))
		got = append(got, eval[string](b, focusDescribe+`(document.activeElement)`))
		// The focused element must show it: an outline or a focus ring shadow.
		visible := eval[bool](b, `(e => { const s = getComputedStyle(e);
			const r = e.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && r.top >= 0 &&
				((s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none"); })(document.activeElement)`)
		if !visible {
			t.Errorf("focus on %s is not visible", got[len(got)-1])
		}
	}
	t.Logf("Tab order: %q", got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Tab order:\n got %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(want[0], "a(#main") {
		t.Errorf("the first stop is %s, want the skip link", want[0])
	}

	// Skip link: Tab, Enter, Tab lands in the form.
	b.visit("/accounts/login/")
	b.do("skip", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Tab))
	if f := eval[string](b, focusDescribe+`(document.activeElement)`); f != "input#id_login[name=login]" {
		t.Errorf("after the skip link, focus is on %s, want the login field", f)
	}
}
