package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gatehouse-auth/gatehouse/djangoimport"
	"github.com/gatehouse-auth/gatehouse/internal/keys"
	"github.com/gatehouse-auth/gatehouse/social"
)

// errNoSecretKey is the import's error for a dump with provider app
// secrets and no secret key to seal them with.
var errNoSecretKey = errors.New("the dump has provider apps with secrets, and there is no secret key to seal " +
	"them with: run `gatehouse serve` once (it writes secret_key_file) or set secret_key, then import again " +
	"(a secret sealed under a key of this run alone could never be read)")

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
	opts := djangoimport.Options{DryRun: *dry, SealSecret: appSealer(f.e.settings)}
	rep, err := djangoimport.Import(ctx, db, in, opts)
	if err != nil {
		return fmt.Errorf("import-django: %w (nothing was imported)", err)
	}
	fmt.Fprint(f.e.stdout, rep.String())
	return nil
}

// appSealer returns what seals the secrets of imported provider apps: the
// secret key serve uses (and its fallbacks), read when the first secret
// needs it, so that a dump without secrets needs no key. With no key it
// fails (errNoSecretKey); it never makes one.
func appSealer(s *Settings) func(*social.App) (string, error) {
	var ring *keys.Ring
	return func(a *social.App) (string, error) {
		if ring == nil {
			key, err := existingSecretKey(s)
			if err != nil {
				return "", err
			}
			if key == nil {
				return "", errNoSecretKey
			}
			if ring, err = keys.New(key, secretKeyFallbacks(s)...); err != nil {
				return "", fmt.Errorf("secret_key_fallbacks: %w", err)
			}
		}
		return social.SealSecret(ring, a), nil
	}
}
