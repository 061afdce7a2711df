package account

import (
	"context"
	"log/slog"
)

// event writes the structured security log line of an account event: level
// info, message and "event" attribute both the event's stable name
// (signup, login, logout, password_changed, password_reset,
// email_confirmed, email_added, email_removed, email_changed …), the user
// id and the client IP, then kv. Never a password, token, code or key.
func (s *Service) event(ctx context.Context, name string, userID int64, c Client, kv ...any) {
	attrs := append([]any{"event", name, "user_id", userID, "ip", c.IP}, kv...)
	s.log().Log(ctx, slog.LevelInfo, name, attrs...)
}

// Event writes the security log line of an event of a flow built on the
// account's (the second factor's: mfa_added, mfa_removed, mfa_failed …),
// as the account's own events are written. Never a code or secret in kv.
func (s *Service) Event(ctx context.Context, name string, userID int64, c Client, kv ...any) {
	s.event(ctx, name, userID, c, kv...)
}
