// Package session keeps server-side login sessions: opaque 256-bit tokens held
// by the browser, stored only as SHA-256 hashes, with idle and absolute expiry,
// rotation on login and per-user revocation.
package session
