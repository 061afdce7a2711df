package mail

import "context"

// Mailer sends one message.
//
// Implementations must be safe for concurrent use, must validate the message
// (see [Message.Validate]) before sending anything and report a refused
// message with an error wrapping [ErrInvalidMessage], must neither modify m
// nor keep it after Send returns, and should stop waiting when ctx is done.
// A nil error means the message was handed over for delivery (accepted by
// the SMTP server, written to the file or console); it says nothing about
// final delivery to the recipient's mailbox.
//
// Mailers that talk to a remote server should wrap failures worth retrying
// in [ErrTemporary] and definite rejections in [ErrPermanent], so that a
// caller such as a durable outbox can decide what to do next.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}
