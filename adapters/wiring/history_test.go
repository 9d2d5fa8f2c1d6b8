package wiring_test

import (
	"context"
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/converter"

	"github.com/chaincheckout/checkout/workflows"
)

// Tests that prove something did NOT happen read what would have to come first from a
// workflow's history (typed events and decoded payloads), never from a sleep.

// history is one run's events ("" run: the latest).
func history(t *testing.T, workflowID, runID string) []*historypb.HistoryEvent {
	t.Helper()
	iter := it.temporal.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*historypb.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		out = append(out, ev)
	}
	return out
}

// historyOnceStarted is the workflow's history, or none while the workflow does not exist yet
// (a delivery's retry workflow is started only after the dispatcher's first attempt failed).
func historyOnceStarted(t *testing.T, workflowID string) []*historypb.HistoryEvent {
	t.Helper()
	_, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	var missing *serviceerror.NotFound
	if errors.As(err, &missing) {
		return nil
	}
	return history(t, workflowID, "")
}

func hasEvent(evs []*historypb.HistoryEvent, typ enumspb.EventType) bool {
	for _, ev := range evs {
		if ev.GetEventType() == typ {
			return true
		}
	}
	return false
}

// keyword decodes a keyword search attribute ("" when absent).
func keyword(t *testing.T, sa *commonpb.SearchAttributes, key string) string {
	t.Helper()
	p, ok := sa.GetIndexedFields()[key]
	if !ok {
		return ""
	}
	var s string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &s); err != nil {
		t.Fatalf("search attribute %s: %v", key, err)
	}
	return s
}

// historyMark is where a workflow's history stood: later events are what happened since.
type historyMark struct {
	runID   string
	eventID int64
}

func markHistory(t *testing.T, workflowID string) historyMark {
	t.Helper()
	d, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatalf("describe %s: %v", workflowID, err)
	}
	info := d.GetWorkflowExecutionInfo()
	return historyMark{runID: info.GetExecution().GetRunId(), eventID: info.GetHistoryLength()}
}

// scanStepsSince decodes the ScanChain results the chain's scanner recorded after mark,
// oldest first, following continue-as-new back to the marked run.
func scanStepsSince(t *testing.T, mark historyMark) []workflows.ScanResult {
	t.Helper()
	id := workflows.ScannerWorkflowID(simChainID)
	var steps []workflows.ScanResult
	for runID := markHistory(t, id).runID; runID != ""; {
		evs := history(t, id, runID)
		var run []workflows.ScanResult
		for _, ev := range evs {
			a := ev.GetActivityTaskCompletedEventAttributes()
			if a == nil || (runID == mark.runID && ev.GetEventId() <= mark.eventID) {
				continue
			}
			var res workflows.ScanResult
			if err := converter.GetDefaultDataConverter().FromPayloads(a.GetResult(), &res); err != nil {
				t.Fatalf("ScanChain result: %v", err)
			}
			run = append(run, res)
		}
		steps = append(run, steps...)
		if runID == mark.runID {
			break
		}
		runID = evs[0].GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
	}
	return steps
}

// waitStuck waits until the workflow has work due that no worker takes: a scheduled workflow
// task, or an activity scheduled and due but not started. Only with no worker polling does it last.
func waitStuck(t *testing.T, workflowID string) {
	t.Helper()
	eventually(t, workflowID+" to have work due that no worker takes", func() (bool, error) {
		d, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			return false, err
		}
		if d.GetPendingWorkflowTask().GetState() == enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED {
			return true, nil
		}
		for _, a := range d.GetPendingActivities() {
			next := a.GetNextAttemptScheduleTime()
			if a.GetState() == enumspb.PENDING_ACTIVITY_STATE_SCHEDULED && (next == nil || next.AsTime().Before(time.Now())) {
				return true, nil
			}
		}
		return false, nil
	})
}
