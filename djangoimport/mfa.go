package djangoimport

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/mfa"
	"github.com/gatehouse-auth/gatehouse/user"
)

// authenticatorRec is an allauth mfa.Authenticator.
type authenticatorRec struct {
	index    int
	user     ref
	typ      string
	data     []byte // the JSON of data, as jsonField returns it
	created  int64  // unix microseconds
	lastUsed int64  // unix microseconds; 0 for never
}

type authenticatorFields struct {
	User       ref             `json:"user"`
	Type       string          `json:"type"`
	Data       json.RawMessage `json:"data"`
	CreatedAt  *string         `json:"created_at"`
	LastUsedAt *string         `json:"last_used_at"`
}

// allauthData is the data of allauth's authenticators: {"secret"} for
// TOTP, {"seed", "used_mask"} or {"migrated_codes"} for recovery codes.
// allauth passes the secret, the seed and each migrated code through its
// adapter's encrypt(), the identity by default.
type allauthData struct {
	Secret        *string     `json:"secret"`
	Seed          *string     `json:"seed"`
	UsedMask      json.Number `json:"used_mask"`
	MigratedCodes *[]string   `json:"migrated_codes"`
}

// addAuthenticator decodes an mfa.authenticator record.
func (d *dump) addAuthenticator(i int, raw json.RawMessage, loc *time.Location, now int64) error {
	var f authenticatorFields
	if err := decodeFields(raw, &f); err != nil {
		return err
	}
	data, err := jsonField(f.Data)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	a := authenticatorRec{index: i, user: f.User, typ: f.Type, data: data, created: now}
	if f.CreatedAt != nil {
		t, err := parseTime(*f.CreatedAt, loc)
		if err != nil {
			return fmt.Errorf("created_at: %w", err)
		}
		a.created = t.UnixMicro()
	}
	if f.LastUsedAt != nil {
		t, err := parseTime(*f.LastUsedAt, loc)
		if err != nil {
			return fmt.Errorf("last_used_at: %w", err)
		}
		a.lastUsed = t.UnixMicro()
	}
	d.authenticators = append(d.authenticators, a)
	return nil
}

// importAuthenticators writes allauth's TOTP authenticators, their secrets
// sealed, its security keys and passkeys (webauthn: the credential read
// from the registration response allauth kept, the user handle allauth
// made from the user's old pk), and the unused codes of its recovery-code
// sets, hashed: first every TOTP and WebAuthn one, then the recovery
// codes, which are imported only for a user who has an authenticator app
// or a key (they back one up).
func (im *importer) importAuthenticators() error {
	rows := im.d.authenticators
	if len(rows) == 0 {
		return nil
	}
	im.t.read(KindAuthenticator, len(rows))
	st, ok := im.s.(mfa.Store)
	if !ok {
		im.t.skipN(im.t.kind(KindAuthenticator, true), ReasonNoMFAStore, "", len(rows))
		return nil
	}
	// has says which types each user has: t (stored or imported), "stored t"
	// (before the import) and "file t" (a row of the file seen).
	has := map[int64]map[string]bool{}
	for pass := range 2 {
		for i := range rows {
			a := &rows[i]
			if (a.typ == mfa.TypeTOTP || a.typ == mfa.TypeWebAuthn) != (pass == 0) {
				continue
			}
			if err := im.authenticator(st, a, has); err != nil {
				return err
			}
		}
	}
	return nil
}

func (im *importer) authenticator(st mfa.Store, a *authenticatorRec, has map[int64]map[string]bool) error {
	switch a.typ {
	case mfa.TypeTOTP, mfa.TypeRecoveryCodes, mfa.TypeWebAuthn:
	default:
		im.t.skip(KindAuthenticator, "unknown authenticator type", example(a.index, fmt.Sprintf("type %.32q", a.typ)))
		return nil
	}
	id, reason, err := im.resolveUser(a.user)
	if err != nil {
		return storeErr(KindAuthenticator, a.index, err)
	}
	if reason != "" {
		im.t.skip(KindAuthenticator, reason, example(a.index, "user "+a.user.String()))
		return nil
	}
	types, ok := has[id]
	if !ok {
		types = map[string]bool{}
		if im.existing[id] {
			stored, err := st.Authenticators(im.ctx, id)
			if err != nil {
				return storeErr(KindAuthenticator, a.index, err)
			}
			for _, s := range stored {
				types[s.Type] = true
				types["stored "+s.Type] = true
			}
		}
		has[id] = types
	}
	if a.typ == mfa.TypeWebAuthn {
		return im.webauthnKey(st, a, id, types)
	}
	switch {
	case types["stored "+a.typ]:
		im.t.skip(KindAuthenticator, ReasonExists, "")
		return nil
	case types["file "+a.typ]:
		im.t.skip(KindAuthenticator, ReasonAuthenticatorRepeated, example(a.index, a.typ+" of user "+a.user.String()))
		return nil
	}
	types["file "+a.typ] = true
	switch {
	case im.opts.MFAKeys == nil:
		im.t.skip(KindAuthenticator, ReasonNoMFAKeys, example(a.index, "user "+a.user.String()))
		return nil
	case a.typ == mfa.TypeRecoveryCodes && !types[mfa.TypeTOTP] && !types[mfa.TypeWebAuthn]:
		im.t.skip(KindAuthenticator, ReasonNoTOTP, example(a.index, "user "+a.user.String()))
		return nil
	}
	if im.ring == nil {
		if im.ring, err = im.opts.MFAKeys(); err == nil && im.ring == nil {
			err = errNoRing
		}
		if err != nil {
			return fmt.Errorf("djangoimport: %s record %d: %w", KindAuthenticator, a.index, err)
		}
	}
	var d allauthData
	dec := json.NewDecoder(strings.NewReader(string(a.data)))
	dec.UseNumber()
	if a.data == nil || dec.Decode(&d) != nil {
		im.t.skip(KindAuthenticator, "data is not a JSON object", example(a.index, "user "+a.user.String()))
		return nil
	}
	var data json.RawMessage
	if a.typ == mfa.TypeTOTP {
		secret, ok := plainTOTPSecret(d.Secret)
		if !ok {
			im.t.skip(KindAuthenticator, ReasonEncrypted, example(a.index, "totp of user "+a.user.String()))
			return nil
		}
		data = mfa.SealTOTPSecret(im.ring, id, secret)
	} else {
		codes, total, ok := unusedRecoveryCodes(&d, im.opts.recoveryCodeCount(), im.opts.recoveryCodeDigits())
		if !ok {
			im.t.skip(KindAuthenticator, ReasonEncrypted, example(a.index, "recovery_codes of user "+a.user.String()))
			return nil
		}
		set, err := mfa.NewRecoverySetFromCodes(mfa.RecoveryKey(im.ring), codes, total)
		if err != nil {
			return fmt.Errorf("djangoimport: %s record %d: %w", KindAuthenticator, a.index, err)
		}
		data = mfa.RecoveryData(set)
	}
	row := &mfa.Authenticator{UserID: id, Type: a.typ, Data: data, CreatedAt: time.UnixMicro(a.created).UTC()}
	if a.lastUsed != 0 {
		row.LastUsedAt = time.UnixMicro(a.lastUsed).UTC()
	}
	if err := st.AddAuthenticator(im.ctx, row); err != nil {
		return storeErr(KindAuthenticator, a.index, err)
	}
	types[a.typ] = true
	im.t.imported(KindAuthenticator)
	return nil
}

// allauthKey is the data of allauth's webauthn authenticator: the key's
// name and the browser's registration response (PublicKeyCredential as
// JSON; a JSON string holding it is taken too).
type allauthKey struct {
	Name       string          `json:"name"`
	Credential json.RawMessage `json:"credential"`
}

// webauthnKey imports allauth's security key or passkey a of user id
// (whose types it marks): its credential parsed by
// mfa.ImportAllauthWebAuthn, with the user handle allauth made the
// credential with (from the old pk, which the authenticator still holds).
// A credential stored already is skipped: ReasonExists when it is the
// user's, ReasonCredentialTaken when another's.
func (im *importer) webauthnKey(st mfa.Store, a *authenticatorRec, id int64, types map[string]bool) error {
	who := "user " + a.user.String()
	var k allauthKey
	if a.data == nil || json.Unmarshal(a.data, &k) != nil {
		im.t.skip(KindAuthenticator, "data is not a JSON object", example(a.index, who))
		return nil
	}
	cred := []byte(bytes.TrimSpace(k.Credential))
	if len(cred) > 0 && cred[0] == '"' {
		var inner string
		if json.Unmarshal(cred, &inner) == nil {
			cred = []byte(inner)
		}
	}
	pk, ok := im.oldPK(a.user)
	if !ok {
		im.t.skip(KindAuthenticator, ReasonNoUserHandle, example(a.index, who))
		return nil
	}
	data, credID, err := mfa.ImportAllauthWebAuthn(k.Name, cred, []byte(allauthUserHandle(pk)))
	if err != nil {
		im.t.skip(KindAuthenticator, ReasonWebAuthn, example(a.index, fmt.Sprintf("%s: %.120s", who, strings.TrimPrefix(err.Error(), "mfa: allauth webauthn: "))))
		return nil
	}
	switch got, err := st.AuthenticatorByCredential(im.ctx, credID); {
	case err == nil && got.UserID == id:
		im.t.skip(KindAuthenticator, ReasonExists, "")
		types[mfa.TypeWebAuthn] = true
		return nil
	case err == nil:
		im.t.skip(KindAuthenticator, ReasonCredentialTaken, example(a.index, who))
		return nil
	case !errors.Is(err, user.ErrNotFound):
		return storeErr(KindAuthenticator, a.index, err)
	}
	row := &mfa.Authenticator{UserID: id, Type: mfa.TypeWebAuthn, Data: data, CreatedAt: time.UnixMicro(a.created).UTC(), CredentialID: credID}
	if a.lastUsed != 0 {
		row.LastUsedAt = time.UnixMicro(a.lastUsed).UTC()
	}
	if err := st.AddAuthenticator(im.ctx, row); err != nil {
		return storeErr(KindAuthenticator, a.index, err)
	}
	types[mfa.TypeWebAuthn] = true
	im.t.imported(KindAuthenticator)
	return nil
}

// oldPK returns the pk the user r names had in the dumped site: r itself,
// or the pk of the file's user record with the username of a natural key.
func (im *importer) oldPK(r ref) (string, bool) {
	if strings.HasPrefix(string(r), "p:") {
		return string(r[2:]), true
	}
	parts, natural := r.natural()
	if !natural || len(parts) != 1 {
		return "", false
	}
	if im.pkByUsername == nil {
		im.pkByUsername = map[string]string{}
		for i := range im.d.users {
			u := &im.d.users[i]
			if strings.HasPrefix(string(u.pk), "p:") {
				im.pkByUsername[u.username()] = string(u.pk[2:])
			}
		}
	}
	pk, ok := im.pkByUsername[parts[0]]
	return pk, ok
}

// allauthUserHandle is the WebAuthn user handle allauth gives the user of
// pk (its adapter's get_public_key_credential_user_entity: the id is
// user_pk_to_url_str(user) as UTF-8): base36 of an integer pk, lower
// case; the hex of a UUID pk, without dashes; any other pk as it is.
func allauthUserHandle(pk string) string {
	if n, err := strconv.ParseInt(pk, 10, 64); err == nil && n >= 0 {
		return strconv.FormatInt(n, 36)
	}
	if len(pk) == 36 && strings.Count(pk, "-") == 4 {
		h := strings.ToLower(strings.ReplaceAll(pk, "-", ""))
		if _, err := hex.DecodeString(h); err == nil && len(h) == 32 {
			return h
		}
	}
	return pk
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// plainTOTPSecret returns allauth's TOTP secret in the form Gatehouse keeps
// (upper-case base32 without padding) when it is one: base32 of at least
// 16 bytes. Anything else is what a custom encrypt() made.
func plainTOTPSecret(s *string) (string, bool) {
	if s == nil {
		return "", false
	}
	secret := strings.TrimRight(strings.ToUpper(strings.TrimSpace(*s)), "=")
	raw, err := b32.DecodeString(secret)
	if err != nil || len(raw) < 16 {
		return "", false
	}
	return secret, true
}

// unusedRecoveryCodes returns the codes of allauth's recovery-code data
// not used yet and the size of the set: its migrated codes (all unused),
// or the codes of its seed (allauthRecoveryCodes) less those used_mask
// marks. ok is false for data that is neither (a custom encrypt()).
func unusedRecoveryCodes(d *allauthData, count, digits int) (codes []string, total int, ok bool) {
	if d.MigratedCodes != nil {
		for _, c := range *d.MigratedCodes {
			if c == "" || len(c) > 20 || strings.Trim(c, "0123456789") != "" {
				return nil, 0, false
			}
		}
		return *d.MigratedCodes, max(count, len(*d.MigratedCodes)), true
	}
	if d.Seed == nil || len(*d.Seed) < 32 {
		return nil, 0, false
	}
	if _, err := hex.DecodeString(*d.Seed); err != nil {
		return nil, 0, false
	}
	mask := new(big.Int)
	if d.UsedMask != "" {
		if _, good := mask.SetString(d.UsedMask.String(), 10); !good || mask.Sign() < 0 {
			return nil, 0, false
		}
	}
	for i, c := range allauthRecoveryCodes(*d.Seed, count, digits) {
		if mask.Bit(i) == 0 {
			codes = append(codes, c)
		}
	}
	return codes, count, true
}

// allauthRecoveryCodes derives the recovery codes of an allauth seed as
// allauth's RecoveryCodes.generate_codes does: one HMAC-SHA1 keyed with the
// seed's ASCII bytes, updated with "%3d," for each code i in turn (never
// reset: each digest covers every update so far); code i is the first
// min(digits/2, 20) bytes of the digest after its update, as a big-endian
// number, modulo 10^digits, with leading zeros.
func allauthRecoveryCodes(seed string, count, digits int) []string {
	h := hmac.New(sha1.New, []byte(seed))
	n := min(digits/2, h.Size())
	mod := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	codes := make([]string, 0, count)
	v := new(big.Int)
	for i := range count {
		fmt.Fprintf(h, "%3d,", i)
		v.SetBytes(h.Sum(nil)[:n])
		s := v.Mod(v, mod).String()
		codes = append(codes, strings.Repeat("0", digits-len(s))+s)
	}
	return codes
}

// errNoRing is what a nil ring from Options.MFAKeys becomes.
var errNoRing = errors.New("Options.MFAKeys returned no key ring")
