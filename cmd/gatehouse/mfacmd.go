package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-auth/gatehouse/account"
	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// userMFAJSON is `user mfa --json`: a user's two-factor authenticators.
type userMFAJSON struct {
	Username       string              `json:"username"`
	Authenticators []authenticatorJSON `json:"authenticators"`
}

// authenticatorJSON is one factor, never its secret or codes.
type authenticatorJSON struct {
	ID         int64      `json:"id"`
	Type       string     `json:"type"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	// CodesLeft and CodesTotal count a recovery-code set's codes.
	CodesLeft  *int `json:"recovery_codes_left,omitempty"`
	CodesTotal *int `json:"recovery_codes_total,omitempty"`
}

// describeAuthenticators reads u's factors.
func (a *admin) describeAuthenticators(ctx context.Context, u *user.User) (*userMFAJSON, error) {
	as, err := a.db.Authenticators(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	j := &userMFAJSON{Username: u.Username, Authenticators: []authenticatorJSON{}}
	for _, x := range as {
		aj := authenticatorJSON{ID: x.ID, Type: x.Type, CreatedAt: x.CreatedAt.UTC()}
		if !x.LastUsedAt.IsZero() {
			t := x.LastUsedAt.UTC()
			aj.LastUsedAt = &t
		}
		if x.Type == mfa.TypeRecoveryCodes {
			var set mfa.RecoverySet
			if err := json.Unmarshal(x.Data, &set); err != nil {
				return nil, fmt.Errorf("authenticator %d: recovery codes: %w", x.ID, err)
			}
			left, total := set.Left(), set.Total
			aj.CodesLeft, aj.CodesTotal = &left, &total
		}
		j.Authenticators = append(j.Authenticators, aj)
	}
	return j, nil
}

// userMFA lists a user's two-factor authenticators.
func userMFA(ctx context.Context, f *cmdFlags, args []string) error {
	asJSON := f.Bool("json", false, "print JSON")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		j, err := a.describeAuthenticators(ctx, u)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(f.e, j)
		}
		if len(j.Authenticators) == 0 {
			fmt.Fprintf(f.e.stdout, "User %s has no two-factor authenticators.\n", u.Username)
			return nil
		}
		tw := tabwriter.NewWriter(f.e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTYPE\tCREATED\tLAST USED\tCODES")
		for _, x := range j.Authenticators {
			last, codes := "never", ""
			if x.LastUsedAt != nil {
				last = x.LastUsedAt.Format(time.RFC3339)
			}
			if x.CodesLeft != nil {
				codes = fmt.Sprintf("%d of %d left", *x.CodesLeft, *x.CodesTotal)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", x.ID, x.Type, x.CreatedAt.Format(time.RFC3339), last, codes)
		}
		return tw.Flush()
	})
}

// userMFAReset removes every factor of a user through mfa.Service.Reset,
// which also ends the user's sessions and logs a security event, after a
// confirmation (or --yes).
func userMFAReset(ctx context.Context, f *cmdFlags, args []string) error {
	yes := f.Bool("yes", false, "do not ask for confirmation (scripts)")
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	return withUser(ctx, f.e, pos[0], func(a *admin, u *user.User) error {
		as, err := a.db.Authenticators(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			fmt.Fprintf(f.e.stdout, "User %s has no two-factor authenticators; nothing to remove.\n", u.Username)
			return nil
		}
		if !*yes {
			p := newPrompter(f.e, "pass --yes")
			answer, err := p.line(fmt.Sprintf("Remove the %d two-factor authenticators of %s and end their sessions? [y/N]: ", len(as), u.Username))
			if err != nil {
				return err
			}
			if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
				fmt.Fprintln(f.e.stdout, "Cancelled; nothing removed.")
				return nil
			}
		}
		n, err := a.mfa().Reset(ctx, u, account.Client{UserAgent: "gatehouse " + f.name})
		if err != nil {
			return err
		}
		fmt.Fprintf(f.e.stdout, "Removed %d two-factor authenticators of %s and ended their sessions.\n", n, u.Username)
		return nil
	})
}

// mfa returns the two-factor service, also when mfa.enabled is false (the
// factors stay in the database, and an operator may still reset them).
func (a *admin) mfa() *mfa.Service {
	if s := a.gh.MFA(); s != nil {
		return s
	}
	return &mfa.Service{Account: a.acc, Store: a.db}
}
