package user

import (
	"context"
	"slices"
)

// Perms is a user's effective permissions, computed as Django's ModelBackend
// does: inactive users have none, active superusers have all, everyone else has
// the union of their own and their groups' permissions.
type Perms struct {
	Superuser bool     // active superuser: every permission
	Codes     []string // sorted "app_label.codename"; nil for superusers
}

// Has reports whether the permission "app_label.codename" is held.
func (p Perms) Has(code string) bool {
	if p.Superuser {
		return true
	}
	_, ok := slices.BinarySearch(p.Codes, code)
	return ok
}

// HasAll reports whether every listed permission is held.
func (p Perms) HasAll(codes ...string) bool {
	for _, c := range codes {
		if !p.Has(c) {
			return false
		}
	}
	return true
}

// HasModule reports whether any permission of the app label is held, like
// Django's has_module_perms.
func (p Perms) HasModule(appLabel string) bool {
	if p.Superuser {
		return true
	}
	for _, c := range p.Codes {
		if len(c) > len(appLabel) && c[len(appLabel)] == '.' && c[:len(appLabel)] == appLabel {
			return true
		}
	}
	return false
}

// EffectivePerms loads u's effective permissions from s.
func EffectivePerms(ctx context.Context, s Store, u *User) (Perms, error) {
	if u == nil || !u.IsActive {
		return Perms{}, nil
	}
	if u.IsSuperuser {
		return Perms{Superuser: true}, nil
	}
	codes, err := s.UserPermissionCodes(ctx, u.ID)
	if err != nil {
		return Perms{}, err
	}
	return Perms{Codes: codes}, nil
}

// List returns the permission codes for display; for a superuser it loads
// every permission known to the store.
func (p Perms) List(ctx context.Context, s Store) ([]string, error) {
	if p.Superuser {
		return s.AllPermissionCodes(ctx)
	}
	return p.Codes, nil
}
