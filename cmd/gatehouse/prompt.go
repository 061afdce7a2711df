package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// prompter asks questions on the terminal, or reads answers line by line
// from a pipe.
type prompter struct {
	e  *env
	br *bufio.Reader
	// hint tells how to run the command without a terminal, naming its
	// flags: "pass --password-stdin and pipe the password in".
	hint string
}

func newPrompter(e *env, hint string) *prompter {
	return &prompter{e: e, br: bufio.NewReader(e.stdin), hint: hint}
}

func (p *prompter) line(question string) (string, error) {
	fmt.Fprint(p.e.stderr, question)
	s, err := p.br.ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || s == "") {
		fmt.Fprintln(p.e.stderr)
		return "", fmt.Errorf("no answer to %q on standard input; without a terminal, %s", strings.TrimSuffix(question, ": "), p.hint)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// secret reads a password without echo when stdin is a terminal.
func (p *prompter) secret(question string) (string, error) {
	if f, ok := p.e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(p.e.stderr, question)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.e.stderr)
		return string(b), err
	}
	return p.line(question)
}

// newPassword asks twice until both match and the validators pass (at most
// three tries, as Django's changepassword).
func (p *prompter) newPassword(check func(string) []string) (string, error) {
	for try := 0; try < 3; try++ {
		p1, err := p.secret("Password: ")
		if err != nil {
			return "", err
		}
		p2, err := p.secret("Password (again): ")
		if err != nil {
			return "", err
		}
		if p1 != p2 {
			fmt.Fprintln(p.e.stderr, "Error: your passwords didn't match.")
			continue
		}
		if problems := check(p1); len(problems) > 0 {
			for _, pr := range problems {
				fmt.Fprintln(p.e.stderr, "Error:", pr)
			}
			continue
		}
		return p1, nil
	}
	return "", errors.New("too many tries; password not changed")
}
