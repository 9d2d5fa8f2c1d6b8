package billing

import (
	"context"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Change applies a rule to a subscription and the invoice it was loaded with; it returns a
// new invoice to insert (a renewal's, or nil) and the events to record with the change.
type Change func(s *Subscription, inv *Invoice) (*Invoice, []event.Event, error)

// Store persists subscriptions and invoices. Transactions stay inside the implementation.
type Store interface {
	// Create saves a new subscription, its first invoice and their events, and marks the
	// session that created it, in one transaction; one that exists already is returned as is.
	Create(ctx context.Context, s *Subscription, inv *Invoice, events []event.Event) (*Subscription, error)
	// Update loads the subscription FOR UPDATE with invoice invoiceID ("": its latest), lets
	// change apply a rule, and saves both, the new invoice and the events in one transaction.
	Update(ctx context.Context, id, invoiceID string, change Change) (*Subscription, *Invoice, error)
	// SetInvoiceSession records that session k (from 1) of an invoice is sessionID.
	SetInvoiceSession(ctx context.Context, invoiceID, sessionID string, k int) error
	// Subscription returns the caller's subscription, or apperr NotFound.
	Subscription(ctx context.Context, merchantID string, livemode bool, id string) (*Subscription, error)
	// LoadSubscription returns a subscription by ID alone (workflows).
	LoadSubscription(ctx context.Context, id string) (*Subscription, error)
	ListSubscriptions(ctx context.Context, q ListQuery) (paging.Page[*Subscription], error)
	// Invoice returns the caller's invoice, or apperr NotFound.
	Invoice(ctx context.Context, merchantID string, livemode bool, id string) (*Invoice, error)
	// LoadInvoice returns an invoice by ID alone (workflows, the public invoice page).
	LoadInvoice(ctx context.Context, id string) (*Invoice, error)
	ListInvoices(ctx context.Context, q InvoiceQuery) (paging.Page[*Invoice], error)
}

// Sessions is what billing needs of checkout sessions: read one, make one for an invoice.
type Sessions interface {
	LoadSession(ctx context.Context, id string) (*checkout.Session, error)
	LoadLineItems(ctx context.Context, sessionID string) ([]checkout.LineItem, error)
	// PaymentsOf lists the payments of sessions, by session ID.
	PaymentsOf(ctx context.Context, sessionIDs []string) (map[string][]chain.Payment, error)
	CreateForInvoice(ctx context.Context, caller merchant.Caller, p checkout.CreateParams, invoiceID, sessionID string) (*checkout.Session, error)
}

// Orchestrator runs each subscription's workflow.
type Orchestrator interface {
	// StartSubscription starts the subscription's workflow; one that exists is a success.
	StartSubscription(ctx context.Context, s *Subscription) error
	// Cancel, Update and SetClock ask the workflow to apply the change and wait for the
	// result, so its schedule and the stored state never disagree.
	Cancel(ctx context.Context, s *Subscription) error
	Update(ctx context.Context, s *Subscription, u UpdateRequest) error
	SetClock(ctx context.Context, s *Subscription, frozen time.Time) error
	// InvoicePaid tells the workflow a session of one of its invoices completed.
	InvoicePaid(ctx context.Context, subscriptionID, invoiceID, sessionID string) error
}

// UpdateRequest is a merchant's update as the workflow receives it.
type UpdateRequest struct {
	CancelAtPeriodEnd *bool             `json:"cancel_at_period_end,omitempty"`
	Description       *string           `json:"description,omitempty"`
	Metadata          map[string]string `json:"metadata,omitempty"`
	Request           event.Request     `json:"request"`
}

// Encoder renders subscriptions and invoices as the API shows them, for events.
type Encoder interface {
	EncodeSubscription(ctx context.Context, s *Subscription) ([]byte, error)
	EncodeInvoice(ctx context.Context, inv *Invoice) ([]byte, error)
}

// ListQuery selects a merchant's subscriptions, newest first.
type ListQuery struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	Status     Status // only this status ("": any)
	Exclude    Status // not this status ("": none)
	Price      string
	Created    paging.TimeRange
}

// InvoiceQuery selects a merchant's invoices, newest first.
type InvoiceQuery struct {
	MerchantID   string
	Livemode     bool
	Page         paging.Params
	Status       InvoiceStatus
	Subscription string
}

// Collectors reach the chains' SubscriptionCollector contracts.
type Collectors interface {
	// Mandate reads mandate id (0x, 32 bytes) as collector holds it; a zero Payer: none.
	Mandate(ctx context.Context, chainID int64, collector, id string) (Mandate, error)
	// Collectable tells whether collect(id, amount) would succeed now: "" or a Reason*.
	Collectable(ctx context.Context, chainID int64, collector, id string, amount *big.Int) (string, error)
	// CollectCall is the calldata of collect(id, amount) (the collector is the call's recipient).
	CollectCall(id string, amount *big.Int) ([]byte, error)
	// AuthorizeCalls are the shopper's two calls: approve(collector, allowance) to the token and
	// authorize(id, token, payee, amount, minInterval) to the collector.
	AuthorizeCalls(t MandateTerms) (approve, authorize []byte, err error)
}

// CollectionTxs find what became of the transactions the gas wallet sent for a key.
type CollectionTxs interface {
	// Mined is the key's transaction mined on the canonical chain (any attempt), how deep, and
	// whether it succeeded; found is false while none is mined.
	Mined(ctx context.Context, chainID int64, key string) (tx MinedTx, found bool, err error)
}

// MinedTx is a mined transaction as billing needs it.
type MinedTx struct {
	Hash          string
	Succeeded     bool
	Confirmations int64 // blocks including its own
}
