package workflows

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
)

// Activities are the workflows' only way to touch the world. Each is idempotent,
// because Temporal may run it more than once.
type Activities struct {
	sessions checkout.Store
	now      func() time.Time
}

// NewActivities wires the activities to their ports.
func NewActivities(sessions checkout.Store, now func() time.Time) (*Activities, error) {
	if sessions == nil || now == nil {
		return nil, fmt.Errorf("workflows.NewActivities: nil dependency")
	}
	return &Activities{sessions: sessions, now: now}, nil
}

// SessionRecorded reports whether the session's row was committed (waiting for its creator).
func (a *Activities) SessionRecorded(ctx context.Context, sessionID string) (bool, error) {
	ok, err := a.sessions.SessionRecorded(ctx, sessionID)
	if err != nil {
		return false, fmt.Errorf("check session %s recorded: %w", sessionID, err)
	}
	return ok, nil
}

// ExpireSession moves the row to expired if it is still open and returns the state it holds.
func (a *Activities) ExpireSession(ctx context.Context, sessionID string) (SessionState, error) {
	s, err := a.sessions.ExpireSession(ctx, sessionID, a.now())
	if apperr.IsKind(err, apperr.KindNotFound) {
		return SessionState{}, temporal.NewNonRetryableApplicationError(
			"session row missing", ErrSessionMissing, err)
	}
	if err != nil {
		return SessionState{}, fmt.Errorf("expire session %s: %w", sessionID, err)
	}
	return stateOf(s), nil
}

func stateOf(s *checkout.Session) SessionState {
	return SessionState{SessionID: s.ID, Status: s.Status, PaymentStatus: s.PaymentStatus, ExpiresAt: s.ExpiresAt}
}
