package workflows

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/catalog"
)

// billingFake holds one subscription and its invoices in memory and answers the workflow's
// activities with the real billing rules at the test environment's (skipped) time.
type billingFake struct {
	sub  *billing.Subscription
	invs map[string]*billing.Invoice
	d    billing.Dunning
}

func newBillingFake(anchor string, plan billing.Plan) *billingFake {
	a, err := time.Parse(time.DateTime, anchor)
	if err != nil {
		panic(err)
	}
	s := &billing.Subscription{ID: "sub_1", Status: billing.StatusActive, Currency: "usd", Plan: plan, Anchor: a,
		CurrentPeriodStart: a, CurrentPeriodEnd: plan.PeriodBoundary(a, 1), DaysUntilDue: 3,
		Items: []billing.Item{{Amount: 1500}}, LatestInvoice: billing.InvoiceID("sub_1", 0)}
	first := &billing.Invoice{ID: s.LatestInvoice, Status: billing.InvoicePaid, PeriodStart: a, PeriodEnd: s.CurrentPeriodEnd}
	return &billingFake{sub: s, invs: map[string]*billing.Invoice{first.ID: first}, d: billing.DefaultDunning}
}

func (f *billingFake) latest() *billing.Invoice { return f.invs[f.sub.LatestInvoice] }

func (f *billingFake) mock(env *testsuite.TestWorkflowEnvironment) {
	var a *SubscriptionActivities
	env.OnActivity(a.AdvanceSubscription, mock.Anything, f.sub.ID).Return(func(context.Context, string) (SubscriptionState, error) {
		step := f.sub.Advance(f.latest(), f.d, env.Now())
		if step.Renewed != nil {
			f.invs[step.Renewed.ID] = step.Renewed
		}
		return SubscriptionStateOf(f.sub, f.latest(), f.d), nil
	})
	env.OnActivity(a.PayInvoice, mock.Anything, f.sub.ID, mock.Anything).Return(func(_ context.Context, _ string, p InvoicePaidSignal) error {
		return f.sub.Pay(f.invs[p.InvoiceID], env.Now())
	})
	env.OnActivity(a.CancelSubscription, mock.Anything, f.sub.ID).Return(func(context.Context, string) error {
		return f.sub.Cancel(f.latest(), env.Now())
	})
	env.OnActivity(a.UpdateSubscription, mock.Anything, f.sub.ID, mock.Anything).Return(func(_ context.Context, _ string, u billing.UpdateRequest) error {
		return f.sub.Apply(u, nil, env.Now())
	})
	env.OnActivity(a.SetSubscriptionClock, mock.Anything, f.sub.ID, mock.Anything).Return(func(_ context.Context, _ string, at time.Time) error {
		return f.sub.SetClock(at, env.Now())
	})
}

// runOutcome is how one run of the workflow ended.
type runOutcome struct {
	continued bool // continued as new (a renewal)
	end       time.Time
	state     SubscriptionState
}

// runOnce runs the subscription's workflow from start until it continues as new or ends;
// setup registers what happens during the run (payments, requests) relative to its start.
func (f *billingFake) runOnce(t *testing.T, start time.Time, setup func(env *testsuite.TestWorkflowEnvironment)) runOutcome {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(Subscription, workflow.RegisterOptions{Name: SubscriptionWorkflow})
	var a *SubscriptionActivities
	env.RegisterActivity(a)
	env.SetStartTime(start)
	f.mock(env)
	if setup != nil {
		setup(env)
	}
	env.ExecuteWorkflow(SubscriptionWorkflow, SubscriptionInput{SubscriptionID: f.sub.ID, MerchantID: "acct_1"})
	out := runOutcome{end: env.Now().UTC()}
	var can *workflow.ContinueAsNewError
	switch err := env.GetWorkflowError(); {
	case errors.As(err, &can):
		out.continued = true
	case err != nil:
		t.Fatalf("run from %s: %v", start, err)
	default:
		if err := env.GetWorkflowResult(&out.state); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// payAfter signals, d into the run, that the latest invoice's session completed.
func (f *billingFake) payAfter(d time.Duration) func(*testsuite.TestWorkflowEnvironment) {
	return func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalInvoicePaid, InvoicePaidSignal{InvoiceID: f.sub.LatestInvoice, SessionID: "cs_1"})
		}, d)
	}
}

func requestAfter(t *testing.T, d time.Duration, name string, args ...any) func(*testsuite.TestWorkflowEnvironment) {
	return func(env *testsuite.TestWorkflowEnvironment) {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(name, name, &testsuite.TestUpdateCallback{
				OnReject:   func(err error) { t.Errorf("%s rejected: %v", name, err) },
				OnComplete: func(_ any, err error) { t.Helper(); noErr(t, name, err) },
			}, args...)
		}, d)
	}
}

func noErr(t *testing.T, what string, err error) {
	if err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Thirteen monthly periods from Jan 31, each invoice paid an hour into its period: one run
// (one short history) per period, each renewal at the calendar's period end.
func TestSubscriptionRenewsThirteenMonthsFromJan31(t *testing.T) {
	f := newBillingFake("2027-01-31 10:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	start := f.sub.Anchor
	var renewals []string
	for range 13 {
		out := f.runOnce(t, start, f.payAfter(time.Hour))
		if !out.continued || !out.end.Equal(f.sub.CurrentPeriodStart) {
			t.Fatalf("run from %s: continued %v at %s, want a renewal at %s", start, out.continued, out.end, f.sub.CurrentPeriodStart)
		}
		renewals = append(renewals, out.end.Format("2006-01-02"))
		start = out.end
	}
	want := []string{"2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31", "2027-06-30", "2027-07-31", "2027-08-31",
		"2027-09-30", "2027-10-31", "2027-11-30", "2027-12-31", "2028-01-31", "2028-02-29"}
	for i := range want {
		if renewals[i] != want[i] {
			t.Fatalf("renewals %v, want %v", renewals, want)
		}
	}
	paid := 0
	for _, inv := range f.invs {
		if inv.Status == billing.InvoicePaid && inv.Attempts == 0 {
			paid++
		}
	}
	if paid != 13 || f.sub.Status != billing.StatusActive || f.latest().Status != billing.InvoiceOpen {
		t.Errorf("paid %d of 14 invoices (the 14th just opened), status %s", paid, f.sub.Status)
	}
}

// Paid two days after its due date: one failed try (past_due), then active again, and the
// period still ends on time.
func TestSubscriptionPaidLate(t *testing.T) {
	f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	renewal := f.runOnce(t, f.sub.Anchor, nil)
	out := f.runOnce(t, renewal.end, f.payAfter(5*24*time.Hour))
	inv := f.invs[billing.InvoiceID("sub_1", 1)]
	if !out.continued || !out.end.Equal(day("2027-05-01 00:00:00")) || inv.Status != billing.InvoicePaid || inv.Attempts != 1 {
		t.Fatalf("continued %v at %s; invoice %s after %d failed tries", out.continued, out.end, inv.Status, inv.Attempts)
	}
	if f.sub.Status != billing.StatusActive {
		t.Errorf("status %s after the late payment", f.sub.Status)
	}
}

// Never paid: three tries over seven days after the due date, then canceled and the invoice
// written off; the workflow ends there.
func TestSubscriptionNeverPaidIsCanceledByDunning(t *testing.T) {
	f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	renewal := f.runOnce(t, f.sub.Anchor, nil)
	out := f.runOnce(t, renewal.end, nil)
	due := day("2027-04-04 00:00:00") // renewed Apr 1, due three days later
	if out.continued || !out.state.Ended || !out.end.Equal(due.Add(7*24*time.Hour)) {
		t.Fatalf("run: %+v", out)
	}
	if inv := f.latest(); f.sub.Status != billing.StatusCanceled || inv.Status != billing.InvoiceUncollectible || inv.Attempts != 3 {
		t.Fatalf("status %s, invoice %s after %d tries", f.sub.Status, inv.Status, inv.Attempts)
	}
}

// cancel_at_period_end set during the period ends the subscription at the period's end.
func TestSubscriptionCanceledAtPeriodEnd(t *testing.T) {
	f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	yes := true
	out := f.runOnce(t, f.sub.Anchor, requestAfter(t, 24*time.Hour, UpdateSubscription, billing.UpdateRequest{CancelAtPeriodEnd: &yes}))
	if out.continued || !out.end.Equal(day("2027-04-01 00:00:00")) || f.sub.Status != billing.StatusCanceled ||
		!f.sub.EndedAt.Equal(out.end) || !f.sub.CanceledAt.Equal(day("2027-03-02 00:00:00")) {
		t.Fatalf("run %+v; subscription %+v", out, f.sub)
	}
}

// DELETE cancels at once: the workflow ends when the request is made.
func TestSubscriptionCanceledNow(t *testing.T) {
	f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	out := f.runOnce(t, f.sub.Anchor, requestAfter(t, 48*time.Hour, UpdateSubscriptionCancel))
	if out.continued || !out.end.Equal(day("2027-03-03 00:00:00")) || f.sub.Status != billing.StatusCanceled {
		t.Fatalf("run %+v; status %s", out, f.sub.Status)
	}
}

// Every three months from Nov 30: Feb 28, May 30, Aug 30.
func TestSubscriptionEveryThreeMonths(t *testing.T) {
	f := newBillingFake("2026-11-30 12:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 3})
	start := f.sub.Anchor
	for _, want := range []string{"2027-02-28 12:00:00", "2027-05-30 12:00:00", "2027-08-30 12:00:00"} {
		out := f.runOnce(t, start, f.payAfter(time.Hour))
		if !out.continued || !out.end.Equal(day(want)) {
			t.Fatalf("renewal at %s (continued %v), want %s", out.end, out.continued, want)
		}
		start = out.end
	}
}

// A test clock moved past the period's end renews at once, in real (workflow) time.
func TestSubscriptionTestClockRenewsAtOnce(t *testing.T) {
	f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
	out := f.runOnce(t, f.sub.Anchor, requestAfter(t, time.Hour, UpdateTestClock, ClockRequest{FrozenTime: day("2027-04-01 00:01:00")}))
	if !out.continued || !out.end.Equal(day("2027-03-01 01:00:00")) || f.sub.Period != 1 {
		t.Fatalf("run %+v, period %d", out, f.sub.Period)
	}
}

// collectorFake answers the collection activities with the real billing rules: the collector
// says reason ("" collectable), a send reverts in the node's estimate when wouldRevert, and
// the transaction is confirmed at the confirmAt-th look.
type collectorFake struct {
	reason      string
	wouldRevert bool
	confirmAt   int
	looks, sent int
}

func (f *billingFake) mockCollection(env *testsuite.TestWorkflowEnvironment, c *collectorFake) {
	var a *SubscriptionActivities
	f.sub.CollectionMethod, f.sub.Mandate = billing.ChargeAutomatically, &billing.MandateTerms{ID: billing.MandateID("cs_1"), ChainID: 1337}
	env.OnActivity(a.StartCollection, mock.Anything, f.sub.ID).Return(func(context.Context, string) (billing.CollectionStep, error) {
		inv := f.latest()
		step := billing.CollectionStep{InvoiceID: inv.ID}
		if !f.sub.CollectsAutomatically(inv) {
			return step, nil
		}
		if c.reason != "" {
			f.sub.FailCollection(inv, c.reason)
			return step, nil
		}
		step.Send, step.ChainID, step.Key, step.To, step.Data = true, 1337, billing.CollectionKey(inv.ID), "0xcc", []byte{1}
		return step, f.sub.StartCollection(inv)
	})
	env.OnActivity(a.RequestCollection, mock.Anything, mock.Anything).Return(func(context.Context, SendTxRequest) (string, error) {
		c.sent++
		if c.wouldRevert {
			return "", temporal.NewNonRetryableApplicationError("execution reverted", ErrWouldRevert, nil)
		}
		return "0xtx", nil
	})
	env.OnActivity(a.CheckCollection, mock.Anything, f.sub.ID, mock.Anything).Return(func(_ context.Context, _, id string) (billing.CollectionStatus, error) {
		if c.looks++; c.looks < c.confirmAt {
			return billing.CollectionPending, nil
		}
		return billing.CollectionSucceeded, f.sub.Collected(f.invs[id], "0xtx", env.Now())
	})
	env.OnActivity(a.FailCollection, mock.Anything, f.sub.ID, mock.Anything, mock.Anything).Return(func(_ context.Context, _, id, reason string) error {
		f.sub.FailCollection(f.invs[id], reason)
		return nil
	})
}

// charge_automatically: each renewal's invoice is collected through the mandate and paid once
// its transaction is confirmed, before the run continues as new; a collection the collector
// refuses, or the node says would revert, leaves the invoice to be paid on its hosted page.
func TestSubscriptionCollectedAutomatically(t *testing.T) {
	cases := []struct {
		name      string
		c         collectorFake
		paid      bool
		method    billing.CollectionMethod
		reason    string
		sent      int
		wantLooks int
	}{
		{"collected and confirmed at the third look", collectorFake{confirmAt: 3}, true, billing.ChargeAutomatically, "", 1, 3},
		{"allowance revoked: sent as an invoice", collectorFake{reason: billing.ReasonAllowance}, false, billing.SendInvoice, billing.ReasonAllowance, 0, 0},
		{"the node says it would revert", collectorFake{wouldRevert: true}, false, billing.SendInvoice, billing.ReasonWouldRevert, 1, 0},
		{"not mined for a hundred looks: the run continues as new, still waiting", collectorFake{confirmAt: 1000}, false,
			billing.ChargeAutomatically, "", 1, collectLooks},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newBillingFake("2027-03-01 00:00:00", billing.Plan{Interval: catalog.Month, IntervalCount: 1})
			c := tc.c
			out := f.runOnce(t, f.sub.Anchor, func(env *testsuite.TestWorkflowEnvironment) { f.mockCollection(env, &c) })
			inv := f.invs[billing.InvoiceID("sub_1", 1)]
			if !out.continued || f.sub.Period != 1 || (inv.Status == billing.InvoicePaid) != tc.paid ||
				inv.CollectionMethod() != tc.method || inv.AutoCollection.FailureReason != tc.reason || c.sent != tc.sent || c.looks != tc.wantLooks {
				t.Fatalf("continued %v, period %d, invoice %s %s %+v, sent %d, looks %d", out.continued, f.sub.Period, inv.Status,
					inv.CollectionMethod(), inv.AutoCollection, c.sent, c.looks)
			}
			if tc.paid && !out.end.After(day("2027-04-01 00:00:00")) {
				t.Errorf("the run ended at %s, before its collection was confirmed", out.end)
			}
		})
	}
}
