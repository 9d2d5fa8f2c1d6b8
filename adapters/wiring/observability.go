package wiring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/adapters/metrics"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// readyMaxLagFromEnv reads CHECKOUT_READY_MAX_LAG (blocks; unset: each chain's reorg window).
func (c *Config) readyMaxLagFromEnv() {
	if v := os.Getenv(EnvReadyMaxLag); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_READY_MAX_LAG=%q is not a positive whole number of blocks", v))
		}
		c.ReadyMaxLag = n
	}
}

// ops are the metrics, latency and readiness routes every role serves.
func (a *App) ops() httpapi.Ops {
	return httpapi.Ops{Metrics: a.Metrics.Handler(), Observe: a.Metrics.ObserveRequest, Ready: a.readinessChecks()}
}

// readinessChecks are what /readyz asks: Postgres answers, Temporal answers, and each chain's
// node is reachable with the scanner no further behind its head than the lag budget.
func (a *App) readinessChecks() map[string]func(context.Context) error {
	counts := postgres.NewStatusCounts(a.API.DB)
	checks := map[string]func(context.Context) error{
		"postgres": counts.Ping,
		"temporal": func(ctx context.Context) error {
			_, err := a.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
	}
	for _, ch := range a.Chains.Chains {
		budget := a.cfg.ReadyMaxLag
		if budget <= 0 {
			budget = ch.WithDefaults().ReorgWindow
		}
		checks["chain:"+ch.Key] = ChainLagCheck(a.chainHead(ch.ID), a.API.Chain, ch.ID, budget)
	}
	return checks
}

// chainHead is the head readiness measures a chain's lag against: its node's, or with two
// providers the higher of those answering, so a provider that stalls shows as lag; the check
// then passes degraded while one of them fails.
func (a *App) chainHead(chainID int64) func(context.Context) (uint64, error) {
	pair, ok := a.readers[chainID].(*ethereum.PairReader)
	if !ok {
		return a.clients[chainID].BlockNumber
	}
	return func(ctx context.Context) (uint64, error) {
		head, err := pair.HighestHead(ctx)
		if down := pair.Degraded(); err == nil && len(down) > 0 {
			return head, httpapi.Degraded{Reason: strings.Join(down, ", ") + " RPC provider failing: the other is used alone"}
		}
		return head, err
	}
}

// ChainLagCheck fails when the chain's node does not answer, the chain was never scanned,
// or the scanner's cursor is more than budget blocks behind the node's head. A head read
// that passes degraded (httpapi.Degraded) leaves the check passing, degraded.
func ChainLagCheck(readHead func(context.Context) (uint64, error), cursors interface {
	Cursor(context.Context, int64) (chain.BlockRef, bool, error)
}, chainID, budget int64) func(context.Context) error {
	return func(ctx context.Context) error {
		head, err := readHead(ctx)
		var degraded httpapi.Degraded
		if err != nil && !errors.As(err, &degraded) {
			return fmt.Errorf("rpc head: %w", err)
		}
		cur, ok, err := cursors.Cursor(ctx, chainID)
		if err != nil {
			return fmt.Errorf("scanner cursor: %w", err)
		}
		if !ok {
			return fmt.Errorf("not scanned yet (head %d)", head)
		}
		if lag := int64(head) - int64(cur.Number); lag > budget {
			return fmt.Errorf("scanner %d blocks behind the head %d (budget %d)", lag, head, budget)
		}
		if degraded.Reason != "" {
			return degraded
		}
		return nil
	}
}

// scrapeCounts registers the scrape-time counts of sessions and payouts (the API's pool).
func (a *App) scrapeCounts() error {
	return a.Metrics.WatchCounts(postgres.NewStatusCounts(a.API.DB), a.log)
}

// watchGasWallets registers the gas wallets' scrape-time figures (balance, unmined
// transactions) and returns the wallet that counts its sends, for the worker to use.
func (a *App) watchGasWallets(w *ethereum.GasWallet) (settlement.GasWallet, error) {
	keys := map[int64]string{}
	var watched []metrics.GasWalletChain
	for _, ch := range a.Chains.Chains {
		if a.gasChains[ch.ID] {
			keys[ch.ID] = ch.Key
			watched = append(watched, metrics.GasWalletChain{ID: ch.ID, Key: ch.Key, Symbol: ch.Native.Symbol, Decimals: ch.Native.Decimals})
		}
	}
	if err := a.Metrics.WatchGasWallets(w, watched, a.log); err != nil {
		return nil, fmt.Errorf("gas wallet metrics: %w", err)
	}
	return a.Metrics.GasWallet(w, keys), nil
}
