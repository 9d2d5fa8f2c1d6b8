package checkout

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
)

// Encoder renders a session as the API shows it, for event payloads.
type Encoder interface {
	EncodeSession(ctx context.Context, s *Session) (json.RawMessage, error)
}

// TransitionFunc turns a change of a session into the events to record with it.
type TransitionFunc func(before, after *Session) ([]event.Event, error)

// TransitionEvents names the events a change of a session from before to after stands for.
// It depends only on the two states, so a retried change (before == after) emits nothing.
func TransitionEvents(before, after *Session) []string {
	var types []string
	if after.Crypto.PaymentsSeen > before.Crypto.PaymentsSeen || after.Crypto.PaymentsLive > before.Crypto.PaymentsLive {
		types = append(types, event.SessionPaymentDetected)
	}
	if before.Crypto.State != after.Crypto.State {
		switch after.Crypto.State {
		case chain.StateUnderpaid:
			types = append(types, event.SessionUnderpaid)
		case chain.StatePaidLate:
			types = append(types, event.SessionPaidLate)
		}
	}
	// A payment the merchant was told of left the chain (a reorg), whether or not it counted yet.
	if after.Crypto.PaymentsLive < before.Crypto.PaymentsLive ||
		(before.Crypto.State != after.Crypto.State && after.Crypto.State == chain.StateReverted) {
		types = append(types, event.SessionPaymentReverted)
	}
	if before.Status != after.Status {
		switch after.Status {
		case StatusComplete:
			types = append(types, event.SessionCompleted)
		case StatusExpired:
			types = append(types, event.SessionExpired)
		}
	}
	return types
}

// CompletesLinkSession returns the payment link whose session this change completes ("" if
// none): each such completion counts toward the link's completed_sessions limit, once.
func CompletesLinkSession(before, after *Session) string {
	if after.PaymentLink != "" && before.Status != StatusComplete && after.Status == StatusComplete {
		return after.PaymentLink
	}
	return ""
}

// transitionEvents builds the event rows for a change, with the object as it now is.
func (s *Service) transitionEvents(ctx context.Context, before, after *Session, payments []chain.Payment) ([]event.Event, error) {
	types := TransitionEvents(before, after)
	if len(types) == 0 {
		return nil, nil
	}
	after.Crypto.Payments = payments
	obj, err := s.enc.EncodeSession(ctx, after)
	if err != nil {
		return nil, fmt.Errorf("encode session %s: %w", after.ID, err)
	}
	prev := map[string]any{}
	if before.Status != after.Status {
		prev["status"], prev["payment_status"] = before.Status, before.PaymentStatus
	}
	if before.Crypto.State != after.Crypto.State || before.Crypto.PaymentsSeen != after.Crypto.PaymentsSeen {
		prev["crypto"] = map[string]any{"state": before.Crypto.State, "amount_received": fmt.Sprint(before.Crypto.AmountReceived)}
	}
	prevJSON, err := json.Marshal(prev)
	if err != nil {
		return nil, err
	}
	events := make([]event.Event, 0, len(types))
	for _, t := range types {
		events = append(events, event.Event{ID: ident.New("evt"), Type: t, MerchantID: after.MerchantID,
			Livemode: after.Livemode, SessionID: after.ID, Created: s.now(), Object: obj, PreviousAttributes: prevJSON,
			Request: event.RequestFrom(ctx)})
	}
	return events, nil
}
