package loadgen

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

// fakeResolver answers from a table and fails for other names.
func fakeResolver(table map[string][]string) Resolver {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		addrs, ok := table[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
}

func TestLoopbackAddrs(t *testing.T) {
	res := fakeResolver(map[string][]string{
		"localhost":  {"127.0.0.1", "::1"},
		"lo.test":    {"127.0.0.53"},
		"mixed.test": {"127.0.0.1", "10.0.0.1"},
		"empty.test": {},
		"mapped":     {"::ffff:127.0.0.1"},
	})
	for host, ok := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true, "localhost": true,
		"lo.test": true, "mapped": true, "::ffff:127.0.0.1": true,
		"10.0.0.1": false, "192.168.1.1": false, "0.0.0.0": false, "::": false, "8.8.8.8": false,
		"mixed.test": false, "empty.test": false, "unknown.test": false, "fe80::1%lo": false,
	} {
		_, err := LoopbackAddrs(context.Background(), res, host)
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want allowed=%v", host, err, ok)
		}
	}
	// The real resolver knows localhost.
	if _, err := LoopbackAddrs(context.Background(), nil, "localhost"); err != nil {
		t.Errorf("system localhost: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8000": true, "http://localhost:8000/": true, "https://[::1]:8443": true,
		"ftp://127.0.0.1": false, "127.0.0.1:8000": false, "http://127.0.0.1/?x=1": false,
		"http://u:p@127.0.0.1/": false, "http://": false,
	} {
		if _, err := ParseTarget(raw); (err == nil) != ok {
			t.Errorf("%q: err = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestRunSuiteRefusesNonLoopback(t *testing.T) {
	res := fakeResolver(map[string][]string{"evil.test": {"127.0.0.1", "203.0.113.7"}})
	for _, target := range []string{"http://10.1.2.3:8000", "http://192.0.2.1", "http://evil.test:8000", "http://[2001:db8::1]/"} {
		cfg := DefaultConfig()
		cfg.Target = target
		cfg.Scenarios = []string{"page"}
		cfg.Resolver = res
		_, err := RunSuite(context.Background(), cfg, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%s: err = %v, want a refusal", target, err)
		}
	}
}

func TestTransportDialsOnlyLoopback(t *testing.T) {
	// A name that passed the first check but now resolves elsewhere, and a
	// redirect-style direct URL: both are refused at dial time, before any
	// packet is sent.
	res := fakeResolver(map[string][]string{"flip.test": {"198.51.100.9"}})
	c := &http.Client{Transport: NewTransport(1, res)}
	for _, u := range []string{"http://flip.test:8000/", "http://192.0.2.1:80/"} {
		_, err := c.Get(u)
		if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("%s: err = %v, want a refusal", u, err)
		}
	}
}

func TestRedirectOffLoopbackFails(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://192.0.2.1/elsewhere", http.StatusFound)
	})
	site := newTestSiteWith(t, mux)
	b := NewBrowser(NewTransport(1, nil), 0)
	u, _ := url.Parse(site.URL + "/")
	p, err := b.Get(context.Background(), u)
	if err != nil || p.Status != http.StatusFound {
		t.Fatalf("GET: %v %d", err, p.Status)
	}
	if _, err := b.FollowRedirects(context.Background(), p); err == nil || errorKind(err) != KindTransport {
		t.Fatalf("following off-machine redirect: err = %v", err)
	}
}
