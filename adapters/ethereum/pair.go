package ethereum

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
)

// Provider names label metrics and logs; a provider's URL never does, as it may hold an API key.
const (
	Primary   = "primary"   // the chain's rpc_url
	Secondary = "secondary" // the chain's rpc_url_2
)

var providerNames = [2]string{Primary, Secondary}

// PairObserver is told what a PairReader sees; the metrics adapter counts it.
type PairObserver interface {
	// ProviderFailed counts one failed call ("head", "block", "logs", "block_logs", "receipt").
	ProviderFailed(provider, call string)
	// ProviderHead is the head a provider reported.
	ProviderHead(provider string, head uint64)
	// Disagreed counts a block read the two providers answered with different hashes.
	Disagreed()
}

// PairReader reads one chain through two providers (chain.Reader). Heads and blocks are asked
// of both at once and combined by chain.TrustHead and chain.TrustBlock: only a block both
// hash alike is returned, so the scanner never records a block one provider disputes. Logs
// and receipts are asked of one provider (the primary, the other when it fails): the scanner
// checks every log against the agreed block's hash and bloom (the hash covers the bloom), and
// receipts are read only for transactions of agreed blocks. A provider that fails is left out
// for Cooldown, then tried again; meanwhile the other is used alone.
type PairReader struct {
	readers [2]chain.Reader
	obs     PairObserver
	log     *slog.Logger
	// Grace is how long the slower provider may take once the other answered; later, it
	// counts as failed for that call, so a hung provider costs one Grace, not a stuck scan.
	Grace time.Duration
	// Cooldown is how long a failed provider is left out before it is asked again.
	Cooldown time.Duration
	now      func() time.Time

	mu           sync.Mutex
	restUntil    [2]time.Time
	down         [2]bool // logged as failing; cleared (and logged) by its next answer
	lastDisputed uint64  // the block of the last disagreement logged, so a lasting one logs once
}

// NewPairReader reads through primary and secondary, telling obs and log what it sees.
func NewPairReader(primary, secondary chain.Reader, obs PairObserver, log *slog.Logger) (*PairReader, error) {
	if primary == nil || secondary == nil || obs == nil || log == nil {
		return nil, errors.New("ethereum.NewPairReader: nil dependency")
	}
	return &PairReader{readers: [2]chain.Reader{primary, secondary}, obs: obs, log: log,
		Grace: 3 * time.Second, Cooldown: 30 * time.Second, now: time.Now}, nil
}

// Head is the lower of the providers' heads (either's alone while the other fails).
func (r *PairReader) Head(ctx context.Context) (uint64, error) {
	a := r.heads(ctx)
	head, _, err := chain.TrustHead(a[0], a[1])
	return head, err
}

// heads asks both providers for their heads and reports each.
func (r *PairReader) heads(ctx context.Context) [2]chain.Answer[uint64] {
	a := ask(ctx, r, "head", func(ctx context.Context, c chain.Reader) (uint64, error) { return c.Head(ctx) })
	for i := range a {
		if a[i].Err == nil {
			r.obs.ProviderHead(providerNames[i], a[i].Value)
		}
	}
	return a
}

// HighestHead is the higher head of the providers that answer: readiness measures the
// scanner's lag against it, so a provider that stalls (and holds the trusted head back) shows.
func (r *PairReader) HighestHead(ctx context.Context) (uint64, error) {
	a := r.heads(ctx)
	if _, _, err := chain.TrustHead(a[0], a[1]); err != nil {
		return 0, err
	}
	return max(a[0].Value, a[1].Value), nil // a failed provider's Value is 0
}

// Degraded names the providers currently failing; empty when both answer.
func (r *PairReader) Degraded() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for i, d := range r.down {
		if d {
			out = append(out, providerNames[i])
		}
	}
	return out
}

// Block is the block both providers hash alike; chain.ErrBlockNotFound while they disagree
// or one lacks it.
func (r *PairReader) Block(ctx context.Context, number uint64) (chain.Block, error) {
	a := ask(ctx, r, "block", func(ctx context.Context, c chain.Reader) (chain.Block, error) { return c.Block(ctx, number) })
	b, verdict, err := chain.TrustBlock(number, a[0], a[1])
	if verdict == chain.Disagreed {
		r.disputed(number, a[0].Value.Hash, a[1].Value.Hash)
	}
	return b, err
}

// disputed counts a disagreement and logs it once per block number.
func (r *PairReader) disputed(number uint64, primary, secondary string) {
	r.obs.Disagreed()
	r.mu.Lock()
	first := r.lastDisputed != number
	r.lastDisputed = number
	r.mu.Unlock()
	if first {
		r.log.Warn("RPC providers disagree on a block: the scanner waits until they agree", "block", number,
			"primary_hash", primary, "secondary_hash", secondary)
	}
}

// TokenTransfers reads a range's logs from one provider; the scanner checks them against the
// agreed blocks.
func (r *PairReader) TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]chain.Transfer, error) {
	return either(ctx, r, "logs", func(ctx context.Context, c chain.Reader) ([]chain.Transfer, error) {
		return c.TokenTransfers(ctx, from, to, contracts)
	})
}

// BlockTokenTransfers reads an agreed block's logs by its hash from one provider.
func (r *PairReader) BlockTokenTransfers(ctx context.Context, b chain.BlockRef, contracts []string) ([]chain.Transfer, error) {
	return either(ctx, r, "block_logs", func(ctx context.Context, c chain.Reader) ([]chain.Transfer, error) {
		return c.BlockTokenTransfers(ctx, b, contracts)
	})
}

// Succeeded reads a receipt from one provider.
func (r *PairReader) Succeeded(ctx context.Context, txHash string) (bool, error) {
	return either(ctx, r, "receipt", func(ctx context.Context, c chain.Reader) (bool, error) { return c.Succeeded(ctx, txHash) })
}

// inUse says which providers are not resting after a failure (both, when both are).
func (r *PairReader) inUse() [2]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	use := [2]bool{!now.Before(r.restUntil[0]), !now.Before(r.restUntil[1])}
	if !use[0] && !use[1] {
		return [2]bool{true, true}
	}
	return use
}

// note records provider i's answer: a failure is counted, rests it and is logged when it
// starts; an answer after failures is logged once.
func (r *PairReader) note(ctx context.Context, i int, call string, a chain.Answer[struct{}]) {
	if ctx.Err() != nil {
		return // the caller gave up: no provider's fault
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !a.Failed() {
		if r.down[i] {
			r.down[i], r.restUntil[i] = false, time.Time{}
			r.log.Info("RPC provider answers again: blocks are checked by both providers", "provider", providerNames[i])
		}
		return
	}
	r.obs.ProviderFailed(providerNames[i], call)
	r.restUntil[i] = r.now().Add(r.Cooldown)
	if !r.down[i] {
		r.down[i] = true
		r.log.Warn("RPC provider failed: the other provider is used alone until it answers again",
			"provider", providerNames[i], "call", call, "error", a.Err)
	}
}

// errResting stands for the answer of a provider left out after a failure.
var errResting = errors.New("left out after a recent failure")

// ask calls f on both providers at once, or on the one not resting (and on the resting one too
// if that fails).
func ask[T any](ctx context.Context, r *PairReader, call string, f func(context.Context, chain.Reader) (T, error)) [2]chain.Answer[T] {
	use := r.inUse()
	out := askAll(ctx, r, use, f)
	for i := range out {
		if !use[i] && out[1-i].Failed() && ctx.Err() == nil {
			v, err := f(ctx, r.readers[i])
			out[i], use[i] = chain.Answer[T]{Value: v, Err: labelled(i, err)}, true
		}
	}
	for i := range out {
		if use[i] {
			r.note(ctx, i, call, chain.Answer[struct{}]{Err: out[i].Err})
		}
	}
	return out
}

// askAll calls f on the providers in use concurrently. Once one has answered, the other has
// Grace more to answer, or counts as failed.
func askAll[T any](ctx context.Context, r *PairReader, use [2]bool, f func(context.Context, chain.Reader) (T, error)) [2]chain.Answer[T] {
	type reply struct {
		i int
		a chain.Answer[T]
	}
	var out [2]chain.Answer[T]
	replies := make(chan reply, 2) // buffered: a provider cut off after Grace still returns
	var pending [2]bool
	for i := range out {
		if !use[i] {
			out[i] = chain.Answer[T]{Err: labelled(i, errResting)}
			continue
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pending[i] = true
		go func() {
			v, err := f(cctx, r.readers[i])
			replies <- reply{i, chain.Answer[T]{Value: v, Err: labelled(i, err)}}
		}()
	}
	var grace <-chan time.Time
	for pending[0] || pending[1] {
		select {
		case rp := <-replies:
			out[rp.i], pending[rp.i] = rp.a, false
			if !rp.a.Failed() && grace == nil {
				t := time.NewTimer(r.Grace)
				defer t.Stop()
				grace = t.C
			}
		case <-grace:
			for i := range pending {
				if pending[i] {
					out[i], pending[i] = chain.Answer[T]{Err: labelled(i, fmt.Errorf("no answer within %s of the other provider's", r.Grace))}, false
				}
			}
		}
	}
	return out
}

// either asks the primary (or the provider not resting), then the other if it failed.
func either[T any](ctx context.Context, r *PairReader, call string, f func(context.Context, chain.Reader) (T, error)) (T, error) {
	order := [2]int{0, 1}
	if use := r.inUse(); !use[0] {
		order = [2]int{1, 0}
	}
	var errs []error
	for _, i := range order {
		v, err := f(ctx, r.readers[i])
		a := chain.Answer[T]{Value: v, Err: labelled(i, err)}
		r.note(ctx, i, call, chain.Answer[struct{}]{Err: a.Err})
		if !a.Failed() || ctx.Err() != nil {
			return v, a.Err
		}
		errs = append(errs, a.Err)
	}
	var zero T
	return zero, fmt.Errorf("both RPC providers failed: %w", errors.Join(errs...))
}

// providerError names the provider that failed, and hides its URL: an HTTP client's error
// quotes the URL, which may hold an API key.
type providerError struct {
	provider string
	err      error
}

func (e providerError) Error() string {
	msg := e.err.Error()
	var ue *url.Error
	if errors.As(e.err, &ue) {
		msg = ue.Op + " " + ue.Err.Error()
	}
	return e.provider + " RPC provider: " + msg
}

func (e providerError) Unwrap() error { return e.err }

func labelled(i int, err error) error {
	if err == nil {
		return nil
	}
	return providerError{provider: providerNames[i], err: err}
}
