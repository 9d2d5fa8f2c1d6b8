// Package ttlcache remembers values for a fixed time, for lookups a request may answer from
// memory within a stated staleness bound (a resolved API key, a merchant's policy).
package ttlcache

import (
	"sync"
	"time"
)

// Cache maps K to V for ttl after each load; the caller passes the time, so the bound is tested
// without waiting. A ttl <= 0 remembers nothing. Past limit entries, expired ones go, then all.
type Cache[K comparable, V any] struct {
	ttl     time.Duration
	limit   int
	mu      sync.Mutex
	entries map[K]entry[V]
	forgets uint64 // Forget calls so far: a value read before one is not put after it
}

type entry[V any] struct {
	value V
	until time.Time
}

// New returns a cache that keeps each value for ttl and at most limit values.
func New[K comparable, V any](ttl time.Duration, limit int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, limit: max(limit, 1), entries: map[K]entry[V]{}}
}

// get returns the value put for k less than ttl before now.
func (c *Cache[K, V]) get(k K, now time.Time) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || !now.Before(e.until) {
		return zero, false
	}
	return e.value, true
}

// Load returns k's value within its ttl, or else the one load reads, which it remembers unless
// something was forgotten while load ran (the value may predate the change behind the Forget).
// A failed load is not remembered.
func (c *Cache[K, V]) Load(k K, now time.Time, load func() (V, error)) (V, error) {
	if v, ok := c.get(k, now); ok {
		return v, nil
	}
	epoch := c.epoch()
	v, err := load()
	if err != nil {
		return v, err
	}
	c.put(k, v, now, epoch)
	return v, nil
}

func (c *Cache[K, V]) epoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.forgets
}

// put remembers v for k until now+ttl, unless something was forgotten since epoch.
func (c *Cache[K, V]) put(k K, v V, now time.Time, epoch uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.forgets != epoch {
		return
	}
	if len(c.entries) >= c.limit {
		for key, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, key)
			}
		}
		if len(c.entries) >= c.limit {
			clear(c.entries)
		}
	}
	c.entries[k] = entry[V]{value: v, until: now.Add(c.ttl)}
}

// Forget drops the value of k, after this process changed what it was read from.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, k)
	c.forgets++
}
