package mail

import (
	"errors"
	"fmt"
	"strings"
)

// FromURL builds the backend named by backend, as the gatehouse CLI does
// from GATEHOUSE_MAIL_BACKEND, GATEHOUSE_MAIL_FILE_DIR,
// GATEHOUSE_MAIL_SMTP_URL and GATEHOUSE_MAIL_FROM:
//
//   - "console" (or empty): a [Console] on os.Stdout;
//   - "file": a [File] writing into fileDir, which must be set;
//   - "smtp": an [SMTP] mailer for smtpURL (see [NewSMTP]), which must be set.
//
// from, when not empty, is the sender of messages that name none and must be
// a valid address; otherwise [DefaultFrom] is used. The names are matched
// without regard to case; any other name is an error. Arguments that the
// chosen backend does not use are ignored. Errors never contain the SMTP
// password.
func FromURL(backend, fileDir, smtpURL, from string) (Mailer, error) {
	if from != "" {
		if err := checkAddress(from); err != nil {
			return nil, fmt.Errorf("mail: sender: %v", err)
		}
	}
	switch strings.ToLower(strings.TrimSpace(backend)) {
	case "", "console":
		return &Console{From: from}, nil
	case "file":
		if strings.TrimSpace(fileDir) == "" {
			return nil, errors.New("mail: the file backend needs a directory (GATEHOUSE_MAIL_FILE_DIR)")
		}
		return &File{Dir: fileDir, From: from}, nil
	case "smtp":
		if strings.TrimSpace(smtpURL) == "" {
			return nil, errors.New("mail: the smtp backend needs a URL (GATEHOUSE_MAIL_SMTP_URL)")
		}
		return NewSMTP(smtpURL, WithFrom(from))
	default:
		return nil, fmt.Errorf("mail: unknown backend %q (want console, file or smtp)", backend)
	}
}
