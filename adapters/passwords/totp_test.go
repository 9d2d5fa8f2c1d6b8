package passwords

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

func TestTOTP(t *testing.T) {
	var a TOTP
	secret, uri, err := a.NewSecret("Crypto checkout", "owner@shop.example")
	if err != nil || len(secret) < 32 || !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) {
		t.Fatalf("%q %q %v", secret, uri, err)
	}
	at := time.Date(2027, 3, 1, 12, 0, 10, 0, time.UTC)
	codeAt := func(t0 time.Time) string {
		c, err := totp.GenerateCodeCustom(secret, t0, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	step := at.Unix() / 30
	cases := []struct {
		name     string
		code     string
		ok       bool
		wantStep int64
	}{
		{"now", codeAt(at), true, step},
		{"the step before (clock skew)", codeAt(at.Add(-30 * time.Second)), true, step - 1},
		{"the step after", codeAt(at.Add(30 * time.Second)), true, step + 1},
		{"two steps old", codeAt(at.Add(-60 * time.Second)), false, 0},
		{"not digits", "abcdef", false, 0},
		{"empty", "", false, 0},
	}
	for _, tc := range cases {
		got, ok := a.Check(secret, tc.code, at)
		if ok != tc.ok || got != tc.wantStep {
			t.Errorf("%s: step %d ok %v", tc.name, got, ok)
		}
	}
}
