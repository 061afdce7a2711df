// Package user holds Gatehouse's identity model — users, groups, permissions and
// email addresses, shaped like django.contrib.auth and allauth's EmailAddress —
// together with the Store contract every storage backend implements and the
// permission logic (user ∪ groups, superuser, inactive) that sits on top of it.
//
// The package knows nothing of HTTP or SQL.
package user
