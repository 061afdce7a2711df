package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gatehouse-auth/gatehouse/djangoimport"
)

// cmdImportDjango imports `manage.py dumpdata` JSON in one transaction.
func cmdImportDjango(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import-django")
	dry := fs.Bool("dry-run", false, "report what would be imported, write nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: gatehouse import-django [--dry-run] FILE.json")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := djangoimport.Import(ctx, db, f, djangoimport.Options{DryRun: *dry})
	if err != nil {
		return fmt.Errorf("import-django: %w (nothing was imported)", err)
	}
	fmt.Fprint(e.stdout, rep.String())
	return nil
}
