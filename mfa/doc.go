// Package mfa holds the factors of two-factor authentication, as
// django-allauth's mfa app defines them: TOTP (RFC 6238) and recovery
// codes. It is the first part of the two-factor issue: the factors and
// their checks, with no net/http, and the contract of their store (Store,
// Authenticator; *sqlstore.DB implements it): a user's authenticators, a
// compare-and-set on their data, and the used TOTP steps that refuse a
// replayed code on every instance. The login stage, the pages at
// /accounts/2fa/, trusted browsers, the CLI and the import from allauth
// are not built yet; nothing in Gatehouse asks for a second factor today.
//
// A TOTP secret is 160 random bits in base32 (allauth's format, which
// authenticator apps read from an otpauth:// URI or its QR code). Check
// returns the time step a code matched, so that the caller can refuse the
// same step twice (a replayed code) in a store that all instances share.
//
// Recovery codes are stored as keyed hashes: HMAC-SHA256 under a key the
// caller derives from the secret key, over one random salt per set and
// the code. Checking a typed code costs one HMAC, not one password hash
// per stored code; a copy of the table without the key gives nothing to
// guess against offline. This differs from allauth, which keeps a seed
// and derives the codes (so it can show them again); here they are shown
// once, when made.
package mfa
