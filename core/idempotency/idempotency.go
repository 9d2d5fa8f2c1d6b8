// Package idempotency holds the Idempotency-Key rules: the first response to a key is kept
// for 24 hours and replayed; the same key with other parameters is refused; two requests
// with one key never execute at once.
package idempotency

import (
	"context"
	"time"
)

// TTL is how long a key's response is replayed.
const TTL = 24 * time.Hour

// StaleLock is how long an unfinished execution holds its key before a retry may take it
// over (the process running it died; every write we make is transactional).
const StaleLock = time.Minute

// Scope is whose key space a key lives in.
type Scope struct {
	MerchantID string
	Livemode   bool
}

// Outcome says what to do with a request.
type Outcome int

const (
	Proceed    Outcome = iota // execute, then Complete or Release
	Replay                    // return the stored response
	Mismatch                  // same key, other parameters
	InProgress                // another request holds the key
)

// Response is a stored first response.
type Response struct {
	StatusCode int
	Body       []byte
}

// Store keeps keys; Begin is atomic per (scope, key).
type Store interface {
	Begin(ctx context.Context, s Scope, key, fingerprint string, now time.Time) (Outcome, Response, error)
	Complete(ctx context.Context, s Scope, key string, r Response) error
	// Release forgets an unfinished key so the request may be retried with it.
	Release(ctx context.Context, s Scope, key string) error
}
