package djangoimport

import (
	"fmt"
	"strings"
)

// The kinds a Report counts. Records keep their dumpdata model names; the
// rows of many-to-many tables and the email field of a user, which dumpdata
// nests inside the records, have kinds of their own.
const (
	KindContentType     = "contenttypes.contenttype"
	KindPermission      = "auth.permission"
	KindGroup           = "auth.group"
	KindGroupPermission = "auth.group_permissions"     // a permission of a group
	KindUser            = "auth.user"                  // or Options.UserModel
	KindMembership      = "auth.user_groups"           // a user in a group
	KindUserPermission  = "auth.user_user_permissions" // a permission granted to a user
	KindUserEmail       = "auth.user.email"            // the email field of a user with no allauth address for it
	KindEmailAddress    = "account.emailaddress"
	KindSocialApp       = "socialaccount.socialapp"     // a provider app (client id and secret)
	KindSocialAccount   = "socialaccount.socialaccount" // a user's link to a provider account
	KindAuthenticator   = "mfa.authenticator"           // a two-factor authenticator (allauth's mfa app)
)

// Reasons for skipping that a Report gives. Others name a missing reference
// ("group not in file"); their Examples say which record and which pk.
const (
	// ReasonExists: the row is already in the store (a user by username, a
	// group by name, a permission by app_label.codename, a membership, a grant
	// or an address). Existing users are left unchanged.
	ReasonExists = "exists"
	// ReasonToken: socialaccount.socialtoken records (allauth kept them in
	// plain text); the provider gives new tokens at the next login.
	ReasonToken = "tokens are not carried over: the next login gets new ones"
	// ReasonNoSocialStore: the store given to Import does not implement
	// social.Store, so provider apps and links have nowhere to go.
	ReasonNoSocialStore = "the store keeps no social accounts"
	// ReasonNoSealer: an app with a secret, and no Options.SealSecret to
	// seal it with: secrets are never stored in plain text.
	ReasonNoSealer = "no secret key to seal the app secret with"
	// ReasonAppOnNoSite: a SocialApp enabled on no site, which allauth
	// never uses (how its admin disables an app).
	ReasonAppOnNoSite = "app on no site (disabled)"
	// ReasonOAuth1App: an app of allauth's "twitter" provider, X over OAuth
	// 1.0a: its consumer key and secret do not work for OAuth 2.0, for which
	// X gives the app another client id and secret. (Its users' links are
	// imported as "twitter_oauth2" ones: the user ids are the same.)
	ReasonOAuth1App = "OAuth 1.0a credentials (X's OAuth 2.0 app has its own client id and secret)"
	// ReasonAppRepeated: a second SocialApp with the same provider and
	// provider_id (allauth allows one per site; Gatehouse serves one site):
	// the first in the file is imported.
	ReasonAppRepeated = "another app of the same provider and provider_id comes first"
	// ReasonLinkedToOther: the provider account is linked to another user
	// of the store (or, for OpenID Connect, of another server in the file).
	ReasonLinkedToOther = "provider account linked to another user"
	// ReasonConfirmation: account.emailconfirmation records; a user asks for
	// a new confirmation mail.
	ReasonConfirmation = "pending confirmations are not carried over"
	// ReasonUnknownModel: a model of another app, ignored.
	ReasonUnknownModel = "unknown model"
	// ReasonUsernameTaken: another user has the same canonical username
	// ("Bob" and "bob"): Django allowed both, Gatehouse does not.
	ReasonUsernameTaken = "username taken by another user (same canonical form)"
	// ReasonNoMFAStore: the store given to Import does not implement
	// mfa.Store, so authenticators have nowhere to go.
	ReasonNoMFAStore = "the store keeps no two-factor authenticators"
	// ReasonNoMFAKeys: an authenticator, and no Options.MFAKeys to seal
	// its secret or hash its codes with.
	ReasonNoMFAKeys = "no secret key to seal two-factor secrets with"
	// ReasonWebAuthn: a security key or passkey whose credential is not a
	// registration response that parses (allauth's data["credential"]:
	// the attestation object, a public key, the credential id = rawId).
	ReasonWebAuthn = "webauthn credential does not parse"
	// ReasonNoUserHandle: a security key or passkey of a user referred to
	// by a natural key whose record (and so whose old pk, which allauth
	// made the user handle from) is not in the file.
	ReasonNoUserHandle = "webauthn key of a user whose pk is not in the file (the user handle is made from it)"
	// ReasonCredentialTaken: a security key or passkey whose credential
	// is stored already for another user (a credential is one user's).
	ReasonCredentialTaken = "webauthn credential stored for another user"
	// ReasonEncrypted: a TOTP secret that is not base32 of 16 bytes or
	// more, or recovery-code data with neither a hex seed nor digit codes:
	// the site's adapter had a custom encrypt(); decrypt the data in the
	// dump first.
	ReasonEncrypted = "not allauth's plain data: a custom adapter encrypt()? (decrypt it in the dump first)"
	// ReasonNoTOTP: recovery codes of a user who has no authenticator app
	// and no security key in the store or imported from the file (the
	// factor was skipped): Gatehouse's recovery codes back up one.
	ReasonNoTOTP = "recovery codes of a user without an authenticator app or security key"
	// ReasonAuthenticatorRepeated: a second authenticator of one type for
	// one user: the first in the file is imported.
	ReasonAuthenticatorRepeated = "another authenticator of the same type for the user comes first"
	// ReasonEmailTaken: the address belongs to another user.
	ReasonEmailTaken = "email belongs to another user"
)

// MaxExamples is how many examples a Reason keeps.
const MaxExamples = 5

// Report says what an Import did, or with DryRun would do: counts per kind,
// in a fixed order, of the rows it imported and skipped, with reasons.
type Report struct {
	DryRun bool     // nothing was written
	Counts []*Count // one per kind seen in the file
}

// Count is the tally of one kind.
type Count struct {
	Kind     string
	Read     int // records (or references, for the many-to-many kinds) in the file
	Imported int // rows written
	Skipped  int // rows not written; Reasons say why
	Reasons  []*Reason

	// importable is false for kinds only ever read or skipped.
	importable bool
}

// Reason is one cause of skipped rows with a few examples ("record 12: pk 7").
type Reason struct {
	Reason   string
	N        int
	Examples []string // at most MaxExamples
}

// Count returns the tally of kind, or an empty Count when the file had none.
func (r *Report) Count(kind string) *Count {
	for _, c := range r.Counts {
		if c.Kind == kind {
			return c
		}
	}
	return &Count{Kind: kind}
}

// SkippedFor returns how many rows were skipped for reason.
func (c *Count) SkippedFor(reason string) int {
	for _, r := range c.Reasons {
		if r.Reason == reason {
			return r.N
		}
	}
	return 0
}

// String prints one line per kind, for example:
//
//	auth.user: 8 read, 7 imported, 1 skipped (username taken by another user (same canonical form): 1)
//	socialaccount.socialtoken: 1 skipped (tokens are not carried over: the next login gets new ones)
//
// preceded by a line saying so on a dry run.
func (r *Report) String() string {
	var b strings.Builder
	if r.DryRun {
		b.WriteString("dry run: nothing was written; an import would do this:\n")
	}
	for _, c := range r.Counts {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// String prints the Count on one line.
func (c *Count) String() string {
	var b strings.Builder
	b.WriteString(c.Kind)
	b.WriteString(": ")
	switch {
	case c.importable:
		fmt.Fprintf(&b, "%d read, %d imported, %d skipped", c.Read, c.Imported, c.Skipped)
	case c.Skipped == 0:
		fmt.Fprintf(&b, "%d read", c.Read)
	default:
		fmt.Fprintf(&b, "%d skipped", c.Skipped)
	}
	if c.Kind == KindContentType {
		b.WriteString(" (used to resolve permissions)")
	}
	if c.Skipped == 0 {
		return b.String()
	}
	b.WriteString(" (")
	for i, r := range c.Reasons {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r.Reason)
		if c.importable || len(c.Reasons) > 1 {
			fmt.Fprintf(&b, ": %d", r.N)
		}
		if len(r.Examples) > 0 {
			fmt.Fprintf(&b, " [e.g. %s]", strings.Join(r.Examples, "; "))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// tally builds a Report in a fixed kind order.
type tally struct {
	counts map[string]*Count
}

var kindOrder = []string{KindContentType, KindPermission, KindGroup, KindGroupPermission,
	KindUser, KindMembership, KindUserPermission, KindEmailAddress, KindUserEmail, KindSocialApp, KindSocialAccount,
	KindAuthenticator}

func newTally() *tally { return &tally{counts: map[string]*Count{}} }

// kind returns the Count of kind, making it.
func (t *tally) kind(kind string, importable bool) *Count {
	c := t.counts[kind]
	if c == nil {
		c = &Count{Kind: kind, importable: importable}
		t.counts[kind] = c
	}
	return c
}

func (t *tally) read(kind string, n int) { t.kind(kind, true).Read += n }
func (t *tally) imported(kind string)    { t.kind(kind, true).Imported++ }

// skip counts one skipped row; example (may be empty) says which.
func (t *tally) skip(kind, reason, example string) {
	t.skipN(t.kind(kind, true), reason, example, 1)
}

func (t *tally) skipN(c *Count, reason, example string, n int) {
	c.Skipped += n
	for _, r := range c.Reasons {
		if r.Reason == reason {
			r.N += n
			if example != "" && len(r.Examples) < MaxExamples {
				r.Examples = append(r.Examples, example)
			}
			return
		}
	}
	r := &Reason{Reason: reason, N: n}
	if example != "" {
		r.Examples = []string{example}
	}
	c.Reasons = append(c.Reasons, r)
}

// report orders the counts: the imported kinds first, then the others in
// the order the file had them.
func (t *tally) report(userKind string, others []string) *Report {
	rep := &Report{}
	for _, k := range kindOrder {
		if k == KindUser {
			k = userKind
		}
		if c := t.counts[k]; c != nil {
			rep.Counts = append(rep.Counts, c)
		}
	}
	for _, k := range others {
		if c := t.counts[k]; c != nil {
			rep.Counts = append(rep.Counts, c)
		}
	}
	return rep
}
