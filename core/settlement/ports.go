package settlement

import (
	"context"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
)

// Ledger keeps the payout aggregate (a payout with its balance transactions) and the
// pending lines of deposits no payout holds yet.
type Ledger interface {
	// RecordDeposits writes, with newLine, a pending balance transaction for every confirmed,
	// live payment into a forwarder address of (merchant, mode, chain) that has none yet, and
	// returns every deposit whose line no payout holds, oldest first.
	RecordDeposits(ctx context.Context, k SweepKey, newLine func(Deposit) (BalanceTransaction, error)) ([]Deposit, error)
	// PayoutDeposits returns the deposits whose lines payout id holds, oldest first.
	PayoutDeposits(ctx context.Context, id string) ([]Deposit, error)
	// Unswept lists the settlements with deposits waiting: confirmed payments into forwarders
	// without a balance transaction yet, or lines no payout holds.
	Unswept(ctx context.Context) ([]SweepKey, error)
	// CreatePayout saves p and gives it the deposits' lines, in one transaction; it fails
	// when another payout already holds one of them.
	CreatePayout(ctx context.Context, p Payout, deposits []Deposit) error
	// UpdatePayout loads payout id and its lines under a lock, applies change, and saves the
	// payout, the lines change returns (new ones inserted, others updated) and its events, in
	// one transaction.
	UpdatePayout(ctx context.Context, id string, change func(*Payout, []BalanceTransaction) ([]BalanceTransaction, []event.Event, error)) (Payout, error)
	// Payout and ListPayouts read payouts of a merchant and mode (apperr NotFound when missing).
	Payout(ctx context.Context, merchantID string, livemode bool, id string) (Payout, error)
	ListPayouts(ctx context.Context, merchantID string, livemode bool, f PayoutFilter) (paging.Page[Payout], error)
	// ListBalanceTransactions reads lines with their sessions' reconciliation fields.
	ListBalanceTransactions(ctx context.Context, merchantID string, livemode bool, f LineFilter) (paging.Page[Line], error)
}

// SweepKey names the settlement of one merchant's funds of one mode on one chain: one
// workflow each, so two sweeps of the same forwarders never race.
type SweepKey struct {
	MerchantID string
	Livemode   bool
	ChainID    int64
}

// PayoutFilter narrows a payout list (Stripe's list parameters).
type PayoutFilter struct {
	Params paging.Params
	Status string
}

// LineFilter narrows a balance transaction list.
type LineFilter struct {
	Params   paging.Params
	PayoutID string
	Type     string
	Unpaid   bool // only lines in no payout yet (the balance still to pay out)
}

// Line is a balance transaction with what an accountant needs from its session.
type Line struct {
	BalanceTransaction
	ClientReferenceID string
	Metadata          map[string]string
}

// Encoder renders a payout as the API shows it, for the events about it.
type Encoder interface {
	EncodePayout(ctx context.Context, p Payout) ([]byte, error)
}

// TxRequest is a transaction the gas wallet of a chain is asked to send. Key is the business
// ID it serves (a payout ID) and Attempt counts replacements: the wallet signs at most one
// transaction per (chain, key, attempt) and keeps it before broadcasting, so asking again
// rebroadcasts the same transaction instead of paying twice.
type TxRequest struct {
	ChainID int64
	Key     string
	Attempt int
	Nonce   uint64
	To      Address
	Data    []byte
}

// SentTx is a transaction the gas wallet signed and broadcast.
type SentTx struct {
	Key       string
	Attempt   int
	Nonce     uint64
	Hash      string
	GasFeeCap *big.Int
	GasTipCap *big.Int
	SentAt    time.Time
}

// Hashes are the hashes of a key's kept attempts, in their order.
func Hashes(sent []SentTx) []string {
	out := make([]string, len(sent))
	for i, tx := range sent {
		out[i] = tx.Hash
	}
	return out
}

// GasWallet is the operator's wallet of a chain that pays the sweeps' gas. Its key can move
// nothing but its own coin: forwarders pay only their destination, whoever calls them.
type GasWallet interface {
	Address(chainID int64) (Address, error)
	// PendingNonce is the nonce the chain expects next, counting the pool.
	PendingNonce(ctx context.Context, chainID int64) (uint64, error)
	Balance(ctx context.Context, chainID int64) (*big.Int, error)
	// Send signs req once (fees from the chain's suggestion, raised for each attempt and
	// capped by the chain's configuration), keeps it, and broadcasts it; a repeat rebroadcasts.
	Send(ctx context.Context, req TxRequest) (SentTx, error)
	// Sent lists the transactions kept for (chain, key), every attempt.
	Sent(ctx context.Context, chainID int64, key string) ([]SentTx, error)
}

// SweepChain builds sweep calls and reads their outcome on chain.
type SweepChain interface {
	// SweepCall is the factory call that sweeps the batch.
	SweepCall(factory Address, sweeps []Sweep) ([]byte, error)
	Head(ctx context.Context, chainID int64) (uint64, error)
	// SweepReceipt finds which of hashes is mined on the canonical chain and reads it: whether it
	// succeeded, its block, its fee, and what it flushed from each forwarder (ERC-20 transfers
	// and the forwarders' native flush events). found is false when none is mined.
	SweepReceipt(ctx context.Context, chainID int64, hashes []string) (r MinedSweep, found bool, err error)
	// Mined finds which of hashes is mined on the canonical chain, whatever it calls: its
	// block and whether it succeeded (no Flushed, no fee).
	Mined(ctx context.Context, chainID int64, hashes []string) (r MinedSweep, found bool, err error)
}

// MinedSweep is a mined sweep transaction as read from its receipt.
type MinedSweep struct {
	Hash        string
	BlockNumber uint64
	BlockTime   time.Time
	Succeeded   bool
	NetworkFee  *big.Int
	Flushed     []Flushed // AssetID empty: the service fills it
}

// TxStore keeps the transactions the gas wallets sign, before they are broadcast, so that a
// repeated request for (chain, key, attempt) rebroadcasts the same bytes instead of paying twice.
type TxStore interface {
	// Keep saves tx, signed as raw, for (chainID, tx.Key, tx.Attempt) unless one is kept
	// already; it returns the kept one: tx, or the earlier.
	Keep(ctx context.Context, chainID int64, tx SentTx, raw []byte) (KeptTx, error)
	// Kept lists the transactions kept for (chainID, key), by attempt.
	Kept(ctx context.Context, chainID int64, key string) ([]KeptTx, error)
}

// KeptTx is a signed transaction as kept, with its bytes for a rebroadcast.
type KeptTx struct {
	SentTx
	Raw []byte
}
