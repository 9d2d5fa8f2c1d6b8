// Package billing holds subscriptions and their invoices: exact calendar periods, the
// dunning schedule, the rules of renewing, paying and canceling, and the use cases over them.
package billing

import (
	"time"

	"github.com/chaincheckout/checkout/core/catalog"
)

// Plan is a subscription's period: interval_count intervals.
type Plan struct {
	Interval      catalog.Interval
	IntervalCount int64
}

// PeriodBoundary is the start of period n (0 is the anchor) of a plan anchored at anchor.
// Months and years count from the anchor, not from the previous boundary, so a month that is
// too short clamps to its last day without shifting the ones after it: a Jan 31 anchor gives
// Feb 28 (29 in a leap year), then Mar 31.
func (p Plan) PeriodBoundary(anchor time.Time, n int) time.Time {
	k := int(p.IntervalCount) * n
	switch p.Interval {
	case catalog.Day:
		return anchor.AddDate(0, 0, k)
	case catalog.Week:
		return anchor.AddDate(0, 0, 7*k)
	case catalog.Year:
		return addMonths(anchor, 12*k)
	default:
		return addMonths(anchor, k)
	}
}

// addMonths moves t by k calendar months, clamping the day to the target month's last day.
func addMonths(t time.Time, k int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(k), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}
