package passwords

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/chaincheckout/checkout/core/account"
)

// TOTP implements account.Authenticator with RFC 6238 codes (SHA-1, 6 digits, 30 s), what
// every authenticator app reads.
type TOTP struct{}

var _ account.Authenticator = TOTP{}

const totpPeriod = 30

// NewSecret makes a 160-bit secret and its otpauth:// URI.
func (TOTP) NewSecret(issuer, accountName string) (string, string, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: accountName, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// Check accepts the code of at's time step or of the step before or after (clock skew) and
// says which step matched.
func (TOTP) Check(secret, code string, at time.Time) (int64, bool) {
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, skew := range []int64{0, -1, 1} {
		t := at.Add(time.Duration(skew*totpPeriod) * time.Second)
		if ok, err := totp.ValidateCustom(code, secret, t, opts); err == nil && ok {
			return t.Unix() / totpPeriod, true
		}
	}
	return 0, false
}
