package gatehouse

import (
	"context"
	"sync"

	"github.com/gatehouse-auth/gatehouse/internal/authctx"
	"github.com/gatehouse-auth/gatehouse/session"
	"github.com/gatehouse-auth/gatehouse/user"
)

// AuthGenerationStore is an optional Store method. A store that has it lets
// Middleware keep sessions, users, permissions and groups in memory and check
// a single number per request instead of reloading them: every change that
// could alter what a signed-in request sees — made by this process, the CLI
// or another instance — moves the generation in the same transaction, and a
// moved generation empties the cache. *sqlstore.DB implements it.
type AuthGenerationStore interface {
	AuthGeneration(ctx context.Context) (int64, error)
}

// authCacheMax bounds the cache; when full it starts over.
const authCacheMax = 10000

// authCache holds, for one auth generation, what each session's requests need.
type authCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]*authEntry
}

// authEntry is one session's cached state. sess and user are copied out per
// request (handlers may change their copy); memo is shared.
type authEntry struct {
	mu   sync.Mutex
	sess session.Session
	user user.User
	memo authctx.Memo
}

// get returns the entry of session id valid at generation gen, or nil.
func (c *authCache) get(gen int64, id string) *authEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(gen)
	if c.gen != gen {
		return nil
	}
	return c.entries[id]
}

// put stores an entry loaded after generation gen was read.
func (c *authCache) put(gen int64, id string, e *authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(gen)
	if c.gen != gen {
		return // a newer generation is current: e may already be stale
	}
	if len(c.entries) >= authCacheMax {
		c.reset()
	}
	c.entries[id] = e
}

func (c *authCache) drop(id string) {
	c.mu.Lock()
	delete(c.entries, id)
	c.mu.Unlock()
}

// advance moves the cache to a newer generation, forgetting every entry.
func (c *authCache) advance(gen int64) {
	if gen > c.gen || c.entries == nil {
		c.gen = gen
		c.reset()
	}
}

// reset forgets every entry.
func (c *authCache) reset() { c.entries = make(map[string]*authEntry) }

// loadCached is load for stores with an auth generation.
func (g *Gatehouse) loadCached(ctx context.Context, gs AuthGenerationStore, tok string) (*authctx.State, error) {
	gen, err := gs.AuthGeneration(ctx)
	if err != nil {
		return nil, err
	}
	id := session.HashToken(tok)
	e := g.cache.get(gen, id)
	if e != nil {
		e.mu.Lock()
		alive := g.sessions.Alive(&e.sess)
		e.mu.Unlock()
		if !alive {
			// Another instance may have recorded activity that this copy
			// lacks (activity does not move the generation): decide on a
			// fresh read, never on the cached one.
			g.cache.drop(id)
			e = nil
		}
	}
	if e == nil {
		s, u, err := g.findSessionUser(ctx, tok)
		if err != nil || s == nil || u == nil {
			return &authctx.State{}, err
		}
		e = &authEntry{sess: *s, user: *u}
		g.cache.put(gen, id, e)
	}
	e.mu.Lock()
	sess := e.sess
	e.mu.Unlock()
	alive, err := g.sessions.Check(ctx, &sess)
	if err != nil || !alive {
		g.cache.drop(id)
		return &authctx.State{}, err
	}
	e.mu.Lock()
	e.sess.LastSeenAt = sess.LastSeenAt
	e.mu.Unlock()
	u := e.user
	if !u.IsActive {
		return &authctx.State{}, nil
	}
	return authctx.NewState(&u, &sess, g.loaders, &e.memo), nil
}
