package checkout

import (
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/chain"
)

func TestTransitionEvents(t *testing.T) {
	s := func(st Status, cs chain.CryptoState, seen int) *Session {
		return &Session{Status: st, Crypto: Crypto{State: cs, PaymentsSeen: seen}}
	}
	cases := []struct {
		name          string
		before, after *Session
		want          string
	}{
		{"nothing changed (a retry)", s(StatusOpen, chain.StateConfirming, 1), s(StatusOpen, chain.StateConfirming, 1), ""},
		{"detected", s(StatusOpen, chain.StateAwaitingPayment, 0), s(StatusOpen, chain.StateConfirming, 1), "checkout.session.payment_detected"},
		{"detected and confirmed at once, short", s(StatusOpen, chain.StateAwaitingPayment, 0), s(StatusOpen, chain.StateUnderpaid, 1),
			"checkout.session.payment_detected,checkout.session.underpaid"},
		{"paid", s(StatusOpen, chain.StateConfirming, 1), s(StatusComplete, chain.StatePaid, 1), "checkout.session.completed"},
		{"expired", s(StatusOpen, chain.StateAwaitingAsset, 0), s(StatusExpired, chain.StateAwaitingAsset, 0), "checkout.session.expired"},
		{"late", s(StatusExpired, chain.StateAwaitingPayment, 0), s(StatusExpired, chain.StatePaidLate, 1),
			"checkout.session.payment_detected,checkout.session.paid_late"},
		{"reverted after completion", s(StatusComplete, chain.StatePaid, 1), s(StatusComplete, chain.StateReverted, 1), "checkout.session.payment_reverted"},
	}
	for _, tc := range cases {
		if got := strings.Join(TransitionEvents(tc.before, tc.after), ","); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
