package social_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/gatehouse-auth/gatehouse/social"
)

// fixture is a provider's testdata directory (see testdata/README.md).
type fixture struct {
	dir  string
	Want struct {
		Profile        social.Profile    `json:"profile"`
		TokenAuth      string            `json:"token_auth"`
		ProfileAuth    string            `json:"profile_auth"`
		CallbackParams map[string]string `json:"callback_params"`
	}
}

func loadFixture(t *testing.T, id string) *fixture {
	t.Helper()
	f := &fixture{dir: filepath.Join("testdata", id)}
	b, err := os.ReadFile(filepath.Join(f.dir, "want.json"))
	if err != nil {
		t.Fatalf("provider %q of the table has no fixture: %v (add testdata/%s/, see testdata/README.md)", id, err, id)
	}
	if err := json.Unmarshal(b, &f.Want); err != nil {
		t.Fatalf("testdata/%s/want.json: %v", id, err)
	}
	return f
}

// file returns a fixture file, or nil when it does not exist.
func (f *fixture) file(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// grant is an authorization the fake gave: what the token request must match.
type grant struct {
	redirect, challenge, method, nonce string
	used                               bool
}

// fakeProvider plays a provider from its fixture: its authorization page
// approves at once (the user said yes) and redirects back; its token,
// profile, userinfo, discovery and key endpoints answer the fixture's
// documented responses, checking what the client sends.
type fakeProvider struct {
	t        *testing.T
	p        *social.Provider
	fx       *fixture
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	secret   string

	mu     sync.Mutex
	grants map[string]*grant
	// seen records the last authorization request's parameters.
	seen url.Values
	// verifier is the last PKCE verifier the token endpoint got.
	verifier string

	// Tampering, for the attack tests.
	claims      func(map[string]any) // changes the ID token's claims
	alg         string               // "none", "HS256": sign the ID token so
	signKey     *rsa.PrivateKey      // sign with another key than the JWKS's
	hang        time.Duration        // the token endpoint sleeps
	hugeProfile bool                 // the profile endpoint answers 5 MB
	authParams  url.Values           // extra callback parameters (iss …)
	telegram    func(map[string]string)
}

func newFake(t *testing.T, p *social.Provider) *fakeProvider {
	f := &fakeProvider{t: t, p: p, fx: loadFixture(t, p.ID), key: rsaKey(t), clientID: "client-" + p.ID,
		secret: "secret-" + p.ID, grants: map[string]*grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", f.authorize)
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("/profile", f.profile)
	mux.HandleFunc("GET /emails", f.serve("emails.json", "Bearer"))
	mux.HandleFunc("GET /userinfo", f.serve("userinfo.json", "Bearer"))
	mux.HandleFunc("GET /jwks", f.jwks)
	mux.HandleFunc("GET /.well-known/openid-configuration", f.discovery)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// app returns the app of the fake: its credentials, and its endpoints in
// the settings (OAuth 2.0) or its URL as the issuer (OpenID Connect).
func (f *fakeProvider) app() social.App {
	a := social.App{Provider: f.p.ID, ClientID: f.clientID, Secret: f.secret, Settings: map[string]string{}}
	switch f.p.Protocol {
	case social.OIDC:
		a.ServerURL = f.srv.URL
	default:
		a.Settings["auth_url"] = f.srv.URL + "/authorize"
		a.Settings["token_url"] = f.srv.URL + "/token"
		a.Settings["profile_url"] = f.srv.URL + "/profile"
		a.Settings["email_url"] = f.srv.URL + "/emails"
	}
	if f.p.ID == social.ProviderIDOIDC {
		a.AppID = "corp"
	}
	if f.p.Protocol == social.TelegramWidget {
		a.ClientID, a.Secret = "7777777", "7777777:AAF-test-bot-token"
	}
	return a
}

func (f *fakeProvider) fail(w http.ResponseWriter, format string, args ...any) {
	f.t.Errorf("fake %s: "+format, append([]any{f.p.ID}, args...)...)
	http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
}

func (f *fakeProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	f.seen = q
	f.mu.Unlock()
	if f.p.Protocol == social.TelegramWidget {
		f.telegramAuthorize(w, r, q)
		return
	}
	switch {
	case q.Get("client_id") != f.clientID:
		f.fail(w, "client_id %q", q.Get("client_id"))
		return
	case q.Get("response_type") != "code" || q.Get("state") == "" || q.Get("redirect_uri") == "":
		f.fail(w, "authorization request %v", q)
		return
	case f.p.PKCE && q.Get("code_challenge_method") != "S256":
		f.fail(w, "no S256 challenge")
		return
	case f.p.Protocol == social.OIDC && q.Get("nonce") == "":
		f.fail(w, "no nonce")
		return
	}
	code := rand.Text()
	f.mu.Lock()
	f.grants[code] = &grant{redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		method: q.Get("code_challenge_method"), nonce: q.Get("nonce")}
	f.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	for k, v := range f.fx.Want.CallbackParams {
		bq.Set(k, v)
	}
	if f.discoveryDoc()["authorization_response_iss_parameter_supported"] == true {
		bq.Set("iss", f.srv.URL)
	}
	for k, vs := range f.authParams {
		bq[k] = vs
	}
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// telegramAuthorize answers the widget's page: back to return_to with the
// fixture's fields, auth_date now, signed with the bot token.
func (f *fakeProvider) telegramAuthorize(w http.ResponseWriter, r *http.Request, q url.Values) {
	app := f.app()
	if q.Get("bot_id") != app.ClientID || q.Get("request_access") != "write" || q.Get("origin") == "" {
		f.fail(w, "widget request %v", q)
		return
	}
	var user map[string]any
	if err := json.Unmarshal(f.fx.file(f.t, "auth.json"), &user); err != nil {
		f.t.Fatal(err)
	}
	fields := map[string]string{"auth_date": strconv.FormatInt(time.Now().Unix(), 10)}
	for k, v := range user {
		switch v := v.(type) {
		case float64:
			fields[k] = strconv.FormatInt(int64(v), 10)
		default:
			fields[k] = v.(string)
		}
	}
	if f.telegram != nil {
		f.telegram(fields)
	}
	if _, ok := fields["hash"]; !ok {
		fields["hash"] = social.TelegramHash(fields, app.Secret)
	}
	back, _ := url.Parse(q.Get("return_to"))
	bq := back.Query()
	for k, v := range fields {
		bq.Set(k, v)
	}
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (f *fakeProvider) token(w http.ResponseWriter, r *http.Request) {
	if f.hang > 0 {
		r.ParseForm() // a read body lets the server see the client leave
		select {
		case <-time.After(f.hang):
		case <-r.Context().Done():
		}
		return
	}
	if err := r.ParseForm(); err != nil {
		f.fail(w, "token form: %v", err)
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if want := f.fx.Want.TokenAuth; want != "" && (want == "basic") != basic {
		f.fail(w, "client authentication: basic=%v, want %s", basic, want)
		return
	}
	if id != f.clientID || secret != f.secret {
		f.fail(w, "client credentials %q", id)
		return
	}
	f.mu.Lock()
	g := f.grants[r.PostForm.Get("code")]
	ok := g != nil && !g.used
	if ok {
		g.used = true
	}
	f.verifier = r.PostForm.Get("code_verifier")
	f.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "authorization_code" || !ok:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	case r.PostForm.Get("redirect_uri") != g.redirect:
		f.fail(w, "redirect_uri %q, want %q", r.PostForm.Get("redirect_uri"), g.redirect)
		return
	case g.challenge != "" && s256(r.PostForm.Get("code_verifier")) != g.challenge:
		f.fail(w, "the PKCE verifier does not match the challenge")
		return
	}
	for k, v := range f.fx.Want.CallbackParams {
		if r.PostForm.Get(k) != v {
			f.fail(w, "token request %s = %q, want %q", k, r.PostForm.Get(k), v)
			return
		}
	}
	body := string(f.fx.file(f.t, "token.json"))
	if strings.Contains(body, "{{id_token}}") {
		body = strings.ReplaceAll(body, "{{id_token}}", f.idToken(g.nonce))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(body))
}

// accessToken is the fixture's access token, which the APIs require.
func (f *fakeProvider) accessToken() string {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal(f.fx.file(f.t, "token.json"), &tok)
	return tok.AccessToken
}

func (f *fakeProvider) profile(w http.ResponseWriter, r *http.Request) {
	if f.hugeProfile {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"pad":"`))
		w.Write([]byte(strings.Repeat("x", 5<<20)))
		w.Write([]byte(`"}`))
		return
	}
	f.serve("profile.json", f.fx.Want.ProfileAuth)(w, r)
}

// serve answers a fixture file to a request carrying the access token as
// auth says: an Authorization header of that scheme, or "form".
func (f *fakeProvider) serve(name, auth string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := f.accessToken()
		var ok bool
		if auth == "form" {
			r.ParseForm()
			ok = r.Method == http.MethodPost && r.PostForm.Get("access_token") == tok && r.PostForm.Get("client_id") == f.clientID
		} else {
			ok = r.Header.Get("Authorization") == auth+" "+tok
		}
		if !ok {
			f.fail(w, "%s: the access token is not sent as %s", name, auth)
			return
		}
		b := f.fx.file(f.t, name)
		if b == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
}

func (f *fakeProvider) discoveryDoc() map[string]any {
	b := f.fx.file(f.t, "discovery.json")
	if b == nil {
		return nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), "{{issuer}}", f.srv.URL)), &doc); err != nil {
		f.t.Fatal(err)
	}
	return doc
}

func (f *fakeProvider) discovery(w http.ResponseWriter, r *http.Request) {
	doc := f.discoveryDoc()
	if doc == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}

func (f *fakeProvider) jwks(w http.ResponseWriter, r *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(set)
}

// idToken signs the fixture's claims, filled in, with the fake's key (or
// as the tampering says).
func (f *fakeProvider) idToken(nonce string) string {
	claims := map[string]any{}
	if err := json.Unmarshal(f.fx.file(f.t, "id_token.json"), &claims); err != nil {
		f.t.Fatal(err)
	}
	now := time.Now()
	claims["iss"], claims["aud"], claims["azp"], claims["nonce"] = f.srv.URL, f.clientID, f.clientID, nonce
	claims["iat"], claims["exp"] = now.Unix(), now.Add(time.Hour).Unix()
	if f.claims != nil {
		f.claims(claims)
	}
	payload, _ := json.Marshal(claims)
	key := f.key
	if f.signKey != nil {
		key = f.signKey
	}
	return signJWT(f.t, key, f.alg, payload)
}
