package user

import (
	"context"
	"time"
)

// Store persists users, groups, permissions and email addresses.
//
// Lookups that find nothing return an error wrapping ErrNotFound. Writes that
// break a unique key (canonical username, canonical email, group name,
// app_label+codename) return a *DuplicateError; the uniqueness is enforced by
// the database, so it holds under concurrency. Implementations must be safe
// for concurrent use.
type Store interface {
	// CreateUser inserts u and sets u.ID. A non-empty u.Email also becomes the
	// user's primary EmailAddress (unverified unless u is created by Import).
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with the given id.
	User(ctx context.Context, id int64) (*User, error)
	// UserByUsername finds a user by canonical username (see CanonicalUsername).
	UserByUsername(ctx context.Context, username string) (*User, error)
	// UserByEmail finds a user by canonical email among the users' primary
	// addresses and their EmailAddress rows.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UsersBySkeleton lists users whose username has the given confusable skeleton.
	UsersBySkeleton(ctx context.Context, skeleton string) ([]*User, error)
	// UpdateUser writes every field of u except ID, Password and DateJoined.
	UpdateUser(ctx context.Context, u *User) error
	// SetPassword replaces the stored hash.
	SetPassword(ctx context.Context, id int64, encoded string) error
	// CompareAndSetPassword replaces the stored hash with encoded only
	// while it is still old, atomically, and reports whether it did.
	CompareAndSetPassword(ctx context.Context, id int64, old, encoded string) (bool, error)
	// SetLanguage records the user's language for mail ("en", "ru").
	SetLanguage(ctx context.Context, id int64, lang string) error
	// SetLastLogin records a successful login.
	SetLastLogin(ctx context.Context, id int64, at time.Time) error
	// ListUsers returns users ordered by id, after the id `after`, at most limit.
	ListUsers(ctx context.Context, after int64, limit int) ([]*User, error)
	// CountUsers returns the number of users.
	CountUsers(ctx context.Context) (int64, error)

	// CreateGroup inserts g and sets g.ID.
	CreateGroup(ctx context.Context, g *Group) error
	// GroupByName returns the group with exactly that name.
	GroupByName(ctx context.Context, name string) (*Group, error)
	// ListGroups returns every group ordered by name.
	ListGroups(ctx context.Context) ([]*Group, error)
	// DeleteGroup removes a group with its memberships and grants.
	DeleteGroup(ctx context.Context, id int64) error
	// AddUserToGroup is idempotent.
	AddUserToGroup(ctx context.Context, userID, groupID int64) error
	// RemoveUserFromGroup is idempotent.
	RemoveUserFromGroup(ctx context.Context, userID, groupID int64) error
	// UserGroups lists the user's groups ordered by name.
	UserGroups(ctx context.Context, userID int64) ([]*Group, error)

	// CreatePermission inserts p and sets p.ID; an existing app_label.codename
	// is a *DuplicateError.
	CreatePermission(ctx context.Context, p *Permission) error
	// PermissionByCode finds "app_label.codename".
	PermissionByCode(ctx context.Context, appLabel, codename string) (*Permission, error)
	// ListPermissions returns every permission ordered by app_label, codename.
	ListPermissions(ctx context.Context) ([]*Permission, error)
	// GrantUserPermission and the other grant/revoke calls are idempotent.
	GrantUserPermission(ctx context.Context, userID, permID int64) error
	RevokeUserPermission(ctx context.Context, userID, permID int64) error
	GrantGroupPermission(ctx context.Context, groupID, permID int64) error
	RevokeGroupPermission(ctx context.Context, groupID, permID int64) error
	// GroupPermissions lists the permissions granted to a group.
	GroupPermissions(ctx context.Context, groupID int64) ([]*Permission, error)
	// UserPermissionCodes returns "app_label.codename" for every permission
	// granted to the user directly or through a group, sorted, without
	// duplicates. It does not look at is_active or is_superuser: see Perms.
	UserPermissionCodes(ctx context.Context, userID int64) ([]string, error)
	// AllPermissionCodes returns every permission code, sorted.
	AllPermissionCodes(ctx context.Context) ([]string, error)

	// AddEmail inserts e and sets e.ID. When e.Primary, the user's other
	// addresses stop being primary and users.email follows.
	AddEmail(ctx context.Context, e *EmailAddress) error
	// VerifyEmail marks the user's address (compared canonically) verified.
	VerifyEmail(ctx context.Context, userID int64, email string) error
	// SetPrimaryEmail makes the user's address email (compared canonically)
	// their only primary one; users.email follows. ErrNotFound when the
	// user has no such address.
	SetPrimaryEmail(ctx context.Context, userID int64, email string) error
	// RemoveEmail deletes the user's address email (compared canonically);
	// removing the primary one leaves users.email empty. ErrNotFound when
	// the user has no such address.
	RemoveEmail(ctx context.Context, userID int64, email string) error
	// Emails lists a user's addresses, primary first.
	Emails(ctx context.Context, userID int64) ([]*EmailAddress, error)

	// Atomic runs fn in one transaction: every write made through the Store
	// passed to fn commits together or not at all. fn's error rolls back.
	Atomic(ctx context.Context, fn func(Store) error) error
}
