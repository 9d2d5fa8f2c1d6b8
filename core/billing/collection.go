package billing

import (
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// CollectionStatus is where an invoice's automatic collection stands.
type CollectionStatus string

const (
	CollectionPending   CollectionStatus = "pending"   // the collect transaction is on its way
	CollectionSucceeded CollectionStatus = "succeeded" // confirmed: the invoice is paid
	CollectionFailed    CollectionStatus = "failed"    // the period falls back to the invoice's hosted page
)

// Reasons an automatic collection fails; the collector's own reasons come first.
const (
	ReasonNoMandate   = "no_mandate"
	ReasonRevoked     = "mandate_revoked"
	ReasonAboveCap    = "amount_above_cap"
	ReasonTooEarly    = "too_early"
	ReasonAllowance   = "insufficient_allowance"
	ReasonBalance     = "insufficient_balance"
	ReasonWouldRevert = "would_revert" // the node's estimate of collect reverts (e.g. a token that refuses)
	ReasonReverted    = "reverted"     // the collect transaction was mined and reverted
)

// AutoCollection is an invoice's automatic collection through the shopper's mandate.
type AutoCollection struct {
	Status        CollectionStatus `json:"status"`
	FailureReason string           `json:"failure_reason,omitempty"`
	TxHash        string           `json:"transaction,omitempty"`
}

// CollectsAutomatically reports whether inv is to be collected through the mandate now: a
// renewal's open invoice of a charge_automatically subscription that no try has touched.
func (s *Subscription) CollectsAutomatically(inv *Invoice) bool {
	return s.CollectionMethod == ChargeAutomatically && s.Mandate != nil && !s.Ended() && inv != nil &&
		inv.Status == InvoiceOpen && inv.BillingReason == ReasonCycle && inv.AutoCollection == nil
}

// StartCollection marks inv's collection under way; a second start changes nothing.
func (s *Subscription) StartCollection(inv *Invoice) error {
	if inv.AutoCollection != nil {
		return nil
	}
	if !s.CollectsAutomatically(inv) {
		return apperr.Conflict("invoice_not_collectable", "Invoice %s is not collected automatically.", inv.ID)
	}
	inv.AutoCollection = &AutoCollection{Status: CollectionPending}
	return nil
}

// FailCollection records why inv's collection failed: the period is collected by invoice
// instead. A collection already settled stays as it is.
func (s *Subscription) FailCollection(inv *Invoice, reason string) {
	if inv.AutoCollection != nil && inv.AutoCollection.Status != CollectionPending {
		return
	}
	inv.AutoCollection = &AutoCollection{Status: CollectionFailed, FailureReason: reason}
}

// Collected records inv's collection confirmed in txHash and pays inv at real time now.
func (s *Subscription) Collected(inv *Invoice, txHash string, now time.Time) error {
	if inv.AutoCollection == nil || inv.AutoCollection.Status == CollectionFailed {
		return apperr.Conflict("invoice_not_collecting", "Invoice %s has no collection under way.", inv.ID)
	}
	inv.AutoCollection = &AutoCollection{Status: CollectionSucceeded, TxHash: txHash}
	if !inv.Payable() { // voided while the collection was in flight: the record keeps what was taken
		return nil
	}
	return s.Pay(inv, now)
}

// CollectionMethod is how inv is collected: automatically unless its collection failed or
// it never had one.
func (inv *Invoice) CollectionMethod() CollectionMethod {
	if inv.AutoCollection != nil && inv.AutoCollection.Status != CollectionFailed {
		return ChargeAutomatically
	}
	return SendInvoice
}
