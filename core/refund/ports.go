package refund

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Store keeps refunds. Transactions stay inside the implementation.
type Store interface {
	// CreateRefund locks the session's row, lets decide build the refund from the session, its
	// payments and its refunds (decide may also set the session's Resolution), and saves the
	// refund, the session's resolution and the events in one transaction. A refund of the
	// session with the same ID already stored is returned as it is (decide is not called).
	CreateRefund(ctx context.Context, sessionID, refundID string,
		decide func(s *checkout.Session, payments []chain.Payment, refunds []Refund) (Refund, []event.Event, error)) (Refund, error)
	// UpdateRefund loads refund id under its row lock, applies change, and saves the refund with
	// what change returns (events, a balance line, an amount refunded added to the session's
	// amount_refunded), in one transaction. An error from change rolls everything back.
	UpdateRefund(ctx context.Context, id string, change func(r *Refund) (Change, error)) (Refund, error)
	// GetRefund returns the caller's refund, or apperr NotFound.
	GetRefund(ctx context.Context, merchantID string, livemode bool, id string) (Refund, error)
	// LoadRefund returns a refund by ID alone (workflows).
	LoadRefund(ctx context.Context, id string) (Refund, error)
	// RefundByClaim returns the refund whose claim secret is secret, or apperr NotFound.
	RefundByClaim(ctx context.Context, secret string) (Refund, error)
	// ListRefunds returns a merchant's refunds, newest first.
	ListRefunds(ctx context.Context, q Query) (paging.Page[Refund], error)
	// AfterCommit runs hook once what the request wrote is committed (at once outside a
	// request's transaction), so a workflow woken by it reads the change.
	AfterCommit(ctx context.Context, hook func(context.Context))
	// Overdue lists up to limit refunds whose workflow should have acted before: a claim
	// (requires_action) that expired before it, or a transaction (pending) marked sent before it.
	Overdue(ctx context.Context, before time.Time, limit int) ([]Refund, error)
	// TxHashUsed reports whether another refund (not failed or canceled) already names hash on chainID.
	TxHashUsed(ctx context.Context, chainID int64, hash, exceptID string) (bool, error)
}

// Change is what a refund's change writes besides the refund.
type Change struct {
	Events   []event.Event
	Line     *settlement.BalanceTransaction // the refund's balance line, when it succeeds
	Refunded int64                          // minor units to add to the session's amount_refunded
}

// Query selects a merchant's refunds.
type Query struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	SessionID  string   // checkout_session=
	Statuses   []Status // "refunds to pay": requires_action and pending
}

// Transfers reads a transaction on chain as a refund's transfer.
type Transfers interface {
	// Transfer reads hash on chainID: whether it is mined on the canonical chain, how deep, and
	// how much of assetID it moved to the address to.
	Transfer(ctx context.Context, chainID int64, assetID, hash, to string) (Transfer, error)
}

// Flows runs the refund's workflow (refund/<id>): Nudge starts it, or tells the running one
// the refund changed.
type Flows interface {
	Nudge(ctx context.Context, r Refund) error
}

// Resolver sends a resolution to the session's workflow (a workflow Update) and waits for
// what it applied; ok is false when the workflow no longer runs (its watch is over).
type Resolver interface {
	Resolve(ctx context.Context, s *checkout.Session, p ResolveParams) (res Resolved, ok bool, err error)
}

// Sessions is what refunds need of the checkout sessions (checkout.Service).
type Sessions interface {
	// Accept completes an expired session with what it received (checkout.Session.Accept).
	Accept(ctx context.Context, sessionID string) (*checkout.Session, error)
	// Get returns the caller's session, or apperr NotFound.
	Get(ctx context.Context, caller merchant.Caller, id string, expandLineItems bool) (*checkout.Session, error)
}

// Encoder renders a refund as the API shows it, for events.
type Encoder interface {
	EncodeRefund(ctx context.Context, r Refund) (json.RawMessage, error)
}
