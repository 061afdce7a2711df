package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// mailCommands are the subcommands of "gatehouse mail".
func mailCommands() []command {
	return []command{
		{name: "outbox", args: "[--status pending|failed|sent|all] [--json]", doc: "list the messages of the mail outbox: by default those pending and failed, with their attempts, next attempt and last error", run: mailOutbox},
		{name: "test", args: "ADDRESS", doc: "send one test message to ADDRESS through the configured mailer at once, not through the outbox, and report its error", run: mailTest},
	}
}

// outboxJSON is a message in `mail outbox --json`.
type outboxJSON struct {
	ID            int64      `json:"id"`
	Status        string     `json:"status"`
	To            []string   `json:"to"`
	From          string     `json:"from"`
	Subject       string     `json:"subject"`
	Attempts      int        `json:"attempts"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"` // null unless pending
	LeaseOwner    string     `json:"lease_owner"`
	LeaseUntil    *time.Time `json:"lease_until"`
	SentAt        *time.Time `json:"sent_at"`
	LastError     string     `json:"last_error"`
}

// optTime is t, or nil when it is zero.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func mailOutbox(ctx context.Context, f *cmdFlags, args []string) error {
	status := f.String("status", "", "list the messages that are `STATUS`: pending, failed, sent or all (default: pending and failed)")
	asJSON := f.Bool("json", false, "print JSON")
	if _, err := f.parse(args, 0, 0); err != nil {
		return err
	}
	var statuses []mail.Status
	switch *status {
	case "":
		statuses = []mail.Status{mail.StatusPending, mail.StatusFailed}
	case "all":
	case "pending", "failed", "sent":
		statuses = []mail.Status{mail.Status(*status)}
	default:
		return &usageError{cmd: f.name, msg: fmt.Sprintf("--status: want pending, failed, sent or all, got %q", *status)}
	}
	db, err := openExisting(ctx, f.e.settings)
	if err != nil {
		return err
	}
	defer db.Close()
	all := []outboxJSON{}
	for after := int64(0); ; {
		page, err := db.ListOutbox(ctx, after, 500, statuses...)
		if err != nil {
			return err
		}
		for _, q := range page {
			after = q.ID
			j := outboxJSON{ID: q.ID, Status: string(q.Status), To: q.Message.To, From: q.Message.From,
				Subject: q.Message.Subject, Attempts: q.Attempts, CreatedAt: q.CreatedAt, LeaseOwner: q.LeaseOwner,
				LeaseUntil: optTime(q.LeaseUntil), SentAt: optTime(q.SentAt), LastError: q.LastError}
			if q.Status == mail.StatusPending {
				j.NextAttemptAt = optTime(q.NextAttemptAt)
			}
			all = append(all, j)
		}
		if len(page) < 500 {
			break
		}
	}
	if *asJSON {
		return printJSON(f.e, all)
	}
	if len(all) == 0 {
		what := *status + " "
		switch *status {
		case "":
			what = "pending or failed "
		case "all":
			what = ""
		}
		fmt.Fprintf(f.e.stdout, "The mail outbox holds no %smessages.\n", what)
		return nil
	}
	tw := tabwriter.NewWriter(f.e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTO\tSUBJECT\tATTEMPTS\tNEXT ATTEMPT\tLAST ERROR")
	for _, j := range all {
		next := "-"
		if j.NextAttemptAt != nil {
			next = j.NextAttemptAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", j.ID, j.Status, cell(strings.Join(j.To, ", "), 60),
			cell(j.Subject, 60), j.Attempts, next, cell(j.LastError, 120))
	}
	return tw.Flush()
}

// cell makes s fit a table cell: no tabs, at most n characters.
func cell(s string, n int) string {
	s = strings.ReplaceAll(s, "\t", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if s == "" {
		return "-"
	}
	return s
}

func mailTest(ctx context.Context, f *cmdFlags, args []string) error {
	pos, err := f.parse(args, 1, 1)
	if err != nil {
		return err
	}
	to := pos[0]
	if err := (&mail.Message{To: []string{to}}).Validate(); err != nil {
		return &usageError{cmd: f.name, msg: fmt.Sprintf("%q is not an email address", to)}
	}
	mailer, err := newMailer(f.e.settings, f.e.stdout)
	if err != nil {
		return err
	}
	via := describeMailer(f.e.settings)
	m := &mail.Message{
		To:      []string{to},
		Subject: "Gatehouse test message",
		Text: "This message was sent by `gatehouse mail test` through " + via + ".\n" +
			"It reached you, so Gatehouse's mail settings work.\n",
	}
	if err := mailer.Send(ctx, m); err != nil {
		return fmt.Errorf("the test message to %s was not sent through %s: %w", to, via, err)
	}
	fmt.Fprintf(f.e.stdout, "Test message sent to %s through %s.\n", to, via)
	return nil
}
