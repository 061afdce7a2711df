package gatehouse

import (
	"context"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// demoPermission is the permission the demo page /secret/ requires.
var demoPermission = user.Permission{AppLabel: "demo", Codename: "view_secret", Name: "Can view the secret page"}

// Setup creates in the store what the configuration needs and does not
// exist yet: with Config.Demo, the permission demo.view_secret of the demo's
// /secret/ page. Call it once at startup, after the store's migrations.
func (g *Gatehouse) Setup(ctx context.Context) error {
	if !g.cfg.Demo {
		return nil
	}
	return g.EnsurePermissions(ctx, demoPermission)
}

// DeleteExpired deletes the sessions past their idle or absolute expiry,
// the rate-limit counters whose window has ended, the expired flows and,
// when the store keeps authenticators (mfa.Store), the used TOTP steps that
// can no longer match, and returns how many sessions went. Expiry is
// enforced on every request regardless; this only reclaims space. Run calls
// it every ten minutes.
func (g *Gatehouse) DeleteExpired(ctx context.Context) (int64, error) {
	now := g.cfg.Now()
	// Idle past the longest idle timeout (remember-me's) is dead for every
	// session; shorter-lived ones are refused on use and go at their
	// absolute expiry.
	n, err := g.cfg.Store.DeleteExpired(ctx, now, now.Add(-g.sessions.Config().RememberIdleTimeout))
	if err != nil {
		return 0, err
	}
	if _, err := g.cfg.Store.DeleteExpiredLimits(ctx, now); err != nil {
		return n, err
	}
	if _, err := g.cfg.Store.DeleteExpiredFlows(ctx, now); err != nil {
		return n, err
	}
	if ms, ok := g.cfg.Store.(mfa.Store); ok {
		if _, err := ms.DeleteExpiredTOTPSteps(ctx, now); err != nil {
			return n, err
		}
	}
	return n, nil
}

// expireEvery is how often Run deletes what expired.
const expireEvery = 10 * time.Minute

// Run does Gatehouse's background work until ctx ends: it delivers the
// mail outbox through Config.Mailer (woken at once by a store that reports
// enqueues, as *sqlstore.DB does) and deletes what expired every ten
// minutes. Run it once per process beside the HTTP server; it returns
// after the sends under way have finished, so close the store after it:
//
//	go func() { done <- gh.Run(ctx) }()
//
// Several processes over one store may each run it: a message is delivered
// once.
func (g *Gatehouse) Run(ctx context.Context) error {
	o := g.outbox
	if w, ok := g.cfg.Store.(interface{ OnEnqueue(func()) }); ok {
		w.OnEnqueue(o.Wake)
		defer w.OnEnqueue(nil)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	t := time.NewTicker(expireEvery)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return <-done
		case <-t.C:
			if n, err := g.DeleteExpired(ctx); err != nil {
				g.cfg.Logger.Warn("gatehouse: delete expired", "err", err)
			} else if n > 0 {
				g.cfg.Logger.Info("expired sessions deleted", "count", n)
			}
		}
	}
}
