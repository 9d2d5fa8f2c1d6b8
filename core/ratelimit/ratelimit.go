// Package ratelimit decides which request budget applies to whom: per API key by mode (as
// Stripe: 100 requests a second in live mode, 25 in test mode), per client IP on the public
// pages, and per payment link (each visit makes a session). The buckets live in the HTTP adapter.
package ratelimit

import (
	"fmt"
	"strconv"
	"time"
)

// Limit is a token bucket: PerSecond tokens a second, at most Burst at once. Zero is no limit.
type Limit struct {
	PerSecond int
	Burst     int
}

// Off reports whether the limit lets everything through.
func (l Limit) Off() bool { return l.PerSecond <= 0 }

// Refill is how long an empty bucket takes to fill: an entry unseen that long is as good as new.
func (l Limit) Refill() time.Duration {
	if l.Off() {
		return 0
	}
	return time.Duration(l.Burst) * time.Second / time.Duration(l.PerSecond)
}

// PerSecond makes the limit of n requests a second with a burst of one second's worth.
func PerSecond(n int) Limit { return Limit{PerSecond: n, Burst: n} }

// Policy is the set of limits the API applies.
type Policy struct {
	Live     Limit // per live-mode API key
	Test     Limit // per test-mode API key
	PublicIP Limit // per client IP on the hosted page and payment links
	Link     Limit // per payment link: sessions its public URL may make, whoever visits
	SignIn   Limit // per client IP: dashboard sign-in attempts (beside each account's lockout)
}

// Defaults: Stripe's global API limits, and a budget per shopper IP that a page polling its
// status every few seconds, even from many shoppers behind one NAT, stays far below.
const (
	DefaultLive     = 100
	DefaultTest     = 25
	DefaultPublicIP = 20
	DefaultLink     = 10
)

// DefaultSignIn lets one IP try 10 passwords at once, then one a second: enough for an
// office behind one NAT, far too slow to guess passwords across accounts.
var DefaultSignIn = Limit{PerSecond: 1, Burst: 10}

// DefaultPolicy is the policy when nothing is configured.
func DefaultPolicy() Policy {
	return Policy{Live: PerSecond(DefaultLive), Test: PerSecond(DefaultTest), PublicIP: PerSecond(DefaultPublicIP),
		Link: PerSecond(DefaultLink), SignIn: DefaultSignIn}
}

// ForKey is the limit of an API key in the given mode.
func (p Policy) ForKey(livemode bool) Limit {
	if livemode {
		return p.Live
	}
	return p.Test
}

// Parse reads a configured requests-a-second figure: a whole number, 0 turning the limit off.
func Parse(name, value string) (Limit, error) {
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 {
		return Limit{}, fmt.Errorf("%s=%q is not a whole number of requests a second (0 turns the limit off)", name, value)
	}
	return PerSecond(n), nil
}

// RetryAfter is the Retry-After a refused request gets: whole seconds, at least one.
func RetryAfter(wait time.Duration) int {
	secs := int((wait + time.Second - 1) / time.Second)
	return max(secs, 1)
}
