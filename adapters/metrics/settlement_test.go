package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/settlement"
	"github.com/chaincheckout/checkout/core/webhook"
)

func TestCoins(t *testing.T) {
	for _, tc := range []struct {
		base     string
		decimals int32
		want     float64
	}{
		{"1500000000000000000", 18, 1.5}, {"1", 18, 1e-18}, {"0", 18, 0}, {"1234567", 6, 1.234567},
		{"123456789000000000000000000", 18, 123456789}, {"42", 0, 42},
	} {
		base, _ := new(big.Int).SetString(tc.base, 10)
		if got := Coins(base, tc.decimals); got != tc.want {
			t.Errorf("Coins(%s, %d) = %v, want %v", tc.base, tc.decimals, got, tc.want)
		}
	}
}

// fakeFigures answers the base chain and fails the other's balance.
type fakeFigures struct{}

func (fakeFigures) Balance(_ context.Context, chainID int64) (*big.Int, error) {
	if chainID != 8453 {
		return nil, errors.New("connection refused")
	}
	wei, _ := new(big.Int).SetString("2250000000000000000", 10)
	return wei, nil
}

func (fakeFigures) Unmined(_ context.Context, chainID int64) (uint64, error) {
	return uint64(chainID % 10), nil
}

func TestGasWalletFiguresOnScrape(t *testing.T) {
	m := New()
	chains := []GasWalletChain{{ID: 8453, Key: "base", Symbol: "ETH", Decimals: 18}, {ID: 137, Key: "polygon", Symbol: "POL", Decimals: 18}}
	if err := m.WatchGasWallets(fakeFigures{}, chains, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP checkout_gas_wallet_balance The gas wallet's native balance in whole coins (ETH, not wei), asked of the node on scrape.
# TYPE checkout_gas_wallet_balance gauge
checkout_gas_wallet_balance{chain="base",symbol="ETH"} 2.25
# HELP checkout_gas_wallet_pending_transactions Transactions of the gas wallet in the node's pool, not yet mined (pending nonce less latest nonce).
# TYPE checkout_gas_wallet_pending_transactions gauge
checkout_gas_wallet_pending_transactions{chain="base"} 3
checkout_gas_wallet_pending_transactions{chain="polygon"} 7
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		"checkout_gas_wallet_balance", "checkout_gas_wallet_pending_transactions"); err != nil {
		t.Fatal(err)
	}
}

// fakeWallet sends or fails with err.
type fakeWallet struct {
	settlement.GasWallet
	err error
}

func (f fakeWallet) Send(context.Context, settlement.TxRequest) (settlement.SentTx, error) {
	return settlement.SentTx{Hash: "0xabc"}, f.err
}

func TestGasWalletSendsCountedByOutcome(t *testing.T) {
	m := New()
	keys := map[int64]string{8453: "base"}
	for _, err := range []error{nil, nil, fmt.Errorf("send: %w", settlement.ErrWouldRevert), settlement.ErrFeeCapReached,
		settlement.ErrNonceTaken, errors.New("insufficient funds for gas")} {
		_, _ = m.GasWallet(fakeWallet{err: err}, keys).Send(context.Background(), settlement.TxRequest{ChainID: 8453})
	}
	for outcome, want := range map[string]float64{"sent": 2, "would_revert": 1, "fee_cap": 1, "nonce_taken": 1, "error": 1} {
		if got := testutil.ToFloat64(m.gasSends.WithLabelValues("base", outcome)); got != want {
			t.Errorf("sends %s = %v, want %v", outcome, got, want)
		}
	}
}

// fakeDeliveries claims three deliveries of an event created at t0, and loads any delivery
// with that event; claimErr fails the claim's commit.
type fakeDeliveries struct {
	webhook.DeliveryStore
	t0       time.Time
	claimErr error
}

func (f fakeDeliveries) ClaimUnstarted(ctx context.Context, _ int,
	handle func(context.Context, []webhook.Claimed) (map[string]webhook.End, error)) (int, error) {
	ev := event.Event{ID: "evt_1", Created: f.t0}
	cs := []webhook.Claimed{{Delivery: webhook.Delivery{ID: "wd_1"}, Event: ev}, {Delivery: webhook.Delivery{ID: "wd_2"}, Event: ev},
		{Delivery: webhook.Delivery{ID: "wd_3"}, Event: ev}}
	if _, err := handle(ctx, cs); err != nil || f.claimErr != nil {
		return 0, errors.Join(err, f.claimErr)
	}
	return len(cs), nil
}

func (f fakeDeliveries) FinishDelivery(context.Context, string, webhook.DeliveryStatus, time.Time) error {
	return nil
}

func (f fakeDeliveries) LoadDelivery(context.Context, string) (webhook.Delivery, webhook.Endpoint, event.Event, error) {
	return webhook.Delivery{}, webhook.Endpoint{}, event.Event{ID: "evt_1", Created: f.t0}, nil
}

// deliveryLatency is the histogram's count and sum.
func deliveryLatency(t *testing.T, m *Metrics) (uint64, float64) {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == "checkout_webhook_delivery_latency_seconds" {
			h := f.GetMetric()[0].GetHistogram()
			return h.GetSampleCount(), h.GetSampleSum()
		}
	}
	t.Fatal("no checkout_webhook_delivery_latency_seconds")
	return 0, 0
}

func TestDeliveryLatencyFromTheEventToTheSuccess(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	firstAttempts := func(context.Context, []webhook.Claimed) (map[string]webhook.End, error) {
		return map[string]webhook.End{"wd_1": {Status: webhook.DeliverySucceeded, At: t0.Add(2 * time.Second)},
			"wd_2": {Status: webhook.DeliveryFailed, At: t0.Add(time.Second)}}, nil // wd_3 waits for a retry
	}
	for _, tc := range []struct {
		name     string
		claimErr error
		run      func(webhook.DeliveryStore) error
		count    uint64
		sumSec   float64
	}{
		{"first attempt succeeded", nil, func(st webhook.DeliveryStore) error {
			_, err := st.ClaimUnstarted(context.Background(), 10, firstAttempts)
			return err
		}, 1, 2},
		{"claim rolled back", errors.New("serialization failure"), func(st webhook.DeliveryStore) error {
			_, err := st.ClaimUnstarted(context.Background(), 10, firstAttempts)
			return err
		}, 0, 0},
		{"a retry succeeded", nil, func(st webhook.DeliveryStore) error {
			return st.FinishDelivery(context.Background(), "wd_3", webhook.DeliverySucceeded, t0.Add(90*time.Second))
		}, 1, 90},
		{"a delivery given up", nil, func(st webhook.DeliveryStore) error {
			return st.FinishDelivery(context.Background(), "wd_3", webhook.DeliveryFailed, t0.Add(72*time.Hour))
		}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			_ = tc.run(m.Deliveries(fakeDeliveries{t0: t0, claimErr: tc.claimErr}))
			if count, sum := deliveryLatency(t, m); count != tc.count || sum != tc.sumSec {
				t.Errorf("latency count %d, sum %v s; want %d, %v s", count, sum, tc.count, tc.sumSec)
			}
		})
	}
}
