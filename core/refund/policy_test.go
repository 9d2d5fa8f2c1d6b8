package refund

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/settlement"
)

// expiredWith is a $10 USDC session that expired at t0+1h with these payments (in base units,
// mined in time or late).
func expiredWith(onTime, late int64) (*checkout.Session, []chain.Payment) {
	s, _ := overpaid()
	s.Status = checkout.StatusExpired
	var payments []chain.Payment
	if onTime > 0 {
		payments = append(payments, chain.Payment{AssetID: "usdc", Amount: big.NewInt(onTime), Status: chain.PaymentConfirmed, BlockTime: t0})
	}
	if late > 0 {
		payments = append(payments, chain.Payment{AssetID: "usdc", Amount: big.NewInt(late), Status: chain.PaymentConfirmed, BlockTime: t0.Add(2 * time.Hour)})
	}
	return s, payments
}

// Which resolution the merchant's late-payment policy gives a session.
func TestLateAction(t *testing.T) {
	for _, tc := range []struct {
		name    string
		policy  settlement.LatePayments
		onTime  int64
		late    int64
		session func(*checkout.Session)
		want    string
	}{
		{"manual: the merchant decides", settlement.LateManual, 0, 10_000_000, nil, ""},
		{"an unset policy is manual", "", 0, 10_000_000, nil, ""},
		{"refund a full late payment", settlement.LateRefund, 0, 10_000_000, nil, ActionRefund},
		{"refund a partial late payment", settlement.LateRefund, 0, 4_000_000, nil, ActionRefund},
		{"refund an underpayment topped up late", settlement.LateRefund, 6_000_000, 4_000_000, nil, ActionRefund},
		{"accept a full late payment", settlement.LateAccept, 0, 10_000_000, nil, ActionAccept},
		{"accept an underpayment topped up late", settlement.LateAccept, 6_000_000, 4_000_000, nil, ActionAccept},
		{"accept more than the price", settlement.LateAccept, 0, 12_000_000, nil, ActionAccept},
		{"never accept a short late payment", settlement.LateAccept, 0, 9_000_000, nil, ""},
		{"accept a short one within the tolerance", settlement.LateAccept, 0, 9_000_000,
			func(s *checkout.Session) { s.Crypto.TolerancePercent = decimal.NewFromInt(10) }, ActionAccept},
		{"never accept a subscription's session", settlement.LateAccept, 0, 10_000_000,
			func(s *checkout.Session) { s.Mode = checkout.ModeSubscription }, ""},
		{"refund a subscription's session", settlement.LateRefund, 0, 10_000_000,
			func(s *checkout.Session) { s.Mode = checkout.ModeSubscription }, ActionRefund},
		{"nothing late: an underpayment is not the policy's", settlement.LateRefund, 6_000_000, 0, nil, ""},
		{"nothing received", settlement.LateRefund, 0, 0, nil, ""},
		{"already refunded by the merchant", settlement.LateRefund, 0, 10_000_000,
			func(s *checkout.Session) { s.Resolution = checkout.ResolutionRefunded }, ""},
		{"already accepted by the merchant", settlement.LateAccept, 0, 10_000_000, func(s *checkout.Session) {
			s.Status, s.Resolution = checkout.StatusComplete, checkout.ResolutionAcceptedLate
		}, ""},
		{"a complete session is never late", settlement.LateRefund, 10_000_000, 0,
			func(s *checkout.Session) { s.Status = checkout.StatusComplete }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, payments := expiredWith(tc.onTime, tc.late)
			if tc.session != nil {
				tc.session(s)
			}
			if got := LateAction(tc.policy, s, payments); got != tc.want {
				t.Fatalf("LateAction = %q, want %q", got, tc.want)
			}
		})
	}
}

// The policy's refund ID is the session's alone: every retry and replay names the same refund.
func TestLatePolicyRefundID(t *testing.T) {
	a, b := LatePolicyRefundID("cs_test_1"), LatePolicyRefundID("cs_test_2")
	if a != LatePolicyRefundID("cs_test_1") || a == b || !strings.HasPrefix(a, "re_") || len(a) != 27 {
		t.Fatalf("IDs %q %q", a, b)
	}
}
