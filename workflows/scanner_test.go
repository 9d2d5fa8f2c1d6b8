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

	"github.com/chaincheckout/checkout/core/chain"
)

func TestChainScannerSignalsEachChangedSessionOncePerStep(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ChainScanner, workflow.RegisterOptions{Name: ChainScannerWorkflow})
	var scans *ScanActivities
	env.RegisterActivity(scans)
	steps := 0
	env.OnActivity(scans.ScanChain, mock.Anything, int64(7)).Return(func(context.Context, int64) (ScanResult, error) {
		steps++
		switch steps {
		case 1: // cs_b's payment detected and confirmed in one step, cs_a's detected: two signals
			return ScanResult{From: 10, To: 12, Changes: []chain.Change{
				{SessionID: "cs_b", TxHash: "0x2", Status: chain.PaymentDetected},
				{SessionID: "cs_a", TxHash: "0x1", Status: chain.PaymentDetected},
				{SessionID: "cs_b", TxHash: "0x2", Status: chain.PaymentConfirmed}}}, nil
		case 2:
			return ScanResult{}, errors.New("node unavailable") // retried by the activity's policy
		case 3: // a reorg reverts cs_a's payment, and one of a session whose workflow has ended
			return ScanResult{From: 13, To: 11, Reorg: true, Changes: []chain.Change{
				{SessionID: "cs_a", TxHash: "0x1", Status: chain.PaymentReverted},
				{SessionID: "cs_gone", TxHash: "0x3", Status: chain.PaymentReverted}}}, nil
		}
		return ScanResult{From: 13, To: 13}, nil
	})
	signals := map[string][]PaymentsChanged{}
	env.OnSignalExternalWorkflow(mock.Anything, mock.Anything, "", SignalPayments, mock.Anything).Return(
		func(_ string, workflowID, _ string, _ string, arg any) error {
			signals[workflowID] = append(signals[workflowID], arg.(PaymentsChanged))
			if workflowID == SessionWorkflowID("cs_gone") {
				return errors.New("workflow not found")
			}
			return nil
		})
	env.ExecuteWorkflow(ChainScanner, ScannerInput{ChainID: 7})

	var cont *workflow.ContinueAsNewError
	if err := env.GetWorkflowError(); !errors.As(err, &cont) {
		t.Fatalf("the scanner ended with %v, want continue-as-new", err)
	}
	if steps != scannerIterations+1 { // one failed attempt retried
		t.Fatalf("%d activity calls, want %d", steps, scannerIterations+1)
	}
	a, b := signals[SessionWorkflowID("cs_a")], signals[SessionWorkflowID("cs_b")]
	if len(a) != 2 || a[0].Status != "detected" || a[1].Status != "reverted" || a[0].ChainID != 7 {
		t.Fatalf("cs_a signals %+v", a)
	}
	if len(b) != 1 || b[0].Status != "confirmed" || b[0].TxHash != "0x2" {
		t.Fatalf("cs_b signals %+v, want one for the step, its last change", b)
	}
	if len(signals[SessionWorkflowID("cs_gone")]) != 1 {
		t.Fatalf("the ended session was signalled %d times", len(signals[SessionWorkflowID("cs_gone")]))
	}
}

func TestScanChainOfAnUnconfiguredChainIsRetried(t *testing.T) {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := ts.NewTestActivityEnvironment()
	scans, err := NewScanActivities(map[int64]*chain.Scanner{}, time.Now, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	env.RegisterActivity(scans)
	_, err = env.ExecuteActivity(scans.ScanChain, int64(99))
	if err == nil {
		t.Fatal("an unconfigured chain was scanned")
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NonRetryable() {
		t.Fatalf("an unconfigured chain ends the scanner for good: %v", err)
	}
}

func TestNewScanActivitiesRefusesMissingDependencies(t *testing.T) {
	for _, c := range []struct {
		name     string
		scanners map[int64]*chain.Scanner
		now      func() time.Time
		poll     time.Duration
	}{
		{"no scanners map", nil, time.Now, time.Second},
		{"no clock", map[int64]*chain.Scanner{}, nil, time.Second},
		{"no idle poll", map[int64]*chain.Scanner{}, time.Now, 0},
	} {
		if _, err := NewScanActivities(c.scanners, c.now, c.poll); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}
