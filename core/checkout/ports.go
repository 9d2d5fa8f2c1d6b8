package checkout

import (
	"context"
	"errors"
	"time"

	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Store persists sessions. Transactions stay inside the implementation.
type Store interface {
	// CreateSession writes s and its line items in one transaction and calls started once
	// that transaction has committed (at once, or when the request's transaction commits),
	// never while it is open: no database transaction is held across a workflow start.
	CreateSession(ctx context.Context, s *Session, committed func(context.Context)) error
	// MarkWorkflowStarted notes that the sessions' workflows exist, in one statement.
	MarkWorkflowStarted(ctx context.Context, ids ...string) error
	// UnstartedSessions lists up to limit sessions created before olderThan whose workflow
	// start was never confirmed (the process died between commit and start).
	UnstartedSessions(ctx context.Context, olderThan time.Time, limit int) ([]*Session, error)
	// GetSession returns the caller's session (without line items) or apperr NotFound.
	GetSession(ctx context.Context, merchantID string, livemode bool, id string) (*Session, error)
	ListSessions(ctx context.Context, q ListQuery) (paging.Page[*Session], error)
	// FindSessions returns up to limit of the caller's sessions that by names (see
	// SessionSearch), newest first, without line items or payments.
	FindSessions(ctx context.Context, merchantID string, livemode bool, by SessionSearch, limit int) ([]*Session, error)
	ListLineItems(ctx context.Context, merchantID string, livemode bool, sessionID string, p paging.Params) (paging.Page[LineItem], error)
	// SessionRecorded waits for any transaction still creating id to end, then reports
	// whether the row exists. It lets a workflow tell "not yet committed" from "never will be".
	SessionRecorded(ctx context.Context, id string) (bool, error)
	// LoadSession returns a session by ID alone, for the hosted page and the workflows.
	LoadSession(ctx context.Context, id string) (*Session, error)
	LoadLineItems(ctx context.Context, sessionID string) ([]LineItem, error)
	// LineItemsOf returns each session's line items in order (for lists that expand them).
	LineItemsOf(ctx context.Context, sessionIDs []string) (map[string][]LineItem, error)
	// Update loads the session FOR UPDATE with its payments, lets change apply a rule to it,
	// saves what changed and the events that events derives from the session before and after
	// (with their webhook outbox rows), all in one transaction. An error from change rolls
	// everything back and is returned as is.
	Update(ctx context.Context, id string, change func(s *Session, payments []chain.Payment) error, events TransitionFunc) (*Session, error)
	// UpdateItems loads the session FOR UPDATE with its line items, lets change apply a rule,
	// and saves its amounts and its items' quantities and amounts in one transaction.
	UpdateItems(ctx context.Context, id string, change func(s *Session) error) (*Session, error)
	// EnsureDepositAddress gives the session its address once: the next unused index of the
	// merchant's xpub on branch, derived and watched until watchUntil. Idempotent.
	EnsureDepositAddress(ctx context.Context, sessionID string, branch uint32, derive DeriveFunc, watchUntil time.Time) (string, error)
	// EnsureForwarderAddress gives the session the forwarder address of b once, recording the
	// destination it is bound to, watched until watchUntil. Idempotent; an existing address stays.
	EnsureForwarderAddress(ctx context.Context, sessionID string, b settlement.Binding, watchUntil time.Time) (string, error)
	ListPayments(ctx context.Context, sessionID string) ([]chain.Payment, error)
	// PaymentsOf returns each session's payments (for lists).
	PaymentsOf(ctx context.Context, sessionIDs []string) (map[string][]chain.Payment, error)
	// RecordPayment stores a payment found outside the scanner (a balance check) once.
	RecordPayment(ctx context.Context, p chain.Payment) (bool, error)
	// Cursor is how far a chain's scanner has read (Time: the timestamp of that block).
	Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error)
	// ScannedHeights is every chain's scanned height, for counting confirmations.
	ScannedHeights(ctx context.Context) (map[int64]uint64, error)
	// Outages lists a chain's outages lasting at or after since, the open one included.
	Outages(ctx context.Context, chainID int64, since time.Time) ([]chain.Outage, error)
}

// Library reads the merchant's Product Library for the items a session sells.
type Library interface {
	// ForSale loads the named prices with their products and the named products with their
	// default prices, of one merchant and mode; unknown IDs are absent from the listing.
	ForSale(ctx context.Context, merchantID string, livemode bool, priceIDs, productIDs []string) (catalog.Listing, error)
}

// DeriveFunc derives the address at branch/index of an account xpub.
type DeriveFunc func(xpub string, branch, index uint32) (string, error)

// AddressDeriver derives deposit addresses (BIP-32, non-hardened branch/i) without private keys.
type AddressDeriver interface {
	DeriveAddress(xpub string, branch, index uint32) (string, error)
}

// Binder decides whether a session's deposit address is a forwarder bound to the payout
// address of the merchant's settings in the session's mode (ok) or an xpub address (not ok);
// settlement.Service implements it.
type Binder interface {
	Bind(ctx context.Context, merchantID string, livemode bool, sessionID string, chainID int64) (settlement.Binding, bool, error)
}

// Policies gives the resolution policy of a merchant's sessions of a mode (settlement.Service
// implements it): a new session takes its default tolerance from it, so it may be a few
// seconds old (settlement.CachePolicies).
type Policies interface {
	CreationPolicy(ctx context.Context, merchantID string, livemode bool) (settlement.ResolutionPolicy, error)
}

// MerchantNames gives the hosted page the merchant's display name.
type MerchantNames interface {
	MerchantName(ctx context.Context, merchantID string) (string, error)
}

// ListQuery selects a merchant's sessions, newest first.
type ListQuery struct {
	MerchantID        string
	Livemode          bool
	Page              paging.Params
	Status            Status
	ClientReferenceID string
	PaymentLink       string
	Created           paging.TimeRange
	ExpandLineItems   bool // expand[]=data.line_items
}

// Orchestrator runs the durable side of a session (a Temporal workflow in production).
type Orchestrator interface {
	// StartSession starts the session's workflow; one that exists (or existed) is a success.
	StartSession(ctx context.Context, s *Session) error
	// RequestExpiry asks the session's workflow to expire it as of now and waits for the
	// outcome: apperr Conflict when it is no longer open or a payment is confirming. Like
	// AssetAssigned, it starts the workflow first if it was not started yet (Update-With-Start).
	RequestExpiry(ctx context.Context, s *Session) error
	// AssetAssigned tells the session's workflow that its asset (quote and deposit address)
	// was assigned in the store, starting the workflow first if it was not started yet
	// (Signal-With-Start); apperr Conflict when the workflow has ended.
	AssetAssigned(ctx context.Context, s *Session) error
}

// ErrChainBehind means the chain has not been scanned far enough yet to decide; retry later.
var ErrChainBehind = errors.New("chain not scanned that far yet")
