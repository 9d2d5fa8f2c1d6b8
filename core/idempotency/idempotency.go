// Package idempotency holds the Idempotency-Key rules: the first successful response to a
// key is kept for 24 hours and replayed; the same key with other parameters is refused; two
// requests with one key never execute at once.
package idempotency

import (
	"context"
	"time"
)

// TTL is how long a key's response is replayed.
const TTL = 24 * time.Hour

// Scope is whose key space a key lives in.
type Scope struct {
	MerchantID string
	Livemode   bool
}

// Outcome says what happened to a request.
type Outcome int

const (
	Executed   Outcome = iota // fn ran; its response is what to send
	Replay                    // the key's stored response is what to send
	Mismatch                  // same key, other parameters: refuse
	InProgress                // another request held the key too long: retry later
)

// Response is an HTTP response kept for replay.
type Response struct {
	StatusCode int
	Body       []byte
}

// Succeeded reports whether the response is kept (2xx); anything else leaves nothing behind.
func (r Response) Succeeded() bool { return r.StatusCode >= 200 && r.StatusCode < 300 }

// Store runs a request under its key. The claim, everything fn writes through the context
// it is given, and the stored response commit together, or not at all: a request that
// fails leaves no trace, and no write can outlive a lost idempotency record.
type Store interface {
	Run(ctx context.Context, s Scope, key, fingerprint string, now time.Time,
		fn func(ctx context.Context) Response) (Outcome, Response, error)
}
