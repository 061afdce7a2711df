package clientip

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestIP(t *testing.T) {
	proxy := Resolver{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	cases := []struct {
		res    Resolver
		remote string
		xff    string
		want   string
	}{
		{Resolver{}, "203.0.113.5:1234", "", "203.0.113.5"},
		{Resolver{}, "203.0.113.5:1234", "1.2.3.4", "203.0.113.5"}, // no proxy trusted: XFF ignored (L5)
		{proxy, "10.0.0.2:1234", "1.2.3.4", "1.2.3.4"},
		{proxy, "10.0.0.2:1234", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"}, // rightmost untrusted
		{proxy, "203.0.113.5:1", "1.2.3.4", "203.0.113.5"},                // peer not a proxy
		{proxy, "10.0.0.2:1234", "garbage", "10.0.0.2"},
		{Resolver{}, "[::ffff:192.0.2.1]:80", "", "192.0.2.1"},
		{Resolver{}, "not-an-addr", "", ""},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := c.res.IP(r); got != c.want {
			t.Errorf("IP(%s, XFF %q) = %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}
