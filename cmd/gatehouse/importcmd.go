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
// secrets or two-factor authenticators and no secret key to seal them with.
var errNoSecretKey = errors.New("the dump has provider app secrets or two-factor authenticators, and there is " +
	"no secret key to seal them with: run `gatehouse serve` once (it writes secret_key_file) or set secret_key, " +
	"then import again (a secret sealed under a key of this run alone could never be read)")

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
	mc, _, err := mfaConfig(f.e.settings)
	if err != nil {
		return err
	}
	ring := importRing(f.e.settings)
	opts := djangoimport.Options{DryRun: *dry, MFAKeys: ring,
		RecoveryCodeCount: mc.Recovery.Count, RecoveryCodeDigits: mc.Recovery.Digits,
		SealSecret: func(a *social.App) (string, error) {
			r, err := ring()
			if err != nil {
				return "", err
			}
			return social.SealSecret(r, a), nil
		}}
	rep, err := djangoimport.Import(ctx, db, in, opts)
	if err != nil {
		return fmt.Errorf("import-django: %w (nothing was imported)", err)
	}
	fmt.Fprint(f.e.stdout, rep.String())
	return nil
}

// importRing returns what gives the key ring imported secrets are sealed
// under (provider app secrets, two-factor secrets and recovery codes): the
// secret key serve uses and its fallbacks, read when the first secret needs
// it, so that a dump without secrets needs no key. With no key it fails
// (errNoSecretKey); it never makes one.
func importRing(s *Settings) func() (*keys.Ring, error) {
	var ring *keys.Ring
	return func() (*keys.Ring, error) {
		if ring != nil {
			return ring, nil
		}
		key, err := existingSecretKey(s)
		if err != nil {
			return nil, err
		}
		if key == nil {
			return nil, errNoSecretKey
		}
		if ring, err = keys.New(key, secretKeyFallbacks(s)...); err != nil {
			return nil, fmt.Errorf("secret_key_fallbacks: %w", err)
		}
		return ring, nil
	}
}
