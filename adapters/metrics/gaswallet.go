package metrics

import (
	"context"
	"errors"
	"log/slog"
	"math/big"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chaincheckout/checkout/core/settlement"
)

// GasWallet counts each send of the gas wallets by chain and outcome; chainKeys labels the
// chains (their configured keys). A send Temporal retries counts again.
func (m *Metrics) GasWallet(w settlement.GasWallet, chainKeys map[int64]string) settlement.GasWallet {
	return &gasWallet{GasWallet: w, m: m, keys: chainKeys}
}

type gasWallet struct {
	settlement.GasWallet
	m    *Metrics
	keys map[int64]string
}

func (g *gasWallet) Send(ctx context.Context, req settlement.TxRequest) (settlement.SentTx, error) {
	sent, err := g.GasWallet.Send(ctx, req)
	g.m.gasSends.WithLabelValues(g.keys[req.ChainID], SendOutcome(err)).Inc()
	return sent, err
}

// SendOutcome is a send's label: sent, or why the wallet did not send.
func SendOutcome(err error) string {
	switch {
	case err == nil:
		return "sent"
	case errors.Is(err, settlement.ErrWouldRevert):
		return "would_revert"
	case errors.Is(err, settlement.ErrFeeCapReached):
		return "fee_cap"
	case errors.Is(err, settlement.ErrNonceTaken):
		return "nonce_taken"
	}
	return "error"
}

// GasWalletFigures is what a scrape asks of the gas wallets (the Ethereum adapter's GasWallet).
type GasWalletFigures interface {
	Balance(ctx context.Context, chainID int64) (*big.Int, error) // base units (wei)
	Unmined(ctx context.Context, chainID int64) (uint64, error)   // sent, in the node's pool, not mined
}

// GasWalletChain names a chain's gas wallet in the series and gives its coin's decimals.
type GasWalletChain struct {
	ID       int64
	Key      string
	Symbol   string
	Decimals int32
}

// WatchGasWallets registers a collector that asks the node of each chain, on every scrape, the
// gas wallet's balance and its unmined transactions; a failed call leaves that series out.
func (m *Metrics) WatchGasWallets(w GasWalletFigures, chains []GasWalletChain, log *slog.Logger) error {
	return m.reg.Register(&gasCollector{w: w, chains: chains, log: log,
		balance: prometheus.NewDesc("checkout_gas_wallet_balance", "The gas wallet's native balance in whole coins (ETH, not wei), asked of the node on scrape.",
			[]string{"chain", "symbol"}, nil),
		pending: prometheus.NewDesc("checkout_gas_wallet_pending_transactions", "Transactions of the gas wallet in the node's pool, not yet mined (pending nonce less latest nonce).",
			[]string{"chain"}, nil)})
}

type gasCollector struct {
	w                GasWalletFigures
	chains           []GasWalletChain
	log              *slog.Logger
	balance, pending *prometheus.Desc
}

func (k *gasCollector) Describe(ch chan<- *prometheus.Desc) { ch <- k.balance; ch <- k.pending }

func (k *gasCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, c := range k.chains {
		if wei, err := k.w.Balance(ctx, c.ID); err != nil {
			k.log.Warn("metrics: gas wallet balance", "chain", c.Key, "err", err)
		} else {
			ch <- prometheus.MustNewConstMetric(k.balance, prometheus.GaugeValue, Coins(wei, c.Decimals), c.Key, c.Symbol)
		}
		if n, err := k.w.Unmined(ctx, c.ID); err != nil {
			k.log.Warn("metrics: gas wallet pending transactions", "chain", c.Key, "err", err)
		} else {
			ch <- prometheus.MustNewConstMetric(k.pending, prometheus.GaugeValue, float64(n), c.Key)
		}
	}
}

// Coins is an amount in base units as whole coins, for a gauge only: a float64 keeps about
// 15 significant digits, enough to watch a balance, never to account with it.
func Coins(base *big.Int, decimals int32) float64 {
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	f, _ := new(big.Rat).SetFrac(base, unit).Float64()
	return f
}
