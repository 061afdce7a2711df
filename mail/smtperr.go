package mail

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// failure wraps err, which happened while sending to s under ctx, with
// [ErrTemporary] or [ErrPermanent] and the server address (never the
// password).
func (s *SMTP) failure(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(err, ctxErr) {
			return fmt.Errorf("mail: smtp %s: %w: %w", s.cfg.addr(), ErrTemporary, err)
		}
		return fmt.Errorf("mail: smtp %s: %w: %w: %v", s.cfg.addr(), ErrTemporary, ctxErr, err)
	}
	return fmt.Errorf("mail: smtp %s: %w: %w", s.cfg.addr(), classify(err), err)
}

// classify returns [ErrPermanent] for an error that carries a 5xx SMTP reply
// and [ErrTemporary] for anything else: 4xx replies, refused, broken or
// timed-out connections, TLS and other local failures. Erring on the side of
// "temporary" lets an outbox retry and give up after its limit.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if !se.IsTemp() && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
			return ErrPermanent
		}
		return ErrTemporary
	}
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return ErrPermanent
	}
	return ErrTemporary
}
