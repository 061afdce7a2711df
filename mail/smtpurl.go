package mail

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// tlsMode is how an [SMTP] mailer protects its connection.
type tlsMode int

const (
	tlsOpportunistic tlsMode = iota // STARTTLS when the server offers it
	tlsStartTLS                     // STARTTLS, or fail
	tlsImplicit                     // TLS from the first byte (smtps)
	tlsNone                         // plain text, for local sinks
)

// String returns the value of the tls URL parameter that selects m.
func (m tlsMode) String() string {
	switch m {
	case tlsOpportunistic:
		return "opportunistic"
	case tlsStartTLS:
		return "starttls"
	case tlsImplicit:
		return "implicit"
	case tlsNone:
		return "none"
	}
	return "unknown"
}

// smtpConfig is a parsed SMTP URL.
type smtpConfig struct {
	scheme   string // smtp, smtps or smtp+insecure
	host     string // a DNS name or an IP address, without brackets
	port     int
	tls      tlsMode
	auth     bool // credentials were given
	username string
	password string
}

// redactedPassword stands for the password wherever a URL is shown.
const redactedPassword = "xxxxx"

// errURL starts every error about an SMTP URL. The messages never repeat any
// part of the URL, which may hold a password.
var errURL = errors.New("mail: invalid SMTP URL")

// urlError returns an error wrapping errURL with a message that must not
// quote the URL.
func urlError(msg string) error {
	return fmt.Errorf("%w: %s", errURL, msg)
}

// parseSMTPURL parses
//
//	smtp://[user[:password]@]host[:port][/][?tls=opportunistic|starttls|none]
//	smtps://[user[:password]@]host[:port][/][?tls=implicit]
//	smtp+insecure://[user[:password]@]host[:port][/][?tls=none]
//
// The user name and password are percent-decoded. Everything up to the last
// "@" is user information, so a password may hold any character but "%",
// which must be written %25. The default port is 587, or 465 for smtps.
func parseSMTPURL(raw string) (smtpConfig, error) {
	var c smtpConfig
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return c, urlError("empty")
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] <= ' ' || raw[i] == 0x7f {
			return c, urlError("it contains spaces or control characters (percent-encode them)")
		}
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return c, urlError("it must start with smtp://, smtps:// or smtp+insecure://")
	}
	c.scheme = strings.ToLower(scheme)
	switch c.scheme {
	case "smtp":
		c.tls, c.port = tlsOpportunistic, 587
	case "smtps":
		c.tls, c.port = tlsImplicit, 465
	case "smtp+insecure":
		c.tls, c.port = tlsNone, 587
	default:
		return c, urlError("the scheme must be smtp, smtps or smtp+insecure")
	}

	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if err := c.parseUserinfo(rest[:at]); err != nil {
			return c, err
		}
		rest = rest[at+1:]
	}

	if strings.ContainsRune(rest, '#') {
		return c, urlError("a fragment (#) is not allowed; percent-encode # in a password as %23")
	}
	hostport, query, _ := strings.Cut(rest, "?")
	hostport, path, _ := strings.Cut(hostport, "/")
	if path != "" {
		return c, urlError("a path is not allowed")
	}
	if err := c.parseHostPort(hostport); err != nil {
		return c, err
	}
	if err := c.parseQuery(query); err != nil {
		return c, err
	}
	return c, nil
}

// parseUserinfo sets the credentials from "user[:password]".
func (c *smtpConfig) parseUserinfo(info string) error {
	user, pass, _ := strings.Cut(info, ":")
	var err1, err2 error
	c.username, err1 = url.PathUnescape(user)
	c.password, err2 = url.PathUnescape(pass)
	if err1 != nil || err2 != nil {
		return urlError("the user name or password is not valid percent-encoding (write % as %25)")
	}
	if c.username == "" {
		return urlError("credentials without a user name")
	}
	c.auth = true
	return nil
}

// parseHostPort sets host and, when given, port.
func (c *smtpConfig) parseHostPort(hostport string) error {
	var host, port string
	hasPort := false
	if rest, ok := strings.CutPrefix(hostport, "["); ok {
		h, after, ok := strings.Cut(rest, "]")
		if !ok {
			return urlError("unclosed [ in the host")
		}
		if after != "" {
			if port, hasPort = strings.CutPrefix(after, ":"); !hasPort {
				return urlError("unexpected text after the IPv6 address")
			}
		}
		a, err := netip.ParseAddr(h)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return urlError("the host in brackets is not an IPv6 address")
		}
		host = a.String()
	} else {
		if strings.Count(hostport, ":") > 1 {
			return urlError("an IPv6 address must be written in brackets")
		}
		host, port, hasPort = strings.Cut(hostport, ":")
		if host == "" {
			return urlError("no host")
		}
		if !isHostName(host) {
			return urlError("the host must be a DNS name or an IP address")
		}
		host = strings.ToLower(host)
	}
	c.host = host
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] < '0' || port[0] > '9' {
			return urlError("the port must be a number from 1 to 65535")
		}
		c.port = n
	}
	return nil
}

// isHostName reports whether s is made of DNS name characters (which covers
// IPv4 addresses).
func isHostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseQuery applies the tls parameter, the only one there is.
func (c *smtpConfig) parseQuery(query string) error {
	if query == "" {
		return nil
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return urlError("the query is not valid")
	}
	for k, v := range q {
		if k != "tls" {
			return urlError("unknown parameter (only tls is known)")
		}
		if len(v) != 1 {
			return urlError("tls given more than once")
		}
	}
	v, ok := q["tls"]
	if !ok {
		return nil
	}
	var mode tlsMode
	switch strings.ToLower(v[0]) {
	case "opportunistic":
		mode = tlsOpportunistic
	case "starttls":
		mode = tlsStartTLS
	case "implicit":
		mode = tlsImplicit
	case "none":
		mode = tlsNone
	default:
		return urlError("tls must be opportunistic, starttls, implicit or none")
	}
	switch {
	case c.scheme == "smtp" && mode != tlsImplicit:
	case c.scheme == "smtps" && mode == tlsImplicit:
	case c.scheme == "smtp+insecure" && mode == tlsNone:
	default:
		return urlError("tls contradicts the scheme (smtps:// is implicit TLS, smtp+insecure:// is none)")
	}
	c.tls = mode
	return nil
}

// addr returns host:port.
func (c smtpConfig) addr() string {
	return net.JoinHostPort(c.host, strconv.Itoa(c.port))
}

// String returns the URL in canonical form with the password replaced by
// xxxxx.
func (c smtpConfig) String() string {
	u := url.URL{Scheme: c.scheme, Host: c.addr()}
	if c.auth {
		if c.password != "" {
			u.User = url.UserPassword(c.username, redactedPassword)
		} else {
			u.User = url.User(c.username)
		}
	}
	if c.scheme == "smtp" && c.tls != tlsOpportunistic {
		u.RawQuery = "tls=" + c.tls.String()
	}
	return u.String()
}
