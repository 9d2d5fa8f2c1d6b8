package checkout

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"sync"
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

// startRecorder is an Orchestrator that only records the sessions it was asked to start.
type startRecorder struct {
	Orchestrator
	mu      sync.Mutex
	started []string
}

func (o *startRecorder) StartSession(_ context.Context, s *Session) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.started = append(o.started, s.ID)
	return nil
}

// Sessions queued before RunStarts is told to stop are started during its drain and noted
// before it returns: a process that stops after its last request leaves nothing to the sweep.
func TestRunStartsDrainsAndNotesEverything(t *testing.T) {
	rec, orch := &markRecorder{}, &startRecorder{}
	s := &Service{store: rec, orch: orch, log: slog.New(slog.NewTextHandler(io.Discard, nil)), starts: make(chan *Session, 10)}
	var want []string
	for i := range 7 {
		id := "cs_" + string(rune('a'+i))
		want = append(want, id)
		s.queueStart(&Session{ID: id})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // told to stop at once: everything queued is the drain's
	s.RunStarts(ctx, 3)
	var noted []string
	for _, b := range rec.batches {
		noted = append(noted, b...)
	}
	slices.Sort(orch.started)
	slices.Sort(noted)
	if !slices.Equal(orch.started, want) || !slices.Equal(noted, want) {
		t.Fatalf("started %v, noted %v, want all of %v", orch.started, noted, want)
	}
}
