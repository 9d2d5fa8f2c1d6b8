package wiring_test

import (
	"context"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/chaincheckout/checkout/workflows"
)

// recordSuggestAt is the history length at which the recording server suggests continue-as-new:
// the scanner's and dispatcher's first runs then end after a few dozen iterations, not 500,
// and their recorded histories stay small. Both ways out of a run take the same code path.
const recordSuggestAt = 240

// recordDir is where TestRecordHistories writes; empty when recording was not asked for.
func recordDir() string { return os.Getenv("RECORD_HISTORIES") }

// recordingServerArgs configure the dev server for a recording run only.
func recordingServerArgs() []string {
	if recordDir() == "" {
		return nil
	}
	return []string{"--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=" + strconv.Itoa(recordSuggestAt)}
}

// TestRecordHistories drives each workflow type through the real service and writes its
// history as `temporal workflow show -o json` does, for workflows/replay_test.go. Opt-in:
//
//	RECORD_HISTORIES=$(pwd)/workflows/testdata go test ./adapters/wiring/ -run TestRecordHistories -count=1 -v
func TestRecordHistories(t *testing.T) {
	dir := recordDir()
	if dir == "" {
		t.Skip("opt-in recorder of workflow histories: set RECORD_HISTORIES=<dir> (e.g. $(pwd)/workflows/testdata) to run it")
	}
	ctx := context.Background()
	scannerRun := firstRunOf(t, workflows.ScannerWorkflowID(simChainID))
	dispatcherRun := firstRunOf(t, workflows.DispatcherWorkflowID)
	key, merchantID := newMerchant(t, "Recording Store")
	rec := recorder{dir: dir}
	steps := []struct {
		file string
		run  func(t *testing.T) (workflowID, runID string)
	}{
		{"session_paid.json", func(t *testing.T) (string, string) { return recordPaid(t, key), "" }},
		{"session_underpaid_then_topped_up.json", func(t *testing.T) (string, string) { return recordToppedUp(t, key), "" }},
		{"session_expired.json", func(t *testing.T) (string, string) { return recordExpiredByRequest(t, key), "" }},
		{"session_expired_by_timer.json", func(t *testing.T) (string, string) { return recordExpiredByTimer(ctx, t, key, merchantID), "" }},
		{"session_reorged.json", func(t *testing.T) (string, string) { return recordReorged(t, key), "" }},
		// Recorded before the late-payment policy existed: it must replay past the policy's GetVersion.
		{"session_paid_late.json", func(t *testing.T) (string, string) { return recordPaidLate(t, key), "" }},
		{"delivery_with_retries.json", func(t *testing.T) (string, string) { return recordDelivery(t), "" }},
		// The same once the dispatcher makes attempt 1: the workflow starts at attempt 2.
		{"delivery_after_first_attempt.json", func(t *testing.T) (string, string) { return recordDelivery(t), "" }},
		{"dispatcher.json", func(t *testing.T) (string, string) { return recordDispatcher(t, dispatcherRun), dispatcherRun }},
		{"scanner_continue_as_new.json", func(t *testing.T) (string, string) { return recordScanner(t, scannerRun), scannerRun }},
		// Once select_asset assigns the asset in Postgres and signals the workflow (no Update).
		{"session_paid_asset_assigned_by_api.json", func(t *testing.T) (string, string) { return recordPaid(t, key), "" }},
		{"session_deadline_in_outage.json", func(t *testing.T) (string, string) {
			return recordDeadlineInOutage(ctx, t, key, merchantID), ""
		}},
	}
	for _, s := range steps {
		t.Run(s.file, func(t *testing.T) {
			id, run := s.run(t)
			rec.save(ctx, t, s.file, id, run)
		})
	}
}

// firstRunOf is the run a workflow ID started with (later runs continued it as new).
func firstRunOf(t *testing.T, workflowID string) string {
	t.Helper()
	var run string
	eventually(t, workflowID+" started", func() (bool, error) { // the service starts it beside the tests
		d, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
		run = d.GetWorkflowExecutionInfo().GetFirstRunId()
		return err == nil && run != "", err
	})
	return run
}

func recordPaid(t *testing.T, key string) string {
	sel := openSession(t, key, "tusd@sim")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, sel.str("id"), "complete", func(r response) bool { return r.str("status") == "complete" })
	return workflows.SessionWorkflowID(sel.str("id"))
}

func recordToppedUp(t *testing.T, key string) string {
	sel := openSession(t, key, "tusd@sim")
	id, part := sel.str("id"), big.NewInt(1_000_000)
	it.chain.payToken(t, addressOf(sel), part)
	it.chain.mine(3)
	waitFor(t, key, id, "underpaid", func(r response) bool { return cryptoState(r) == "underpaid" })
	it.chain.payToken(t, addressOf(sel), new(big.Int).Sub(dueOf(t, sel), part))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	return workflows.SessionWorkflowID(id)
}

func recordExpiredByRequest(t *testing.T, key string) string {
	id := openSession(t, key, "tusd@sim").str("id")
	if r := expire(t, key, id); r.status != 200 {
		t.Fatalf("expire: %d %s", r.status, r.raw)
	}
	return workflows.SessionWorkflowID(id)
}

// recordExpiredByTimer reruns a real session's workflow with an expiry seconds away: the API
// allows no expires_at under 30 minutes, and the workflow reads its deadline from its input.
func recordExpiredByTimer(ctx context.Context, t *testing.T, key, merchantID string) string {
	id, wid := rerunWithExpiry(ctx, t, key, merchantID, time.Now().UTC().Add(2*time.Second))
	waitMining(t, key, id, "expired by its timer", func(r response) bool { return r.str("status") == "expired" })
	return wid
}

// rerunWithExpiry creates a session whose workflow (tUSD preselected) and row expire at at,
// nearer than the API's 30-minute minimum allows, and returns its ID and workflow ID.
func rerunWithExpiry(ctx context.Context, t *testing.T, key, merchantID string, at time.Time) (string, string) {
	t.Helper()
	created := postForm(t, "/v1/checkout/sessions", key, validForm(), nil)
	id, wid := created.str("id"), workflows.SessionWorkflowID(created.str("id"))
	firstRunOf(t, wid) // it starts right after the create's answer
	if err := it.temporal.TerminateWorkflow(ctx, wid, "", "recorder: rerun with an expiry the timer can reach"); err != nil {
		t.Fatalf("terminate %s: %v", wid, err)
	}
	if _, err := it.app.DB().ExecContext(ctx, `UPDATE checkout_sessions SET expires_at = $2 WHERE id = $1`, id, at); err != nil {
		t.Fatalf("nearer expiry of %s: %v", id, err)
	}
	_, err := it.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
		workflows.CheckoutSessionWorkflow, workflows.SessionInput{SessionID: id, MerchantID: merchantID,
			ExpiresAt: at, PreselectAsset: "tusd@sim"})
	if err != nil {
		t.Fatalf("rerun %s: %v", wid, err)
	}
	return id, wid
}

// recordStaleAfter is the chain's stale_after_seconds in a recording run.
const recordStaleAfter = 2

// recordDeadlineInOutage is a session whose deadline passes while no block comes (the chain's
// view stale): it stays open, gets the stale time back once blocks come again, then expires.
func recordDeadlineInOutage(ctx context.Context, t *testing.T, key, merchantID string) string {
	head, err := it.chain.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Blocks mined faster than one a second run ahead of the clock: the view goes stale
	// recordStaleAfter seconds after the head's own time, and the deadline comes 2 s into that.
	stale := time.Unix(int64(head.Time)+recordStaleAfter, 0)
	due := time.Now().UTC().Add(2 * time.Second).Truncate(time.Second)
	if d := stale.Add(2 * time.Second).UTC(); d.After(due) {
		due = d
	}
	id, wid := rerunWithExpiry(ctx, t, key, merchantID, due)
	// No block for longer than a quiet scan lasts (15 s): the scanner records the outage.
	time.Sleep(time.Until(stale) + 20*time.Second)
	if r := get(t, "/v1/checkout/sessions/"+id, key); r.str("status") != "open" {
		t.Fatalf("past its deadline in an outage the session is %s, want open: %s", r.str("status"), r.raw)
	}
	r := waitMining(t, key, id, "expired after the time given back", func(r response) bool { return r.str("status") == "expired" })
	if to, _ := cryptoOf(r)["deadline_extended_to"].(float64); int64(to) <= due.Unix() {
		t.Fatalf("expired without the outage's time given back (deadline_extended_to %v, due %d): %s", to, due.Unix(), r.raw)
	}
	return wid
}

// waitMining is waitFor while a block is mined every second, for outcomes that need the chain
// scanned past a time (a recording run's view goes stale within seconds without blocks).
func waitMining(t *testing.T, key, id, what string, cond func(response) bool) response {
	t.Helper()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(time.Second) // no faster: blocks would run ahead of the clock
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				it.chain.mine(1)
			}
		}
	}()
	return waitFor(t, key, id, what, cond)
}

// recordPaidLate is a session expired by request, then paid in its monitoring window.
func recordPaidLate(t *testing.T, key string) string {
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	if r := expire(t, key, id); r.status != http.StatusOK {
		t.Fatalf("expire: %d %s", r.status, r.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "paid_late", func(r response) bool { return cryptoState(r) == "paid_late" })
	return workflows.SessionWorkflowID(id)
}

func recordReorged(t *testing.T, key string) string {
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(1)
	waitFor(t, key, id, "detected", func(r response) bool { return cryptoState(r) == "confirming" })
	it.chain.reorg(t, 1, 3)
	waitFor(t, key, id, "reverted", func(r response) bool {
		p := paymentsOf(r)
		return len(p) == 1 && p[0]["status"] == "reverted" && cryptoState(r) == "awaiting_payment"
	})
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	return workflows.SessionWorkflowID(id)
}

func recordDelivery(t *testing.T) string {
	key, _ := newMerchant(t, "Recording Hooks Store")
	rcv := newReceiver(t, failFirst(2))
	we := endpoint(t, key, rcv.URL, "*")
	evt := expiredEvent(t, key)
	wid := workflows.DeliveryWorkflowID(evt, we.ID, "", false)
	eventually(t, "3 attempts", func() (bool, error) { return rcv.count() >= 3, nil }) // the dispatcher starts it meanwhile
	waitClosed(t, wid, "", 30*time.Second)
	if d := deliveries(t, key, evt); len(d.Data) != 1 || d.Data[0].Status != "succeeded" || len(d.Data[0].Attempts) != 3 {
		t.Fatalf("delivery: %+v", d)
	}
	return wid
}

// recordDispatcher feeds the dispatcher deliveries until its first run continues as new.
func recordDispatcher(t *testing.T, run string) string {
	key, _ := newMerchant(t, "Recording Dispatch Store")
	rcv := newReceiver(t, func(int) int { return http.StatusOK })
	endpoint(t, key, rcv.URL, "*")
	deadline := time.Now().Add(3 * time.Minute)
	for !closed(t, workflows.DispatcherWorkflowID, run) {
		if time.Now().After(deadline) {
			t.Fatalf("the dispatcher's first run %s did not continue as new", run)
		}
		n, runs := rcv.count(), len(history(t, workflows.DispatcherWorkflowID, run))
		expiredEvent(t, key)
		eventually(t, "the delivery", func() (bool, error) { return rcv.count() > n, nil })
		// The activity keeps claiming while rows come: let it end before the next row, so the
		// run takes a dozen rows and not hundreds to grow to the suggested length.
		eventually(t, "the dispatcher's activity to end", func() (bool, error) {
			return len(history(t, workflows.DispatcherWorkflowID, run)) > runs+1, nil
		})
	}
	return workflows.DispatcherWorkflowID
}

// recordScanner commits blocks quickly until the scanner's first run continues as new.
func recordScanner(t *testing.T, run string) string {
	id := workflows.ScannerWorkflowID(simChainID)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				it.chain.mine(1)
			}
		}
	}()
	defer close(stop)
	waitClosed(t, id, run, 3*time.Minute)
	return id
}

func closed(t *testing.T, workflowID, runID string) bool {
	t.Helper()
	d, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflowID, runID)
	if err != nil {
		t.Fatalf("describe %s: %v", workflowID, err)
	}
	return d.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
}

func waitClosed(t *testing.T, workflowID, runID string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !closed(t, workflowID, runID) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (run %q) still running after %s", workflowID, runID, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recorder writes histories where the replay test reads them.
type recorder struct{ dir string }

func (r recorder) save(ctx context.Context, t *testing.T, file, workflowID, runID string) {
	t.Helper()
	settle(ctx, t, workflowID, runID)
	h := &historypb.History{}
	iter := it.temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		h.Events = append(h.Events, ev)
	}
	raw, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(r.dir, file)
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := replay(path); err != nil {
		t.Fatalf("the recording %s does not replay: %v", path, err)
	}
	t.Logf("%s: %s, %d events, %d bytes", file, workflowID, len(h.Events), len(raw)+1)
}

// settle waits until a workflow has no task or activity in flight, so its history ends on a
// completed workflow task (a running workflow is recorded as far as it got).
func settle(ctx context.Context, t *testing.T, workflowID, runID string) {
	t.Helper()
	var last int64 = -1
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		d, err := it.temporal.DescribeWorkflowExecution(ctx, workflowID, runID)
		if err != nil {
			t.Fatalf("describe %s: %v", workflowID, err)
		}
		n := d.GetWorkflowExecutionInfo().GetHistoryLength()
		if d.GetPendingWorkflowTask() == nil && len(d.GetPendingActivities()) == 0 && n == last {
			return
		}
		last = n
	}
	t.Fatalf("%s never settled", workflowID)
}

// replay loads a written file the way workflows/replay_test.go does.
func replay(path string) error {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflowWithOptions(workflows.CheckoutSession, workflow.RegisterOptions{Name: workflows.CheckoutSessionWorkflow})
	r.RegisterWorkflowWithOptions(workflows.ChainScanner, workflow.RegisterOptions{Name: workflows.ChainScannerWorkflow})
	r.RegisterWorkflowWithOptions(workflows.WebhookDelivery, workflow.RegisterOptions{Name: workflows.WebhookDeliveryWorkflow})
	r.RegisterWorkflowWithOptions(workflows.WebhookDispatcher, workflow.RegisterOptions{Name: workflows.DispatcherWorkflow})
	r.RegisterWorkflowWithOptions(workflows.Subscription, workflow.RegisterOptions{Name: workflows.SubscriptionWorkflow})
	return r.ReplayWorkflowHistoryFromJSONFile(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)), path)
}
