package workflows

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Histories recorded from a real server (`temporal workflow show --output json`, or
// TestRecordHistories in adapters/wiring) must replay against the current code: a change
// that breaks determinism for running workflows fails here.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories: %v", err)
	}
	logger := sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))
	recorded := map[string]bool{}
	for _, f := range files {
		recorded[workflowTypeOf(t, f)] = true
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflowWithOptions(CheckoutSession, workflow.RegisterOptions{Name: CheckoutSessionWorkflow})
			r.RegisterWorkflowWithOptions(ChainScanner, workflow.RegisterOptions{Name: ChainScannerWorkflow})
			r.RegisterWorkflowWithOptions(WebhookDelivery, workflow.RegisterOptions{Name: WebhookDeliveryWorkflow})
			r.RegisterWorkflowWithOptions(WebhookDispatcher, workflow.RegisterOptions{Name: DispatcherWorkflow})
			r.RegisterWorkflowWithOptions(Settlement, workflow.RegisterOptions{Name: SettlementWorkflow})
			r.RegisterWorkflowWithOptions(GasWallet, workflow.RegisterOptions{Name: GasWalletWorkflow})
			r.RegisterWorkflowWithOptions(Subscription, workflow.RegisterOptions{Name: SubscriptionWorkflow})
			r.RegisterWorkflowWithOptions(Refund, workflow.RegisterOptions{Name: RefundWorkflow})
			if err := r.ReplayWorkflowHistoryFromJSONFile(logger, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
	for _, name := range []string{CheckoutSessionWorkflow, ChainScannerWorkflow, WebhookDeliveryWorkflow, DispatcherWorkflow,
		SettlementWorkflow, GasWalletWorkflow, SubscriptionWorkflow, RefundWorkflow} {
		if !recorded[name] {
			t.Errorf("no recorded history of %s in testdata/: record one (see README, Tests and benchmarks)", name)
		}
	}
}

// workflowTypeOf reads the workflow type from a history's first (started) event.
func workflowTypeOf(t *testing.T, file string) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Events []struct {
			Started struct {
				WorkflowType struct{ Name string } `json:"workflowType"`
			} `json:"workflowExecutionStartedEventAttributes"`
		} `json:"events"`
	}
	if err := json.Unmarshal(raw, &h); err != nil || len(h.Events) == 0 {
		t.Fatalf("%s is not a recorded history: %v", file, err)
	}
	return h.Events[0].Started.WorkflowType.Name
}
