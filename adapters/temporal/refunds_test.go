package temporal_test

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	temporaladapter "github.com/chaincheckout/checkout/adapters/temporal"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/workflows"
)

// refundWorld is a dev server running the real session and refund workflows; their
// activities are stand-ins answering from memory (registered under the real names), so
// what is tested is the adapter and the workflows' contract on a real server.
type refundWorld struct {
	t       *testing.T
	c       client.Client
	refunds *temporaladapter.Refunds
	orch    *temporaladapter.Orchestrator

	mu       sync.Mutex
	rows     map[string]checkout.Status // sessions' rows
	applied  map[string]int             // ApplyResolution runs per session
	refuse   map[string]bool            // sessions whose resolution the rules refuse
	steps    map[string]refund.Step     // what AdvanceRefund answers per refund
	advanced map[string]int             // AdvanceRefund runs per refund
	params   map[string]refund.ResolveParams
}

func newRefundWorld(t *testing.T) *refundWorld {
	t.Helper()
	c := devServer(t)
	ctx := context.Background()
	if err := temporaladapter.EnsureSearchAttributes(ctx, c, "default"); err != nil {
		t.Fatal(err)
	}
	w := &refundWorld{t: t, c: c, rows: map[string]checkout.Status{}, applied: map[string]int{}, refuse: map[string]bool{},
		steps: map[string]refund.Step{}, advanced: map[string]int{}, params: map[string]refund.ResolveParams{}}
	var err error
	if w.refunds, err = temporaladapter.NewRefunds(c); err != nil {
		t.Fatal(err)
	}
	if w.orch, err = temporaladapter.NewOrchestrator(c); err != nil {
		t.Fatal(err)
	}
	wk := worker.New(c, workflows.TaskQueue, worker.Options{})
	wk.RegisterWorkflowWithOptions(workflows.CheckoutSession, workflow.RegisterOptions{Name: workflows.CheckoutSessionWorkflow})
	wk.RegisterWorkflowWithOptions(workflows.Refund, workflow.RegisterOptions{Name: workflows.RefundWorkflow})
	for name, fn := range map[string]any{
		"Reconcile":         w.reconcile,
		"ExpireSessionAt":   w.expire,
		"AwaitChainScanned": func(context.Context, string, time.Time) (bool, error) { return true, nil },
		"AwaitDeadline": func(_ context.Context, _ string, due time.Time) (checkout.DeadlineCheck, error) {
			return checkout.DeadlineCheck{Due: due, Ready: true}, nil
		},
		"CheckNativeBalance": func(context.Context, string) (bool, error) { return false, nil },
		"ApplyResolution":    w.apply,
		"AdvanceRefund":      w.advance,
	} {
		wk.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := wk.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wk.Stop)
	return w
}

func (w *refundWorld) state(id string) workflows.SessionState {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := workflows.SessionState{SessionID: id, Status: w.rows[id], CryptoState: chain.StateAwaitingPayment, AmountReceived: "0"}
	if st.Status == checkout.StatusComplete {
		st.PaymentStatus = checkout.PaymentPaid
	}
	return st
}

func (w *refundWorld) reconcile(_ context.Context, id string) (workflows.SessionState, error) {
	return w.state(id), nil
}

func (w *refundWorld) expire(_ context.Context, id string, _ time.Time, _ any) (workflows.SessionState, error) {
	w.mu.Lock()
	w.rows[id] = checkout.StatusExpired
	w.mu.Unlock()
	return w.state(id), nil
}

// refusal is the shape activities give a use case's refusal (workflows.RefusalOf reads it).
type refusal struct {
	Kind                 apperr.Kind
	Code, Param, Message string
}

func (w *refundWorld) apply(_ context.Context, id string, p refund.ResolveParams) (refund.Resolved, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.refuse[id] {
		return refund.Resolved{}, temporal.NewNonRetryableApplicationError("refused", workflows.ErrRefused, nil,
			refusal{Kind: apperr.KindConflict, Code: "charge_already_refunded", Message: "Nothing is left to refund."})
	}
	w.applied[id]++
	w.params[id] = p
	if p.Action == refund.ActionAccept {
		w.rows[id] = checkout.StatusComplete
	}
	return refund.Resolved{SessionID: id, Refund: p.Refund.ID}, nil
}

func (w *refundWorld) advance(_ context.Context, id string) (refund.Step, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.advanced[id]++
	return w.steps[id], nil
}

// session starts a session's real workflow, expiring after expiresIn.
func (w *refundWorld) session(id string, expiresIn time.Duration) *checkout.Session {
	w.t.Helper()
	s := &checkout.Session{ID: id, MerchantID: "acct_1", Status: checkout.StatusOpen, ExpiresAt: time.Now().Add(expiresIn).UTC()}
	w.mu.Lock()
	w.rows[id] = checkout.StatusOpen
	w.mu.Unlock()
	if err := w.orch.StartSession(context.Background(), s); err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *refundWorld) until(what string, cond func() bool) {
	w.t.Helper()
	waitFor(w.t, what, 30*time.Second, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return cond()
	})
}

func (w *refundWorld) read(f func() int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return f()
}

func conflictCode(err error) string {
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindConflict {
		return e.Code
	}
	return ""
}

// The resolve Update reaches the session's workflow during its monitoring window: refused
// while the session is open, applied once per idempotency key, its refusals the API's errors;
// a workflow that no longer runs (or never ran) leaves the resolution to the caller.
func TestRefundsResolve(t *testing.T) {
	w := newRefundWorld(t)
	ctx := context.Background()

	open := w.session("cs_test_open", time.Hour)
	if _, _, err := w.refunds.Resolve(ctx, open, refund.ResolveParams{Action: refund.ActionAccept}); conflictCode(err) != "session_not_resolvable" {
		t.Fatalf("resolve while open: %v, want session_not_resolvable", err)
	}

	s := w.session("cs_test_accept", time.Second)
	w.until("expired", func() bool { return w.rows[s.ID] == checkout.StatusExpired })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) { // the run heard of it too
		if st, err := w.orch.QueryState(ctx, s.ID); err == nil && st.Status == checkout.StatusExpired {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the workflow never reported the session expired")
		}
	}
	keyed := idempotency.WithKey(ctx, idempotency.Key{Scope: idempotency.Scope{MerchantID: "acct_1"}, Value: "resolve-1"})
	for range 2 { // a retry of the same request attaches to the first update
		res, ok, err := w.refunds.Resolve(keyed, s, refund.ResolveParams{Action: refund.ActionAccept})
		if err != nil || !ok || res.SessionID != s.ID {
			t.Fatalf("accept: %+v, %v, %v", res, ok, err)
		}
	}
	if n := w.read(func() int { return w.applied[s.ID] }); n != 1 {
		t.Fatalf("applied %d times for one idempotency key", n)
	}
	st, err := w.orch.QueryState(ctx, s.ID)
	if err != nil || st.Status != checkout.StatusComplete {
		t.Fatalf("the workflow holds %s (%v), want the accepted session complete", st.Status, err)
	}
	waitFor(t, "CheckoutStatus complete", 30*time.Second, func() bool {
		d, err := w.c.DescribeWorkflowExecution(ctx, workflows.SessionWorkflowID(s.ID), "")
		if err != nil {
			return false
		}
		v, ok := d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.AttrCheckoutStatus.GetName()]
		return ok && string(v.GetData()) == `"complete"`
	})

	// A refund's params cross the workflow intact.
	dest := "0x00000000000000000000000000000000000b0b01"
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10) // beyond float64's exact integers
	res, ok, err := w.refunds.Resolve(ctx, s, refund.ResolveParams{Action: refund.ActionRefund,
		Refund: refund.CreateParams{ID: "re_1", Session: s.ID, Destination: dest, ClaimTTL: 2 * time.Hour, CryptoAmount: huge}})
	w.mu.Lock()
	got := w.params[s.ID].Refund
	w.mu.Unlock()
	if err != nil || !ok || res.Refund != "re_1" || got.Destination != dest || got.ClaimTTL != 2*time.Hour ||
		got.CryptoAmount == nil || got.CryptoAmount.Cmp(huge) != 0 {
		t.Fatalf("refund: %+v, %v, %v; applied %+v", res, ok, err, got)
	}

	w.mu.Lock()
	w.refuse[s.ID] = true
	w.mu.Unlock()
	if _, _, err := w.refunds.Resolve(ctx, s, refund.ResolveParams{Action: refund.ActionRefund}); conflictCode(err) != "charge_already_refunded" {
		t.Fatalf("refused resolution: %v, want charge_already_refunded", err)
	}

	if err := w.c.TerminateWorkflow(ctx, workflows.SessionWorkflowID(s.ID), "", "window over"); err != nil {
		t.Fatal(err)
	}
	for _, sess := range []*checkout.Session{s, {ID: "cs_test_never_started"}} {
		if _, ok, err := w.refunds.Resolve(ctx, sess, refund.ResolveParams{Action: refund.ActionAccept}); ok || err != nil {
			t.Fatalf("resolve of %s with no workflow running: ok %v, %v; want ok false, no error", sess.ID, ok, err)
		}
	}
	w.recordHistory(t, "session_resolved.json", workflows.SessionWorkflowID(s.ID))
}

// Nudge starts refund/<id> (with its merchant as a search attribute) or signals the running
// one; a final refund is only signalled, so an ended workflow is never started again.
func TestRefundsNudge(t *testing.T) {
	w := newRefundWorld(t)
	ctx := context.Background()
	r := refund.Refund{ID: "re_test_nudge", MerchantID: "acct_1", Status: refund.StatusPending}
	id := workflows.RefundWorkflowID(r.ID)
	if err := w.refunds.Nudge(ctx, r); err != nil {
		t.Fatal(err)
	}
	w.until("first look", func() bool { return w.advanced[r.ID] == 1 })
	run := runningRun(t, w.c, id)
	if err := w.refunds.Nudge(ctx, r); err != nil {
		t.Fatal(err)
	}
	w.until("second look", func() bool { return w.advanced[r.ID] == 2 })
	if again := runningRun(t, w.c, id); again != run || run == "" {
		t.Fatalf("a nudge of a running refund started run %q, was %q", again, run)
	}
	d, err := w.c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if v := d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.AttrMerchantID.GetName()]; string(v.GetData()) != `"acct_1"` {
		t.Fatalf("MerchantID search attribute %q", v.GetData())
	}

	w.mu.Lock()
	w.steps[r.ID] = refund.Step{Done: true}
	w.mu.Unlock()
	r.Status = refund.StatusCanceled
	if err := w.refunds.Nudge(ctx, r); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the workflow ends", 30*time.Second, func() bool { return runningRun(t, w.c, id) == "" })
	if err := w.refunds.Nudge(ctx, r); err != nil { // e.g. a second cancel
		t.Fatalf("nudge of an ended refund: %v", err)
	}
	time.Sleep(time.Second)
	if d, err := w.c.DescribeWorkflowExecution(ctx, id, ""); err != nil || d.GetWorkflowExecutionInfo().GetExecution().GetRunId() != run {
		t.Fatalf("a final refund's nudge started a run: %v", err)
	}
	if n := w.read(func() int { return w.advanced[r.ID] }); n != 3 {
		t.Fatalf("%d looks, want 3", n)
	}
	w.recordHistory(t, "refund_canceled.json", id)
}

// recordHistory writes a workflow's history for workflows/replay_test.go when
// RECORD_HISTORIES names a folder (see adapters/wiring's TestRecordHistories).
func (w *refundWorld) recordHistory(t *testing.T, file, workflowID string) {
	t.Helper()
	dir := os.Getenv("RECORD_HISTORIES")
	if dir == "" {
		return
	}
	ctx := context.Background()
	h := &historypb.History{}
	iter := w.c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	raw, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d events", file, len(h.Events))
}
