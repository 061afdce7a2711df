package social

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Outbound tunes the HTTP client of calls to providers (token exchange,
// profile, discovery, keys). Its zero value works and is the safe one.
type Outbound struct {
	// Timeout bounds each call, body included. The default is 5 seconds
	// (allauth's SOCIALACCOUNT_REQUESTS_TIMEOUT).
	Timeout time.Duration
	// MaxResponseBytes bounds a response body. The default is 1 MiB.
	MaxResponseBytes int64
	// AllowPrivateNetworks lets calls reach loopback, private, link-local
	// and other non-public addresses, and use plain http there. Off by
	// default (SECURITY.md O6): a discovery document, a redirect or an
	// issuer cannot point the server at its own network. Tests turn it on
	// for httptest servers.
	AllowPrivateNetworks bool
	// PrivateHosts are host names (as written in the URLs: an internal
	// Keycloak's) that may resolve to private addresses and be reached
	// over plain http, while every other host stays public only.
	PrivateHosts []string
}

const (
	defaultTimeout      = 5 * time.Second
	defaultMaxResponse  = 1 << 20
	maxOutboundRedirect = 3
)

func (o Outbound) timeout() time.Duration { return orDuration(o.Timeout, defaultTimeout) }

func (o Outbound) maxBytes() int64 {
	if o.MaxResponseBytes <= 0 {
		return defaultMaxResponse
	}
	return o.MaxResponseBytes
}

// privateHost reports whether host (no port) may be private.
func (o Outbound) privateHost(host string) bool {
	return o.AllowPrivateNetworks || slices.ContainsFunc(o.PrivateHosts, func(h string) bool { return strings.EqualFold(h, host) })
}

// CheckURL reports whether raw may be called: an absolute https URL, or
// http to a host Outbound lets be private.
func (o Outbound) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: %q is not an absolute URL", ErrInsecureURL, raw)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && o.privateHost(u.Hostname()):
		return nil
	}
	return fmt.Errorf("%w: %s", ErrInsecureURL, u.Redacted())
}

// Client returns the HTTP client of calls to providers: the timeout, the
// bounded bodies, redirects only to URLs CheckURL allows (at most 3), and
// connections only to public addresses unless allowed. The address is
// checked after name resolution, at connect time, so a name that resolves
// to a private address (DNS rebinding included) is refused too.
func (o Outbound) Client() *http.Client {
	guard := &net.Dialer{Timeout: o.timeout(), Control: refusePrivate}
	open := &net.Dialer{Timeout: o.timeout()}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if o.privateHost(host) {
			return open.DialContext(ctx, network, addr)
		}
		return guard.DialContext(ctx, network, addr)
	}
	tr := &http.Transport{
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.timeout(),
		ResponseHeaderTimeout: o.timeout(),
	}
	return &http.Client{
		Timeout:   o.timeout(),
		Transport: &limitTransport{base: tr, max: o.maxBytes()},
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) >= maxOutboundRedirect {
				return errors.New("social: too many redirects")
			}
			return o.CheckURL(r.URL.String())
		},
	}
}

// refusePrivate is the dialer's check of the resolved address.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return ErrPrivateAddress
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !PublicAddr(ip) {
		return ErrPrivateAddress
	}
	return nil
}

// nonPublic are the ranges that are not the public internet: this host,
// private networks, shared address space, link-local (cloud metadata at
// 169.254.169.254), benchmarking, documentation, multicast, reserved.
var nonPublic = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// nat64 is the well-known NAT64 prefix: its addresses carry an IPv4 one.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// PublicAddr reports whether ip is a public unicast address (an IPv4
// address mapped into IPv6, or behind NAT64, is judged as itself).
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if !ip.IsValid() || !ip.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// limitTransport bounds response bodies: a body longer than max fails
// with ErrResponseTooLarge instead of being read whole.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t *limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, ErrResponseTooLarge
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
