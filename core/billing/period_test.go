package billing

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/catalog"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodBoundary(t *testing.T) {
	cases := []struct {
		name   string
		plan   Plan
		anchor string
		want   []string // boundaries 1, 2, 3, ...
	}{
		{"monthly from Jan 31 clamps and comes back", Plan{catalog.Month, 1}, "2027-01-31 10:00:00",
			[]string{"2027-02-28 10:00:00", "2027-03-31 10:00:00", "2027-04-30 10:00:00", "2027-05-31 10:00:00"}},
		{"monthly from Jan 31 in a leap year", Plan{catalog.Month, 1}, "2028-01-31 00:00:00",
			[]string{"2028-02-29 00:00:00", "2028-03-31 00:00:00"}},
		{"every 3 months from Nov 30", Plan{catalog.Month, 3}, "2026-11-30 08:30:00",
			[]string{"2027-02-28 08:30:00", "2027-05-30 08:30:00", "2027-08-30 08:30:00", "2027-11-30 08:30:00"}},
		{"yearly from Feb 29", Plan{catalog.Year, 1}, "2028-02-29 12:00:00",
			[]string{"2029-02-28 12:00:00", "2030-02-28 12:00:00", "2031-02-28 12:00:00", "2032-02-29 12:00:00"}},
		{"weekly", Plan{catalog.Week, 2}, "2026-12-28 00:00:00", []string{"2027-01-11 00:00:00", "2027-01-25 00:00:00"}},
		{"daily across a month end", Plan{catalog.Day, 1}, "2026-12-31 23:59:59", []string{"2027-01-01 23:59:59"}},
		{"13 months from Dec 31", Plan{catalog.Month, 13}, "2026-12-31 00:00:00", []string{"2028-01-31 00:00:00", "2029-02-28 00:00:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			anchor := day(c.anchor)
			if got := c.plan.PeriodBoundary(anchor, 0); !got.Equal(anchor) {
				t.Fatalf("boundary 0 = %s, want the anchor", got)
			}
			for i, w := range c.want {
				if got := c.plan.PeriodBoundary(anchor, i+1); !got.Equal(day(w)) {
					t.Errorf("boundary %d = %s, want %s", i+1, got.Format(time.DateTime), w)
				}
			}
		})
	}
}
