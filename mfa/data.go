package mfa

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gatehouse-auth/gatehouse/internal/keys"
)

// Key purposes of the two-factor data.
const (
	totpSecretPurpose = "mfa.totp_secret"
	recoveryPurpose   = "mfa.recovery_codes"
)

// totpData is the Data of a TypeTOTP authenticator: the secret sealed
// (AES-256-GCM under a key derived from the secret key, bound to the
// user), so a copy of the table holds no usable seed (SECURITY.md M2).
type totpData struct {
	Sealed string `json:"sealed"`
}

// SealTOTPSecret returns the Data of userID's TOTP authenticator holding
// secret (base32): what enrolment stores and import-django writes.
func SealTOTPSecret(r *keys.Ring, userID int64, secret string) json.RawMessage {
	sealed := r.Seal(totpSecretPurpose, []byte(secret), totpAD(userID))
	b, _ := json.Marshal(totpData{Sealed: base64.RawURLEncoding.EncodeToString(sealed)})
	return b
}

// OpenTOTPSecret returns the base32 secret of a TypeTOTP authenticator.
func OpenTOTPSecret(r *keys.Ring, a *Authenticator) (string, error) {
	var d totpData
	if err := json.Unmarshal(a.Data, &d); err != nil || d.Sealed == "" {
		return "", fmt.Errorf("mfa: authenticator %d: no sealed TOTP secret", a.ID)
	}
	sealed, err := base64.RawURLEncoding.DecodeString(d.Sealed)
	if err != nil {
		return "", fmt.Errorf("mfa: authenticator %d: %w", a.ID, err)
	}
	plain, err := r.Open(totpSecretPurpose, sealed, totpAD(a.UserID))
	if err != nil {
		return "", fmt.Errorf("mfa: authenticator %d: %w", a.ID, err)
	}
	return string(plain), nil
}

func totpAD(userID int64) []byte { return []byte("totp/" + strconv.FormatInt(userID, 10)) }

// RecoveryKey returns the key recovery-code hashes are made under (the
// current one of r): what import-django hashes allauth's codes with.
func RecoveryKey(r *keys.Ring) []byte { return r.Key(recoveryPurpose) }

// RecoveryData returns the Data of a TypeRecoveryCodes authenticator
// holding set.
func RecoveryData(set *RecoverySet) json.RawMessage {
	b, _ := json.Marshal(set)
	return b
}

// recoveryData reads the set of a TypeRecoveryCodes authenticator.
func recoveryData(a *Authenticator) (*RecoverySet, error) {
	var set RecoverySet
	if err := json.Unmarshal(a.Data, &set); err != nil {
		return nil, fmt.Errorf("mfa: authenticator %d: recovery codes: %w", a.ID, err)
	}
	return &set, nil
}
