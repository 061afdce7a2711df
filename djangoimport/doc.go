// Package djangoimport moves the accounts of a Django site into a Gatehouse
// store: it reads what
//
//	python manage.py dumpdata auth contenttypes account socialaccount > dump.json
//
// writes (any subset of these apps, plain or with --natural-foreign and
// --natural-primary) and imports the users with their password hashes
// exactly as Django stored them, the groups, the permissions (as
// app_label.codename), the memberships and grants, and django-allauth's
// email addresses with their verified and primary flags, all in one
// transaction. Every imported user then logs in with their old password.
//
// The dump is read as a stream, one record at a time and each bounded in
// size, so a large file is never held whole; the records are kept in compact
// form until every reference, by pk or natural key and in any order, is
// resolved. An import can run again: what exists is counted as skipped and
// nothing is duplicated. The Report says, per kind, what was imported and
// what was skipped, and why.
//
// Social accounts (socialaccount.*) are counted and skipped until Gatehouse
// has social login.
package djangoimport
