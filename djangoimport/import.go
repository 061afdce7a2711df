package djangoimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// Options tune an Import. The zero value works.
type Options struct {
	// DryRun runs the whole import in its transaction and rolls it back: the
	// Report says what an import would do, and nothing is written.
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
	// Now is the clock, used for a user without date_joined. The default is
	// time.Now.
	Now func() time.Time
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
// store.Atomic transaction.
//
// Password hashes are copied exactly as Django stored them, so every user
// logs in with their old password (through a password.Set that accepts the
// algorithm), and unusable "!…" passwords stay unusable.
//
// Import can run again on the same file: a user whose username exists in the
// store is left unchanged and counted as skipped (ReasonExists), as are
// existing groups (by name) and permissions (by app_label.codename); missing
// memberships, grants and addresses of such users are added. A row that
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
	// ids holds the store id of each user record, 0 when it was skipped.
	ids []int64
	// existing holds the store ids of users that were there before.
	existing map[int64]bool
	// addresses caches the canonical addresses of users whose addresses
	// were looked at; primary says who has a primary address.
	addresses map[int64]map[string]bool
	primary   map[int64]bool
}

func newImporter(ctx context.Context, s user.Store, d *dump, opts *Options, userKind string) *importer {
	return &importer{
		ctx: ctx, s: s, d: d, opts: opts, t: newTally(), userKind: userKind,
		contentTypes: make(map[ref]contentTypeRec, 2*len(d.contentTypes)),
		perms:        make(map[ref]int64, 2*len(d.permissions)),
		permCodes:    map[int64]string{},
		groups:       make(map[ref]int64, 2*len(d.groups)),
		users:        make(map[ref]int64, 2*len(d.users)),
		skippedUsers: map[ref]int64{},
		existing:     map[int64]bool{},
		addresses:    map[int64]map[string]bool{},
		primary:      map[int64]bool{},
	}
}

func (im *importer) run() error {
	im.countOthers()
	steps := []func() error{im.importPermissions, im.importGroups, im.importUsers,
		im.importMemberships, im.importUserPermissions, im.importEmails, im.importUserEmails}
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

func (im *importer) importPermissions() error {
	for _, p := range im.d.permissions {
		im.t.read(KindPermission, 1)
		ct, ok := im.contentTypes[p.contentType]
		if !ok {
			parts, natural := p.contentType.natural()
			if !natural || len(parts) != 2 {
				im.t.skip(KindPermission, "content type not in file", example(p.index, "content_type "+p.contentType.String()))
				continue
			}
			ct = contentTypeRec{appLabel: parts[0], model: parts[1]}
		}
		if p.codename == "" || ct.appLabel == "" {
			im.t.skip(KindPermission, "no codename or app_label", example(p.index, ""))
			continue
		}
		id, err := im.permission(ct.appLabel, p.codename, p.name, p.index)
		if err != nil {
			return err
		}
		if p.pk != "" {
			im.perms[p.pk] = id
		}
		im.perms[natRef(p.codename, ct.appLabel, ct.model)] = id
		im.permCodes[id] = ct.appLabel + "." + p.codename
	}
	return nil
}

// permission finds or creates app_label.codename and returns its id.
func (im *importer) permission(appLabel, codename, name string, index int) (int64, error) {
	got, err := im.s.PermissionByCode(im.ctx, appLabel, codename)
	switch {
	case err == nil:
		im.t.skip(KindPermission, ReasonExists, "")
		return got.ID, nil
	case !errors.Is(err, user.ErrNotFound):
		return 0, storeErr(KindPermission, index, err)
	}
	p := &user.Permission{AppLabel: appLabel, Codename: codename, Name: name}
	if err := im.s.CreatePermission(im.ctx, p); err != nil {
		return 0, storeErr(KindPermission, index, err)
	}
	im.t.imported(KindPermission)
	return p.ID, nil
}

// resolvePermission finds a permission referred to by pk or natural key:
// in the file first, then, for a natural key, in the store.
func (im *importer) resolvePermission(r ref) (int64, string, error) {
	if id, ok := im.perms[r]; ok {
		return id, "", nil
	}
	parts, natural := r.natural()
	if !natural {
		return 0, "permission not in file", nil
	}
	if len(parts) != 3 {
		return 0, "malformed permission key", nil
	}
	p, err := im.s.PermissionByCode(im.ctx, parts[1], parts[0])
	if errors.Is(err, user.ErrNotFound) {
		return 0, "permission not in file or store", nil
	}
	if err != nil {
		return 0, "", err
	}
	im.perms[r] = p.ID
	im.permCodes[p.ID] = p.String()
	return p.ID, "", nil
}

func (im *importer) importGroups() error {
	for _, g := range im.d.groups {
		im.t.read(KindGroup, 1)
		if g.name == "" {
			im.t.skip(KindGroup, "no name", example(g.index, ""))
			continue
		}
		var (
			id     int64
			before map[int64]bool
		)
		got, err := im.s.GroupByName(im.ctx, g.name)
		switch {
		case err == nil:
			im.t.skip(KindGroup, ReasonExists, "")
			id = got.ID
			perms, err := im.s.GroupPermissions(im.ctx, id)
			if err != nil {
				return storeErr(KindGroup, g.index, err)
			}
			before = make(map[int64]bool, len(perms))
			for _, p := range perms {
				before[p.ID] = true
			}
		case errors.Is(err, user.ErrNotFound):
			ng := &user.Group{Name: g.name}
			if err := im.s.CreateGroup(im.ctx, ng); err != nil {
				return storeErr(KindGroup, g.index, err)
			}
			im.t.imported(KindGroup)
			id = ng.ID
		default:
			return storeErr(KindGroup, g.index, err)
		}
		if g.pk != "" {
			im.groups[g.pk] = id
		}
		im.groups[natRef(g.name)] = id

		for _, pr := range g.perms {
			im.t.read(KindGroupPermission, 1)
			pid, reason, err := im.resolvePermission(pr)
			if err != nil {
				return storeErr(KindGroup, g.index, err)
			}
			switch {
			case reason != "":
				im.t.skip(KindGroupPermission, reason, example(g.index, fmt.Sprintf("group %q, permission %s", g.name, pr)))
			case before[pid]:
				im.t.skip(KindGroupPermission, ReasonExists, "")
			default:
				if err := im.s.GrantGroupPermission(im.ctx, id, pid); err != nil {
					return storeErr(KindGroup, g.index, err)
				}
				if before == nil {
					before = map[int64]bool{}
				}
				before[pid] = true
				im.t.imported(KindGroupPermission)
			}
		}
	}
	return nil
}

// resolveGroup finds a group referred to by pk or natural key.
func (im *importer) resolveGroup(r ref) (int64, string, error) {
	if id, ok := im.groups[r]; ok {
		return id, "", nil
	}
	parts, natural := r.natural()
	if !natural {
		return 0, "group not in file", nil
	}
	if len(parts) != 1 {
		return 0, "malformed group key", nil
	}
	g, err := im.s.GroupByName(im.ctx, parts[0])
	if errors.Is(err, user.ErrNotFound) {
		return 0, "group not in file or store", nil
	}
	if err != nil {
		return 0, "", err
	}
	im.groups[r] = g.ID
	return g.ID, "", nil
}
