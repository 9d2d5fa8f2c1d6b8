package chain

import (
	"context"
	"errors"
	"fmt"
)

// Answer is one RPC provider's reply to a call: a value, or an error.
type Answer[T any] struct {
	Value T
	Err   error
}

// Failed reports whether the provider gave no answer: "no such block" and "range too large"
// are answers about the chain, not failures of the provider.
func (a Answer[T]) Failed() bool {
	return a.Err != nil && !errors.Is(a.Err, ErrBlockNotFound) && !errors.Is(a.Err, ErrTooManyResults)
}

// Verdict is how two providers' answers to one call were combined.
type Verdict int

// Verdicts of TrustHead and TrustBlock.
const (
	Agreed       Verdict = iota // both answered and the answer is what both vouch for
	FirstAlone                  // the second provider failed: the first is used alone (failover)
	SecondAlone                 // the first provider failed: the second is used alone (failover)
	OneLags                     // one provider lacks a block the other has: it is not available yet
	Disagreed                   // the providers name different blocks at one number: neither is trusted
	NoneAnswered                // both failed: the error surfaces, the caller retries
)

func (v Verdict) String() string {
	return [...]string{"agreed", "first_alone", "second_alone", "one_lags", "disagreed", "none_answered"}[v]
}

// ErrProvidersDisagree marks a block two providers hash differently; it is also
// ErrBlockNotFound, so a scanner waits for them to converge rather than record either.
var ErrProvidersDisagree = fmt.Errorf("providers disagree on the block: %w", ErrBlockNotFound)

// alone is the failover part of every rule: with one provider failed the other's answer
// stands; with both failed their errors surface together.
func alone[T any](a, b Answer[T]) (Answer[T], Verdict, bool) {
	switch {
	case a.Failed() && b.Failed():
		if errors.Is(a.Err, context.Canceled) || errors.Is(a.Err, context.DeadlineExceeded) {
			return Answer[T]{Err: a.Err}, NoneAnswered, true // the caller gave up: say so plainly
		}
		return Answer[T]{Err: fmt.Errorf("both RPC providers failed: %w", errors.Join(a.Err, b.Err))}, NoneAnswered, true
	case b.Failed():
		return a, FirstAlone, true
	case a.Failed():
		return b, SecondAlone, true
	}
	return Answer[T]{}, Agreed, false
}

// TrustHead is the head two providers vouch for: the lower of their heads, since the
// higher one's newest blocks are not yet confirmed by the other.
func TrustHead(a, b Answer[uint64]) (uint64, Verdict, error) {
	if one, v, ok := alone(a, b); ok {
		return one.Value, v, one.Err
	}
	return min(a.Value, b.Value), Agreed, nil
}

// TrustBlock is the block at number two providers vouch for: the same hash from both. A
// block one of them lacks, or that they hash differently, is not available yet
// (ErrBlockNotFound), so the scanner waits instead of recording it.
func TrustBlock(number uint64, a, b Answer[Block]) (Block, Verdict, error) {
	if one, v, ok := alone(a, b); ok {
		return one.Value, v, one.Err
	}
	aMissing, bMissing := a.Err != nil, b.Err != nil // both answered: an error here is "no such block"
	switch {
	case aMissing && bMissing:
		return Block{}, Agreed, a.Err
	case aMissing || bMissing:
		return Block{}, OneLags, fmt.Errorf("block %d: one RPC provider lacks it: %w", number, ErrBlockNotFound)
	case a.Value.Hash != b.Value.Hash:
		return Block{}, Disagreed, fmt.Errorf("block %d: %s against %s: %w", number, a.Value.Hash, b.Value.Hash, ErrProvidersDisagree)
	}
	return a.Value, Agreed, nil
}
