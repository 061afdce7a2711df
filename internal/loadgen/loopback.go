package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Resolver looks up the addresses of a host name. net.DefaultResolver's
// LookupNetIP, bound to "ip", is the one used outside tests.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// defaultResolver resolves host with the system resolver.
func defaultResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// ParseTarget parses a target base URL ("http://127.0.0.1:8000") and checks
// that it is plain http(s) with a host and nothing after the path.
func ParseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("target %q: scheme must be http or https", raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("target %q: no host", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("target %q: must be scheme://host[:port] with no user, query or fragment", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// LoopbackAddrs resolves host (an IP literal or a name such as "localhost")
// and returns its addresses. It fails unless there is at least one address
// and every address is a loopback address (127.0.0.0/8 or ::1): a name that
// resolves to any other address is refused as a whole.
func LoopbackAddrs(ctx context.Context, resolve Resolver, host string) ([]netip.Addr, error) {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		if resolve == nil {
			resolve = defaultResolver
		}
		addrs, err = resolve(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolve %q: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %q: no addresses", host)
		}
	}
	for i, a := range addrs {
		a = a.Unmap().WithZone("")
		if !a.IsLoopback() {
			return nil, fmt.Errorf("refusing target host %q: %s is not a loopback address (only 127.0.0.0/8, ::1 and localhost are allowed)", host, a)
		}
		addrs[i] = a
	}
	return addrs, nil
}

// CheckLoopback returns an error unless target's host is a loopback address
// or a name that resolves only to loopback addresses.
func CheckLoopback(ctx context.Context, resolve Resolver, target *url.URL) error {
	_, err := LoopbackAddrs(ctx, resolve, target.Hostname())
	return err
}

// loopbackDialer returns a DialContext that resolves the address's host
// again at every dial and connects only to loopback addresses, so neither a
// redirect to another host nor a name that changes its answer after the
// first check can send traffic off the machine.
func loopbackDialer(resolve Resolver) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		addrs, err := LoopbackAddrs(ctx, resolve, host)
		if err != nil {
			return nil, err
		}
		var firstErr error
		for _, a := range addrs {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
			if err == nil {
				return c, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		return nil, firstErr
	}
}
