package checkout

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/settlement"
)

type policyOf struct {
	tolerance string
	err       error
}

func (p policyOf) CreationPolicy(context.Context, string, bool) (settlement.ResolutionPolicy, error) {
	pol := settlement.DefaultResolutionPolicy()
	pol.UnderpaymentTolerancePercent = decimal.RequireFromString(p.tolerance)
	return pol, p.err
}

// A new session takes the merchant's default tolerance unless its request names one (even 0).
func TestDefaultTolerance(t *testing.T) {
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name     string
		policies Policies
		crypto   *CryptoParams
		want     string
		fails    bool
	}{
		{"no policy: none", nil, nil, "0", false},
		{"the merchant's default", policyOf{tolerance: "2"}, nil, "2", false},
		{"crypto without a tolerance", policyOf{tolerance: "2"}, &CryptoParams{Asset: ptr("tusd@sim")}, "2", false},
		{"the request's own wins", policyOf{tolerance: "2"}, &CryptoParams{PaymentTolerancePercent: ptr("0.5")}, "0.5", false},
		{"the request's own 0 wins", policyOf{tolerance: "2"}, &CryptoParams{PaymentTolerancePercent: ptr("0")}, "0", false},
		{"the policy unreadable", policyOf{tolerance: "2", err: errors.New("down")}, nil, "0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := &Service{policies: tc.policies}
			p := CreateParams{Crypto: tc.crypto}
			sess := &Session{ID: "cs_test_1"}
			if tc.crypto != nil && tc.crypto.PaymentTolerancePercent != nil {
				sess.Crypto.TolerancePercent = decimal.RequireFromString(*tc.crypto.PaymentTolerancePercent)
			}
			err := svc.defaultTolerance(context.Background(), sess, p)
			if (err != nil) != tc.fails || (!tc.fails && !sess.Crypto.TolerancePercent.Equal(decimal.RequireFromString(tc.want))) {
				t.Fatalf("tolerance %s, err %v; want %s (fails %v)", sess.Crypto.TolerancePercent, err, tc.want, tc.fails)
			}
		})
	}
}
