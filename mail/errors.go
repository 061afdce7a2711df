package mail

import "errors"

// ErrInvalidMessage is wrapped by every error that reports a message refused
// by validation, before anything was written or sent. Retrying such a message
// cannot succeed.
var ErrInvalidMessage = errors.New("mail: invalid message")

// ErrTemporary is wrapped by send errors that may go away on a later attempt:
// the server could not be reached, the connection broke or timed out, the
// context ended, or the server answered with a 4xx reply.
var ErrTemporary = errors.New("temporary failure")

// ErrPermanent is wrapped by send errors that will not go away by retrying
// the same message against the same server: the server answered with a 5xx
// reply (unknown recipient, message refused, authentication rejected).
var ErrPermanent = errors.New("permanent failure")
