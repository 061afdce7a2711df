package session

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Config tunes a Manager. Its zero value works and gives the documented defaults.
type Config struct {
	// CookieName: the default is "gatehouse_session", or
	// "__Host-gatehouse_session" when Secure.
	CookieName string
	// Secure marks the cookie Secure (serve over TLS). The default is false.
	Secure bool
	// IdleTimeout ends a session unused for that long. The default is 2 hours,
	// 7 days for "remember me" sessions (RememberIdleTimeout).
	IdleTimeout         time.Duration
	RememberIdleTimeout time.Duration
	// AbsoluteTimeout ends a session that long after login whatever its use.
	// The default is 24 hours, 30 days for "remember me" (RememberAbsoluteTimeout).
	AbsoluteTimeout         time.Duration
	RememberAbsoluteTimeout time.Duration
	// TouchInterval: activity is written at most this often per session. The
	// default is one minute, so idle expiry is exact to within that.
	TouchInterval time.Duration
	// Now is the clock. The default is time.Now.
	Now func() time.Time
}

// Manager issues, loads and ends sessions held in an HTTP cookie.
type Manager struct {
	Store Store
	cfg   Config
}

// NewManager returns a Manager over store with cfg's defaults filled in.
func NewManager(store Store, cfg Config) *Manager {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.IdleTimeout, 2*time.Hour)
	def(&cfg.RememberIdleTimeout, 7*24*time.Hour)
	def(&cfg.AbsoluteTimeout, 24*time.Hour)
	def(&cfg.RememberAbsoluteTimeout, 30*24*time.Hour)
	def(&cfg.TouchInterval, time.Minute)
	if cfg.CookieName == "" {
		cfg.CookieName = "gatehouse_session"
		if cfg.Secure {
			cfg.CookieName = "__Host-gatehouse_session"
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Manager{Store: store, cfg: cfg}
}

// Config returns the effective configuration.
func (m *Manager) Config() Config { return m.cfg }

// CookieName is the name of the session cookie.
func (m *Manager) CookieName() string { return m.cfg.CookieName }

// Token returns the session token the request's cookie carries, or "" when
// it has none or it is not shaped like a token.
func (m *Manager) Token(r *http.Request) string {
	c, err := r.Cookie(m.cfg.CookieName)
	if err != nil || !ValidToken(c.Value) {
		return ""
	}
	return c.Value
}

// Load returns the live session named by the request's cookie, or nil when
// there is none, it is unknown or it has expired. An expired session is
// deleted. A store error is returned; callers must treat it as "no session".
func (m *Manager) Load(r *http.Request) (*Session, error) {
	tok := m.Token(r)
	if tok == "" {
		return nil, nil
	}
	return m.LoadToken(r.Context(), tok)
}

// LoadToken is Load for a token that arrived another way (an API header).
func (m *Manager) LoadToken(ctx context.Context, token string) (*Session, error) {
	if !ValidToken(token) {
		return nil, nil
	}
	s, ok, err := m.Store.Find(ctx, HashToken(token))
	if err != nil || !ok {
		return nil, err
	}
	if alive, err := m.Check(ctx, &s); err != nil || !alive {
		return nil, err
	}
	return &s, nil
}

// Check applies expiry to a session just read from the store: an expired one
// is deleted and reported dead; a live one has its activity recorded (at most
// once per TouchInterval).
func (m *Manager) Check(ctx context.Context, s *Session) (alive bool, err error) {
	now := m.cfg.Now()
	if !m.alive(s, now) {
		return false, m.Store.Delete(ctx, s.ID)
	}
	if now.Sub(s.LastSeenAt) >= m.cfg.TouchInterval {
		s.LastSeenAt = now.UTC()
		if err := m.Store.Touch(ctx, s.ID, s.LastSeenAt); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Alive reports whether s is within its idle and absolute limits now,
// without touching the store.
func (m *Manager) Alive(s *Session) bool { return m.alive(s, m.cfg.Now()) }

func (m *Manager) alive(s *Session, now time.Time) bool {
	idle := m.cfg.IdleTimeout
	if s.Remember {
		idle = m.cfg.RememberIdleTimeout
	}
	return now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < idle
}

// Start logs userID in: it deletes the session the request carried (session
// fixation: the old token dies), stores a new one under a fresh token and sets
// the cookie. remember makes the cookie outlive the browser.
func (m *Manager) Start(w http.ResponseWriter, r *http.Request, userID int64, remember bool, ip, userAgent string) (*Session, error) {
	if c, err := r.Cookie(m.cfg.CookieName); err == nil && ValidToken(c.Value) {
		if err := m.Store.Delete(r.Context(), HashToken(c.Value)); err != nil {
			return nil, fmt.Errorf("session: start: %w", err)
		}
	}
	token, s, err := m.Create(r.Context(), userID, remember, ip, userAgent)
	if err != nil {
		return nil, err
	}
	m.setCookie(w, token, s)
	return s, nil
}

// Create stores a new session and returns its token, for callers that deliver
// the token themselves (the JSON API).
func (m *Manager) Create(ctx context.Context, userID int64, remember bool, ip, userAgent string) (string, *Session, error) {
	now := m.cfg.Now().UTC().Truncate(time.Microsecond)
	abs := m.cfg.AbsoluteTimeout
	if remember {
		abs = m.cfg.RememberAbsoluteTimeout
	}
	token, id := NewToken()
	if len(userAgent) > 512 {
		userAgent = userAgent[:512]
	}
	s := Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now, AuthAt: now,
		ExpiresAt: now.Add(abs), Remember: remember, IP: ip, UserAgent: userAgent}
	if err := m.Store.Save(ctx, s); err != nil {
		return "", nil, fmt.Errorf("session: create: %w", err)
	}
	return token, &s, nil
}

// Rotate replaces the current session by a new one of the same user (after a
// password change or another privilege change) and ends every other session
// of the user.
func (m *Manager) Rotate(w http.ResponseWriter, r *http.Request, cur *Session) (*Session, error) {
	s, err := m.Start(w, r, cur.UserID, cur.Remember, cur.IP, cur.UserAgent)
	if err != nil {
		return nil, err
	}
	if err := m.Store.DeleteUser(r.Context(), cur.UserID, s.ID); err != nil {
		return nil, fmt.Errorf("session: rotate: %w", err)
	}
	return s, nil
}

// End logs out: deletes the request's session and clears the cookie.
func (m *Manager) End(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(m.cfg.CookieName); err == nil && ValidToken(c.Value) {
		if err := m.Store.Delete(r.Context(), HashToken(c.Value)); err != nil {
			return fmt.Errorf("session: end: %w", err)
		}
	}
	http.SetCookie(w, m.cookie("", -1))
	return nil
}

func (m *Manager) setCookie(w http.ResponseWriter, token string, s *Session) {
	maxAge := 0 // a browser-session cookie
	if s.Remember {
		maxAge = int(s.ExpiresAt.Sub(s.CreatedAt) / time.Second)
	}
	http.SetCookie(w, m.cookie(token, maxAge))
}

func (m *Manager) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   m.cfg.Secure,
		SameSite: http.SameSiteLaxMode,
	}
}
