package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gatehouse-auth/gatehouse/djangoimport"
)

// cmdImportDjango imports `manage.py dumpdata` JSON in one transaction, into
// a database that migrate or serve made.
func cmdImportDjango(ctx context.Context, f *cmdFlags, args []string) error {
	dry := f.Bool("dry-run", false, "report what would be imported, write nothing")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	in, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer in.Close()
	db, err := openExisting(ctx, f.e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := djangoimport.Import(ctx, db, in, djangoimport.Options{DryRun: *dry})
	if err != nil {
		return fmt.Errorf("import-django: %w (nothing was imported)", err)
	}
	fmt.Fprint(f.e.stdout, rep.String())
	return nil
}
