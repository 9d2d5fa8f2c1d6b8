package checkout

import (
	"context"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/paging"
)

// Store persists sessions. Transactions stay inside the implementation.
type Store interface {
	// CreateSession writes s and its line items, then calls start inside the same
	// transaction: if start fails nothing is written, and the row becomes visible only
	// once start has succeeded.
	CreateSession(ctx context.Context, s *Session, start func(context.Context) error) error
	// GetSession returns the caller's session (without line items) or apperr NotFound.
	GetSession(ctx context.Context, merchantID string, livemode bool, id string) (*Session, error)
	ListSessions(ctx context.Context, q ListQuery) (paging.Page[*Session], error)
	ListLineItems(ctx context.Context, merchantID string, livemode bool, sessionID string, p paging.Params) (paging.Page[LineItem], error)
	// SessionRecorded waits for any transaction still creating id to end, then reports
	// whether the row exists. It lets a workflow tell "not yet committed" from "never will be".
	SessionRecorded(ctx context.Context, id string) (bool, error)
	// ExpireSession moves an open session to expired and returns it as it now is; a session
	// no longer open is returned unchanged. The events emit returns are stored in the same
	// transaction. apperr NotFound if missing.
	ExpireSession(ctx context.Context, id string, at time.Time, emit TransitionFunc) (*Session, error)
	// LoadSession returns a session by ID alone, for the hosted page and the workflows.
	LoadSession(ctx context.Context, id string) (*Session, error)
	LoadLineItems(ctx context.Context, sessionID string) ([]LineItem, error)
	// AssignDeposit locks the quote on the session and, the first time, allocates the next
	// unused index of the merchant's xpub, derives its address and watches it until watchUntil.
	AssignDeposit(ctx context.Context, sessionID string, q chain.Quote, derive DeriveFunc, watchUntil time.Time) (*Session, error)
	ListPayments(ctx context.Context, sessionID string) ([]chain.Payment, error)
	// ApplyLedger stores the crypto state (a covered ledger completes an open session) and the
	// events emit returns for the change, in one transaction.
	ApplyLedger(ctx context.Context, sessionID string, l chain.Ledger, at time.Time, emit TransitionFunc) (*Session, error)
	// RecordPayment stores a payment found outside the scanner (a balance check) once.
	RecordPayment(ctx context.Context, p chain.Payment) (bool, error)
	// Cursor is how far a chain's scanner has read.
	Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error)
}

// DeriveFunc derives the receiving address at index of an account xpub.
type DeriveFunc func(xpub string, index uint32) (string, error)

// AddressDeriver derives deposit addresses (BIP-32, non-hardened 0/i) without private keys.
type AddressDeriver interface {
	DeriveAddress(xpub string, index uint32) (string, error)
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
}

// Orchestrator runs the durable side of a session (a Temporal workflow in production).
type Orchestrator interface {
	// StartSession starts the session's workflow; starting one that exists is an error.
	StartSession(ctx context.Context, s *Session) error
	// ExpireSession asks the running workflow to expire the session now and waits for it.
	// It returns apperr Conflict when the session is no longer open.
	ExpireSession(ctx context.Context, id string) error
	// SelectAsset asks the workflow to quote the asset and assign the deposit address.
	SelectAsset(ctx context.Context, id, assetID string) error
}
