// Package mfa is two-factor authentication, as django-allauth's mfa app
// defines it: an authenticator app (TOTP, RFC 6238) and recovery codes,
// trusted browsers and a requirement for some users, over the account
// flows (package account) and with no net/http. The pages under
// /accounts/2fa/ are package web's; the root package builds the Service
// when its store keeps authenticators (Store; *sqlstore.DB does) and
// appends its login stages to the account's, so every way in — a
// password, a mailed code, a provider, the login after a reset or a
// confirmation — passes the second factor before a session starts.
//
// A TOTP secret is 160 random bits in base32 (allauth's format, which
// authenticator apps read from an otpauth:// URI or its QR code), stored
// sealed under a key derived from the secret key and bound to its user.
// Enrolment stores nothing until a code from the app confirms the secret.
// Verify returns the time step a code matched, and the step is recorded
// in the store that all instances share, so a code is taken once.
//
// Recovery codes are stored as keyed hashes: HMAC-SHA256 under a key
// derived from the secret key, over one random salt per set and the code.
// Checking a typed code costs one HMAC, not one password hash per stored
// code; a copy of the table without the key gives nothing to guess
// against offline. This differs from allauth, which keeps a seed and
// derives the codes (so it can show them again); here they are shown
// once, when made.
//
// Security keys and passkeys (WebAuthn, over go-webauthn) are on when
// Config.SupportedTypes names TypeWebAuthn: a key is a second factor; a
// passkey (a discoverable credential made with user verification) also
// signs in on its own, and a passkey signup makes an account without a
// password. The relying party id is the site URL's host (never an IP
// address); a ceremony's state waits sealed in a single-use flow record.
package mfa
