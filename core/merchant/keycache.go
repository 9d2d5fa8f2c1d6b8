package merchant

import (
	"sync"
	"time"
)

// keyCacheLimit bounds the cache's memory: past it, expired entries go, then all of them.
const keyCacheLimit = 10_000

// keyCache remembers resolved keys for ttl so most requests skip the database lookup; a
// revoked or deleted key keeps working at most ttl after the change.
type keyCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]cachedCaller
}

type cachedCaller struct {
	caller Caller
	until  time.Time
}

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, entries: map[string]cachedCaller{}}
}

// get returns the caller of hash if it was resolved less than ttl before now.
func (k *keyCache) get(hash string, now time.Time) (Caller, bool) {
	if k.ttl <= 0 {
		return Caller{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[hash]
	if !ok || !now.Before(e.until) {
		return Caller{}, false
	}
	return e.caller, true
}

// put remembers a resolved key until now+ttl.
func (k *keyCache) put(hash string, c Caller, now time.Time) {
	if k.ttl <= 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.entries) >= keyCacheLimit {
		for h, e := range k.entries {
			if !now.Before(e.until) {
				delete(k.entries, h)
			}
		}
		if len(k.entries) >= keyCacheLimit {
			clear(k.entries)
		}
	}
	k.entries[hash] = cachedCaller{caller: c, until: now.Add(k.ttl)}
}
