// Package gatehousetest starts a real Gatehouse for tests, in the style of
// net/http/httptest: NewServer serves it on 127.0.0.1 over a fresh, migrated
// SQLite database in t.TempDir(), with the demo site mounted and cheap
// password hashing; CreateUser and Grant seed it; Client gives a cookie jar
// that does not follow redirects.
package gatehousetest
