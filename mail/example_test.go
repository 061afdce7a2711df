package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-auth/gatehouse/mail"
)

// A Console shows what would be sent; handy in development.
func ExampleConsole() {
	var out bytes.Buffer
	c := &mail.Console{W: &out, From: "Gatehouse <noreply@example.com>"}
	err := c.Send(context.Background(), &mail.Message{
		To:      []string{"ann@example.com"},
		Subject: "Confirm your email address",
		Text:    "Open https://example.com/accounts/confirm-email/KEY/ to confirm.",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(line, "Date:") && !strings.HasPrefix(line, "Message-ID:") {
			fmt.Println(line)
		}
	}
	// Output:
	// From: Gatehouse <noreply@example.com>
	// To: ann@example.com
	// Subject: Confirm your email address
	// Content-Type: text/plain; charset=utf-8
	//
	// Open https://example.com/accounts/confirm-email/KEY/ to confirm.
	// -------------------------------------------------------------------------------
}

// NewSMTP takes the server as a URL; the password never shows again.
func ExampleNewSMTP() {
	m, err := mail.NewSMTP("smtps://apikey:s3cr3t@smtp.example.com",
		mail.WithFrom("Gatehouse <noreply@example.com>"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m)
	// Output: smtps://apikey:xxxxx@smtp.example.com:465
}

// FromURL is how the gatehouse CLI turns its settings into a Mailer.
func ExampleFromURL() {
	m, err := mail.FromURL("file", "sent-mail", "", "noreply@example.com")
	fmt.Printf("%T %v\n", m, err)
	_, err = mail.FromURL("pigeon", "", "", "")
	fmt.Println(err)
	// Output:
	// *mail.File <nil>
	// mail: unknown backend "pigeon" (want console, file or smtp)
}

// Validate refuses header injection before anything is sent.
func ExampleMessage_Validate() {
	m := &mail.Message{
		To:      []string{"ann@example.com"},
		Subject: "Hello\r\nBcc: everyone@example.com",
	}
	err := m.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, mail.ErrInvalidMessage))
	// Output:
	// mail: invalid message: subject: contains a line break (CR or LF)
	// true
}
