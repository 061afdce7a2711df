package user

import (
	"context"
	"errors"
	"testing"
)

func TestCanonicalUsername(t *testing.T) {
	same := [][2]string{{"Bob", "bob"}, {"BOB", "bob"}, {"ｂｏｂ", "bob"}, {"Straße", "strasse"}, {"ПЁТР", "пётр"}}
	for _, p := range same {
		if CanonicalUsername(p[0]) != CanonicalUsername(p[1]) {
			t.Errorf("%q and %q should share a canonical form", p[0], p[1])
		}
	}
	if CanonicalUsername("bob") == CanonicalUsername("bob2") {
		t.Error("different names collapsed")
	}
}

func TestSkeletonCatchesLookAlikes(t *testing.T) {
	// Cyrillic а (U+0430) in place of Latin a.
	if Skeleton("\u0430dmin") != Skeleton("admin") {
		t.Error("Cyrillic look-alike not caught")
	}
	if Skeleton("ΑΡΡLΕ") != Skeleton("apple") {
		t.Error("Greek capitals look-alike not caught")
	}
	if Skeleton("alice") == Skeleton("bob") {
		t.Error("unrelated names share a skeleton")
	}
}

func TestValidateUsername(t *testing.T) {
	for _, ok := range []string{"alice", "a.b-c_d+e@f", "Пётр", "李小龍", "x"} {
		if err := ValidateUsername(ok); err != nil {
			t.Errorf("ValidateUsername(%q) = %v", ok, err)
		}
	}
	long := make([]rune, MaxUsernameLength+1)
	for i := range long {
		long[i] = 'a'
	}
	for _, bad := range []string{"", "with space", "semi;colon", "a/b", "tab\t", string(long)} {
		if err := ValidateUsername(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateUsername(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	for _, ok := range []string{"a@example.com", "first.last+tag@sub.example.org", "пётр@пример.рф"} {
		if err := ValidateEmail(ok); err != nil {
			t.Errorf("ValidateEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@c.com", "a@.com", "a@b..com", "<a>@b.com"} {
		if err := ValidateEmail(bad); err == nil {
			t.Errorf("ValidateEmail(%q) accepted", bad)
		}
	}
}

func TestPerms(t *testing.T) {
	p := Perms{Codes: []string{"blog.add_post", "blog.view_post", "shop.view_order"}}
	if !p.Has("blog.view_post") || p.Has("blog.delete_post") {
		t.Error("Has")
	}
	if !p.HasAll("blog.add_post", "shop.view_order") || p.HasAll("blog.add_post", "x.y") {
		t.Error("HasAll")
	}
	if !p.HasModule("shop") || p.HasModule("sho") || p.HasModule("admin") {
		t.Error("HasModule")
	}
	if !(Perms{Superuser: true}).Has("anything.at_all") {
		t.Error("superuser must have every permission")
	}
}

func TestBackendsChain(t *testing.T) {
	ctx := context.Background()
	active := &User{ID: 1, IsActive: true}
	perms := Perms{Codes: []string{"doc.view"}}
	owner := BackendFunc(func(_ context.Context, u *User, _ Perms, perm string, obj any) (bool, error) {
		doc, ok := obj.(ownedBy)
		return ok && perm == "doc.edit" && int64(doc) == u.ID, nil
	})
	deny := BackendFunc(func(_ context.Context, _ *User, _ Perms, perm string, _ any) (bool, error) {
		if perm == "doc.view" {
			return false, ErrPermissionDenied
		}
		return false, nil
	})
	chain := Backends{ModelBackend{}, owner}
	if ok, _ := chain.HasPerm(ctx, active, perms, "doc.view", nil); !ok {
		t.Error("model permission not granted")
	}
	if ok, _ := chain.HasPerm(ctx, active, perms, "doc.edit", ownedBy(1)); !ok {
		t.Error("object permission of the owner not granted")
	}
	if ok, _ := chain.HasPerm(ctx, active, perms, "doc.edit", ownedBy(2)); ok {
		t.Error("object permission granted to a non-owner")
	}
	if ok, _ := (Backends{deny, ModelBackend{}}).HasPerm(ctx, active, perms, "doc.view", nil); ok {
		t.Error("ErrPermissionDenied did not stop the chain")
	}
	inactive := &User{ID: 1}
	if ok, _ := chain.HasPerm(ctx, inactive, perms, "doc.view", nil); ok {
		t.Error("inactive user granted a permission")
	}
	if ok, _ := chain.HasPerm(ctx, &User{IsActive: true, IsSuperuser: true}, Perms{}, "x.y", nil); !ok {
		t.Error("active superuser refused")
	}
}

type ownedBy int64
