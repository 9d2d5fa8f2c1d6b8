package http

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/ratelimit"
)

// clock is a hand-moved time source: the buckets are judged at given instants, never by waiting.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestKeyedLimiter(t *testing.T) {
	type step struct {
		advance time.Duration
		key     string
		ok      bool
		wait    time.Duration // expected Retry wait when refused
	}
	cases := []struct {
		name  string
		limit ratelimit.Limit
		steps []step
	}{
		{"burst then refused with the wait for one token", ratelimit.Limit{PerSecond: 2, Burst: 2}, []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, 500 * time.Millisecond},
			{100 * time.Millisecond, "a", false, 400 * time.Millisecond}}},
		{"a refused request spends nothing", ratelimit.Limit{PerSecond: 1, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, time.Second}, {0, "a", false, time.Second},
			{time.Second, "a", true, 0}}},
		{"keys have their own buckets", ratelimit.Limit{PerSecond: 1, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, time.Second}, {0, "b", true, 0}, {0, "c", true, 0}}},
		{"refills at the rate", ratelimit.Limit{PerSecond: 10, Burst: 1}, []step{
			{0, "a", true, 0}, {0, "a", false, 100 * time.Millisecond}, {100 * time.Millisecond, "a", true, 0}}},
		{"off lets everything through", ratelimit.Limit{}, []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := &clock{t: time.Unix(1_700_000_000, 0)}
			k := newKeyedLimiter(c.limit, clk.now)
			for i, s := range c.steps {
				clk.t = clk.t.Add(s.advance)
				ok, wait := k.allow(s.key)
				if ok != s.ok || wait != s.wait {
					t.Fatalf("step %d (%s): allow = %v, %s; want %v, %s", i, s.key, ok, wait, s.ok, s.wait)
				}
			}
		})
	}
}

func TestKeyedLimiterEvictsOnlyRefilledEntries(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	k := newKeyedLimiter(ratelimit.Limit{PerSecond: 1, Burst: 30}, clk.now) // refills in 30 s
	for _, key := range []string{"a", "b", "c"} {
		k.allow(key)
	}
	clk.t = clk.t.Add(29 * time.Second)
	for i := 0; i < 30; i++ { // a drains its bucket
		k.allow("a")
	}
	if k.size() != 3 {
		t.Fatalf("entries before any refilled: %d; want 3", k.size())
	}
	clk.t = clk.t.Add(2 * time.Second) // b and c idle 31 s (full again), a idle 2 s: the sweep runs
	k.allow("d")
	if k.size() != 2 {
		t.Fatalf("entries after b and c refilled: %d; want 2 (a and d)", k.size())
	}
	for i := 0; i < 2; i++ {
		if ok, _ := k.allow("a"); !ok {
			t.Fatalf("a refused its %d. token refilled in 2 s", i+1)
		}
	}
	if ok, _ := k.allow("a"); ok {
		t.Fatalf("a's drained bucket was reset by the sweep")
	}
}
