// Package djangoimport moves the accounts of a Django site into a Gatehouse
// store: it reads what
//
//	python manage.py dumpdata auth contenttypes account socialaccount > dump.json
//
// writes (any subset of these apps, plain or with --natural-foreign and
// --natural-primary) and imports the users with their password hashes
// exactly as Django stored them, the groups, the permissions (as
// app_label.codename), the memberships and grants, and django-allauth's
// email addresses with their verified and primary flags, and
// django-allauth's social login: the provider apps (SocialApp, their
// secrets sealed with the site's key) and each user's links to provider
// accounts (SocialAccount, the provider's uid and extra_data unchanged), all
// in one transaction. Every imported user then logs in with their old
// password, or through the same provider account as before.
//
// The dump is read as a stream, one record at a time and each bounded in
// size, so a large file is never held whole; the records are kept in compact
// form until every reference, by pk or natural key and in any order, is
// resolved. An import can run again: what exists is counted as skipped and
// nothing is duplicated. The Report says, per kind, what was imported and
// what was skipped, and why.
//
// Provider ids are allauth's, which Gatehouse shares (google, github,
// twitter_oauth2, vk, yandex, telegram, openid_connect …); the links of
// allauth's "twitter" (X over OAuth 1.0a) become "twitter_oauth2" ones, X's
// user ids being the same, and its apps, whose credentials OAuth 2.0 cannot
// use, are skipped (ReasonOAuth1App). allauth gives the
// account of an OpenID Connect app (or any app with a provider_id) that
// provider_id as its provider ("keycloak"), and so does Gatehouse: each
// server's subs stay in a namespace of their own, and the link is found
// again at the next login through that app. A link whose provider and uid
// are already another user's is skipped, with the
// reason (ReasonLinkedToOther). Social tokens
// (socialaccount.socialtoken) are not carried over: the next login gets new
// ones.
//
// django-allauth's two-factor authenticators (mfa.authenticator, from
// dumpdata ... mfa) come over too, under the site's key ring
// (Options.MFAKeys): a TOTP secret sealed, so the user's authenticator
// app keeps working, and the recovery codes not used yet, derived from
// allauth's seed as allauth does (Options.RecoveryCodeCount, _Digits) and
// kept as keyed hashes. Data a custom adapter encrypt() changed is skipped
// with the reason (ReasonEncrypted). Security keys and passkeys (type
// webauthn) come over as they are (mfa.ImportAllauthWebAuthn reads the
// credential from the registration response allauth kept, without the
// ceremony's long-gone challenge), each with the user handle allauth made
// it with (user_pk_to_url_str of the old pk: base36 of an integer one),
// which the key returns at a passkey login; the site must keep allauth's
// host, the keys' relying party id. A credential that does not parse is
// skipped (ReasonWebAuthn), as is one stored for another user
// (ReasonCredentialTaken) and one of a user named by natural key whose
// record is not in the file (ReasonNoUserHandle). Recovery codes come
// over for a user with an authenticator app or a key (ReasonNoTOTP).
package djangoimport
