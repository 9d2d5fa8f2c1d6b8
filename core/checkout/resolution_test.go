package checkout

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
)

// closedAs is the quoted session after its payments settled it at expiry (or at completion).
func closedAs(payments []chain.Payment) *Session {
	s := quoted()
	if err := s.Expire(s.ExpiresAt, payments); err != nil {
		panic(err)
	}
	return s
}

func TestExcessAndAccept(t *testing.T) {
	before, after := t0.Add(time.Minute), t0.Add(2*time.Hour)
	due := int64(39_980_000)
	cases := []struct {
		name     string
		payments []chain.Payment
		outcome  Outcome
		excess   int64
		accept   Resolution
		refused  string // the conflict code when accept is refused
	}{
		{"paid exactly", []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, before)}, OutcomeSettled, 0, "", "session_not_resolvable"},
		{"overpaid", []chain.Payment{pay("usdc@base", due+5_000_000, chain.PaymentConfirmed, before)}, OutcomeOverpaid, 5_000_000, "", "session_not_resolvable"},
		{"underpaid at expiry", []chain.Payment{pay("usdc@base", 30_000_000, chain.PaymentConfirmed, before)}, OutcomeUnderpaid, 30_000_000, ResolutionAcceptedUnderpayment, ""},
		{"paid late", []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, after)}, OutcomeLate, due, ResolutionAcceptedLate, ""},
		{"nothing received", nil, OutcomeSettled, 0, "", "session_not_resolvable"},
		{"only another asset", []chain.Payment{pay("eth@base", 1e15, chain.PaymentConfirmed, before)}, OutcomeSettled, 0, "", "session_not_resolvable"},
		{"reverted payment", []chain.Payment{pay("usdc@base", 30_000_000, chain.PaymentReverted, before)}, OutcomeSettled, 0, "", "session_not_resolvable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := closedAs(c.payments)
			outcome, excess := s.Excess(c.payments)
			if outcome != c.outcome || excess.Int64() != c.excess {
				t.Fatalf("Excess = %q %s, want %q %d", outcome, excess, c.outcome, c.excess)
			}
			before := *s
			err := s.Accept(c.payments, t0.Add(3*time.Hour))
			if c.refused != "" {
				if e, ok := apperr.As(err); !ok || e.Code != c.refused {
					t.Fatalf("Accept = %v, want conflict %s", err, c.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Status != StatusComplete || s.PaymentStatus != PaymentPaid || s.Resolution != c.accept || s.CompletedAt == nil {
				t.Fatalf("accepted session = %s/%s %q", s.Status, s.PaymentStatus, s.Resolution)
			}
			if got := TransitionEvents(&before, s); len(got) != 1 || got[0] != event.SessionCompleted {
				t.Fatalf("events of the acceptance = %v, want one checkout.session.completed", got)
			}
			again := *s
			if err := again.Accept(c.payments, t0.Add(4*time.Hour)); err != nil || len(TransitionEvents(s, &again)) != 0 || *again.CompletedAt != *s.CompletedAt {
				t.Fatalf("accepting again (a retry) = %v, changed %v", err, TransitionEvents(s, &again))
			}
		})
	}
}

func TestAcceptRefusals(t *testing.T) {
	under := []chain.Payment{pay("usdc@base", 30_000_000, chain.PaymentConfirmed, t0.Add(time.Minute))}
	open := quoted()
	sub := closedAs(under)
	sub.Mode = ModeSubscription
	renewal := closedAs(under)
	renewal.InvoiceID = "in_1"
	refunded := closedAs(under)
	refunded.Resolution = ResolutionRefunded
	for name, s := range map[string]*Session{"open": open, "subscription": sub, "renewal": renewal, "refunded": refunded} {
		t.Run(name, func(t *testing.T) {
			if err := s.Accept(under, t0.Add(3*time.Hour)); kindOf(err) != apperr.KindConflict {
				t.Fatalf("Accept of a %s session = %v, want a conflict", name, err)
			}
		})
	}
}
