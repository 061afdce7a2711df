// Package mail sends the messages Gatehouse writes to people: address
// verification, password resets, login codes and notices.
//
// A [Mailer] is the one plug-in point: Send(ctx, *Message) error. Three
// backends come with the package, chosen by name with [FromURL] (which is what
// the gatehouse CLI does with GATEHOUSE_MAIL_BACKEND and friends):
//
//   - [Console] writes each message in a readable form to a writer
//     (os.Stdout by default). It is the default of `gatehouse serve`, like
//     Django's console backend during development.
//   - [File] writes each message as a separate .eml file into a directory,
//     like Django's file-based backend.
//   - [SMTP] delivers through an SMTP server configured by a URL:
//     smtp://user:pass@host:587 (STARTTLS when offered), smtps://host:465
//     (implicit TLS) or smtp+insecure://127.0.0.1:1025 (plain text, for local
//     sinks such as mailpit).
//
// Every backend validates a message before doing anything with it (see
// [Message.Validate]): at least one recipient, every address parseable by
// net/mail, no CR or LF in the subject or any header (header injection), and
// bounded sizes. A refused message yields an error that wraps
// [ErrInvalidMessage].
//
// Errors from [SMTP.Send] are classified so that a durable outbox can decide
// whether to retry: connection failures, timeouts and 4xx replies wrap
// [ErrTemporary]; 5xx replies wrap [ErrPermanent].
//
// Mail is never lost: flows queue their messages rather than send them. A
// [Queue] stores a message (sqlstore's DB is one; inside its Atomic the
// message commits or rolls back with the action that caused it), and an
// [Outbox] delivers what an [OutboxStore] holds: it claims due messages
// under a lease, sends them through a Mailer, and retries a failed attempt
// after an exponential backoff with jitter (30 s doubling to 1 h) until
// MaxAttempts (10) have failed, when the message is marked failed. An
// outage of the mail server delays mail and blocks nothing; instances that
// share a database send each message once; a message whose worker crashed
// is claimed again when its lease ends. [PrepareQueued] gives each queued
// message a Message-ID, kept across attempts.
//
// Links inside messages must be built by the caller from the configured base
// URL, never from a request's Host or X-Forwarded-Host header; this package
// sends what it is given. It never logs or returns the SMTP password: the
// URL is shown only in redacted form.
//
// The subpackage mailtest starts a real mailpit SMTP sink for tests.
package mail
