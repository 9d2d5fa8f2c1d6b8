package checkout

import (
	"sort"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// StepKind is what happened at one step of a session's timeline: the two below, or the type
// of an event recorded about the session (event.SessionPaymentDetected, …).
type StepKind string

const (
	StepCreated          StepKind = "created"           // the session was created
	StepQuoted           StepKind = "quoted"            // its asset was chosen and quoted (the latest quote)
	StepPaymentConfirmed StepKind = "payment_confirmed" // one of its payments reached its confirmations
)

// Step is one moment of a session's life.
type Step struct {
	At      time.Time
	Kind    StepKind
	EventID string // the event recorded, when the step is one
	TxHash  string // the payment's transaction, for StepPaymentConfirmed
	AssetID string // the asset quoted, for StepQuoted
}

// Timeline tells a session's life oldest first: its creation, its latest quote, each payment
// confirmed (the payments in sess.Crypto.Payments; dust never counts, so it is left out), and
// events, the events recorded about it, given oldest first. Events about another session are
// left out. Steps at the same moment keep that order: creation, quote, payments, events.
func Timeline(sess *Session, events []event.Event) []Step {
	steps := []Step{{At: sess.CreatedAt, Kind: StepCreated}}
	if sess.Crypto.AssetID != "" && !sess.Crypto.QuotedAt.IsZero() {
		steps = append(steps, Step{At: sess.Crypto.QuotedAt, Kind: StepQuoted, AssetID: sess.Crypto.AssetID})
	}
	for _, p := range sess.Crypto.Payments {
		if !p.Dust && !p.ConfirmedAt.IsZero() {
			steps = append(steps, Step{At: p.ConfirmedAt, Kind: StepPaymentConfirmed, TxHash: p.TxHash})
		}
	}
	for _, e := range events {
		if e.SessionID == sess.ID {
			steps = append(steps, Step{At: e.Created, Kind: StepKind(e.Type), EventID: e.ID})
		}
	}
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].At.Before(steps[j].At) })
	return steps
}
