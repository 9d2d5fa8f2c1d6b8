package refund

import (
	"context"
	"time"
)

// Step is what the refund's workflow does next.
type Step struct {
	Done      bool      // the refund is final: the workflow ends
	WakeAt    time.Time // requires_action: when the claim expires (the workflow wakes then)
	Verifying bool      // a transaction is named: look at the chain again after a while
}

// StepOf is where r stands for its workflow.
func StepOf(r Refund) Step {
	switch {
	case r.Final():
		return Step{Done: true}
	case r.Status == StatusRequiresAction:
		return Step{WakeAt: r.ClaimExpiresAt}
	}
	return Step{Verifying: r.Sent()}
}

// Advance is one look of the refund's workflow: it fails an unclaimed refund whose claim link
// expired, and judges a named transaction on chain (refused: forgotten with the reason;
// confirmed: the refund succeeds with its balance line and amount_refunded). Idempotent.
func (s *Service) Advance(ctx context.Context, id string) (Step, error) {
	r, err := s.store.LoadRefund(ctx, id)
	if err != nil {
		return Step{}, err
	}
	now := s.clock()
	switch {
	case r.Status == StatusRequiresAction && !now.Before(r.ClaimExpiresAt):
		r, err = s.update(ctx, id, nil, func(r *Refund) (*Change, error) {
			r.ExpireClaim(now)
			return nil, nil
		})
	case r.Status == StatusPending && r.Sent():
		r, err = s.verify(ctx, r)
	}
	if err != nil {
		return Step{}, err
	}
	return StepOf(r), nil
}

// verify judges the refund's transaction as the chain shows it now.
func (s *Service) verify(ctx context.Context, r Refund) (Refund, error) {
	t, err := s.transfers.Transfer(ctx, r.ChainID, r.AssetID, r.TxHash, r.Destination)
	if err != nil {
		return r, err
	}
	depth := int64(1)
	if ch, ok := s.chains.Chain(r.ChainID); ok {
		depth = ch.Confirmations
	}
	hash := r.TxHash
	return s.update(ctx, r.ID, nil, func(r *Refund) (*Change, error) {
		if r.TxHash != hash || r.Status != StatusPending {
			return nil, nil // changed meanwhile: the next look judges what is there
		}
		switch v, why := r.Judge(t, depth, s.clock()); v {
		case VerdictRefuse:
			r.RefuseTx(why)
		case VerdictConfirmed:
			line, err := r.Succeed(t, s.clock())
			if err != nil {
				return nil, err
			}
			return &Change{Line: &line, Refunded: r.Amount}, nil
		}
		return nil, nil
	})
}
