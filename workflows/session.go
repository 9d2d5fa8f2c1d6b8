package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/checkout"
)

// SessionInput starts a session workflow; the row in Postgres holds everything else.
type SessionInput struct {
	SessionID         string
	MerchantID        string
	Livemode          bool
	ClientReferenceID string
	ExpiresAt         time.Time
}

// SessionState is the workflow's live view, returned by the state query and the updates.
type SessionState struct {
	SessionID     string
	Status        checkout.Status
	PaymentStatus checkout.PaymentStatus
	ExpiresAt     time.Time
	ExpiredBy     string // "timer" or "request" once expired
	Orphaned      bool   // the row was never committed or was removed: the workflow ended itself
}

// ExpireRequest is the expire update's argument (empty for now; a struct so it can grow).
type ExpireRequest struct{}

type sessionWorkflow struct {
	in       SessionInput
	state    SessionState
	checked  bool // SessionRecorded answered
	expiring bool
}

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: []string{ErrSessionMissing},
	},
}

// CheckoutSession is one checkout session's life: it confirms its row exists, then waits
// for the expiry timer or an expire request, whichever comes first.
func CheckoutSession(ctx workflow.Context, in SessionInput) (SessionState, error) {
	w := &sessionWorkflow{in: in, state: SessionState{
		SessionID: in.SessionID, Status: checkout.StatusOpen,
		PaymentStatus: checkout.PaymentUnpaid, ExpiresAt: in.ExpiresAt,
	}}
	if err := w.setup(ctx); err != nil {
		return w.state, err
	}
	return w.run(workflow.WithActivityOptions(ctx, activityOptions))
}

func (w *sessionWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (SessionState, error) {
		return w.state, nil
	}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateExpire,
		func(ctx workflow.Context, _ ExpireRequest) (SessionState, error) {
			ctx = workflow.WithActivityOptions(ctx, activityOptions)
			if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
				return w.state, err
			}
			if err := w.expire(ctx, "request"); err != nil {
				return w.state, err
			}
			return w.state, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ExpireRequest) error {
			if w.state.Status != checkout.StatusOpen || w.state.Orphaned {
				return temporal.NewApplicationError("session is "+string(w.state.Status), ErrNotOpen)
			}
			return nil
		}})
}

func (w *sessionWorkflow) run(ctx workflow.Context) (SessionState, error) {
	var recorded bool
	if err := workflow.ExecuteActivity(ctx, (*Activities).SessionRecorded, w.in.SessionID).Get(ctx, &recorded); err != nil {
		return w.state, err
	}
	w.checked = true
	if !recorded {
		workflow.GetLogger(ctx).Warn("session row was never committed; ending", "session", w.in.SessionID)
		return w.orphan(ctx)
	}
	if left := w.in.ExpiresAt.Sub(workflow.Now(ctx)); left > 0 {
		if _, err := workflow.AwaitWithTimeout(ctx, left, func() bool { return w.state.Status != checkout.StatusOpen || w.state.Orphaned }); err != nil {
			return w.state, err
		}
	}
	if err := w.expire(ctx, "timer"); err != nil {
		return w.state, err
	}
	// Let an in-flight expire update reply before the workflow closes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return w.state, err
	}
	if w.state.Orphaned {
		return w.orphan(ctx)
	}
	return w.state, nil
}

// expire runs the idempotent ExpireSession activity once even if the timer and a request race.
func (w *sessionWorkflow) expire(ctx workflow.Context, by string) error {
	if w.expiring {
		return workflow.Await(ctx, func() bool { return !w.expiring })
	}
	if w.state.Status != checkout.StatusOpen || w.state.Orphaned {
		return nil
	}
	w.expiring = true
	defer func() { w.expiring = false }()
	var st SessionState
	err := workflow.ExecuteActivity(ctx, (*Activities).ExpireSession, w.in.SessionID).Get(ctx, &st)
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == ErrSessionMissing {
		w.state.Orphaned = true
		return nil
	}
	if err != nil {
		return err
	}
	st.ExpiredBy = by
	if st.Status != checkout.StatusExpired {
		st.ExpiredBy = ""
	}
	w.state = st
	return workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(st.Status)))
}

func (w *sessionWorkflow) orphan(ctx workflow.Context) (SessionState, error) {
	w.state.Orphaned = true
	return w.state, workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet("orphaned"))
}
