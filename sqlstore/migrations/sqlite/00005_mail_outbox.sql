-- The mail outbox (package mail): every message is written here in the
-- transaction of the action that caused it, then claimed under a lease and
-- delivered by a mail.Outbox, with retries. Recipients are a JSON array and
-- headers a JSON object of the mail.Message; the bodies are emptied once the
-- message is sent, and sent rows are deleted after a while.

-- +goose Up
CREATE TABLE gh_mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      INTEGER NOT NULL,
    recipients      TEXT    NOT NULL, -- JSON array of RFC 5322 addresses
    sender          TEXT    NOT NULL DEFAULT '',
    subject         TEXT    NOT NULL DEFAULT '',
    text_body       TEXT    NOT NULL DEFAULT '',
    html_body       TEXT    NOT NULL DEFAULT '',
    headers         TEXT    NOT NULL DEFAULT '{}', -- JSON object
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL, -- due time; the lease's end while claimed
    lease_owner     TEXT    NOT NULL DEFAULT '',
    lease_until     INTEGER,
    sent_at         INTEGER,
    last_error      TEXT    NOT NULL DEFAULT ''
) STRICT;
-- The claim: pending messages by due time.
CREATE INDEX gh_mail_outbox_due_idx ON gh_mail_outbox (status, next_attempt_at, id);
-- Listing by status, and deleting old sent messages.
CREATE INDEX gh_mail_outbox_status_idx ON gh_mail_outbox (status, id);

-- +goose Down
DROP TABLE gh_mail_outbox;
