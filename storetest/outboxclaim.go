package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// testOutboxConcurrentClaims: eight workers claim 50 messages at once, a
// few at a time, until none is left: each message is claimed exactly once.
func testOutboxConcurrentClaims(t *testing.T, s Stores) {
	const n, workers = 50, 8
	for i := range n {
		enqueue(t, s.Outbox, testMessage(i))
	}
	now := later()
	var (
		mu     sync.Mutex
		claims = map[int64]int{}
		wg     sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			owner := outboxOwner + string(rune('a'+w))
			for {
				qs, err := s.Outbox.Claim(t.Context(), owner, now, now.Add(time.Minute), 3)
				if err != nil {
					t.Errorf("worker %d: Claim: %v", w, err)
					return
				}
				if len(qs) == 0 {
					return
				}
				mu.Lock()
				for _, q := range qs {
					claims[q.ID]++
				}
				mu.Unlock()
				for _, q := range qs {
					if q.LeaseOwner != owner {
						t.Errorf("worker %d got a claim of %q", w, q.LeaseOwner)
					}
					if err := s.Outbox.MarkSent(t.Context(), q, now); err != nil {
						t.Errorf("worker %d: MarkSent(%d): %v", w, q.ID, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if len(claims) != n {
		t.Errorf("%d messages claimed, want %d", len(claims), n)
	}
	for id, c := range claims {
		if c != 1 {
			t.Errorf("message %d claimed %d times", id, c)
		}
	}
	if sent := list(t, s.Outbox, mail.StatusSent); len(sent) != n {
		t.Errorf("%d messages sent, want %d", len(sent), n)
	}
}
