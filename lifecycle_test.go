package gatehouse_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse"
	"github.com/gatehouse-auth/gatehouse/gatehousetest"
)

// TestDeleteExpiredSweepsUsedTOTPSteps: DeleteExpired (what Run does every
// ten minutes) removes a used TOTP step once its window is over, and keeps
// one whose window is not: the replay refusal lasts exactly as long as the
// code could be typed.
func TestDeleteExpiredSweepsUsedTOTPSteps(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	srv := gatehousetest.NewServer(t, func(c *gatehouse.Config) { c.Now = func() time.Time { return now } })
	ctx := context.Background()
	u := srv.CreateUser(t, "tia", "tia@example.com", goodPassword)
	for _, step := range []struct {
		n     int64
		until time.Time
	}{{1, now.Add(-time.Second)}, {2, now.Add(time.Minute)}} {
		if ok, err := srv.DB.UseTOTPStep(ctx, u.ID, step.n, step.until); err != nil || !ok {
			t.Fatalf("step %d: %v, %v", step.n, ok, err)
		}
	}
	if _, err := srv.Gatehouse.DeleteExpired(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := srv.DB.UseTOTPStep(ctx, u.ID, 1, now.Add(time.Minute)); err != nil || !ok {
		t.Errorf("the expired step was not swept: %v, %v", ok, err)
	}
	if ok, err := srv.DB.UseTOTPStep(ctx, u.ID, 2, now.Add(time.Minute)); err != nil || ok {
		t.Errorf("a step still in its window was swept: %v, %v", ok, err)
	}
}
