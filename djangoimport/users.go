package djangoimport

import (
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// ProgressEvery is how many users pass between calls of Options.Progress.
const ProgressEvery = 1000

// importUsers creates the users missing from the store, with their password
// hashes exactly as in the file, and finds the ones that are there.
func (im *importer) importUsers() error {
	// Users are indexed by natural key only when an address or a social
	// account refers to one that way: the maps take memory per user.
	byNatural := false
	for _, e := range im.d.emails {
		if _, ok := e.user.natural(); ok {
			byNatural = true
			break
		}
	}
	for i := 0; i < len(im.d.socialAccounts) && !byNatural; i++ {
		_, byNatural = im.d.socialAccounts[i].user.natural()
	}
	ids := make([]int64, len(im.d.users))
	for i := range im.d.users {
		u := &im.d.users[i]
		im.t.read(im.userKind, 1)
		id, reason, err := im.user(u)
		if err != nil {
			return storeErr(im.userKind, u.idx(), err)
		}
		ids[i] = id
		m := im.users
		if reason != "" {
			m = im.skippedUsers
			id = 0
		}
		if u.pk != "" {
			m[u.pk] = id
		}
		if byNatural || u.pk == "" {
			m[natRef(u.username())] = id
		}
		if p := im.opts.Progress; p != nil && ((i+1)%ProgressEvery == 0 || i+1 == len(im.d.users)) {
			p(i+1, len(im.d.users))
		}
	}
	im.ids = ids
	return nil
}

// user imports one user record; a non-empty reason means it was skipped.
func (im *importer) user(u *userRec) (int64, string, error) {
	if u.username() == "" {
		im.t.skip(im.userKind, "no username", example(u.idx(), ""))
		return 0, "no username", nil
	}
	got, err := im.s.UserByUsername(im.ctx, u.username())
	switch {
	case err == nil && got.Username == u.username():
		im.t.skip(im.userKind, ReasonExists, "")
		im.existing[got.ID] = true
		return got.ID, "", nil
	case err == nil:
		im.t.skip(im.userKind, ReasonUsernameTaken, example(u.idx(), fmt.Sprintf("%q (taken by %q)", u.username(), got.Username)))
		return 0, ReasonUsernameTaken, nil
	case !errors.Is(err, user.ErrNotFound):
		return 0, "", err
	}
	nu := &user.User{
		Username:    u.username(),
		FirstName:   u.first(),
		LastName:    u.last(),
		Password:    u.password(),
		IsActive:    u.flags&flagActive != 0,
		IsStaff:     u.flags&flagStaff != 0,
		IsSuperuser: u.flags&flagSuperuser != 0,
		DateJoined:  time.UnixMicro(u.joined).UTC(),
	}
	if u.flags&flagLoggedIn != 0 {
		nu.LastLogin = time.UnixMicro(u.lastLogin).UTC()
	}
	// The email field is added after the allauth addresses (importUserEmails),
	// which know whether it is verified.
	if err := im.s.CreateUser(im.ctx, nu); err != nil {
		return 0, "", err
	}
	im.t.imported(im.userKind)
	return nu.ID, "", nil
}

// importMemberships puts the users in their groups.
func (im *importer) importMemberships() error {
	for i := range im.d.users {
		u := &im.d.users[i]
		id := im.ids[i]
		im.t.read(KindMembership, len(u.groups()))
		if id == 0 {
			if len(u.groups()) > 0 {
				im.t.skipN(im.t.kind(KindMembership, true), "user not imported", example(u.idx(), ""), len(u.groups()))
			}
			continue
		}
		before := make(map[int64]bool, len(u.groups()))
		if im.existing[id] && len(u.groups()) > 0 {
			gs, err := im.s.UserGroups(im.ctx, id)
			if err != nil {
				return storeErr(im.userKind, u.idx(), err)
			}
			for _, g := range gs {
				before[g.ID] = true
			}
		}
		for _, gr := range u.groups() {
			gid, reason, err := im.resolveGroup(gr)
			if err != nil {
				return storeErr(im.userKind, u.idx(), err)
			}
			switch {
			case reason != "":
				im.t.skip(KindMembership, reason, example(u.idx(), fmt.Sprintf("user %q, group %s", u.username(), gr)))
			case before[gid]:
				im.t.skip(KindMembership, ReasonExists, "")
			default:
				if err := im.s.AddUserToGroup(im.ctx, id, gid); err != nil {
					return storeErr(im.userKind, u.idx(), err)
				}
				before[gid] = true
				im.t.imported(KindMembership)
			}
		}
	}
	return nil
}

// importUserPermissions grants the users their own permissions. For a user
// that was in the store already, a permission it holds (directly or through
// a group) counts as existing; the direct grant is still made, idempotently.
func (im *importer) importUserPermissions() error {
	for i := range im.d.users {
		u := &im.d.users[i]
		id := im.ids[i]
		im.t.read(KindUserPermission, len(u.perms()))
		if id == 0 {
			if len(u.perms()) > 0 {
				im.t.skipN(im.t.kind(KindUserPermission, true), "user not imported", example(u.idx(), ""), len(u.perms()))
			}
			continue
		}
		held := make(map[string]bool, len(u.perms()))
		if im.existing[id] && len(u.perms()) > 0 {
			codes, err := im.s.UserPermissionCodes(im.ctx, id)
			if err != nil {
				return storeErr(im.userKind, u.idx(), err)
			}
			for _, c := range codes {
				held[c] = true
			}
		}
		for _, pr := range u.perms() {
			pid, reason, err := im.resolvePermission(pr)
			if err != nil {
				return storeErr(im.userKind, u.idx(), err)
			}
			if reason != "" {
				im.t.skip(KindUserPermission, reason, example(u.idx(), fmt.Sprintf("user %q, permission %s", u.username(), pr)))
				continue
			}
			if err := im.s.GrantUserPermission(im.ctx, id, pid); err != nil {
				return storeErr(im.userKind, u.idx(), err)
			}
			code := im.permCodes[pid]
			if held[code] {
				im.t.skip(KindUserPermission, ReasonExists, "")
				continue
			}
			held[code] = true
			im.t.imported(KindUserPermission)
		}
	}
	return nil
}

// resolveUser finds the user an email address or social account record
// points at: in the file, or for a natural key in the store (exact
// username).
func (im *importer) resolveUser(r ref) (int64, string, error) {
	if id, ok := im.users[r]; ok {
		return id, "", nil
	}
	if _, ok := im.skippedUsers[r]; ok {
		return 0, "user not imported", nil
	}
	parts, natural := r.natural()
	if !natural {
		return 0, "user not in file", nil
	}
	if len(parts) != 1 {
		return 0, "malformed user key", nil
	}
	u, err := im.s.UserByUsername(im.ctx, parts[0])
	if errors.Is(err, user.ErrNotFound) || err == nil && u.Username != parts[0] {
		return 0, "user not in file or store", nil
	}
	if err != nil {
		return 0, "", err
	}
	im.users[r] = u.ID
	im.existing[u.ID] = true
	return u.ID, "", nil
}

// userAddresses returns the canonical addresses of a user, loading them for
// a user that was in the store already (a new user starts with none).
func (im *importer) userAddresses(id int64) (map[string]bool, error) {
	if a, ok := im.addresses[id]; ok {
		return a, nil
	}
	a := map[string]bool{}
	if im.existing[id] {
		es, err := im.s.Emails(im.ctx, id)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			a[user.CanonicalEmail(e.Email)] = true
			if e.Primary {
				im.primary[id] = true
			}
		}
	}
	im.addresses[id] = a
	return a, nil
}

// addEmail adds an address to user id unless the user has it (ReasonExists)
// or another user does (ReasonEmailTaken). A user that was in the store
// already keeps its primary address: the new one becomes primary only when
// there is none.
func (im *importer) addEmail(kind string, index int, id int64, email string, verified, primary bool) error {
	addrs, err := im.userAddresses(id)
	if err != nil {
		return storeErr(kind, index, err)
	}
	key := user.CanonicalEmail(email)
	if addrs[key] {
		im.t.skip(kind, ReasonExists, "")
		return nil
	}
	other, err := im.s.UserByEmail(im.ctx, email)
	switch {
	case err == nil && other.ID == id:
		im.t.skip(kind, ReasonExists, "")
		return nil
	case err == nil:
		im.t.skip(kind, ReasonEmailTaken, example(index, fmt.Sprintf("%q (user %q)", email, other.Username)))
		return nil
	case !errors.Is(err, user.ErrNotFound):
		return storeErr(kind, index, err)
	}
	if im.existing[id] && im.primary[id] {
		primary = false
	}
	e := &user.EmailAddress{UserID: id, Email: email, Verified: verified, Primary: primary}
	if err := im.s.AddEmail(im.ctx, e); err != nil {
		return storeErr(kind, index, err)
	}
	addrs[key] = true
	if primary {
		im.primary[id] = true
	}
	im.t.imported(kind)
	return nil
}

// importEmails adds allauth's EmailAddress rows with their verified and
// primary flags.
func (im *importer) importEmails() error {
	for _, e := range im.d.emails {
		im.t.read(KindEmailAddress, 1)
		id, reason, err := im.resolveUser(e.user)
		if err != nil {
			return storeErr(KindEmailAddress, e.index, err)
		}
		if reason != "" {
			im.t.skip(KindEmailAddress, reason, example(e.index, "user "+e.user.String()))
			continue
		}
		if user.CanonicalEmail(e.email) == "" {
			im.t.skip(KindEmailAddress, "no email", example(e.index, ""))
			continue
		}
		if err := im.addEmail(KindEmailAddress, e.index, id, e.email, e.verified, e.primary); err != nil {
			return err
		}
	}
	return nil
}

// importUserEmails adds the email field of each user that allauth did not
// already account for, as the primary address when the user has none.
func (im *importer) importUserEmails() error {
	for i := range im.d.users {
		u := &im.d.users[i]
		id := im.ids[i]
		if id == 0 || user.CanonicalEmail(u.email()) == "" {
			continue
		}
		im.t.read(KindUserEmail, 1)
		// userAddresses loads the primary flag before it is read here.
		if _, err := im.userAddresses(id); err != nil {
			return storeErr(im.userKind, u.idx(), err)
		}
		if err := im.addEmail(KindUserEmail, u.idx(), id, u.email(), im.opts.EmailsVerified, !im.primary[id]); err != nil {
			return err
		}
	}
	return nil
}
