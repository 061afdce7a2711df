// Package clientip finds the address of the client behind a request: the TCP
// peer, or — only when that peer is a configured trusted proxy — the rightmost
// untrusted address of X-Forwarded-For (SECURITY.md L5).
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver holds the trusted proxies. Its zero value trusts none, so
// X-Forwarded-For is ignored.
type Resolver struct {
	TrustedProxies []netip.Prefix
}

// IP returns the client address of r as a string ("" when unknown).
func (res Resolver) IP(r *http.Request) string {
	peer := parse(r.RemoteAddr)
	if !peer.IsValid() {
		return ""
	}
	if !res.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !res.trusted(a) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func (res Resolver) trusted(a netip.Addr) bool {
	for _, p := range res.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func parse(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
