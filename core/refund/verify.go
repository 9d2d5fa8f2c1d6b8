package refund

import (
	"fmt"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/settlement"
)

// NotMinedLimit is how long a transaction marked sent may stay unmined before it is refused,
// so that a dropped transaction does not hold the refund: the merchant then sends again.
const NotMinedLimit = 24 * time.Hour

// BlockClockSkew is how far a block's timestamp may trail our clock: a transfer mined before
// the refund was made (less this) is an older payment, not the refund's.
const BlockClockSkew = 5 * time.Minute

// Transfer is what a transaction did on chain, as a refund needs it.
type Transfer struct {
	Found         bool   // mined in a block of the canonical chain
	Succeeded     bool   // it did not revert
	BlockNumber   uint64 // its block
	BlockTime     time.Time
	Confirmations uint64   // blocks on top of it, its own included
	Paid          *big.Int // base units of the refund's asset it moved to the refund's destination
}

// Verdict is what a look at the transaction means for the refund.
type Verdict int

const (
	VerdictWait      Verdict = iota // not mined yet, or not deep enough
	VerdictRefuse                   // it cannot be this refund's transfer
	VerdictConfirmed                // it paid the refund and is deep enough
)

// Judge reads t against the refund: it must be mined after the refund was made, pay at least
// the refund's amount of its asset to its destination, succeed, and be confirmations deep. A
// wrong transaction is refused once it is that deep too (a reorg may still change what it
// did); the API's first look passes 0 to refuse at once. why explains a refusal.
func (r *Refund) Judge(t Transfer, confirmations int64, now time.Time) (v Verdict, why string) {
	deep := t.Confirmations >= uint64(max(confirmations, 1))
	switch {
	case !t.Found && r.SentAt != nil && now.Sub(*r.SentAt) >= NotMinedLimit:
		return VerdictRefuse, fmt.Sprintf("transaction %s was not mined within %s of being marked sent", r.TxHash, NotMinedLimit)
	case !t.Found:
		return VerdictWait, ""
	case !t.BlockTime.IsZero() && t.BlockTime.Before(r.Created.Add(-BlockClockSkew)):
		return VerdictRefuse, fmt.Sprintf("transaction %s was mined on %s, before the refund was made", r.TxHash, t.BlockTime.Format(time.RFC3339))
	case !deep && (!t.Succeeded || t.Paid == nil || t.Paid.Cmp(r.CryptoAmount) < 0):
		return VerdictWait, "" // looks wrong, but a reorg may still change it
	case !t.Succeeded:
		return VerdictRefuse, fmt.Sprintf("transaction %s reverted", r.TxHash)
	case t.Paid == nil || t.Paid.Sign() == 0:
		return VerdictRefuse, fmt.Sprintf("transaction %s sends no %s to %s", r.TxHash, r.AssetID, chain.Checksum(r.Destination))
	case t.Paid.Cmp(r.CryptoAmount) < 0:
		return VerdictRefuse, fmt.Sprintf("transaction %s sends %s %s to %s; the refund is %s", r.TxHash,
			chain.FormatUnits(t.Paid, r.Decimals), r.AssetID, chain.Checksum(r.Destination), chain.FormatUnits(r.CryptoAmount, r.Decimals))
	case !deep:
		return VerdictWait, ""
	}
	return VerdictConfirmed, ""
}

// RefuseTx forgets a transaction that is not the refund's transfer, saying why; the refund
// stays pending for another.
func (r *Refund) RefuseTx(why string) {
	r.TxHash, r.SentAt, r.LastTxError = "", nil, why
}

// Refused is the API's error for a transaction that cannot be the refund's transfer.
func Refused(why string) error {
	return apperr.Invalid("transaction_hash", "refund_transfer_mismatch", "The transaction cannot be this refund's transfer: %s.", why)
}

// Succeed completes the refund with its confirmed transfer and returns its balance line:
// negative, as money that left the merchant.
func (r *Refund) Succeed(t Transfer, now time.Time) (settlement.BalanceTransaction, error) {
	if r.Status != StatusPending || !r.Sent() {
		return settlement.BalanceTransaction{}, apperr.Conflict("refund_not_pending", "Refund %s is %s.", r.ID, r.Status)
	}
	at := now
	r.Status, r.TxBlock, r.SucceededAt, r.BalanceTransaction = StatusSucceeded, t.BlockNumber, &at, ident.New("txn")
	return settlement.BalanceTransaction{ID: r.BalanceTransaction, MerchantID: r.MerchantID, Livemode: r.Livemode,
		Type: settlement.TypeRefund, SessionID: r.SessionID, ChainID: r.ChainID, AssetID: r.AssetID,
		Amount: new(big.Int).Neg(r.CryptoAmount), Currency: r.Currency, FiatAmount: -r.Amount, NetworkFee: new(big.Int),
		Status: settlement.BalanceAvailable, Created: now, AvailableOn: now}, nil
}
