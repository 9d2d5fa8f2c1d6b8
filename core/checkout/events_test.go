package checkout

import (
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/chain"
)

func live(s *Session, n int) *Session { s.Crypto.PaymentsLive = n; return s }

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
		// A payment reverted by a reorg and then mined again: the count of payments on record
		// does not grow, the count of live ones does. Before, nothing was emitted.
		{"reinstated after a reorg", live(s(StatusOpen, chain.StateAwaitingPayment, 1), 0), live(s(StatusOpen, chain.StateConfirming, 1), 1),
			"checkout.session.payment_detected"},
		// Before, a detected payment that a reorg removed before it counted was dropped silently.
		{"reverted before completion", live(s(StatusOpen, chain.StateConfirming, 1), 1), live(s(StatusOpen, chain.StateAwaitingPayment, 1), 0),
			"checkout.session.payment_reverted"},
		{"reverted after completion, counted once", live(s(StatusComplete, chain.StatePaid, 1), 1), live(s(StatusComplete, chain.StateReverted, 1), 0),
			"checkout.session.payment_reverted"},
	}
	for _, tc := range cases {
		if got := strings.Join(TransitionEvents(tc.before, tc.after), ","); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
