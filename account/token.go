package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/user"
)

// Password-reset tokens have Django's format, "<timestamp base36>-<hash>",
// where hash is every other hex digit of an HMAC-SHA256 over the user's id,
// password hash, last login, the timestamp and (as allauth's
// EmailAwarePasswordResetTokenGenerator) their email addresses. A token
// therefore dies as soon as the password, the last login or an address
// changes: it is spent by the reset itself. The key is derived from the
// secret key for this purpose alone; fallback keys still verify.

// resetTokenSalt is Django's PasswordResetTokenGenerator key_salt.
const resetTokenSalt = "django.contrib.auth.tokens.PasswordResetTokenGenerator"

// resetEpoch is Django's token clock origin (2001-01-01, since Django 3.1).
var resetEpoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

// resetHashValue is Django's _make_hash_value with allauth's addresses.
func resetHashValue(u *user.User, emails []string, ts int64) string {
	login := ""
	if !u.LastLogin.IsZero() {
		login = u.LastLogin.UTC().Truncate(time.Second).Format("2006-01-02 15:04:05")
	}
	all := map[string]bool{}
	if u.Email != "" {
		all[u.Email] = true
	}
	for _, e := range emails {
		all[e] = true
	}
	list := make([]string, 0, len(all))
	for e := range all {
		list = append(list, e)
	}
	sort.Strings(list)
	return strconv.FormatInt(u.ID, 10) + u.Password + login + strconv.FormatInt(ts, 10) + u.Email + strings.Join(list, "|")
}

// resetTokenAt makes the token of u at timestamp ts (seconds since
// resetEpoch) under key, as Django's salted_hmac(sha256).
func resetTokenAt(key []byte, u *user.User, emails []string, ts int64) string {
	k := sha256.Sum256(append([]byte(resetTokenSalt), key...))
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(resetHashValue(u, emails, ts)))
	full := hex.EncodeToString(m.Sum(nil))
	half := make([]byte, 0, len(full)/2)
	for i := 0; i < len(full); i += 2 {
		half = append(half, full[i])
	}
	return strconv.FormatInt(ts, 36) + "-" + string(half)
}

// makeResetToken returns a reset token for u now.
func (s *Service) makeResetToken(u *user.User, emails []string) string {
	ts := int64(s.now().Sub(resetEpoch) / time.Second)
	return resetTokenAt(s.Keys.Key("account.password_reset"), u, emails, ts)
}

// checkResetToken reports whether token is a live reset token of u: made
// by a current or fallback key, for u's current password, last login and
// addresses, and not older than Config.PasswordResetTimeout.
func (s *Service) checkResetToken(u *user.User, emails []string, token string) bool {
	tsPart, _, ok := strings.Cut(token, "-")
	if !ok || len(token) > 64 {
		return false
	}
	ts, err := strconv.ParseInt(tsPart, 36, 64)
	if err != nil || ts < 0 {
		return false
	}
	age := s.now().Sub(resetEpoch.Add(time.Duration(ts) * time.Second))
	if age < -time.Minute || age > s.passwordResetTimeout() {
		return false
	}
	for _, k := range s.Keys.Keys("account.password_reset") {
		if hmac.Equal([]byte(resetTokenAt(k, u, emails, ts)), []byte(token)) {
			return true
		}
	}
	return false
}

// resetURLKey is the part of the reset URL after /key/: "<uid base36>-<token>".
func resetURLKey(u *user.User, token string) string {
	return strconv.FormatInt(u.ID, 36) + "-" + token
}

// parseResetURLKey splits a reset URL key into the user id and the token.
func parseResetURLKey(key string) (int64, string, bool) {
	uid, token, ok := strings.Cut(key, "-")
	if !ok || len(uid) > 13 {
		return 0, "", false
	}
	id, err := strconv.ParseInt(uid, 36, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	return id, token, true
}

// Email confirmation keys are "<user id>-<address id>-<timestamp>-<signature>"
// (numbers in base36): the signature (see keys.Ring.Sign) covers the three
// numbers and the canonical address, so a key confirms that one address of
// that user, not one it was later changed to, and only within
// Config.EmailConfirmationExpiry.

func confirmPayload(uid, addrID, ts int64, email string) []byte {
	return fmt.Appendf(nil, "%d|%d|%d|%s", uid, addrID, ts, user.CanonicalEmail(email))
}

// Purposes of address keys: each signs with a key of its own.
const (
	purposeConfirm = "account.email_confirmation"
	purposeCancel  = "account.email_change_cancel"
)

// makeConfirmKey returns the confirmation key of address e of user uid.
func (s *Service) makeConfirmKey(uid int64, e *user.EmailAddress) string {
	return s.addressKey(purposeConfirm, uid, e)
}

// addressKey returns a key for purpose naming address e of user uid.
func (s *Service) addressKey(purpose string, uid int64, e *user.EmailAddress) string {
	ts := s.now().Unix()
	sig := s.Keys.Sign(purpose, confirmPayload(uid, e.ID, ts, e.Email))
	return strconv.FormatInt(uid, 36) + "-" + strconv.FormatInt(e.ID, 36) + "-" + strconv.FormatInt(ts, 36) + "-" + sig
}

// confirmKey is a parsed confirmation key, not yet checked.
type confirmKey struct {
	uid, addrID, ts int64
	sig             string
}

func parseConfirmKey(key string) (confirmKey, bool) {
	parts := strings.SplitN(key, "-", 4)
	if len(parts) != 4 || len(key) > 128 {
		return confirmKey{}, false
	}
	var k confirmKey
	var nums [3]int64
	for i := range 3 {
		n, err := strconv.ParseInt(parts[i], 36, 64)
		// The address id is 0 for a stand-in (see standin.go).
		if err != nil || n < 0 || n == 0 && i != 1 || len(parts[i]) > 13 {
			return confirmKey{}, false
		}
		nums[i] = n
	}
	k.uid, k.addrID, k.ts, k.sig = nums[0], nums[1], nums[2], parts[3]
	return k, true
}

// validAddressKey reports whether k was signed for purpose and address e
// and has not expired.
func (s *Service) validAddressKey(purpose string, k confirmKey, e *user.EmailAddress) bool {
	age := s.now().Sub(time.Unix(k.ts, 0))
	if age < -time.Minute || age > s.emailConfirmationExpiry() {
		return false
	}
	return s.Keys.Verify(purpose, confirmPayload(k.uid, e.ID, k.ts, e.Email), k.sig)
}

// addressOfKey returns the user and address an address key for purpose
// names (only an unverified address when pending), or
// CodeConfirmationInvalid: a wrong or expired key, or an address the user
// no longer has.
func (s *Service) addressOfKey(ctx context.Context, purpose, key string, pending bool) (*Confirmation, error) {
	k, ok := parseConfirmKey(key)
	if !ok {
		return nil, &Error{Code: CodeConfirmationInvalid}
	}
	u, err := s.Users.User(ctx, k.uid)
	if errors.Is(err, user.ErrNotFound) {
		return nil, &Error{Code: CodeConfirmationInvalid}
	}
	if err != nil {
		return nil, fmt.Errorf("account: address key: %w", err)
	}
	es, err := s.Emails(ctx, u) // stand-ins too: their cancel keys name address 0
	if err != nil {
		return nil, fmt.Errorf("account: address key: %w", err)
	}
	for _, e := range es {
		if e.ID == k.addrID && !(pending && e.Verified) && s.validAddressKey(purpose, k, e) {
			return &Confirmation{User: u, Email: e.Email, Confirmed: e.Verified}, nil
		}
	}
	return nil, &Error{Code: CodeConfirmationInvalid}
}
