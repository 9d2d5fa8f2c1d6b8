package metrics

import (
	"context"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
)

// Sessions counts the session transitions the store commits: a creation, and a change whose
// status went from open to complete or expired. Counting after the commit, from the session
// before and after, a rolled-back change counts nothing.
func (m *Metrics) Sessions(st checkout.Store) checkout.Store { return &sessions{Store: st, m: m} }

type sessions struct {
	checkout.Store
	m *Metrics
}

// CreateSession counts a creation once it has committed: inside a request's transaction the
// store returns before the commit, which may still fail.
func (s *sessions) CreateSession(ctx context.Context, sess *checkout.Session, committed func(context.Context)) error {
	return s.Store.CreateSession(ctx, sess, func(ctx context.Context) {
		s.m.created.Inc()
		committed(ctx)
	})
}

func (s *sessions) Update(ctx context.Context, id string, change func(*checkout.Session, []chain.Payment) error,
	events checkout.TransitionFunc) (*checkout.Session, error) {
	var from, to checkout.Status
	counted := func(before, after *checkout.Session) ([]event.Event, error) {
		from, to = before.Status, after.Status // the last call is the one committed
		return events(before, after)
	}
	after, err := s.Store.Update(ctx, id, change, counted)
	if err != nil || from == to || from != checkout.StatusOpen {
		return after, err
	}
	switch to {
	case checkout.StatusComplete:
		s.m.completed.Inc()
	case checkout.StatusExpired:
		s.m.expired.Inc()
	}
	return after, err
}
