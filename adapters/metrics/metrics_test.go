package metrics

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
)

func TestOutcome(t *testing.T) {
	for _, tc := range []struct {
		status int
		err    error
		want   string
	}{
		{200, nil, "2xx"}, {204, nil, "2xx"}, {301, nil, "3xx"}, {410, nil, "4xx"}, {503, nil, "5xx"},
		{0, errors.New("timeout"), "error"}, {500, errors.New("body cut"), "error"}, {0, nil, "error"},
	} {
		if got := Outcome(tc.status, tc.err); got != tc.want {
			t.Errorf("Outcome(%d, %v) = %s, want %s", tc.status, tc.err, got, tc.want)
		}
	}
}

// fakeStore applies a change from one status to another, or fails.
type fakeStore struct {
	checkout.Store
	from, to checkout.Status
	err      error
}

func (f fakeStore) Update(_ context.Context, _ string, _ func(*checkout.Session, []chain.Payment) error,
	events checkout.TransitionFunc) (*checkout.Session, error) {
	after := &checkout.Session{Status: f.to}
	if _, err := events(&checkout.Session{Status: f.from}, after); err != nil || f.err != nil {
		return nil, errors.Join(err, f.err)
	}
	return after, nil
}

func TestSessionTransitionsCounted(t *testing.T) {
	noEvents := func(_, _ *checkout.Session) ([]event.Event, error) { return nil, nil }
	for _, tc := range []struct {
		name               string
		store              fakeStore
		completed, expired float64
	}{
		{"completes", fakeStore{from: checkout.StatusOpen, to: checkout.StatusComplete}, 1, 0},
		{"expires", fakeStore{from: checkout.StatusOpen, to: checkout.StatusExpired}, 0, 1},
		{"stays open", fakeStore{from: checkout.StatusOpen, to: checkout.StatusOpen}, 0, 0},
		{"already complete", fakeStore{from: checkout.StatusComplete, to: checkout.StatusComplete}, 0, 0},
		{"rolled back", fakeStore{from: checkout.StatusOpen, to: checkout.StatusComplete, err: errors.New("serialization")}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			_, _ = m.Sessions(tc.store).Update(context.Background(), "cs_1", nil, noEvents)
			if got := testutil.ToFloat64(m.completed); got != tc.completed {
				t.Errorf("completed = %v, want %v", got, tc.completed)
			}
			if got := testutil.ToFloat64(m.expired); got != tc.expired {
				t.Errorf("expired = %v, want %v", got, tc.expired)
			}
		})
	}
}

func TestChainLag(t *testing.T) {
	for _, tc := range []struct {
		name          string
		head, scanned uint64
		want          float64
	}{{"behind", 120, 100, 20}, {"caught up", 100, 100, 0}, {"node behind the cursor", 90, 100, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			g := &chainGauges{m: m, label: "base"}
			g.setScanned(tc.scanned)
			g.setHead(tc.head)
			if got := testutil.ToFloat64(m.lag.WithLabelValues("base")); got != tc.want {
				t.Fatalf("lag = %v, want %v", got, tc.want)
			}
		})
	}
}

// fakeCounts answers sessions and fails payouts.
type fakeCounts struct{}

func (fakeCounts) SessionsByStatus(context.Context) (map[string]int64, error) {
	return map[string]int64{"open": 3, "complete": 5}, nil
}

func (fakeCounts) PayoutsByStatus(context.Context) (map[string]int64, error) {
	return nil, errors.New("connection refused")
}

func TestCountsOnScrapeLeaveOutAFailedQuery(t *testing.T) {
	m := New()
	if err := m.WatchCounts(fakeCounts{}, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP checkout_sessions_by_status Checkout sessions in the database by status.
# TYPE checkout_sessions_by_status gauge
checkout_sessions_by_status{status="complete"} 5
checkout_sessions_by_status{status="open"} 3
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		"checkout_sessions_by_status", "checkout_payouts_by_status"); err != nil {
		t.Fatal(err)
	}
}

// failingReader answers every call with err.
type failingReader struct {
	chain.Reader
	err error
}

func (f failingReader) Head(context.Context) (uint64, error) { return 0, f.err }
func (f failingReader) Block(context.Context, uint64) (chain.Block, error) {
	return chain.Block{}, f.err
}

func TestRPCErrorsCountOnlyFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want float64
	}{
		{"node failure", errors.New("502 bad gateway"), 1},
		{"block not there yet", chain.ErrBlockNotFound, 0},
		{"range too large", chain.ErrTooManyResults, 0},
		{"cancelled", context.Canceled, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			r, _ := m.Scanner("base", failingReader{err: tc.err}, nil)
			_, _ = r.Block(context.Background(), 7)
			if got := testutil.ToFloat64(m.rpcErrors.WithLabelValues("base", "block")); got != tc.want {
				t.Fatalf("rpc errors = %v, want %v", got, tc.want)
			}
		})
	}
}

// A chain's two providers: each one's failures by call, each one's head, and disagreements
// (a series at zero from the start).
func TestProvidersCounted(t *testing.T) {
	m := New()
	p := m.Providers("base")
	if got := testutil.ToFloat64(m.disagreements.WithLabelValues("base")); got != 0 {
		t.Fatalf("disagreements before any = %v", got)
	}
	p.ProviderFailed("secondary", "head")
	p.ProviderFailed("secondary", "head")
	p.ProviderFailed("primary", "receipt")
	p.ProviderHead("primary", 120)
	p.Disagreed()
	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		{"secondary head errors", testutil.ToFloat64(m.providerErrors.WithLabelValues("base", "secondary", "head")), 2},
		{"primary receipt errors", testutil.ToFloat64(m.providerErrors.WithLabelValues("base", "primary", "receipt")), 1},
		{"primary head", testutil.ToFloat64(m.providerHead.WithLabelValues("base", "primary")), 120},
		{"disagreements", testutil.ToFloat64(m.disagreements.WithLabelValues("base")), 1},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
