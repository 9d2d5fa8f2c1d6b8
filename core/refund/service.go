package refund

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Deps are the refund use cases' ports; all are required.
type Deps struct {
	Store     Store
	Sessions  Sessions
	Transfers Transfers
	Flows     Flows
	Resolver  Resolver
	Policies  Policies // the merchants' late-payment policies
	Encoder   Encoder
	Chains    chain.Config
	Now       func() time.Time
	Log       *slog.Logger
}

// Service holds the refund use cases.
type Service struct {
	store     Store
	sessions  Sessions
	transfers Transfers
	flows     Flows
	resolver  Resolver
	policies  Policies
	enc       Encoder
	chains    chain.Config
	now       func() time.Time
	log       *slog.Logger
}

// NewService wires the refund use cases.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Sessions == nil || d.Transfers == nil || d.Flows == nil || d.Resolver == nil ||
		d.Policies == nil || d.Encoder == nil || d.Now == nil || d.Log == nil {
		return nil, fmt.Errorf("refund.NewService: nil dependency")
	}
	return &Service{store: d.Store, sessions: d.Sessions, transfers: d.Transfers, flows: d.Flows, resolver: d.Resolver,
		policies: d.Policies, enc: d.Encoder, chains: d.Chains, now: d.Now, log: d.Log}, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

// Create refunds (part of) a session of the caller's.
func (s *Service) Create(ctx context.Context, c merchant.Caller, p CreateParams) (Refund, error) {
	if p.Session == "" {
		return Refund{}, apperr.Missing("checkout_session")
	}
	if err := CheckReason(p.Reason); err != nil {
		return Refund{}, err
	}
	if _, err := s.sessions.Get(ctx, c, p.Session, false); err != nil {
		return Refund{}, err
	}
	p.ID = refundIDFor(ctx, c, p.Session, "create")
	return s.create(ctx, p, func(sess *checkout.Session, payments []chain.Payment, refunds []Refund) (Refund, error) {
		return New(p, sess, payments, refunds, s.clock())
	})
}

// create stores the refund decide makes with its refund.created event, then starts its workflow.
func (s *Service) create(ctx context.Context, p CreateParams,
	decide func(*checkout.Session, []chain.Payment, []Refund) (Refund, error)) (Refund, error) {
	r, err := s.store.CreateRefund(ctx, p.Session, p.ID, func(sess *checkout.Session, payments []chain.Payment, refunds []Refund) (Refund, []event.Event, error) {
		r, err := decide(sess, payments, refunds)
		if err != nil {
			return Refund{}, nil, err
		}
		ev, err := s.eventOf(ctx, event.RefundCreated, r, nil)
		return r, []event.Event{ev}, err
	})
	if err != nil {
		return Refund{}, err
	}
	s.nudge(ctx, r)
	return r, nil
}

// nudge starts or wakes the refund's workflow once the change is committed. A failure is logged, not returned: the refund is
// committed, and every later change of it (a claim, a transaction) nudges again.
func (s *Service) nudge(ctx context.Context, r Refund) {
	s.store.AfterCommit(ctx, func(ctx context.Context) {
		// The request may end (its client gone) once its answer is committed; the nudge must not.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), nudgeTimeout)
		defer cancel()
		if err := s.flows.Nudge(ctx, r); err != nil {
			s.log.WarnContext(ctx, "refund workflow not reached; the overdue sweep will", "refund", r.ID, "err", err)
		}
	})
}

const nudgeTimeout = 10 * time.Second

// overdueGrace is how long a refund's workflow has to act on an expired claim or a sent
// transaction before the sweep nudges it again.
const overdueGrace = 2 * time.Minute

// NudgeOverdue wakes (or starts) the workflows of refunds that should have moved by now: a
// lost nudge (the process died after the commit) must not leave a claim unexpired or a
// transaction unverified. Waking a running one costs one look. Returns how many it nudged.
func (s *Service) NudgeOverdue(ctx context.Context) (int, error) {
	late, err := s.store.Overdue(ctx, s.clock().Add(-overdueGrace), 100)
	if err != nil {
		return 0, err
	}
	for i, r := range late {
		if err := s.flows.Nudge(ctx, r); err != nil {
			return i, fmt.Errorf("nudge refund %s: %w", r.ID, err)
		}
	}
	return len(late), nil
}

// eventOf is one event about r, with old (the refund before the change) for an update.
func (s *Service) eventOf(ctx context.Context, typ string, r Refund, old *Refund) (event.Event, error) {
	obj, err := s.enc.EncodeRefund(ctx, r)
	if err != nil {
		return event.Event{}, fmt.Errorf("encode refund %s: %w", r.ID, err)
	}
	var before json.RawMessage
	if old != nil {
		if before, err = s.enc.EncodeRefund(ctx, *old); err != nil {
			return event.Event{}, fmt.Errorf("encode refund %s: %w", r.ID, err)
		}
	}
	ev, err := event.OfChange(ctx, typ, r.MerchantID, r.Livemode, s.clock(), obj, before)
	ev.SessionID = r.SessionID
	return ev, err
}

// changed is the Change of an update from old to r: refund.updated, and refund.failed too
// when it failed.
func (s *Service) changed(ctx context.Context, old, r Refund) (Change, error) {
	var ch Change
	types := []string{event.RefundUpdated}
	if r.Status == StatusFailed && old.Status != StatusFailed {
		types = append(types, event.RefundFailed)
	}
	for _, t := range types {
		ev, err := s.eventOf(ctx, t, r, &old)
		if err != nil {
			return Change{}, err
		}
		ch.Events = append(ch.Events, ev)
	}
	return ch, nil
}

// update applies rule to refund id under its lock; unchanged (a retry) records nothing.
func (s *Service) update(ctx context.Context, id string, scope func(*Refund) error, rule func(*Refund) (*Change, error)) (Refund, error) {
	r, err := s.store.UpdateRefund(ctx, id, func(r *Refund) (Change, error) {
		if scope != nil {
			if err := scope(r); err != nil {
				return Change{}, err
			}
		}
		old := *r
		extra, err := rule(r)
		if err != nil || sameRefund(old, *r) {
			return Change{}, err
		}
		ch, err := s.changed(ctx, old, *r)
		if extra != nil {
			ch.Line, ch.Refunded = extra.Line, extra.Refunded
		}
		return ch, err
	})
	return r, err
}

// updateAndNudge is update for a change from outside the workflow, which then hears of it.
func (s *Service) updateAndNudge(ctx context.Context, id string, scope func(*Refund) error, rule func(*Refund) (*Change, error)) (Refund, error) {
	r, err := s.update(ctx, id, scope, rule)
	if err == nil {
		s.nudge(ctx, r)
	}
	return r, err
}

func sameRefund(a, b Refund) bool {
	return a.Status == b.Status && a.TxHash == b.TxHash && a.Destination == b.Destination && a.LastTxError == b.LastTxError
}

// callerScope hides another merchant's (or mode's) refund.
func callerScope(c merchant.Caller, id string) func(*Refund) error {
	return func(r *Refund) error {
		if r.MerchantID != c.MerchantID || r.Livemode != c.Livemode {
			return apperr.NotFound("refund", id)
		}
		return nil
	}
}

// Get returns one of the caller's refunds.
func (s *Service) Get(ctx context.Context, c merchant.Caller, id string) (Refund, error) {
	return s.store.GetRefund(ctx, c.MerchantID, c.Livemode, id)
}

// List returns the caller's refunds, newest first.
func (s *Service) List(ctx context.Context, c merchant.Caller, q Query) (paging.Page[Refund], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[Refund]{}, err
	}
	q.MerchantID, q.Livemode = c.MerchantID, c.Livemode
	return s.store.ListRefunds(ctx, q)
}

// Cancel cancels one of the caller's refunds that was not sent.
func (s *Service) Cancel(ctx context.Context, c merchant.Caller, id string) (Refund, error) {
	return s.updateAndNudge(ctx, id, callerScope(c, id), func(r *Refund) (*Change, error) {
		return nil, r.Cancel(s.clock())
	})
}

// MarkSent records the transaction the merchant paid the refund with. One already mined is
// judged at once, so a transfer to the wrong address or of too little is refused here; one
// not mined yet is watched by the refund's workflow.
func (s *Service) MarkSent(ctx context.Context, c merchant.Caller, id, hash string) (Refund, error) {
	r, err := s.store.GetRefund(ctx, c.MerchantID, c.Livemode, id)
	if err != nil {
		return Refund{}, err
	}
	probe := r
	if err := probe.MarkSent(hash, s.clock()); err != nil || probe.TxHash == r.TxHash {
		if err == nil {
			s.nudge(ctx, r) // the same hash again: perhaps the first nudge was lost
		}
		return r, err
	}
	if used, err := s.store.TxHashUsed(ctx, r.ChainID, probe.TxHash, r.ID); err != nil || used {
		return r, errOr(err, apperr.Invalid("transaction_hash", "refund_transfer_mismatch",
			"Transaction %s already pays another refund.", probe.TxHash))
	}
	t, err := s.transfers.Transfer(ctx, r.ChainID, r.AssetID, probe.TxHash, r.Destination)
	if err != nil {
		return r, apperr.Unavailable("Could not read the transaction from the chain; retry the request.", err)
	}
	if v, why := probe.Judge(t, 0, s.clock()); v == VerdictRefuse {
		return r, Refused(why)
	}
	return s.updateAndNudge(ctx, id, callerScope(c, id), func(r *Refund) (*Change, error) {
		return nil, r.MarkSent(hash, s.clock())
	})
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// ShopperRefunds are a session's refunds, newest first, for its hosted page (whose URL is the
// shopper's own capability). An open session has none: it is not read.
func (s *Service) ShopperRefunds(ctx context.Context, sess *checkout.Session) ([]Refund, error) {
	if sess.Open() || sess.Crypto.AssetID == "" {
		return nil, nil
	}
	q := Query{MerchantID: sess.MerchantID, Livemode: sess.Livemode, SessionID: sess.ID, Page: paging.Params{Limit: shopperRefunds}}
	if err := q.Page.Normalize(); err != nil {
		return nil, err
	}
	page, err := s.store.ListRefunds(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("refunds of %s: %w", sess.ID, err)
	}
	return page.Data, nil
}

// shopperRefunds bounds what the hosted page lists of a session's refunds.
const shopperRefunds = 10
