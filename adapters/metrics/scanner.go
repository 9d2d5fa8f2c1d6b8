package metrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
)

// chainGauges keeps one chain's head and scanned block so the lag follows either.
type chainGauges struct {
	m             *Metrics
	label         string
	mu            sync.Mutex
	head, scanned uint64
}

func (g *chainGauges) setHead(n uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.head = n
	g.m.head.WithLabelValues(g.label).Set(float64(n))
	g.updateLag()
}

func (g *chainGauges) setScanned(n uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.scanned = n
	g.m.scanned.WithLabelValues(g.label).Set(float64(n))
	g.updateLag()
}

// updateLag sets the lag once both figures are known; a node behind the cursor is lag 0.
func (g *chainGauges) updateLag() {
	if g.head == 0 || g.scanned == 0 {
		return
	}
	g.m.lag.WithLabelValues(g.label).Set(float64(g.head - min(g.head, g.scanned)))
}

// Scanner wraps a chain's reader and scan store: the reader's head and failed calls, the
// store's cursor. chainKey labels the series (the configured key, e.g. "base").
func (m *Metrics) Scanner(chainKey string, r chain.Reader, st chain.ScanStore) (chain.Reader, chain.ScanStore) {
	g := &chainGauges{m: m, label: chainKey}
	return &reader{Reader: r, g: g}, &scanStore{ScanStore: st, g: g}
}

// Providers counts what the reader of a chain with two RPC providers sees (it satisfies
// ethereum.PairObserver). The disagreement series starts at zero, so an alert on its
// increase works from the first one.
func (m *Metrics) Providers(chainKey string) *Providers {
	m.disagreements.WithLabelValues(chainKey).Add(0)
	return &Providers{m: m, label: chainKey}
}

// Providers is one chain's provider instruments.
type Providers struct {
	m     *Metrics
	label string
}

// ProviderFailed counts a provider's failed call.
func (p *Providers) ProviderFailed(provider, call string) {
	p.m.providerErrors.WithLabelValues(p.label, provider, call).Inc()
}

// ProviderHead sets the head a provider reported.
func (p *Providers) ProviderHead(provider string, head uint64) {
	p.m.providerHead.WithLabelValues(p.label, provider).Set(float64(head))
}

// Disagreed counts a block the providers hashed differently.
func (p *Providers) Disagreed() { p.m.disagreements.WithLabelValues(p.label).Inc() }

type reader struct {
	chain.Reader
	g *chainGauges
}

// fail counts an RPC error; a node's "no such block" and "range too large" are answers the
// scanner expects, not failures.
func (r *reader) fail(call string, err error) {
	if err != nil && !errors.Is(err, chain.ErrBlockNotFound) && !errors.Is(err, chain.ErrTooManyResults) &&
		!errors.Is(err, context.Canceled) {
		r.g.m.rpcErrors.WithLabelValues(r.g.label, call).Inc()
	}
}

func (r *reader) Head(ctx context.Context) (uint64, error) {
	n, err := r.Reader.Head(ctx)
	r.fail("head", err)
	if err == nil {
		r.g.setHead(n)
	}
	return n, err
}

func (r *reader) Block(ctx context.Context, number uint64) (chain.Block, error) {
	b, err := r.Reader.Block(ctx, number)
	r.fail("block", err)
	return b, err
}

func (r *reader) TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]chain.Transfer, error) {
	t, err := r.Reader.TokenTransfers(ctx, from, to, contracts)
	r.fail("logs", err)
	return t, err
}

func (r *reader) BlockTokenTransfers(ctx context.Context, b chain.BlockRef, contracts []string) ([]chain.Transfer, error) {
	t, err := r.Reader.BlockTokenTransfers(ctx, b, contracts)
	r.fail("block_logs", err)
	return t, err
}

func (r *reader) Succeeded(ctx context.Context, txHash string) (bool, error) {
	ok, err := r.Reader.Succeeded(ctx, txHash)
	r.fail("receipt", err)
	return ok, err
}

type scanStore struct {
	chain.ScanStore
	g *chainGauges
}

func (s *scanStore) Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error) {
	c, ok, err := s.ScanStore.Cursor(ctx, chainID)
	if err == nil && ok {
		s.g.setScanned(c.Number)
	}
	return c, ok, err
}

func (s *scanStore) CommitStep(ctx context.Context, st chain.Step) ([]chain.Change, error) {
	changes, err := s.ScanStore.CommitStep(ctx, st)
	if err == nil {
		s.g.setScanned(st.Cursor.Number)
	}
	return changes, err
}

// OpenOutage, BeginOutage and EndOutage keep the stale gauge: the scanner looks at the open
// outage after every scan, so the gauge follows the record within one scan.
func (s *scanStore) OpenOutage(ctx context.Context, chainID int64) (*chain.Outage, error) {
	o, err := s.ScanStore.OpenOutage(ctx, chainID)
	if err == nil {
		stale := 0.0
		if o != nil {
			stale = 1
		}
		s.g.m.stale.WithLabelValues(s.g.label).Set(stale)
	}
	return o, err
}

func (s *scanStore) BeginOutage(ctx context.Context, o chain.Outage) error {
	err := s.ScanStore.BeginOutage(ctx, o)
	if err == nil {
		s.g.m.stale.WithLabelValues(s.g.label).Set(1)
		s.g.m.outages.WithLabelValues(s.g.label).Inc()
	}
	return err
}

func (s *scanStore) EndOutage(ctx context.Context, chainID int64, end time.Time) error {
	err := s.ScanStore.EndOutage(ctx, chainID, end)
	if err == nil {
		s.g.m.stale.WithLabelValues(s.g.label).Set(0)
	}
	return err
}
