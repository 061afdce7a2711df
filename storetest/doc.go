// Package storetest is the conformance suite every Gatehouse store backend
// runs: one set of tests for user.Store, session.Store, ratelimit.Store,
// flow.Store, mail.OutboxStore, social.Store and mfa.Store, so that SQLite,
// PostgreSQL and any later backend behave alike.
//
// A backend's test calls Run with a function that opens fresh, empty stores:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Stores {
//			db := openFreshDatabase(t)
//			return storetest.Stores{Users: db, Sessions: db, Limits: db, Flows: db, Outbox: db, Social: db, MFA: db}
//		})
//	}
//
// The suite checks behaviour, not implementation: round trips of every field
// (Unicode text, microsecond timestamps, a zero LastLogin), ErrNotFound,
// canonical uniqueness of usernames and emails — also under 50 concurrent
// signups (SECURITY.md D2) —, groups and permissions with immediate effect
// (D5), cascading group deletion, email addresses, Atomic rollback and commit
// (D4), the session store's lookups, listing and expiry, and rate-limit
// windows with exact counts under 50 concurrent hits (L1), and the mail
// outbox: messages stored faithfully with the transaction that queued them,
// claimed under a lease (each once, also under eight concurrent claimers,
// and again when a lease ends unrecorded), retried, failed, listed; the
// authenticators of two-factor: one TOTP and one set of recovery codes per
// user, compare-and-set of their data (of eight concurrent spends exactly
// one wins), used TOTP steps refused a second time and swept when expired,
// and the auth generation moved by each change of an authenticator.
package storetest
