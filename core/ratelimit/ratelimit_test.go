package ratelimit

import (
	"testing"
	"time"
)

func TestForKey(t *testing.T) {
	p := DefaultPolicy()
	cases := []struct {
		name     string
		livemode bool
		want     Limit
	}{
		{"live key: Stripe's live limit", true, Limit{PerSecond: 100, Burst: 100}},
		{"test key: Stripe's test limit", false, Limit{PerSecond: 25, Burst: 25}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := p.ForKey(c.livemode); got != c.want {
				t.Fatalf("ForKey(%v) = %+v; want %+v", c.livemode, got, c.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		value string
		want  Limit
		ok    bool
	}{
		{"100", Limit{100, 100}, true},
		{"1", Limit{1, 1}, true},
		{"0", Limit{}, true},
		{"-1", Limit{}, false},
		{"2.5", Limit{}, false},
		{"", Limit{}, false},
		{"lots", Limit{}, false},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			got, err := Parse("X", c.value)
			if (err == nil) != c.ok || got != c.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v, ok %v", c.value, got, err, c.want, c.ok)
			}
			if c.ok && c.value == "0" && !got.Off() {
				t.Fatalf("0 must turn the limit off")
			}
		})
	}
}

func TestRetryAfterAndRefill(t *testing.T) {
	cases := []struct {
		wait time.Duration
		want int
	}{
		{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {time.Second + time.Nanosecond, 2}, {2500 * time.Millisecond, 3},
	}
	for _, c := range cases {
		if got := RetryAfter(c.wait); got != c.want {
			t.Errorf("RetryAfter(%s) = %d; want %d", c.wait, got, c.want)
		}
	}
	if got := PerSecond(25).Refill(); got != time.Second {
		t.Errorf("Refill of 25/s, burst 25 = %s; want 1s", got)
	}
	if got := (Limit{PerSecond: 2, Burst: 10}).Refill(); got != 5*time.Second {
		t.Errorf("Refill of 2/s, burst 10 = %s; want 5s", got)
	}
	if got := (Limit{}).Refill(); got != 0 {
		t.Errorf("Refill of no limit = %s; want 0", got)
	}
}
