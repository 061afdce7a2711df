package account

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gatehouse-auth/gatehouse/flow"
	"github.com/gatehouse-auth/gatehouse/user"
)

// Stand-in addresses keep adding a taken address from telling the user it
// is taken: the address another account has is listed on the adder's page
// as an unverified address of theirs — removable, never confirmable, never
// primary — exactly as a free one they added but have not confirmed yet,
// while its owner is told. They live in a flow record per user, not in the
// user's addresses, and expire with confirmation links.

const flowKindStandIns = "email_standins"

// standIns is the flow data of a user's stand-in addresses.
type standIns struct {
	Emails []string `json:"e"`
}

// standInFlowID is the flow record of the user's stand-ins: derived from
// the user id (no cookie names it; a cookie token can never hash to it).
func standInFlowID(userID int64) string {
	return flow.HashToken(fmt.Sprintf("email-standins:%d", userID))
}

// standInAddresses returns the user's stand-in addresses.
func (s *Service) standInAddresses(ctx context.Context, userID int64) ([]string, error) {
	f, ok, err := s.Flows.FindFlow(ctx, standInFlowID(userID), s.now())
	if err != nil || !ok || f.Kind != flowKindStandIns {
		return nil, err
	}
	var si standIns
	if err := json.Unmarshal(f.Data, &si); err != nil {
		return nil, fmt.Errorf("account: stand-in addresses: %w", err)
	}
	return si.Emails, nil
}

// saveStandIns stores the user's stand-in addresses (none: the record goes).
func (s *Service) saveStandIns(ctx context.Context, userID int64, emails []string) error {
	id := standInFlowID(userID)
	if len(emails) == 0 {
		_, _, err := s.Flows.TakeFlow(ctx, id, s.now())
		return err
	}
	data, err := json.Marshal(standIns{Emails: emails})
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.Flows.SaveFlow(ctx, flow.Flow{ID: id, Kind: flowKindStandIns, Data: data, CreatedAt: now,
		ExpiresAt: now.Add(s.emailConfirmationExpiry())})
}

// addStandIn lists a taken address on the user's page (ChangeEmail mode:
// in place of any other pending one).
func (s *Service) addStandIn(ctx context.Context, userID int64, email string) error {
	list, err := s.standInAddresses(ctx, userID)
	if err != nil {
		return err
	}
	if s.Config.ChangeEmail {
		list = nil
	}
	return s.saveStandIns(ctx, userID, append(list, email))
}

// removeStandIn takes a stand-in off the user's page and reports whether
// there was one.
func (s *Service) removeStandIn(ctx context.Context, userID int64, email string) (bool, error) {
	list, err := s.standInAddresses(ctx, userID)
	if err != nil {
		return false, err
	}
	i := slices.IndexFunc(list, func(e string) bool { return user.CanonicalEmail(e) == user.CanonicalEmail(email) })
	if i < 0 {
		return false, nil
	}
	return true, s.saveStandIns(ctx, userID, slices.Delete(list, i, i+1))
}
