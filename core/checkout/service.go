package checkout

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Service holds the checkout session use cases called by the HTTP adapter.
type Service struct {
	store Store
	orch  Orchestrator
	now   func() time.Time
}

// NewService wires the use cases; every dependency is required.
func NewService(store Store, orch Orchestrator, now func() time.Time) (*Service, error) {
	if store == nil || orch == nil || now == nil {
		return nil, fmt.Errorf("checkout.NewService: nil dependency")
	}
	return &Service{store: store, orch: orch, now: now}, nil
}

// Create validates p, stores the session and starts its workflow as one step.
func (s *Service) Create(ctx context.Context, caller merchant.Caller, p CreateParams) (*Session, error) {
	sess, err := Build(p, caller, s.now())
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateSession(ctx, sess, func(ctx context.Context) error {
		return s.orch.StartSession(ctx, sess)
	}); err != nil {
		return nil, fmt.Errorf("create session %s: %w", sess.ID, err)
	}
	return sess, nil
}

// Get returns one of the caller's sessions, with line items when expandLineItems.
func (s *Service) Get(ctx context.Context, caller merchant.Caller, id string, expandLineItems bool) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	if expandLineItems {
		if sess.LineItems, err = s.store.LoadLineItems(ctx, sess.ID); err != nil {
			return nil, fmt.Errorf("load line items of %s: %w", id, err)
		}
	}
	return sess, nil
}

// List returns the caller's sessions, newest first.
func (s *Service) List(ctx context.Context, caller merchant.Caller, q ListQuery) (paging.Page[*Session], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[*Session]{}, err
	}
	switch q.Status {
	case "", StatusOpen, StatusComplete, StatusExpired:
	default:
		return paging.Page[*Session]{}, apperr.Invalid("status", "parameter_invalid",
			"Invalid status: must be one of open, complete or expired.")
	}
	q.MerchantID, q.Livemode = caller.MerchantID, caller.Livemode
	return s.store.ListSessions(ctx, q)
}

// LineItems lists a session's line items in the order they were given.
func (s *Service) LineItems(ctx context.Context, caller merchant.Caller, id string, p paging.Params) (paging.Page[LineItem], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[LineItem]{}, err
	}
	return s.store.ListLineItems(ctx, caller.MerchantID, caller.Livemode, id, p)
}

// Expire ends an open session now, through its workflow so that the row and the
// workflow change together.
func (s *Service) Expire(ctx context.Context, caller merchant.Caller, id string) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	if !sess.Open() {
		return nil, notOpen(sess)
	}
	if err := s.orch.ExpireSession(ctx, id); err != nil {
		if !apperr.IsKind(err, apperr.KindConflict) {
			return nil, fmt.Errorf("expire session %s: %w", id, err)
		}
		// Completed or expired between our read and the workflow's: report the state it reached.
		if sess, err = s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id); err != nil {
			return nil, err
		}
		if !sess.Open() {
			return nil, notOpen(sess)
		}
		return nil, fmt.Errorf("expire session %s: workflow refused while row is open", id)
	}
	return s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
}

func notOpen(sess *Session) error {
	return &apperr.Error{Kind: apperr.KindInvalid,
		Message: fmt.Sprintf("Only Checkout Sessions with a status in [\"open\"] can be expired; %s is %s.", sess.ID, sess.Status)}
}
