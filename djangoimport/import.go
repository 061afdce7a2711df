package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/social"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Options tune an Import. The zero value works.
type Options struct {
	// DryRun runs the whole import in its transaction and rolls it back: the
	// Report says what an import would do, and nothing is written. (Given a
	// store already inside Atomic, the rollback is the caller's: Import then
	// returns the report and leaves the writes in the caller's transaction.)
	DryRun bool
	// UserModel is the dumpdata model name of the user records, for projects
	// with a custom AUTH_USER_MODEL shaped like AbstractUser (username,
	// password, email, names, flags, groups, user_permissions). The default
	// is "auth.user".
	UserModel string
	// EmailsVerified marks the email field of imported users as verified when
	// no allauth EmailAddress row says otherwise, for sites that confirmed
	// addresses by other means. The default is unverified.
	EmailsVerified bool
	// Location is the time zone of naive datetimes, which Django writes with
	// USE_TZ = False. The default is UTC.
	Location *time.Location
	// MaxRecordSize bounds the bytes of one record of the dump. The default is
	// DefaultMaxRecordSize.
	MaxRecordSize int64
	// Progress, when not nil, is called as the users are imported, every
	// ProgressEvery users and after the last, with the number done and the
	// number in the file. The default is no progress reports.
	Progress func(done, total int)
	// Now is the clock, used for a user or social account without
	// date_joined. The default is time.Now.
	Now func() time.Time
	// SealSecret returns the secret of a provider app (allauth's SocialApp)
	// as the store keeps it: social.SealSecret with the site's key ring. It
	// is called with the app as it will be stored (Provider and AppID set,
	// Secret plain) for apps that have a secret; an error stops the import
	// and nothing is written. The default, nil, skips such apps
	// (ReasonNoSealer): a secret is never stored in plain text.
	SealSecret func(*social.App) (string, error)
	// MFAKeys returns the site's key ring, under which allauth's
	// two-factor authenticators are stored: TOTP secrets sealed
	// (mfa.SealTOTPSecret), recovery codes hashed (mfa.RecoveryKey). It is
	// called once, when the first authenticator needs it; an error stops
	// the import and nothing is written. The default, nil, skips the TOTP
	// and recovery-code authenticators (ReasonNoMFAKeys); security keys
	// and passkeys hold no secret and need no ring.
	MFAKeys func() (*keys.Ring, error)
	// RecoveryCodeCount and RecoveryCodeDigits are allauth's
	// MFA_RECOVERY_CODE_COUNT and MFA_RECOVERY_CODE_DIGITS of the site the
	// dump comes from, which derive its recovery codes from their seed.
	// The defaults are allauth's, 10 and 8.
	RecoveryCodeCount, RecoveryCodeDigits int
}

func (o *Options) recoveryCodeCount() int {
	if o.RecoveryCodeCount <= 0 {
		return 10
	}
	return o.RecoveryCodeCount
}

func (o *Options) recoveryCodeDigits() int {
	if o.RecoveryCodeDigits <= 0 {
		return 8
	}
	return o.RecoveryCodeDigits
}

func (o *Options) location() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

func (o *Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("djangoimport: dry run")

// Import reads the JSON that `manage.py dumpdata auth contenttypes account
// socialaccount` writes (any subset of these apps, in any order, with or
// without --natural-foreign and --natural-primary; other apps' records are
// counted and ignored) and writes its users, groups, permissions,
// memberships, grants and allauth email addresses to store, in one
// store.Atomic transaction; and, when the store is also a social.Store
// (as *sqlstore.DB is), allauth's provider apps, their secrets sealed by
// Options.SealSecret, and the users' links to provider accounts; and, when
// it is also an mfa.Store, allauth's two-factor authenticators (mfa app):
// TOTP secrets sealed and the unused recovery codes hashed under the ring
// of Options.MFAKeys, and security keys and passkeys.
//
// Password hashes are copied exactly as Django stored them, so every user
// logs in with their old password (through a password.Set that accepts the
// algorithm), and unusable "!…" passwords stay unusable.
//
// Import can run again on the same file: a user whose username exists in the
// store is left unchanged and counted as skipped (ReasonExists), as are
// existing groups (by name), permissions (by app_label.codename), provider
// apps (by provider and app id) and links (by provider and uid); missing
// memberships, grants, addresses and links of such users are added. A row that
// refers to something neither in the file nor in the store is skipped with a
// reason, not a failure.
//
// The whole file is parsed before the transaction starts: a malformed file
// is an error naming the record index, and nothing is written. An error of
// the store rolls everything back.
func Import(ctx context.Context, store user.Store, r io.Reader, opts Options) (*Report, error) {
	d, err := parse(r, &opts)
	if err != nil {
		return nil, err
	}
	userKind := strings.ToLower(opts.UserModel)
	if userKind == "" {
		userKind = KindUser
	}
	var rep *Report
	err = store.Atomic(ctx, func(s user.Store) error {
		im := newImporter(ctx, s, d, &opts, userKind)
		if err := im.run(); err != nil {
			return err
		}
		rep = im.t.report(userKind, d.otherOrder)
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if opts.DryRun && errors.Is(err, errDryRun) {
		rep.DryRun = true
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// importer resolves the references of a dump against the file and the
// store, and writes what is missing.
type importer struct {
	ctx      context.Context
	s        user.Store
	d        *dump
	opts     *Options
	t        *tally
	userKind string

	contentTypes map[ref]contentTypeRec
	perms        map[ref]int64 // by pk and by natural key
	permCodes    map[int64]string
	groups       map[ref]int64
	users        map[ref]int64
	// skippedUsers holds the refs of user records that were not imported,
	// so that rows pointing at them say so.
	skippedUsers map[ref]int64
	// pkByUsername maps the usernames of the file's users to their pks
	// (built when a security key names its user by natural key).
	pkByUsername map[string]string
	// ids holds the store id of each user record, 0 when it was skipped.
	ids []int64
	// existing holds the store ids of users that were there before.
	existing map[int64]bool
	// addresses caches the canonical addresses of users whose addresses
	// were looked at; primary says who has a primary address.
	addresses map[int64]map[string]bool
	primary   map[int64]bool
	// ss is the store as a social.Store; nil when it is not one.
	ss social.Store
	// ring is what Options.MFAKeys returned, once an authenticator needed it.
	ring *keys.Ring
}

func newImporter(ctx context.Context, s user.Store, d *dump, opts *Options, userKind string) *importer {
	return &importer{
		ctx: ctx, s: s, d: d, opts: opts, t: newTally(), userKind: userKind,
		contentTypes: make(map[ref]contentTypeRec, 2*len(d.contentTypes)),
		perms:        make(map[ref]int64, 2*len(d.permissions)),
		permCodes:    map[int64]string{},
		groups:       make(map[ref]int64, 2*len(d.groups)),
		users:        make(map[ref]int64, len(d.users)),
		skippedUsers: map[ref]int64{},
		existing:     map[int64]bool{},
		addresses:    map[int64]map[string]bool{},
		primary:      map[int64]bool{},
	}
}

func (im *importer) run() error {
	im.countOthers()
	steps := []func() error{im.importPermissions, im.importGroups, im.importUsers,
		im.importMemberships, im.importUserPermissions, im.importEmails, im.importUserEmails,
		im.importSocialApps, im.importSocialAccounts, im.importAuthenticators}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
		if err := im.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// countOthers indexes the content types and counts the models that are not
// imported.
func (im *importer) countOthers() {
	if n := len(im.d.contentTypes); n > 0 {
		im.t.kind(KindContentType, false).Read = n
	}
	for _, ct := range im.d.contentTypes {
		if ct.pk != "" {
			im.contentTypes[ct.pk] = ct
		}
		im.contentTypes[natRef(ct.appLabel, ct.model)] = ct
	}
	for _, model := range im.d.otherOrder {
		n := im.d.other[model]
		c := im.t.kind(model, false)
		c.Read = n
		im.t.skipN(c, notImportedReason(model), "", n)
	}
}

// example names a record in a Reason.
func example(index int, what string) string {
	if what == "" {
		return fmt.Sprintf("record %d", index)
	}
	return fmt.Sprintf("record %d: %s", index, what)
}

// storeErr wraps a store failure with the record it happened on.
func storeErr(kind string, index int, err error) error {
	return fmt.Errorf("djangoimport: %s record %d: %w", kind, index, err)
}
