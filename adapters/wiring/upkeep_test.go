package wiring_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/workflows"
)

// A worker's start-up left both retention schedules on the cluster.
func TestWorkerCreatedRetentionSchedules(t *testing.T) {
	ctx := context.Background()
	for _, id := range []string{workflows.IdempotencySweepScheduleID, workflows.EventPruneScheduleID} {
		d, err := it.temporal.ScheduleClient().GetHandle(ctx, id).Describe(ctx)
		if err != nil {
			t.Fatalf("schedule %s: %v", id, err)
		}
		if len(d.Schedule.Spec.Intervals) != 1 || d.Schedule.State.Paused {
			t.Fatalf("schedule %s: spec %+v, paused %v", id, d.Schedule.Spec, d.Schedule.State.Paused)
		}
	}
}

// An event window under 30 days, or one that is not a number, stops start-up before it connects.
func TestEventRetentionUnder30DaysIsRefused(t *testing.T) {
	cases := []struct{ value, errHas string }{
		{"7", "shorter than the minimum of 30 days"},
		{"29", "shorter than the minimum of 30 days"},
		{"thirty", "not a whole number"},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			t.Setenv("CHECKOUT_EVENT_RETENTION_DAYS", c.value)
			_, err := wiring.New(context.Background(), wiring.FromEnv(), slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "CHECKOUT_EVENT_RETENTION_DAYS") || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("New with CHECKOUT_EVENT_RETENTION_DAYS=%s: %v", c.value, err)
			}
		})
	}
}
