package billing

import (
	"fmt"
	"time"
)

// Dunning is what happens to an invoice left unpaid: a payment try is judged failed at each
// offset after its due date (invoice.payment_failed each time, the subscription past_due),
// and after the last one the subscription becomes Final.
type Dunning struct {
	Tries []time.Duration
	Final Status // StatusCanceled or StatusUnpaid
}

// MaxTries bounds the schedule so a merchant's configuration cannot spam shoppers.
const MaxTries = 10

// DefaultDunning is three tries over seven days, then cancel (Stripe's default smart retries
// end in a cancel too).
var DefaultDunning = Dunning{Tries: []time.Duration{0, 3 * 24 * time.Hour, 7 * 24 * time.Hour}, Final: StatusCanceled}

// Validate refuses a schedule that is empty, too long, goes back in time or ends in a status
// other than canceled or unpaid.
func (d Dunning) Validate() error {
	if len(d.Tries) == 0 || len(d.Tries) > MaxTries {
		return fmt.Errorf("dunning: between 1 and %d tries, got %d", MaxTries, len(d.Tries))
	}
	for i, t := range d.Tries {
		if t < 0 || (i > 0 && t < d.Tries[i-1]) {
			return fmt.Errorf("dunning: try %d at %s: offsets must be non-negative and non-decreasing", i+1, t)
		}
	}
	if d.Final != StatusCanceled && d.Final != StatusUnpaid {
		return fmt.Errorf("dunning: after the last try the subscription is canceled or unpaid, not %q", d.Final)
	}
	return nil
}

// TryAt is when try k (from 0) of inv is judged, on the subscription's clock. Tries never
// pass the invoice's period end, so a period's dunning is over before the next period opens.
func (d Dunning) TryAt(inv *Invoice, k int) time.Time {
	at := inv.DueDate.Add(d.Tries[k])
	if at.After(inv.PeriodEnd) {
		return inv.PeriodEnd
	}
	return at
}
