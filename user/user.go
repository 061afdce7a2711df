package user

import (
	"time"
)

// User is an account, field for field the Django AbstractUser.
type User struct {
	ID        int64
	Username  string // as typed at signup (casing preserved)
	Email     string // the primary address; may be empty
	FirstName string
	LastName  string
	// Password is the Django-encoded hash, "!…" when unusable. It is never
	// encoded to JSON.
	Password    string `json:"-"`
	IsActive    bool
	IsStaff     bool
	IsSuperuser bool
	DateJoined  time.Time
	LastLogin   time.Time // zero when the user never logged in
	// Language is the user's language for mail ("en", "ru"; "" for the
	// site's default), set from the pages' language at signup and when
	// the user switches it.
	Language string
}

// HasUsablePassword reports whether the stored password can ever verify.
// Like Django, a hash starting with "!" (or an empty one) is unusable.
func (u *User) HasUsablePassword() bool {
	return u.Password != "" && u.Password[0] != '!'
}

// FullName returns "First Last", trimmed.
func (u *User) FullName() string {
	switch {
	case u.FirstName == "":
		return u.LastName
	case u.LastName == "":
		return u.FirstName
	}
	return u.FirstName + " " + u.LastName
}

// Group is a named set of permissions that users can belong to.
type Group struct {
	ID   int64
	Name string
}

// Permission is a Django permission: "app_label.codename" with a human name.
type Permission struct {
	ID       int64
	AppLabel string
	Codename string
	Name     string
}

// String returns the permission in Django's "app_label.codename" form.
func (p Permission) String() string { return p.AppLabel + "." + p.Codename }

// EmailAddress is one of a user's addresses, as allauth's EmailAddress.
type EmailAddress struct {
	ID       int64
	UserID   int64
	Email    string
	Verified bool
	Primary  bool
}
