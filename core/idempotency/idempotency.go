// Package idempotency holds the Idempotency-Key rules: the first response to a key, whatever
// its status, is kept for 24 hours and replayed (as Stripe does), unless the request was refused
// before it executed; the same key with other parameters is refused; two requests with one key
// never execute at once.
package idempotency

import (
	"context"
	"encoding/json"
	"time"
)

// TTL is how long a key's response is replayed.
const TTL = 24 * time.Hour

// Lease is how long a claim made for a request that calls a workflow holds the key; past it,
// a retry takes the key over (the process that held it died) and repeats the call, which the
// workflow deduplicates by the key. It outlasts the longest request.
const Lease = 2 * time.Minute

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
	InProgress                // another request holds the key: retry later
)

// Mode says how a request's work and its key commit.
type Mode int

const (
	// InTransaction: the claim, everything fn writes through its context and the response
	// commit in one transaction, or not at all. For requests that only write to the database;
	// work that must follow the commit (a workflow start) runs after it.
	InTransaction Mode = iota
	// AroundCall: the claim commits first, fn runs outside any transaction (it calls a
	// workflow and waits for it), and the response is stored after. The call is made
	// idempotent by the key itself (KeyFrom), so a retry after a crash repeats it harmlessly.
	AroundCall
)

// Response is an HTTP response kept for replay.
type Response struct {
	StatusCode int
	Body       []byte
}

// Succeeded reports whether the request did what it was asked (2xx): only then do its writes stay.
func (r Response) Succeeded() bool { return r.StatusCode >= 200 && r.StatusCode < 300 }

// Kept reports whether the response is stored and replayed to the key's later requests. As in
// Stripe, once the endpoint began executing its first response is kept whatever its status
// (a 404, a 409, a 500 too); a request refused before it executed keeps nothing, so the same
// key may be sent again: 400 (its parameters failed validation), 401 and 403 (credentials), 429
// (rate limited) and 503 (a dependency was unavailable: the request's writes rolled back, and
// a workflow call it made is joined again by the retry, which carries the same key).
func (r Response) Kept() bool {
	switch r.StatusCode {
	case 400, 401, 403, 429, 503:
		return false
	}
	return true
}

// Store runs a request under its key in the given mode. Only a successful request's writes
// stay; its response is kept when Kept says so, otherwise the key is left free.
type Store interface {
	Run(ctx context.Context, s Scope, key, fingerprint string, now time.Time, mode Mode,
		fn func(ctx context.Context) Response) (Outcome, Response, error)
}

type keyCtx struct{}

// Key identifies one idempotent request: who sent it and with which key.
type Key struct {
	Scope
	Value string
}

// WithKey marks ctx as serving the idempotent request k.
func WithKey(ctx context.Context, k Key) context.Context { return context.WithValue(ctx, keyCtx{}, k) }

// KeyFrom returns the idempotent request ctx serves, if any.
func KeyFrom(ctx context.Context) (Key, bool) {
	k, ok := ctx.Value(keyCtx{}).(Key)
	return k, ok
}

// Redact removes secrets from a response before it is kept for replay: a secret is shown
// once, in the first response, and never stored in the replay record.
func Redact(body []byte) []byte {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return body
	}
	if _, ok := obj["secret"]; !ok {
		return body
	}
	obj["secret"] = json.RawMessage(`null`)
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return out
}
