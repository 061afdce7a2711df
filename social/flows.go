package social

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gatehouse-auth/gatehouse/flow"
)

// Social login keeps its state server-side, in the account's flow store,
// sealed (AES-GCM under a key derived from the secret key, bound to the
// flow's id and kind) since it holds a PKCE verifier, a nonce and, for a
// signup waiting on its form, the provider's profile.
const (
	flowKindState  = "social_state"
	flowKindSignup = "social_signup"
	flowPurpose    = "social.flow"
)

// saveFlow stores v sealed as the flow id of kind until expires.
func (s *Service) saveFlow(ctx context.Context, id, kind string, v any, expires time.Time) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("social: save %s: %w", kind, err)
	}
	sealed := s.Account.Keys.Seal(flowPurpose, data, []byte(kind+"/"+id))
	f := flow.Flow{ID: id, Kind: kind, Data: sealed, CreatedAt: s.now().UTC(), ExpiresAt: expires.UTC()}
	if err := s.Account.Flows.SaveFlow(ctx, f); err != nil {
		return fmt.Errorf("social: save %s: %w", kind, err)
	}
	return nil
}

// findFlow opens the live flow id of kind into v and reports whether there
// is one; with take it is also removed (single use: of concurrent takes at
// most one finds it).
func (s *Service) findFlow(ctx context.Context, id, kind string, v any, take bool) (bool, error) {
	find := s.Account.Flows.FindFlow
	if take {
		find = s.Account.Flows.TakeFlow
	}
	f, ok, err := find(ctx, id, s.now())
	if err != nil {
		return false, fmt.Errorf("social: load %s: %w", kind, err)
	}
	if !ok || f.Kind != kind {
		return false, nil
	}
	plain, err := s.Account.Keys.Open(flowPurpose, f.Data, []byte(kind+"/"+id))
	if err != nil {
		return false, nil
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return false, fmt.Errorf("social: load %s: %w", kind, err)
	}
	return true, nil
}

// endFlow removes the flow id (a finished signup); a missing one is fine.
func (s *Service) endFlow(ctx context.Context, id string) error {
	_, _, err := s.Account.Flows.TakeFlow(ctx, id, s.now())
	return err
}
