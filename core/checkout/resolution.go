package checkout

import (
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// Resolution is the merchant's decision on a session whose payments did not match its price:
// too much, too little by the deadline, or too late.
type Resolution string

const (
	ResolutionNone                 Resolution = ""
	ResolutionAcceptedUnderpayment Resolution = "accepted_underpayment"
	ResolutionAcceptedLate         Resolution = "accepted_late"
	ResolutionRefunded             Resolution = "refunded"
)

// Outcome is what a closed session's payments left to decide.
type Outcome string

const (
	OutcomeSettled   Outcome = ""          // nothing: paid exactly, nothing received, or still open
	OutcomeOverpaid  Outcome = "overpaid"  // complete, with more received than was due
	OutcomeUnderpaid Outcome = "underpaid" // expired with less than the price received in time
	OutcomeLate      Outcome = "late"      // expired, with funds that arrived after the deadline
)

// Excess is what the session's payments leave to resolve: for a complete session what was
// received beyond the amount due (late funds included), for an expired one all of it.
func (s *Session) Excess(payments []chain.Payment) (Outcome, *big.Int) {
	if s.Crypto.AssetID == "" || s.Open() {
		return OutcomeSettled, new(big.Int)
	}
	l := chain.Account(s.Terms(), payments)
	got := new(big.Int).Add(l.Received, l.Late)
	if s.Status == StatusComplete {
		due := s.Crypto.AmountDue
		if due == nil {
			due = new(big.Int)
		}
		if extra := new(big.Int).Sub(got, due); extra.Sign() > 0 {
			return OutcomeOverpaid, extra
		}
		return OutcomeSettled, new(big.Int)
	}
	switch {
	case l.Late.Sign() > 0:
		return OutcomeLate, got
	case l.Received.Sign() > 0:
		return OutcomeUnderpaid, got
	}
	return OutcomeSettled, new(big.Int)
}

// CanAccept is the rule for accepting what an expired session received as its payment.
func (s *Session) CanAccept(payments []chain.Payment) (Resolution, error) {
	if s.Mode == ModeSubscription || s.InvoiceID != "" {
		return "", apperr.Conflict("resolution_unsupported",
			"Checkout Session %s belongs to a subscription; its payments cannot be accepted by a resolution.", s.ID)
	}
	if s.Resolution == ResolutionRefunded {
		return "", apperr.Conflict("session_not_resolvable",
			"Checkout Session %s was resolved by a refund; what it received can no longer be accepted as its payment.", s.ID)
	}
	if s.Status != StatusExpired {
		return "", apperr.Conflict("session_not_resolvable",
			"Only an expired Checkout Session that received funds can be accepted; %s is %s.", s.ID, s.Status)
	}
	switch outcome, _ := s.Excess(payments); outcome {
	case OutcomeLate:
		return ResolutionAcceptedLate, nil
	case OutcomeUnderpaid:
		return ResolutionAcceptedUnderpayment, nil
	}
	if l := chain.Account(s.Terms(), payments); l.Pending.Sign() > 0 {
		return "", apperr.Conflict("payment_confirming", "A payment to %s is still confirming; accept it once it is confirmed.", s.ID)
	}
	return "", apperr.Conflict("session_not_resolvable",
		"Checkout Session %s received no confirmed funds in its asset: there is nothing to accept.", s.ID)
}

// Accept completes an expired session with what it received: the merchant takes the
// underpayment or the late payment as the sale. checkout.session.completed follows once.
// Accepting an accepted session again changes nothing: a retry of the same decision.
func (s *Session) Accept(payments []chain.Payment, now time.Time) error {
	if s.Status == StatusComplete && (s.Resolution == ResolutionAcceptedUnderpayment || s.Resolution == ResolutionAcceptedLate) {
		return nil
	}
	r, err := s.CanAccept(payments)
	if err != nil {
		return err
	}
	at := now
	s.Status, s.PaymentStatus, s.CompletedAt, s.Resolution = StatusComplete, PaymentPaid, &at, r
	s.Settle(payments, now)
	return nil
}
