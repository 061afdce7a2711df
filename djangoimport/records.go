package djangoimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ref is a reference to another record, normalised so that a primary key and
// a natural key can both index one map: "p:" + the pk as written (12, or the
// text of a string pk), or "n:" + the natural key's parts joined by "\x1f".
// The zero ref is a null reference.
type ref string

func pkRef(raw json.RawMessage) (ref, error) {
	var r ref
	if len(raw) == 0 {
		return "", nil
	}
	if err := r.UnmarshalJSON(raw); err != nil {
		return "", err
	}
	if strings.HasPrefix(string(r), "n:") {
		return "", errors.New("pk must be a number or a string")
	}
	return r, nil
}

// natRef is the ref of a natural key.
func natRef(parts ...string) ref { return ref("n:" + strings.Join(parts, "\x1f")) }

// UnmarshalJSON reads a number or string (a pk), an array of strings or
// numbers (a natural key), or null.
func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty reference")
	case string(b) == "null":
		*r = ""
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = ref("p:" + s)
		return nil
	case b[0] == '[':
		var parts []json.RawMessage
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		if len(parts) == 0 {
			return errors.New("empty natural key")
		}
		ss := make([]string, len(parts))
		for i, p := range parts {
			var s string
			switch {
			case len(p) > 0 && p[0] == '"':
				if err := json.Unmarshal(p, &s); err != nil {
					return err
				}
			case len(p) > 0 && (p[0] == '-' || p[0] >= '0' && p[0] <= '9'):
				s = string(p)
			default:
				return fmt.Errorf("natural key part %.32s is not a string", p)
			}
			ss[i] = s
		}
		*r = natRef(ss...)
		return nil
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*r = ref("p:" + n.String())
		return nil
	}
	return fmt.Errorf("reference %.32s is neither a pk nor a natural key", b)
}

// String shows a ref in a report: "pk 12" or `["alice"]`.
func (r ref) String() string {
	switch {
	case strings.HasPrefix(string(r), "p:"):
		return "pk " + string(r[2:])
	case strings.HasPrefix(string(r), "n:"):
		parts := strings.Split(string(r[2:]), "\x1f")
		b, _ := json.Marshal(parts)
		return string(b)
	}
	return "null"
}

// natural reports whether r is a natural key and returns its parts.
func (r ref) natural() ([]string, bool) {
	if !strings.HasPrefix(string(r), "n:") {
		return nil, false
	}
	return strings.Split(string(r[2:]), "\x1f"), true
}

// The records of the models that are imported, as compact as the fields
// allow: a dump may hold millions of users, all kept until references are
// resolved. index is the record's position in the file.

type contentTypeRec struct {
	pk              ref
	appLabel, model string
}

type permissionRec struct {
	index          int
	pk             ref
	contentType    ref
	name, codename string
}

type groupRec struct {
	index int
	pk    ref
	name  string
	perms []ref
}

const (
	flagActive = 1 << iota
	flagStaff
	flagSuperuser
	flagLoggedIn // lastLogin is set
)

// userRec keeps its five strings in one (text, cut at cut[0..3]) and its
// group and permission references in one slice (groups first): about 110
// bytes plus the text per user, so that millions of users fit.
type userRec struct {
	text              string // username, password, email, first name, last name
	cut               [4]uint32
	pk                ref
	refs              []ref // nGroups group references, then permission references
	nGroups           int32
	index             int32
	joined, lastLogin int64 // unix microseconds
	flags             uint8
}

func newUserRec(index int, pk ref, f *userFields) userRec {
	parts := [5]string{f.Username, f.Password, f.Email, f.FirstName, f.LastName}
	var u userRec
	n := 0
	for i, p := range parts {
		n += len(p)
		if i < 4 {
			u.cut[i] = uint32(n)
		}
	}
	u.text = strings.Join(parts[:], "")
	u.pk = pk
	u.index = int32(index)
	if len(f.Groups)+len(f.UserPermissions) > 0 {
		u.refs = make([]ref, 0, len(f.Groups)+len(f.UserPermissions))
		u.refs = append(append(u.refs, f.Groups...), f.UserPermissions...)
	}
	u.nGroups = int32(len(f.Groups))
	return u
}

func (u *userRec) field(i int) string {
	start := uint32(0)
	if i > 0 {
		start = u.cut[i-1]
	}
	end := uint32(len(u.text))
	if i < 4 {
		end = u.cut[i]
	}
	return u.text[start:end]
}

func (u *userRec) username() string { return u.field(0) }
func (u *userRec) password() string { return u.field(1) }
func (u *userRec) email() string    { return u.field(2) }
func (u *userRec) first() string    { return u.field(3) }
func (u *userRec) last() string     { return u.field(4) }
func (u *userRec) groups() []ref    { return u.refs[:u.nGroups] }
func (u *userRec) perms() []ref     { return u.refs[u.nGroups:] }
func (u *userRec) idx() int         { return int(u.index) }

type emailRec struct {
	index             int
	user              ref
	email             string
	verified, primary bool
}

// The JSON shapes of the fields objects.

type contentTypeFields struct {
	AppLabel string `json:"app_label"`
	Model    string `json:"model"`
}

type permissionFields struct {
	Name        string `json:"name"`
	ContentType ref    `json:"content_type"`
	Codename    string `json:"codename"`
}

type groupFields struct {
	Name        string `json:"name"`
	Permissions []ref  `json:"permissions"`
}

type userFields struct {
	Password        string  `json:"password"`
	LastLogin       *string `json:"last_login"`
	IsSuperuser     bool    `json:"is_superuser"`
	Username        string  `json:"username"`
	FirstName       string  `json:"first_name"`
	LastName        string  `json:"last_name"`
	Email           string  `json:"email"`
	IsStaff         bool    `json:"is_staff"`
	IsActive        *bool   `json:"is_active"`
	DateJoined      *string `json:"date_joined"`
	Groups          []ref   `json:"groups"`
	UserPermissions []ref   `json:"user_permissions"`
}

type emailFields struct {
	User     ref    `json:"user"`
	Email    string `json:"email"`
	Verified bool   `json:"verified"`
	Primary  bool   `json:"primary"`
}

// decodeFields decodes one fields object into v, allowing nothing after it.
func decodeFields(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the fields object")
	}
	return nil
}

// parseTime reads a datetime as DjangoJSONEncoder writes it:
// "2021-03-04T12:30:15.123Z" with USE_TZ, an offset, or naive
// "2021-03-04T12:30:15.123" (then in loc). Seconds and fractions are optional.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse datetime %.40q", s)
}
