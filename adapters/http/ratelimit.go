package http

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ratelimit"
)

// minIdle keeps an entry at least this long after its last request, so a steady client's
// bucket is not dropped and rebuilt every sweep.
const minIdle = 10 * time.Second

// keyedLimiter is a token bucket per key (an API key, a client IP, a payment link), built on
// first use and dropped once idle long enough to have refilled: a dropped entry is exactly
// as good as a new one, so eviction never lets a client through early.
type keyedLimiter struct {
	limit   ratelimit.Limit
	idle    time.Duration
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// newKeyedLimiter makes the buckets of limit; a limit that is off allows everything.
func newKeyedLimiter(limit ratelimit.Limit, now func() time.Time) *keyedLimiter {
	return &keyedLimiter{limit: limit, idle: max(limit.Refill(), minIdle), now: now, entries: map[string]*bucket{}}
}

// allow takes a token from key's bucket; when none is left it says how long until one is.
func (k *keyedLimiter) allow(key string) (ok bool, retryAfter time.Duration) {
	if k == nil || k.limit.Off() {
		return true, 0
	}
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sweep(now)
	b, found := k.entries[key]
	if !found {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(k.limit.PerSecond), max(k.limit.Burst, 1))}
		k.entries[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now) // a refused request spends nothing
		return false, wait
	}
	return true, 0
}

// sweep drops idle entries, at most once per idle period so the cost stays amortised.
func (k *keyedLimiter) sweep(now time.Time) {
	if now.Sub(k.swept) < k.idle {
		return
	}
	k.swept = now
	for key, b := range k.entries {
		if now.Sub(b.seen) >= k.idle {
			delete(k.entries, key)
		}
	}
}

// size is the number of keys held (for tests of eviction).
func (k *keyedLimiter) size() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}

// limited answers 429 with Retry-After and Stripe's error object when key's bucket is empty;
// it reports whether it did.
func (s *Server) limited(c *gin.Context, k *keyedLimiter, key, what string) bool {
	ok, wait := k.allow(key)
	if ok {
		return false
	}
	c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfter(wait)))
	if wantsPage(c) { // a shopper's browser on the page or a link: a page, not the API's error object
		c.Status(http.StatusTooManyRequests)
		s.renderPage(c, s.page.gone, pageData{Title: "Too many requests",
			Error: "This checkout is receiving too many requests right now. Wait a moment and reload the page.", Livemode: true})
		c.Abort()
		return true
	}
	s.writeError(c, apperr.RateLimited("Request rate limit exceeded for this %s; retry after the time in the "+
		"Retry-After header.", what))
	return true
}

// wantsPage: a browser navigating (GET, HTML accepted) rather than a script or API client.
func wantsPage(c *gin.Context) bool {
	return c.Request.Method == http.MethodGet && strings.Contains(c.GetHeader("Accept"), "text/html")
}

// limitKey applies the caller's API key budget (by mode); it runs right after authentication,
// before any work, so a refused request is never stored for idempotent replay.
func (s *Server) limitKey(c *gin.Context) {
	caller := callerOf(c)
	lim := s.keyLimits.test
	if caller.Livemode {
		lim = s.keyLimits.live
	}
	if s.limited(c, lim, caller.KeyID, "API key") {
		return
	}
	c.Next()
}

// limitIP applies the per-client-IP budget of the public routes (the hosted page, payment
// links). The client IP trusts X-Forwarded-For only from the configured proxies.
func (s *Server) limitIP(c *gin.Context) {
	if s.limited(c, s.ipLimit, c.ClientIP(), "client IP") {
		return
	}
	c.Next()
}

// limitLink applies a payment link's own budget: however many IPs a bot spreads over, one
// link mints at most so many sessions a second.
func (s *Server) limitLink(c *gin.Context) {
	if s.limited(c, s.linkLimit, c.Param("id"), "payment link") {
		return
	}
	c.Next()
}

// keyLimiters are the API key buckets of each mode.
type keyLimiters struct{ live, test *keyedLimiter }
