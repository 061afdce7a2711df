package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gatehouse-auth/gatehouse/gatehousetest"
	"github.com/gatehouse-auth/gatehouse/user"
	"github.com/gatehouse-auth/gatehouse/web"
)

var update = flag.Bool("update", false, "write the screenshots to docs/screenshots")

// actionTimeout bounds one browser step (a navigation, a click, a query).
const actionTimeout = 30 * time.Second

// chromiumPath finds the browser, or skips the test (fails it when CI=true).
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	const msg = "e2e: Chromium not found at /usr/bin/chromium (set $CHROMIUM, or apt-get install chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium with a fresh profile, on one tab, pointed
// at one Gatehouse server. Its methods fail the test on any error, so a
// journey reads as a list of steps.
type browser struct {
	t   testing.TB
	srv *gatehousetest.Server
	ctx context.Context
	// status is the HTTP status of the document last loaded by visit or submit.
	status int
}

// cspProbe runs before any page script and records Content-Security-Policy
// violations, so every step can assert there were none.
const cspProbe = `window.__ghCSP = [];
document.addEventListener('securitypolicyviolation', e => window.__ghCSP.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));`

func newBrowser(t testing.TB, srv *gatehousetest.Server) *browser {
	t.Helper()
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,PasswordLeakDetection"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	})); err != nil {
		t.Fatalf("e2e: start chromium: %v", err)
	}
	return &browser{t: t, srv: srv, ctx: ctx}
}

// use makes the browser report to t (a subtest) until the returned func runs.
func (b *browser) use(t testing.TB) (restore func()) {
	prev := b.t
	b.t = t
	return func() { b.t = prev }
}

// settle waits until no CSS transition or animation runs, so colours are final
// (after a colour-scheme switch, for instance).
func (b *browser) settle() {
	b.t.Helper()
	eval[bool](b, `new Promise(resolve => {
		const check = () => document.getAnimations().length === 0 ? resolve(true) : requestAnimationFrame(check);
		requestAnimationFrame(check);
	})`)
}

// do runs actions with the step timeout.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its JSON value into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("eval %.80q: %v", expr, err)
	}
	return v
}

// navigate runs actions that load a page and records its status.
func (b *browser) navigate(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	b.status = 0
	if resp != nil {
		b.status = int(resp.Status)
	}
	b.checkPage(what)
}

// checkPage fails the test when the page broke its Content-Security-Policy or
// shows a message with an unfilled {placeholder}.
func (b *browser) checkPage(what string) {
	b.t.Helper()
	if v := eval[[]string](b, `window.__ghCSP || []`); len(v) > 0 {
		b.t.Errorf("%s: %s: CSP violations: %v", what, b.path(), v)
	}
	if m := rePlaceholder.FindString(b.pageText()); m != "" {
		b.t.Errorf("%s: %s: a message shows the unfilled placeholder %s", what, b.path(), m)
	}
}

var rePlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)

// visit loads a path of the server ("/accounts/login/").
func (b *browser) visit(path string) {
	b.t.Helper()
	b.open(b.srv.URL + path)
}

// open loads an absolute URL (a link from a mail, say), as if typed into the
// address bar.
func (b *browser) open(u string) {
	b.t.Helper()
	b.navigate("open "+u, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.Navigate, page.NavigateParams{URL: u})
		if err == nil && res.ErrorText != "" {
			err = errors.New(res.ErrorText)
		}
		return err
	}))
}

// on points visit at another server (the browser's cookies stay: servers on
// 127.0.0.1 share them, the language choice included).
func (b *browser) on(srv *gatehousetest.Server) { b.srv = srv }

// field is the CSS selector of a form field by name (the templates give the
// field "name" the id "id_name").
func field(name string) chromedp.CSS { return chromedp.CSS("#id_" + name) }

// fill types value into the field, replacing what it held.
func (b *browser) fill(name, value string) {
	b.t.Helper()
	b.do("fill "+name, chromedp.Clear(field(name)), chromedp.SendKeys(field(name), value))
}

// check ticks a checkbox by clicking its label, as a person would.
func (b *browser) check(name string) {
	b.t.Helper()
	b.do("check "+name, chromedp.Click(chromedp.CSS(`label[for="id_`+name+`"]`)))
}

// submit clicks the submit button of the page's form and waits for the next page.
func (b *browser) submit() {
	b.t.Helper()
	b.navigate("submit on "+b.path(), chromedp.Click(chromedp.CSS(`main form [type="submit"]`)))
}

// clickLink clicks the first link whose text is text, and waits for the next page.
func (b *browser) clickLink(text string) {
	b.t.Helper()
	b.navigate("click link "+text, chromedp.Click(chromedp.JSPath(
		`[...document.querySelectorAll("a")].find(a => a.textContent.trim() === `+jsString(text)+`)`)))
}

// clickButton clicks the first button whose text is text, and waits for the next page.
func (b *browser) clickButton(text string) {
	b.t.Helper()
	b.navigate("click button "+text, chromedp.Click(chromedp.JSPath(
		`[...document.querySelectorAll("button")].find(e => e.textContent.trim() === `+jsString(text)+`)`)))
}

func jsString(s string) string {
	j, _ := json.Marshal(s)
	return string(j)
}

// text is the visible text of <main>.
func (b *browser) text() string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector("main") || document.body).innerText`)
}

// pageText is the visible text of the whole page, header and footer included.
func (b *browser) pageText() string {
	b.t.Helper()
	return eval[string](b, `document.body.innerText`)
}

// path is the current path with its query.
func (b *browser) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

// lang is the <html lang> of the page.
func (b *browser) lang() string {
	b.t.Helper()
	return eval[string](b, `document.documentElement.lang`)
}

// fieldErrors is the error text shown next to a field ("" for none).
func (b *browser) fieldErrors(name string) string {
	b.t.Helper()
	return eval[string](b, `(document.getElementById("id_`+name+`_error") || {innerText: ""}).innerText`)
}

// attr is an attribute of the first element matching a CSS selector ("" when absent).
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+jsString(sel)+`) || {getAttribute: () => ""}).getAttribute(`+jsString(name)+`) || ""`)
}

// see fails the test unless the page's main text contains every s.
func (b *browser) see(s ...string) {
	b.t.Helper()
	txt := b.text()
	for _, want := range s {
		if !strings.Contains(txt, want) {
			b.t.Errorf("%s: page does not show %q; it shows:\n%s", b.path(), want, txt)
		}
	}
}

// wantPath fails the test unless the browser is at path (query included).
func (b *browser) wantPath(path string) {
	b.t.Helper()
	if got := b.path(); got != path {
		b.t.Errorf("at %s, want %s", got, path)
	}
}

// wantStatus fails the test unless the last loaded document had status code.
func (b *browser) wantStatus(code int) {
	b.t.Helper()
	if b.status != code {
		b.t.Errorf("%s: status %d, want %d", b.path(), b.status, code)
	}
}

// login signs in through the login form.
func (b *browser) login(username, password string) {
	b.t.Helper()
	b.visit("/accounts/login/")
	b.fill("login", username)
	b.fill("password", password)
	b.submit()
}

// setLanguage presses a language button of the header ("en" or "ru").
func (b *browser) setLanguage(lang string) {
	b.t.Helper()
	b.navigate("language "+lang, chromedp.Click(chromedp.CSS(`button[name="language"][value="`+lang+`"]`)))
}

// emulate sets the viewport and the preferred colour scheme ("light" or "dark").
func (b *browser) emulate(width, height int64, mobile bool, scheme string) {
	b.t.Helper()
	b.do("emulate", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: 1, Mobile: mobile,
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// screenshot captures the whole page (at least the viewport) as PNG.
func (b *browser) screenshot() []byte {
	b.t.Helper()
	size := eval[[]float64](b, `[document.documentElement.scrollWidth, Math.max(document.documentElement.scrollHeight, innerHeight)]`)
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: size[0], Height: size[1], Scale: 1},
			CaptureBeyondViewport: new(true),
		})
		return r.Data, err
	})
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// cookie returns the value of a cookie of the server ("" when unset).
func (b *browser) cookie(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	cookies, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{b.srv.URL}})
		return r.Cookies, err
	})
	if err != nil {
		b.t.Fatalf("cookies: %v", err)
	}
	for _, c := range cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// catalog returns a translator of the server's own catalogs, so tests assert
// the texts users see without copying them.
func catalog(_ *gatehousetest.Server, lang string) *web.Localizer {
	cats, err := web.LoadCatalogs(web.Embedded())
	if err != nil {
		panic(err)
	}
	return cats.Localizer(lang)
}

// loginPath is the login page with next set to target.
func loginPath(target string) string {
	return "/accounts/login/?next=" + url.QueryEscape(target)
}

// addToGroups puts a user into groups, creating the groups.
func addToGroups(t testing.TB, srv *gatehousetest.Server, username string, groups ...string) {
	t.Helper()
	ctx := context.Background()
	u, err := srv.DB.UserByUsername(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	for _, name := range groups {
		g := &user.Group{Name: name}
		if err := srv.DB.CreateGroup(ctx, g); err != nil {
			t.Fatalf("group %s: %v", name, err)
		}
		if err := srv.DB.AddUserToGroup(ctx, u.ID, g.ID); err != nil {
			t.Fatalf("add %s to %s: %v", username, name, err)
		}
	}
}
