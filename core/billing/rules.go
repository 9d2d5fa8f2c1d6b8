package billing

import (
	"maps"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Step is what Advance did, for the caller to save and announce.
type Step struct {
	Failed  int      // payment tries of the latest invoice judged failed now
	Renewed *Invoice // the next period's invoice, opened now (nil if none)
	Ended   bool     // the subscription ended now
}

// Changed reports whether the step changed anything.
func (s Step) Changed() bool { return s.Failed > 0 || s.Renewed != nil || s.Ended }

// Advance applies what is due by real time now to the subscription and its latest invoice:
// failed payment tries, then the period's end (renew, or end when asked to). It renews at
// most once, so the caller can collect the new invoice before time moves further; calling it
// again at the same now does nothing more once nothing is due.
func (s *Subscription) Advance(inv *Invoice, d Dunning, now time.Time) Step {
	var step Step
	if s.Ended() {
		return step
	}
	t := s.Now(now)
	if inv.Status == InvoiceOpen {
		for inv.Attempts < len(d.Tries) && !d.TryAt(inv, inv.Attempts).After(t) {
			at := d.TryAt(inv, inv.Attempts)
			inv.Attempts++
			step.Failed++
			s.Status = StatusPastDue
			if inv.Attempts < len(d.Tries) {
				continue
			}
			if d.Final == StatusCanceled {
				s.end(at, at)
				inv.Status = InvoiceUncollectible
				step.Ended = true
				return step
			}
			s.Status = StatusUnpaid
		}
	}
	if s.Status == StatusUnpaid || t.Before(s.CurrentPeriodEnd) {
		return step
	}
	if s.CancelAtPeriodEnd {
		s.end(s.CurrentPeriodEnd, s.canceledAtOr(s.CurrentPeriodEnd))
		step.Ended = true
		return step
	}
	step.Renewed = s.renew()
	return step
}

// renew moves to the next period and opens its invoice, due days_until_due after it starts
// (never after the period ends).
func (s *Subscription) renew() *Invoice {
	s.Period++
	s.CurrentPeriodStart = s.CurrentPeriodEnd
	s.CurrentPeriodEnd = s.boundary(s.Period + 1)
	due := s.CurrentPeriodStart.AddDate(0, 0, s.DaysUntilDue)
	if due.After(s.CurrentPeriodEnd) {
		due = s.CurrentPeriodEnd
	}
	inv := &Invoice{ID: InvoiceID(s.ID, s.Period), MerchantID: s.MerchantID, Livemode: s.Livemode,
		SubscriptionID: s.ID, Period: s.Period, Status: InvoiceOpen, BillingReason: ReasonCycle,
		Currency: s.Currency, AmountDue: s.Amount(), PeriodStart: s.CurrentPeriodStart,
		PeriodEnd: s.CurrentPeriodEnd, DueDate: due, Created: s.CurrentPeriodStart}
	s.LatestInvoice = inv.ID
	return inv
}

func (s *Subscription) canceledAtOr(t time.Time) time.Time {
	if s.CanceledAt != nil {
		return *s.CanceledAt
	}
	return t
}

func (s *Subscription) end(endedAt, canceledAt time.Time) {
	s.Status = StatusCanceled
	s.EndedAt, s.CanceledAt = &endedAt, &canceledAt
	s.CancelAtPeriodEnd = false
}

// NextAt is the real time at which Advance will next have something to do, given the
// subscription's latest invoice; ok is false when nothing is scheduled (ended, or unpaid and
// waiting for the payment).
func (s *Subscription) NextAt(inv *Invoice, d Dunning) (time.Time, bool) {
	if s.Ended() {
		return time.Time{}, false
	}
	var next time.Time
	if inv.Status == InvoiceOpen && inv.Attempts < len(d.Tries) {
		next = d.TryAt(inv, inv.Attempts)
	}
	if s.Status != StatusUnpaid && (next.IsZero() || s.CurrentPeriodEnd.Before(next)) {
		next = s.CurrentPeriodEnd
	}
	if next.IsZero() {
		return next, false
	}
	return next.Add(-s.ClockOffset), true
}

// Pay records that inv was paid in full at real time now. The subscription becomes active
// again when inv is its latest invoice; a canceled subscription stays canceled.
func (s *Subscription) Pay(inv *Invoice, now time.Time) error {
	if inv.Status == InvoicePaid {
		return nil
	}
	if !inv.Payable() {
		return apperr.Conflict("invoice_not_payable", "Invoice %s is %s: it cannot be paid.", inv.ID, inv.Status)
	}
	at := s.Now(now)
	inv.Status, inv.AmountPaid, inv.PaidAt = InvoicePaid, inv.AmountDue, &at
	if inv.ID != s.LatestInvoice || (s.Status != StatusPastDue && s.Status != StatusUnpaid) {
		return nil
	}
	if s.Status == StatusUnpaid && !at.Before(s.CurrentPeriodEnd) {
		// Renewals stopped while it was unpaid: the payment buys a fresh period from now
		// instead of one already over, and the cycle is anchored there.
		s.Anchor, s.AnchorPeriod = at, s.Period
		s.CurrentPeriodStart, s.CurrentPeriodEnd = at, s.boundary(s.Period+1)
		inv.PeriodStart, inv.PeriodEnd = s.CurrentPeriodStart, s.CurrentPeriodEnd
	}
	s.Status = StatusActive
	return nil
}

// boundary is the start of period n, counted from the anchor.
func (s *Subscription) boundary(n int) time.Time {
	return s.Plan.PeriodBoundary(s.Anchor, n-s.AnchorPeriod)
}

// Cancel ends the subscription now (DELETE /v1/subscriptions/:id); its open invoice is voided.
func (s *Subscription) Cancel(inv *Invoice, now time.Time) error {
	if s.Ended() {
		return apperr.Invalid("", "resource_missing", "The subscription %s is already canceled.", s.ID)
	}
	t := s.Now(now)
	s.end(t, t)
	if inv != nil && inv.Status == InvoiceOpen {
		inv.Status = InvoiceVoid
	}
	return nil
}

// Apply changes what u names, with merged as the metadata after u's patch (nil: unchanged);
// a canceled subscription only takes metadata (Stripe's rule).
func (s *Subscription) Apply(u UpdateRequest, merged map[string]string, now time.Time) error {
	if s.Ended() && (u.CancelAtPeriodEnd != nil || u.Description != nil) {
		return apperr.Invalid("cancel_at_period_end", "parameter_invalid",
			"A canceled subscription can only update its metadata.")
	}
	if u.CancelAtPeriodEnd != nil && *u.CancelAtPeriodEnd != s.CancelAtPeriodEnd {
		s.CancelAtPeriodEnd = *u.CancelAtPeriodEnd
		s.CanceledAt = nil
		if s.CancelAtPeriodEnd {
			t := s.Now(now)
			s.CanceledAt = &t
		}
	}
	if u.Description != nil {
		s.Description = *u.Description
	}
	if merged != nil {
		s.Metadata = maps.Clone(merged)
	}
	return nil
}

// SetClock moves a test subscription's clock to frozen (Stripe's test clock advance): only
// forward, only in test mode, and at most to the end of the period after next, so one step
// renews at most twice.
func (s *Subscription) SetClock(frozen, now time.Time) error {
	if s.Livemode {
		return apperr.Invalid("", "parameter_invalid", "Test clocks exist in test mode only.")
	}
	if frozen.Before(s.Now(now)) {
		return apperr.Invalid("frozen_time", "parameter_invalid",
			"frozen_time must be after the clock's current time (%d): a test clock only moves forward.", s.Now(now).Unix())
	}
	if limit := s.boundary(s.Period + 3); frozen.After(limit) {
		return apperr.Invalid("frozen_time", "parameter_invalid",
			"A test clock can advance at most two periods past the current one: up to %d.", limit.Unix())
	}
	s.ClockOffset = frozen.Sub(now)
	return nil
}
