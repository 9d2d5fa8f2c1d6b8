package checkout

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
)

// Time given back for an outage moves the due time later, never earlier, only while open; a
// payment mined in the extension is on time, and the timer expires the session as of it.
func TestExtendTo(t *testing.T) {
	due := int64(39_980_000)
	expires := t0.Add(time.Hour)
	for _, c := range []struct {
		name      string
		status    Status
		to        time.Time
		changed   bool
		wantDue   time.Time
		payment   time.Time // a full payment mined then, confirmed (zero: none)
		wantState Status    // after expiring at wantDue (or later)
	}{
		{"later: extended", StatusOpen, expires.Add(20 * time.Minute), true, expires.Add(20 * time.Minute), time.Time{}, StatusExpired},
		{"earlier: kept", StatusOpen, expires.Add(-time.Minute), false, expires, time.Time{}, StatusExpired},
		{"equal: kept", StatusOpen, expires, false, expires, time.Time{}, StatusExpired},
		{"closed: kept", StatusComplete, expires.Add(time.Hour), false, expires, time.Time{}, StatusComplete},
		{"paid in the extension: a sale", StatusOpen, expires.Add(20 * time.Minute), true, expires.Add(20 * time.Minute),
			expires.Add(10 * time.Minute), StatusComplete},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			s.Status = c.status
			if got := s.ExtendTo(c.to); got != c.changed || !s.Due().Equal(c.wantDue) {
				t.Fatalf("ExtendTo = %v, due %v; want %v, %v", got, s.Due(), c.changed, c.wantDue)
			}
			if c.status != StatusOpen {
				return
			}
			var payments []chain.Payment
			if !c.payment.IsZero() {
				payments = []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, c.payment)}
			}
			if err := s.Expire(c.wantDue.Add(time.Hour), payments); err != nil { // a late timer: clamped to the due time
				t.Fatal(err)
			}
			if s.Status != c.wantState {
				t.Fatalf("status %s, want %s", s.Status, c.wantState)
			}
			if s.Status == StatusExpired && (!s.ExpiredAt.Equal(c.wantDue) || !s.Deadline().Equal(c.wantDue)) {
				t.Fatalf("expired at %v (deadline %v), want %v", s.ExpiredAt, s.Deadline(), c.wantDue)
			}
		})
	}
	s := quoted()
	s.ExtendTo(expires.Add(time.Hour))
	if err := s.Expire(t0.Add(10*time.Minute), nil); err != nil || !s.Deadline().Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("an expire request before the due time: %v, deadline %v", err, s.Deadline())
	}
}
