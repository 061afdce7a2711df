package djangoimport

import (
	"errors"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/user"
)

// importPermissions finds or creates each permission of the file, resolving
// its content type by pk or natural key, and indexes it by both.
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
