package event

import (
	"context"
	"fmt"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/paging"
)

// Scope is whose events a caller reads: a merchant in one mode (merchant.Caller is one).
// An interface, not merchant.Caller, so that merchant can record events of its own keys.
type Scope interface {
	Scope() (merchantID string, livemode bool)
}

// Service holds the event use cases of the API: a caller reads its own events, in its mode.
type Service struct {
	store Store
}

// NewService wires the use cases.
func NewService(store Store) (*Service, error) {
	if store == nil {
		return nil, fmt.Errorf("event.NewService: nil store")
	}
	return &Service{store: store}, nil
}

// Get returns one of the caller's events; another merchant's or mode's is not found.
func (s *Service) Get(ctx context.Context, caller Scope, id string) (Event, error) {
	merchantID, livemode := caller.Scope()
	return s.store.GetEvent(ctx, merchantID, livemode, id)
}

// List pages through the caller's events, newest first, after checking the paging and the
// types asked for.
func (s *Service) List(ctx context.Context, caller Scope, q ListQuery) (paging.Page[Event], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[Event]{}, err
	}
	for i, t := range q.Types {
		if !Known(t) || t == "*" {
			return paging.Page[Event]{}, apperr.Invalid(fmt.Sprintf("types[%d]", i), "parameter_invalid",
				"Unknown event type %q.", t)
		}
	}
	q.MerchantID, q.Livemode = caller.Scope()
	return s.store.ListEvents(ctx, q)
}
