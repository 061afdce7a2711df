package djangoimport

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// maxOtherModels bounds the distinct models of other apps that a report
// names one by one; the rest are counted together under otherModels.
const (
	maxOtherModels = 100
	otherModels    = "(other models)"
)

// notImportedReason says why the records of a model are not imported.
func notImportedReason(model string) string {
	switch model {
	case "socialaccount.socialtoken":
		return ReasonToken
	case "account.emailconfirmation":
		return ReasonConfirmation
	}
	return ReasonUnknownModel
}

// dump is everything of a file that the import needs, in file order.
type dump struct {
	contentTypes []contentTypeRec
	permissions  []permissionRec
	groups       []groupRec
	users        []userRec
	emails       []emailRec
	// socialApps and socialAccounts are allauth's socialaccount app.
	socialApps     []socialAppRec
	socialAccounts []socialAccountRec
	// authenticators are allauth's mfa app.
	authenticators []authenticatorRec
	// other counts records of models that are not imported, by model;
	// otherOrder keeps the order in which they were first seen.
	other      map[string]int
	otherOrder []string
	records    int
	// refs interns the references of many-to-many lists, which repeat the
	// same few groups and permissions across all users.
	refs map[ref]ref
}

// maxInterned bounds the refs map.
const maxInterned = 1 << 16

// intern makes equal refs share one string.
func (d *dump) intern(rs []ref) {
	for i, r := range rs {
		if got, ok := d.refs[r]; ok {
			rs[i] = got
		} else if len(d.refs) < maxInterned {
			d.refs[r] = r
		}
	}
}

// parse reads a whole dumpdata array. A malformed record is an error naming
// its index; references are kept unresolved.
func parse(r io.Reader, opts *Options) (*dump, error) {
	d := &dump{other: map[string]int{}, refs: map[ref]ref{}}
	dec := newDecoder(r, opts.MaxRecordSize)
	userModel := strings.ToLower(opts.UserModel)
	if userModel == "" {
		userModel = "auth.user"
	}
	now := opts.now().UnixMicro()
	for {
		rec, err := dec.next()
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return nil, err
		}
		i := d.records
		if i == math.MaxInt32 {
			return nil, fmt.Errorf("djangoimport: more than %d records", math.MaxInt32)
		}
		d.records++
		model := strings.ToLower(rec.Model)
		if err := d.add(i, model, userModel, rec, opts.location(), now); err != nil {
			return nil, fmt.Errorf("djangoimport: record %d (%.64s): %w", i, model, err)
		}
	}
}

// add decodes the fields of one record by model.
func (d *dump) add(i int, model, userModel string, rec rawRecord, loc *time.Location, now int64) error {
	var pk ref
	switch model {
	case "contenttypes.contenttype", "auth.permission", "auth.group", userModel:
		var err error
		if pk, err = pkRef(rec.PK); err != nil {
			return err
		}
	}
	switch model {
	case "contenttypes.contenttype":
		var f contentTypeFields
		if err := decodeFields(rec.Fields, &f); err != nil {
			return err
		}
		d.contentTypes = append(d.contentTypes, contentTypeRec{pk: pk, appLabel: f.AppLabel, model: f.Model})
	case "auth.permission":
		var f permissionFields
		if err := decodeFields(rec.Fields, &f); err != nil {
			return err
		}
		d.permissions = append(d.permissions, permissionRec{index: i, pk: pk, contentType: f.ContentType,
			name: f.Name, codename: f.Codename})
	case "auth.group":
		var f groupFields
		if err := decodeFields(rec.Fields, &f); err != nil {
			return err
		}
		d.intern(f.Permissions)
		d.groups = append(d.groups, groupRec{index: i, pk: pk, name: f.Name, perms: f.Permissions})
	case userModel:
		var f userFields
		if err := decodeFields(rec.Fields, &f); err != nil {
			return err
		}
		if len(f.Username)+len(f.Password)+len(f.Email)+len(f.FirstName)+len(f.LastName) > math.MaxUint32 {
			return errors.New("user fields too long")
		}
		d.intern(f.Groups)
		d.intern(f.UserPermissions)
		u := newUserRec(i, pk, &f)
		u.joined = now
		if f.IsActive == nil || *f.IsActive {
			u.flags |= flagActive
		}
		if f.IsStaff {
			u.flags |= flagStaff
		}
		if f.IsSuperuser {
			u.flags |= flagSuperuser
		}
		if f.DateJoined != nil {
			t, err := parseTime(*f.DateJoined, loc)
			if err != nil {
				return fmt.Errorf("date_joined: %w", err)
			}
			u.joined = t.UnixMicro()
		}
		if f.LastLogin != nil {
			t, err := parseTime(*f.LastLogin, loc)
			if err != nil {
				return fmt.Errorf("last_login: %w", err)
			}
			u.lastLogin = t.UnixMicro()
			u.flags |= flagLoggedIn
		}
		d.users = append(d.users, u)
	case "account.emailaddress":
		var f emailFields
		if err := decodeFields(rec.Fields, &f); err != nil {
			return err
		}
		d.emails = append(d.emails, emailRec{index: i, user: f.User, email: f.Email,
			verified: f.Verified, primary: f.Primary})
	case KindSocialApp:
		return d.addSocialApp(i, rec.Fields)
	case KindSocialAccount:
		return d.addSocialAccount(i, rec.Fields, loc, now)
	case KindAuthenticator:
		return d.addAuthenticator(i, rec.Fields, loc, now)
	default:
		if len(model) > 100 {
			model = strings.ToValidUTF8(model[:100], "") + "…"
		}
		if _, seen := d.other[model]; !seen && len(d.other) >= maxOtherModels {
			model = otherModels
		}
		if d.other[model] == 0 {
			d.otherOrder = append(d.otherOrder, model)
		}
		d.other[model]++
	}
	return nil
}
