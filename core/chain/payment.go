package chain

import (
	"context"
	"math/big"
	"time"

	"github.com/shopspring/decimal"
)

// PaymentStatus is a transfer's standing on the canonical chain.
type PaymentStatus string

const (
	PaymentDetected  PaymentStatus = "detected"  // in a canonical block, not yet deep enough
	PaymentConfirmed PaymentStatus = "confirmed" // deep enough to count
	PaymentReverted  PaymentStatus = "reverted"  // its block left the canonical chain: it no longer counts
)

// NativeLogIndex marks a native-coin transfer, which has no log; (chain, tx, -1) is its key.
const NativeLogIndex = -1

// Payment is one transfer into a deposit address, counted once under (chain, tx hash, log index).
type Payment struct {
	ID           string
	SessionID    string
	ChainID      int64
	AssetID      string
	TxHash       string
	LogIndex     int64
	BlockNumber  uint64
	BlockHash    string
	BlockTime    time.Time
	From, To     string
	Amount       *big.Int
	Status       PaymentStatus
	WasConfirmed bool // it counted once; a revert of it is a reversal the merchant must hear of
	Dust         bool // below the asset's dust threshold: on record, but it never counts or locks anything
	DetectedAt   time.Time
	ConfirmedAt  time.Time // zero until confirmed
	RevertedAt   time.Time // zero unless reverted now
}

// Live reports whether the payment stands on the canonical chain and is more than dust.
func (p Payment) Live() bool { return p.Status != PaymentReverted && !p.Dust }

// CryptoState is the session's payment progress (SPEC "crypto.state").
type CryptoState string

const (
	StateAwaitingAsset   CryptoState = "awaiting_asset"
	StateAwaitingPayment CryptoState = "awaiting_payment"
	StateConfirming      CryptoState = "confirming"
	StateUnderpaid       CryptoState = "underpaid"
	StatePaid            CryptoState = "paid"
	StateOverpaid        CryptoState = "overpaid"
	StatePaidLate        CryptoState = "paid_late"
	StateReverted        CryptoState = "reverted"
)

// Ledger is what the payments of a session add up to.
type Ledger struct {
	State     CryptoState
	Received  *big.Int // confirmed, in the session's asset, mined before expiry
	Pending   *big.Int // detected, not yet confirmed, mined before expiry
	Late      *big.Int // confirmed, mined after expiry
	Remaining *big.Int // still to send to cover the amount due (0 when covered or pending covers it)
	Covered   bool     // confirmed funds cover the amount due: the session completes
	Seen      int      // payments on record above dust, in any asset and state (it only grows)
	Live      int      // of those, the ones not reverted: a reinstated payment makes it grow again
}

// Terms are what a session's payments are judged against.
type Terms struct {
	AssetID          string
	AmountDue        *big.Int
	TolerancePercent decimal.Decimal // shortfall accepted, in percent of the amount due
	ExpiresAt        time.Time       // the deadline: a payment mined at or before it is on time
	Completed        bool            // the session already completed (a later reversal cannot un-complete it)
	Expired          bool            // the session already expired: funds can no longer complete it
}

// Threshold is the least confirmed amount that completes a session.
func (t Terms) Threshold() *big.Int {
	if t.AmountDue == nil {
		return new(big.Int)
	}
	due := decimal.NewFromBigInt(t.AmountDue, 0)
	slack := due.Mul(t.TolerancePercent).Div(decimal.NewFromInt(100)).Floor()
	return due.Sub(slack).BigInt()
}

// Account sums payments into a ledger. Payments in another asset than the selected one are
// kept on record but never count: their value was not quoted.
func Account(t Terms, payments []Payment) Ledger {
	l := Ledger{Received: new(big.Int), Pending: new(big.Int), Late: new(big.Int), Remaining: new(big.Int)}
	var revertedCounted bool
	for _, p := range payments {
		if p.Dust {
			continue
		}
		l.Seen++
		if p.Live() {
			l.Live++
		}
		if p.AssetID != t.AssetID || p.Amount == nil {
			continue
		}
		onTime := !p.BlockTime.After(t.ExpiresAt)
		switch {
		case p.Status == PaymentReverted:
			revertedCounted = revertedCounted || p.WasConfirmed
		case p.Status == PaymentConfirmed && onTime:
			l.Received.Add(l.Received, p.Amount)
		case p.Status == PaymentConfirmed:
			l.Late.Add(l.Late, p.Amount)
		case onTime:
			l.Pending.Add(l.Pending, p.Amount)
		}
	}
	due := t.AmountDue
	if due == nil {
		due = new(big.Int)
	}
	l.Covered = t.AssetID != "" && l.Received.Cmp(t.Threshold()) >= 0
	if t.Expired && l.Covered { // mined in time but seen after the session expired (e.g. a scanner outage)
		l.Covered = false
		l.Late.Add(l.Late, l.Received)
	}
	if rest := new(big.Int).Sub(due, new(big.Int).Add(l.Received, l.Pending)); rest.Sign() > 0 && !l.Covered {
		l.Remaining = rest
	}
	l.State = l.state(t, due, revertedCounted)
	return l
}

// state names what the sums mean for the session; revertedCounted: a payment that had counted
// was taken back by a reorg.
func (l Ledger) state(t Terms, due *big.Int, revertedCounted bool) CryptoState {
	switch {
	case t.AssetID == "":
		return StateAwaitingAsset
	case l.Covered && l.Received.Cmp(due) > 0:
		return StateOverpaid
	case l.Covered:
		return StatePaid
	case t.Completed && revertedCounted:
		return StateReverted // counted funds were taken back by a reorg after completion
	case l.Pending.Sign() > 0:
		return StateConfirming
	case l.Late.Sign() > 0:
		return StatePaidLate
	case revertedCounted:
		return StateReverted
	case l.Received.Sign() > 0:
		return StateUnderpaid
	}
	return StateAwaitingPayment
}

// BalanceLogIndex marks a payment found by a balance check rather than by a transfer: funds a
// contract sent internally, which no transaction or log shows. Its tx hash names the block.
const BalanceLogIndex = -2

// BalanceReader reads an address's native-coin balance at a block.
type BalanceReader interface {
	NativeBalance(ctx context.Context, chainID int64, address string, block uint64) (*big.Int, time.Time, error)
}
