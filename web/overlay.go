package web

import (
	"errors"
	"io/fs"
	"sort"
)

// overlay is an fs.FS that looks in top first and then in base, so an
// embedding app can override any single template or static file.
type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if o.top != nil {
		f, err := o.top.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.base.Open(name)
}

// glob returns the sorted union of the names matching pattern in both layers.
func (o overlay) glob(pattern string) ([]string, error) {
	seen := map[string]bool{}
	for _, f := range []fs.FS{o.top, o.base} {
		if f == nil {
			continue
		}
		names, err := fs.Glob(f, pattern)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			seen[n] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}
