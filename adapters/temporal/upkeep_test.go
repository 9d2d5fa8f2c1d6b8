package temporal_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/adapters/postgres"
	temporaladapter "github.com/chaincheckout/checkout/adapters/temporal"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/workflows"
)

func devServer(t *testing.T) client.Client {
	t.Helper()
	wiringtest.NeedsServices(t)
	srv, err := wiringtest.Temporal(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv.Client()
}

// waitFor polls until cond holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runningRun is the run ID of the workflow's running execution ("" when none runs).
func runningRun(t *testing.T, c client.Client, id string) string {
	t.Helper()
	d, err := c.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		return ""
	}
	info := d.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return ""
	}
	return info.GetExecution().GetRunId()
}

// A terminated scanner or dispatcher is running again within a supervision period.
func TestSupervisorRestartsEndedWorkflows(t *testing.T) {
	c := devServer(t)
	const period = time.Second
	sup, err := temporaladapter.NewSupervisor(c, []int64{1337, 5}, period, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := sup.EnsureRunning(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); sup.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	for _, id := range []string{workflows.DispatcherWorkflowID, workflows.ScannerWorkflowID(1337), workflows.ScannerWorkflowID(5)} {
		first := runningRun(t, c, id)
		if first == "" {
			t.Fatalf("%s is not running after EnsureRunning", id)
		}
		if err := c.TerminateWorkflow(ctx, id, first, "an operator ends it"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, id+" running again", 2*period+10*time.Second, func() bool {
			run := runningRun(t, c, id)
			return run != "" && run != first
		})
	}
}

// recordedErrors counts error-level log records.
type recordedErrors struct {
	slog.Handler
	mu   sync.Mutex
	msgs []string
}

func (h *recordedErrors) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordedErrors) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.msgs = append(h.msgs, r.Message)
	}
	return nil
}

func (h *recordedErrors) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.msgs)
}

// A start that fails (here: a namespace that does not exist) is logged as an error every round.
func TestSupervisorLogsFailedStartsAndRetries(t *testing.T) {
	wiringtest.NeedsServices(t)
	srv, err := wiringtest.Temporal(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	c, err := client.Dial(client.Options{HostPort: srv.FrontendHostPort(), Namespace: "missing", Logger: wiringtest.QuietLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	logs := &recordedErrors{Handler: slog.DiscardHandler}
	sup, err := temporaladapter.NewSupervisor(c, []int64{1337}, 200*time.Millisecond, slog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	if err := sup.EnsureRunning(context.Background()); err == nil {
		t.Fatal("starting in a missing namespace succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); sup.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "two rounds logged as errors", 20*time.Second, func() bool { return logs.count() >= 2 })
}

func retentionWorker(t *testing.T, c client.Client, store *postgres.Retention) {
	t.Helper()
	ret, err := workflows.NewRetention(store, func() time.Time { return time.Now().UTC() })
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.IdempotencyKeySweep, workflow.RegisterOptions{Name: workflows.IdempotencySweepWorkflow})
	w.RegisterWorkflowWithOptions(workflows.EventPrune, workflow.RegisterOptions{Name: workflows.EventPruneWorkflow})
	workflows.RegisterRetention(w, ret)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

func pruneWindow(t *testing.T, action client.ScheduleAction) int {
	t.Helper()
	a, ok := action.(*client.ScheduleWorkflowAction)
	if !ok || len(a.Args) != 1 {
		t.Fatalf("schedule action %#v", action)
	}
	p, ok := a.Args[0].(*commonpb.Payload)
	if !ok {
		t.Fatalf("schedule argument %#v", a.Args[0])
	}
	var in workflows.EventPruneInput
	if err := converter.GetDefaultDataConverter().FromPayload(p, &in); err != nil {
		t.Fatal(err)
	}
	return in.WindowDays
}

// The schedules are created once and brought up to date by later start-ups (keeping an
// operator's pause); a triggered run deletes old keys and reports how many.
func TestRetentionSchedules(t *testing.T) {
	ctx := context.Background()
	c := devServer(t)
	url, drop, err := wiringtest.Database(ctx, "checkout_schedules")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := postgres.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i, age := range []time.Duration{25 * time.Hour, 72 * time.Hour, time.Hour} {
		at := time.Now().Add(-age)
		if _, err := db.Pool().Exec(`INSERT INTO idempotency_keys (merchant_id, livemode, key, fingerprint, created_at, locked_at)
			VALUES ('m1', false, $1, 'fp', $2, $2)`, []string{"old1", "old2", "young"}[i], at); err != nil {
			t.Fatal(err)
		}
	}
	retentionWorker(t, c, postgres.NewRetention(db))

	if err := temporaladapter.EnsureRetentionSchedules(ctx, c, 45); err != nil {
		t.Fatal(err)
	}
	prune := c.ScheduleClient().GetHandle(ctx, workflows.EventPruneScheduleID)
	if err := prune.Pause(ctx, client.SchedulePauseOptions{Note: "operator"}); err != nil {
		t.Fatal(err)
	}
	if err := temporaladapter.EnsureRetentionSchedules(ctx, c, 60); err != nil { // a later start-up, reconfigured
		t.Fatal(err)
	}
	d, err := prune.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := pruneWindow(t, d.Schedule.Action); got != 60 || !d.Schedule.State.Paused {
		t.Fatalf("event prune schedule keeps %d days, paused %v; want 60 days, still paused", got, d.Schedule.State.Paused)
	}

	sweep := c.ScheduleClient().GetHandle(ctx, workflows.IdempotencySweepScheduleID)
	if err := sweep.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var started *client.ScheduleWorkflowExecution
	waitFor(t, "the triggered sweep starts", 20*time.Second, func() bool {
		d, err := sweep.Describe(ctx)
		if err != nil || len(d.Info.RecentActions) == 0 {
			return false
		}
		started = d.Info.RecentActions[0].StartWorkflowResult
		return started != nil
	})
	var res workflows.RetentionResult
	if err := c.GetWorkflow(ctx, started.WorkflowID, started.FirstExecutionRunID).Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	if res.Deleted.IdempotencyKeys != 2 || res.Deleted.Total() != 2 {
		t.Fatalf("sweep reported %+v, want 2 idempotency keys", res.Deleted)
	}
}
