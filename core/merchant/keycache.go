package merchant

import (
	"sync"
	"time"
)

// keyCacheLimit bounds the cache's memory: past it, expired entries go, then all of them.
const keyCacheLimit = 10_000

// keyCache remembers resolved keys for ttl so most requests skip the database lookup; a
// revoked or deleted key keeps working at most ttl after the change. A remembered expiry is
// checked on every request, so a rolled key seen after its roll stops exactly on time.
type keyCache struct {
	ttl     time.Duration
	mu      sync.Mutex
	entries map[string]cachedKey
}

type cachedKey struct {
	cred  Credential
	until time.Time
}

func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, entries: map[string]cachedKey{}}
}

// get returns the credential of hash if it was resolved less than ttl before now.
func (k *keyCache) get(hash string, now time.Time) (Credential, bool) {
	if k.ttl <= 0 {
		return Credential{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[hash]
	if !ok || !now.Before(e.until) {
		return Credential{}, false
	}
	return e.cred, true
}

// put remembers a resolved key until now+ttl.
func (k *keyCache) put(hash string, c Credential, now time.Time) {
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
	k.entries[hash] = cachedKey{cred: c, until: now.Add(k.ttl)}
}

// forget drops the remembered credential of hash, after this instance changed its key.
func (k *keyCache) forget(hash string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, hash)
}
