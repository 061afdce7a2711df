package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/user"
)

func groupNames(gs []*user.Group) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func testGroups(t *testing.T, s user.Store) {
	ctx := t.Context()
	u := create(t, s, "member", "")
	other := create(t, s, "other", "")
	var groups []*user.Group
	for _, name := range []string{"editors", "admins", "viewers"} {
		g := &user.Group{Name: name}
		check(t, s.CreateGroup(ctx, g), "CreateGroup("+name+")")
		if g.ID == 0 {
			t.Fatalf("CreateGroup(%s) did not set ID", name)
		}
		groups = append(groups, g)
	}
	wantDuplicate(t, s.CreateGroup(ctx, &user.Group{Name: "editors"}), "name", "CreateGroup(editors again)")

	got, err := s.GroupByName(ctx, "admins")
	check(t, err, "GroupByName")
	if got.ID != groups[1].ID || got.Name != "admins" {
		t.Errorf("GroupByName(admins) = %+v, want %+v", got, groups[1])
	}
	all, err := s.ListGroups(ctx)
	check(t, err, "ListGroups")
	if names := groupNames(all); !slices.Equal(names, []string{"admins", "editors", "viewers"}) {
		t.Errorf("ListGroups = %v, want ordered by name", names)
	}

	for range 2 { // idempotent
		check(t, s.AddUserToGroup(ctx, u.ID, groups[2].ID), "AddUserToGroup(viewers)")
		check(t, s.AddUserToGroup(ctx, u.ID, groups[0].ID), "AddUserToGroup(editors)")
	}
	check(t, s.AddUserToGroup(ctx, other.ID, groups[1].ID), "AddUserToGroup(other, admins)")
	mine, err := s.UserGroups(ctx, u.ID)
	check(t, err, "UserGroups")
	if names := groupNames(mine); !slices.Equal(names, []string{"editors", "viewers"}) {
		t.Errorf("UserGroups = %v, want [editors viewers]", names)
	}

	for range 2 { // idempotent
		check(t, s.RemoveUserFromGroup(ctx, u.ID, groups[2].ID), "RemoveUserFromGroup")
	}
	mine, err = s.UserGroups(ctx, u.ID)
	check(t, err, "UserGroups")
	if names := groupNames(mine); !slices.Equal(names, []string{"editors"}) {
		t.Errorf("UserGroups after removal = %v, want [editors]", names)
	}
	theirs, err := s.UserGroups(ctx, other.ID)
	check(t, err, "UserGroups(other)")
	if names := groupNames(theirs); !slices.Equal(names, []string{"admins"}) {
		t.Errorf("UserGroups(other) = %v, want [admins]", names)
	}

	// Memberships must point at rows that exist.
	if err := s.AddUserToGroup(ctx, u.ID, groups[2].ID+1000); err == nil {
		t.Errorf("AddUserToGroup(unknown group) succeeded")
	}
	if err := s.AddUserToGroup(ctx, other.ID+1000, groups[0].ID); err == nil {
		t.Errorf("AddUserToGroup(unknown user) succeeded")
	}
}

// makePerms creates permissions from "app.codename" strings.
func makePerms(t *testing.T, s user.Store, codes ...string) map[string]*user.Permission {
	t.Helper()
	out := make(map[string]*user.Permission)
	for _, code := range codes {
		i := strings.IndexByte(code, '.')
		p := &user.Permission{AppLabel: code[:i], Codename: code[i+1:], Name: "Can " + code[i+1:]}
		check(t, s.CreatePermission(t.Context(), p), "CreatePermission("+code+")")
		if p.ID == 0 {
			t.Fatalf("CreatePermission(%s) did not set ID", code)
		}
		out[code] = p
	}
	return out
}

func testPermissions(t *testing.T, s user.Store) {
	ctx := t.Context()
	codes := []string{"shop.refund", "blog.add_post", "Blog.view", "blog.change_post"}
	perms := makePerms(t, s, codes...)
	err := s.CreatePermission(ctx, &user.Permission{AppLabel: "blog", Codename: "add_post", Name: "again"})
	wantDuplicate(t, err, "permission", "CreatePermission(blog.add_post again)")

	p, err := s.PermissionByCode(ctx, "blog", "add_post")
	check(t, err, "PermissionByCode")
	if *p != *perms["blog.add_post"] {
		t.Errorf("PermissionByCode = %+v, want %+v", p, perms["blog.add_post"])
	}
	_, err = s.PermissionByCode(ctx, "blog", "view") // "Blog" differs
	wantNotFound(t, err, "PermissionByCode(blog.view)")

	list, err := s.ListPermissions(ctx)
	check(t, err, "ListPermissions")
	var got []string
	for _, p := range list {
		got = append(got, p.String())
	}
	want := slices.Clone(codes)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ListPermissions = %v, want %v", got, want)
	}

	g := &user.Group{Name: "staff"}
	check(t, s.CreateGroup(ctx, g), "CreateGroup")
	for range 2 { // idempotent
		check(t, s.GrantGroupPermission(ctx, g.ID, perms["shop.refund"].ID), "GrantGroupPermission")
		check(t, s.GrantGroupPermission(ctx, g.ID, perms["blog.add_post"].ID), "GrantGroupPermission")
	}
	gp, err := s.GroupPermissions(ctx, g.ID)
	check(t, err, "GroupPermissions")
	got = got[:0]
	for _, p := range gp {
		got = append(got, p.String())
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"blog.add_post", "shop.refund"}) {
		t.Errorf("GroupPermissions = %v", got)
	}
	for range 2 {
		check(t, s.RevokeGroupPermission(ctx, g.ID, perms["shop.refund"].ID), "RevokeGroupPermission")
	}
	if gp, err := s.GroupPermissions(ctx, g.ID); err != nil || len(gp) != 1 || gp[0].ID != perms["blog.add_post"].ID {
		t.Errorf("GroupPermissions after revoke = %v, %v", gp, err)
	}
	if err := s.GrantGroupPermission(ctx, g.ID, perms["Blog.view"].ID+1000); err == nil {
		t.Errorf("GrantGroupPermission(unknown permission) succeeded")
	}

	all, err := s.AllPermissionCodes(ctx)
	check(t, err, "AllPermissionCodes")
	if !slices.Equal(all, want) {
		t.Errorf("AllPermissionCodes = %v, want %v", all, want)
	}
}

// wantCodes compares UserPermissionCodes with the sorted set want.
func wantCodes(t *testing.T, s user.Store, u *user.User, want []string, when string) {
	t.Helper()
	got, err := s.UserPermissionCodes(t.Context(), u.ID)
	check(t, err, "UserPermissionCodes")
	if !slices.IsSorted(got) {
		t.Errorf("%s: UserPermissionCodes = %v, not sorted bytewise (user.Perms binary-searches it)", when, got)
	}
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: UserPermissionCodes = %v, want %v", when, got, want)
	}
	if perms, err := user.EffectivePerms(t.Context(), s, u); err == nil && u.IsActive && !u.IsSuperuser {
		for _, code := range want {
			if !perms.Has(code) {
				t.Errorf("%s: Perms.Has(%s) = false", when, code)
			}
		}
	}
}

func testPermissionCodes(t *testing.T, s user.Store) {
	ctx := t.Context()
	perms := makePerms(t, s, "blog.add_post", "blog.change_post", "blog.delete_post", "Blog.view", "shop.refund", "zz.last")
	u := create(t, s, "editor", "")
	bystander := create(t, s, "bystander", "")
	g1, g2 := &user.Group{Name: "writers"}, &user.Group{Name: "shop"}
	check(t, s.CreateGroup(ctx, g1), "CreateGroup")
	check(t, s.CreateGroup(ctx, g2), "CreateGroup")

	grantU := func(code string) { check(t, s.GrantUserPermission(ctx, u.ID, perms[code].ID), "GrantUserPermission") }
	grantG := func(g *user.Group, code string) {
		check(t, s.GrantGroupPermission(ctx, g.ID, perms[code].ID), "GrantGroupPermission")
	}
	wantCodes(t, s, u, nil, "no grants")
	grantU("blog.add_post")
	grantU("blog.add_post") // idempotent
	grantU("Blog.view")
	grantG(g1, "blog.add_post")
	grantG(g1, "blog.change_post")
	grantG(g2, "blog.change_post")
	grantG(g2, "shop.refund")
	check(t, s.GrantUserPermission(ctx, bystander.ID, perms["blog.delete_post"].ID), "GrantUserPermission")
	check(t, s.GrantUserPermission(ctx, bystander.ID, perms["zz.last"].ID), "GrantUserPermission")
	wantCodes(t, s, u, []string{"blog.add_post", "Blog.view"}, "direct grants only")

	check(t, s.AddUserToGroup(ctx, u.ID, g1.ID), "AddUserToGroup")
	check(t, s.AddUserToGroup(ctx, u.ID, g2.ID), "AddUserToGroup")
	check(t, s.AddUserToGroup(ctx, bystander.ID, g2.ID), "AddUserToGroup")
	wantCodes(t, s, u, []string{"blog.add_post", "Blog.view", "blog.change_post", "shop.refund"}, "direct + two groups")
	wantCodes(t, s, bystander, []string{"blog.delete_post", "zz.last", "blog.change_post", "shop.refund"}, "bystander")

	// Every change shows on the next call (D5).
	check(t, s.RevokeUserPermission(ctx, u.ID, perms["blog.add_post"].ID), "RevokeUserPermission")
	check(t, s.RevokeUserPermission(ctx, u.ID, perms["blog.add_post"].ID), "RevokeUserPermission again")
	wantCodes(t, s, u, []string{"blog.add_post", "Blog.view", "blog.change_post", "shop.refund"}, "direct revoked, still via writers")
	check(t, s.RemoveUserFromGroup(ctx, u.ID, g1.ID), "RemoveUserFromGroup")
	wantCodes(t, s, u, []string{"Blog.view", "blog.change_post", "shop.refund"}, "left writers")
	check(t, s.RevokeGroupPermission(ctx, g2.ID, perms["blog.change_post"].ID), "RevokeGroupPermission")
	wantCodes(t, s, u, []string{"Blog.view", "shop.refund"}, "shop lost change_post")
	wantCodes(t, s, bystander, []string{"blog.delete_post", "zz.last", "shop.refund"}, "bystander after revoke")
	check(t, s.RevokeUserPermission(ctx, u.ID, perms["Blog.view"].ID), "RevokeUserPermission")
	check(t, s.RemoveUserFromGroup(ctx, u.ID, g2.ID), "RemoveUserFromGroup")
	wantCodes(t, s, u, nil, "everything revoked")
}

func testDeleteGroup(t *testing.T, s user.Store) {
	ctx := t.Context()
	perms := makePerms(t, s, "blog.publish", "blog.read")
	u := create(t, s, "writer", "")
	doomed, kept := &user.Group{Name: "doomed"}, &user.Group{Name: "kept"}
	check(t, s.CreateGroup(ctx, doomed), "CreateGroup")
	check(t, s.CreateGroup(ctx, kept), "CreateGroup")
	check(t, s.GrantGroupPermission(ctx, doomed.ID, perms["blog.publish"].ID), "GrantGroupPermission")
	check(t, s.GrantGroupPermission(ctx, kept.ID, perms["blog.read"].ID), "GrantGroupPermission")
	check(t, s.AddUserToGroup(ctx, u.ID, doomed.ID), "AddUserToGroup")
	check(t, s.AddUserToGroup(ctx, u.ID, kept.ID), "AddUserToGroup")
	wantCodes(t, s, u, []string{"blog.publish", "blog.read"}, "before delete")

	check(t, s.DeleteGroup(ctx, doomed.ID), "DeleteGroup")
	_, err := s.GroupByName(ctx, "doomed")
	wantNotFound(t, err, "GroupByName(deleted)")
	gs, err := s.UserGroups(ctx, u.ID)
	check(t, err, "UserGroups")
	if names := groupNames(gs); !slices.Equal(names, []string{"kept"}) {
		t.Errorf("UserGroups after delete = %v, want [kept]", names)
	}
	wantCodes(t, s, u, []string{"blog.read"}, "after delete")
	if gp, err := s.GroupPermissions(ctx, doomed.ID); err != nil || len(gp) != 0 {
		t.Errorf("GroupPermissions(deleted) = %v, %v; want none", gp, err)
	}
	if _, err := s.PermissionByCode(ctx, "blog", "publish"); err != nil {
		t.Errorf("the permission went with the group: %v", err)
	}
	// A new group of the same name starts empty.
	again := &user.Group{Name: "doomed"}
	check(t, s.CreateGroup(ctx, again), "CreateGroup(doomed again)")
	if gp, err := s.GroupPermissions(ctx, again.ID); err != nil || len(gp) != 0 {
		t.Errorf("re-created group has permissions %v, %v", gp, err)
	}
	wantCodes(t, s, u, []string{"blog.read"}, "after re-create")
}
