package retention

import (
	"testing"
	"time"
)

func TestEventWindow(t *testing.T) {
	now := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		days       int
		ok         bool
		wantDays   int
		wantCutoff time.Time
	}{
		{"unset is the default", 0, true, 30, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"the minimum", 30, true, 30, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"longer", 90, true, 90, time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC)},
		{"one day short", 29, false, 0, time.Time{}},
		{"a day", 1, false, 0, time.Time{}},
		{"negative", -30, false, 0, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewEventWindow(c.days)
			if !c.ok {
				if err == nil {
					t.Fatalf("NewEventWindow(%d) accepted a window shorter than %d days", c.days, MinEventDays)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewEventWindow(%d): %v", c.days, err)
			}
			if w.Days() != c.wantDays || !w.Cutoff(now).Equal(c.wantCutoff) {
				t.Fatalf("window %d days, cutoff %s; want %d, %s", w.Days(), w.Cutoff(now), c.wantDays, c.wantCutoff)
			}
		})
	}
}

func TestIdempotencyCutoff(t *testing.T) {
	cases := []struct {
		now, want time.Time
	}{
		{time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC), time.Date(2025, 3, 30, 12, 0, 0, 0, time.UTC)},
		{time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 30, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := IdempotencyCutoff(c.now); !got.Equal(c.want) {
			t.Errorf("IdempotencyCutoff(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

func TestCounts(t *testing.T) {
	cases := []struct {
		a, b, sum Counts
		total     int64
	}{
		{Counts{}, Counts{}, Counts{}, 0},
		{Counts{IdempotencyKeys: 2}, Counts{IdempotencyKeys: 3}, Counts{IdempotencyKeys: 5}, 5},
		{Counts{Events: 1, WebhookDeliveries: 2}, Counts{WebhookAttempts: 4, Events: 1}, Counts{Events: 2, WebhookDeliveries: 2, WebhookAttempts: 4}, 8},
	}
	for _, c := range cases {
		if got := c.a.Plus(c.b); got != c.sum || got.Total() != c.total {
			t.Errorf("%+v plus %+v = %+v (total %d), want %+v (total %d)", c.a, c.b, got, got.Total(), c.sum, c.total)
		}
	}
}
