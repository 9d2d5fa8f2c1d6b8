package webhook_test

import (
	"errors"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

// Verify never panics on any header; a payload signed with a secret verifies at the signing
// time and fails with another payload or secret; its errors are the documented ones.
func FuzzVerify(f *testing.F) {
	at := time.Unix(1_800_000_000, 0)
	f.Add([]byte(`{"id":"evt_1"}`), "t=1800000000,v1=00", "whsec_abc")
	f.Add([]byte(""), "", "")
	f.Add([]byte("x"), "t=,v1=", "s")
	f.Add([]byte("x"), "t=-9223372036854775808,v1=zz,v0=aa", "s")
	f.Add([]byte("x"), "t=1800000000,v1="+webhook.Sign([]byte("x"), "s", at)[len("t=1800000000,v1="):], "s")
	f.Add([]byte("x"), ",,,=,t=1=2,v1", "s")
	f.Fuzz(func(t *testing.T, payload []byte, header, secret string) {
		err := webhook.VerifyAt(payload, header, secret, webhook.DefaultTolerance, at)
		if err != nil && !errors.Is(err, webhook.ErrNoSignature) && !errors.Is(err, webhook.ErrBadSignature) &&
			!errors.Is(err, webhook.ErrTooOld) {
			t.Fatalf("undocumented error %v", err)
		}
		signed := webhook.Sign(payload, secret, at)
		if err := webhook.VerifyAt(payload, signed, secret, webhook.DefaultTolerance, at); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
		if err := webhook.VerifyAt(append(payload, '!'), signed, secret, webhook.DefaultTolerance, at); !errors.Is(err, webhook.ErrBadSignature) {
			t.Fatalf("a changed payload verified: %v", err)
		}
		if err := webhook.VerifyAt(payload, signed, secret+"x", webhook.DefaultTolerance, at); !errors.Is(err, webhook.ErrBadSignature) {
			t.Fatalf("another secret verified: %v", err)
		}
	})
}
