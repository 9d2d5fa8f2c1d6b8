package checkout

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
)

// markRecorder is a Store that only records the batches of MarkWorkflowStarted.
type markRecorder struct {
	Store
	batches [][]string
	fail    bool
}

func (m *markRecorder) MarkWorkflowStarted(_ context.Context, ids ...string) error {
	m.batches = append(m.batches, slices.Clone(ids))
	if m.fail {
		return errors.New("database down")
	}
	return nil
}

// The starters' notes are batched: what waits is noted in one statement, up to markBatch, and
// a failed note is logged, not retried (the sweep covers it), nor does it stop later batches.
func TestMarkStartedBatches(t *testing.T) {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "cs_" + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		waiting int
		fail    bool
		sizes   []int
	}{
		{"one waiting, one statement", 1, false, []int{1}},
		{"all waiting in one statement", 7, false, []int{7}},
		{"past the bound, two statements", markBatch + 3, false, []int{markBatch, 3}},
		{"a failed note does not stop the next", markBatch + 1, true, []int{markBatch, 1}},
		{"nothing started, no statement", 0, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &markRecorder{fail: tc.fail}
			s := &Service{store: rec, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			started := make(chan string, tc.waiting)
			want := ids(tc.waiting)
			for _, id := range want {
				started <- id
			}
			close(started)
			s.markStartedBatches(context.Background(), started)
			var sizes []int
			var got []string
			for _, b := range rec.batches {
				sizes, got = append(sizes, len(b)), append(got, b...)
			}
			if !slices.Equal(sizes, tc.sizes) || !slices.Equal(got, want) {
				t.Fatalf("batches of %v noting %d IDs in order %t, want %v", sizes, len(got), slices.Equal(got, want), tc.sizes)
			}
		})
	}
}
