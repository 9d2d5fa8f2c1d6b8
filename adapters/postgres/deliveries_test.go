package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"golang.org/x/sync/errgroup"

	"github.com/chaincheckout/checkout/adapters/webhooks"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// The outbox rows are part of the event's transaction: a rollback leaves neither, a commit
// leaves one pending row per endpoint that wants the event.
func TestOutboxRowsCommitWithTheEvent(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	all := newEndpoint(t, st, m, "http://127.0.0.1:9/all", nil)
	expired := newEndpoint(t, st, m, "http://127.0.0.1:9/expired", func(e *webhook.Endpoint) {
		e.EnabledEvents = []string{event.SessionExpired}
	})
	newEndpoint(t, st, m, "http://127.0.0.1:9/completed", func(e *webhook.Endpoint) { e.EnabledEvents = []string{event.SessionCompleted} })
	newEndpoint(t, st, m, "http://127.0.0.1:9/off", func(e *webhook.Endpoint) { e.Disabled = true })
	newEndpoint(t, st, m, "http://127.0.0.1:9/live", func(e *webhook.Endpoint) { e.Livemode = true })
	gone := newEndpoint(t, st, m, "http://127.0.0.1:9/deleted", nil)
	if err := st.endpoints.DeleteEndpoint(ctx, m, false, gone.ID, func(webhook.Endpoint) ([]event.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}

	rolledBack := newEvent(m, event.SessionExpired)
	tx, err := st.db.pool.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := insertEvents(ctx, tx, []event.Event{rolledBack}); err != nil {
		t.Fatal(err)
	}
	if n := countIn(t, tx, `SELECT count(*) FROM webhook_deliveries WHERE event_id = $1`, rolledBack.ID); n != 2 {
		t.Fatalf("%d rows inside the transaction, want 2", n)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := st.count(t, `SELECT count(*) FROM events WHERE id = $1`, rolledBack.ID) +
		st.count(t, `SELECT count(*) FROM webhook_deliveries WHERE event_id = $1`, rolledBack.ID); n != 0 {
		t.Fatalf("%d rows after a rollback", n)
	}

	committed := newEvent(m, event.SessionExpired)
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, []event.Event{committed}) }); err != nil {
		t.Fatal(err)
	}
	page, err := st.deliveries.ListDeliveries(ctx, m, false, committed.ID, paging.Params{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range page.Data {
		got = append(got, d.EndpointID)
		if d.Status != webhook.DeliveryPending || d.Redelivery || d.EventType != event.SessionExpired || !strings.HasPrefix(d.ID, "whd_") {
			t.Errorf("delivery %+v", d)
		}
	}
	slices.Sort(got)
	want := []string{all.ID, expired.ID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("deliveries to %v, want %v", got, want)
	}
}

func countIn(t *testing.T, tx *sqlx.Tx, query string, args ...any) int {
	t.Helper()
	var n int
	if err := tx.GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// An event's deliveries page newest first with Stripe's cursors, attempts included.
func TestListDeliveriesPages(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	for range 5 {
		newEndpoint(t, st, m, "http://127.0.0.1:9/hook", nil)
	}
	ev := newEvent(m, event.SessionExpired)
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, []event.Event{ev}) }); err != nil {
		t.Fatal(err)
	}
	var ids []string // oldest first
	if err := st.db.pool.SelectContext(ctx, &ids, `SELECT id FROM webhook_deliveries WHERE event_id = $1 ORDER BY seq`, ev.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.deliveries.RecordAttempt(ctx, ids[4], webhook.Attempt{Number: 1, At: time.Now(), StatusCode: 500, Excerpt: "oops"}); err != nil {
		t.Fatal(err)
	}
	list := func(p paging.Params) ([]string, bool, []webhook.Delivery) {
		t.Helper()
		page, err := st.deliveries.ListDeliveries(ctx, m, false, ev.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range page.Data {
			out = append(out, d.ID)
		}
		return out, page.HasMore, page.Data
	}
	cases := []struct {
		name string
		p    paging.Params
		want []string
		more bool
	}{
		{"first page", paging.Params{Limit: 2}, []string{ids[4], ids[3]}, true},
		{"starting_after", paging.Params{Limit: 2, StartingAfter: ids[3]}, []string{ids[2], ids[1]}, true},
		{"last page", paging.Params{Limit: 2, StartingAfter: ids[1]}, []string{ids[0]}, false},
		{"ending_before", paging.Params{Limit: 2, EndingBefore: ids[1]}, []string{ids[3], ids[2]}, true},
		{"all", paging.Params{Limit: 10}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, false},
	}
	for _, tc := range cases {
		got, more, _ := list(tc.p)
		if !slices.Equal(got, tc.want) || more != tc.more {
			t.Errorf("%s: %v more=%v, want %v more=%v", tc.name, got, more, tc.want, tc.more)
		}
	}
	if _, _, ds := list(paging.Params{Limit: 1}); len(ds[0].Attempts) != 1 || ds[0].Attempts[0].Excerpt != "oops" {
		t.Errorf("attempts: %+v", ds[0])
	}
	if _, err := st.deliveries.ListDeliveries(ctx, m, false, ev.ID, paging.Params{Limit: 2, StartingAfter: "whd_nope"}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Errorf("unknown cursor: %v", err)
	}
	if _, err := st.deliveries.ListDeliveries(ctx, newMerchant(t, st), false, ev.ID, paging.Params{Limit: 2}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Errorf("another merchant's event: %v", err)
	}
}

// Redeliveries are counted per event and per merchant over the last minute; core refuses past
// its limits and nothing is queued then.
func TestRedeliverIsRateLimited(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	newEndpoint(t, st, m, "http://127.0.0.1:9/a", nil)
	newEndpoint(t, st, m, "http://127.0.0.1:9/b", nil)
	var events []event.Event
	for range webhook.MaxRedeliveriesPerMerchant + 1 {
		events = append(events, newEvent(m, event.SessionExpired))
	}
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, events) }); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC()
	redeliver := func(e event.Event, at time.Time) (int, error) {
		return st.deliveries.Redeliver(ctx, m, false, e.ID, at, webhook.RedeliveryCounts.Allow)
	}
	for i := range webhook.MaxRedeliveriesPerEvent {
		if n, err := redeliver(events[0], at.Add(time.Duration(i)*time.Second)); err != nil || n != 2 {
			t.Fatalf("redelivery %d: %d, %v", i+1, n, err)
		}
	}
	before := st.count(t, `SELECT count(*) FROM webhook_deliveries`)
	if _, err := redeliver(events[0], at.Add(10*time.Second)); !apperr.IsKind(err, apperr.KindRateLimited) {
		t.Fatalf("redelivery past the event limit: %v", err)
	}
	if after := st.count(t, `SELECT count(*) FROM webhook_deliveries`); after != before {
		t.Fatalf("a refused redelivery queued %d rows", after-before)
	}
	if _, err := redeliver(events[0], at.Add(webhook.RedeliveryWindow+5*time.Second)); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
	// The merchant limit: one more event each, up to the limit (the minute above counts 1).
	later := at.Add(webhook.RedeliveryWindow + 10*time.Second)
	for i := 1; i < webhook.MaxRedeliveriesPerMerchant; i++ {
		if _, err := redeliver(events[i], later); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if _, err := redeliver(events[webhook.MaxRedeliveriesPerMerchant], later); !apperr.IsKind(err, apperr.KindRateLimited) {
		t.Fatalf("redelivery past the merchant limit: %v", err)
	}
}

// A receiver whose answer cannot be stored as is (invalid UTF-8, NUL, a character split at
// the excerpt's end) gets exactly one POST per attempt and the attempt is recorded once.
// Before this change the record failed, the activity failed, and Temporal re-POSTed forever.
func TestUnstorableResponseIsRecordedOnceAndNotPostedAgain(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	var mu sync.Mutex
	posts := 0
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posts++
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("\xff\x00" + strings.Repeat("x", 497) + "é and more")) // é straddles byte 500
	}))
	defer rcv.Close()
	newEndpoint(t, st, m, rcv.URL, nil)
	ev := newEvent(m, event.SessionExpired)
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, []event.Event{ev}) }); err != nil {
		t.Fatal(err)
	}
	var deliveryID string
	if err := st.db.pool.GetContext(ctx, &deliveryID, `SELECT id FROM webhook_deliveries WHERE event_id = $1`, ev.ID); err != nil {
		t.Fatal(err)
	}
	acts, err := workflows.NewDeliveryActivities(st.deliveries, webhooks.NewSender(2*time.Second, true),
		func(e event.Event) ([]byte, error) { return json.Marshal(e) }, noStarter{}, func() time.Time { return time.Now().UTC() })
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	attempt := func(n int) workflows.AttemptResult {
		t.Helper()
		v, err := env.ExecuteActivity(acts.DeliverWebhook, deliveryID, n)
		if err != nil {
			t.Fatalf("attempt %d: %v", n, err)
		}
		var res workflows.AttemptResult
		if err := v.Get(&res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	for _, tc := range []struct{ n, wantPosts int }{{1, 1}, {1, 1}, {2, 2}, {2, 2}} { // each attempt run twice: a retried activity
		if res := attempt(tc.n); res.Outcome != webhook.Retry || res.StatusCode != 500 {
			t.Fatalf("attempt %d: %+v", tc.n, res)
		}
		mu.Lock()
		got := posts
		mu.Unlock()
		if got != tc.wantPosts {
			t.Fatalf("after attempt %d: %d POSTs, want %d", tc.n, got, tc.wantPosts)
		}
	}
	d, _, _, err := st.deliveries.LoadDelivery(ctx, deliveryID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Attempts) != 2 {
		t.Fatalf("attempts recorded: %+v", d.Attempts)
	}
	for _, a := range d.Attempts {
		if a.StatusCode != 500 || !utf8.ValidString(a.Excerpt) || strings.ContainsRune(a.Excerpt, 0) ||
			!strings.HasPrefix(a.Excerpt, "\uFFFDxxx") || strings.Contains(a.Excerpt, "é") || len(a.Excerpt) > webhook.MaxExcerpt {
			t.Fatalf("recorded attempt %+v", a)
		}
	}
}

type noStarter struct{}

func (noStarter) StartDelivery(context.Context, webhook.Delivery, time.Time) error { return nil }

// Two dispatchers claiming at the same time never take the same row: while both hold their
// claims, each has rows the other skipped, together all of them. An attempt can be recorded
// while its row is claimed, and the ends the handler returns are saved with the claim.
func TestConcurrentClaimsTakeDistinctRows(t *testing.T) {
	st := newStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := newMerchant(t, st)
	newEndpoint(t, st, m, "https://example.com/hook", nil)
	var events []event.Event
	for range 30 {
		events = append(events, newEvent(m, event.SessionExpired))
	}
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, events) }); err != nil {
		t.Fatal(err)
	}
	var both sync.WaitGroup // both claims are held at once: the second did not wait for the first's lock
	both.Add(2)
	claimed := make([][]string, 2)
	claim := func(i int) error {
		_, err := st.deliveries.ClaimUnstarted(ctx, 20, func(ctx context.Context, cs []webhook.Claimed) (map[string]webhook.End, error) {
			ends := map[string]webhook.End{}
			for _, c := range cs {
				if c.Endpoint.Secret == "" || c.Event.ID != c.Delivery.EventID {
					t.Errorf("claimed without its endpoint or event: %+v", c)
				}
				claimed[i] = append(claimed[i], c.Delivery.ID)
				if err := st.deliveries.RecordAttempt(ctx, c.Delivery.ID, webhook.Attempt{Number: 1, At: time.Now(), StatusCode: 200}); err != nil {
					return nil, err
				}
				ends[c.Delivery.ID] = webhook.End{Status: webhook.DeliverySucceeded, At: time.Now()}
			}
			both.Done()
			held := make(chan struct{})
			go func() { both.Wait(); close(held) }()
			select {
			case <-held:
				return ends, nil
			case <-ctx.Done():
				return nil, fmt.Errorf("the other claim never came while this one was held: %w", ctx.Err())
			}
		})
		return err
	}
	errs := make(chan error, 2)
	for i := range 2 {
		go func() { errs <- claim(i) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	all := append(slices.Clone(claimed[0]), claimed[1]...)
	slices.Sort(all)
	if len(claimed[0]) == 0 || len(claimed[1]) == 0 || len(slices.Compact(all)) != 30 || len(all) != 30 {
		t.Fatalf("claims %d and %d rows, %d distinct of 30", len(claimed[0]), len(claimed[1]), len(slices.Compact(all)))
	}
	if n := st.count(t, `SELECT count(*) FROM webhook_deliveries WHERE started AND status = $1 AND finished_at IS NOT NULL`,
		string(webhook.DeliverySucceeded)); n != 30 {
		t.Fatalf("%d of 30 marked started and succeeded", n)
	}
	if n, err := st.deliveries.ClaimUnstarted(ctx, 20, func(context.Context, []webhook.Claimed) (map[string]webhook.End, error) {
		return nil, nil
	}); n != 0 || err != nil {
		t.Fatalf("claimed %d again, %v", n, err)
	}
}

// BenchmarkDispatchFirstAttempts drains an outbox of b.N deliveries (events for 16 endpoints
// on one local receiver) through the dispatcher's activity: claim, signed POST, record, end.
// It reports deliveries/s beside the floor, bare signed POSTs of the same payloads, 32 at once.
//
//	go test ./adapters/postgres/ -run '^$' -bench DispatchFirstAttempts -benchtime 4000x
func BenchmarkDispatchFirstAttempts(b *testing.B) {
	st := newStore(b)
	ctx := context.Background()
	var got atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer rcv.Close()
	m := newMerchant(b, st)
	for range webhook.MaxEndpoints {
		newEndpoint(b, st, m, rcv.URL, nil)
	}
	events := make([]event.Event, (b.N+webhook.MaxEndpoints-1)/webhook.MaxEndpoints)
	for i := range events {
		events[i] = newEvent(m, event.SessionExpired)
	}
	if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, events) }); err != nil {
		b.Fatal(err)
	}
	total := len(events) * webhook.MaxEndpoints
	sender := webhooks.NewSender(10*time.Second, true)
	encode := func(e event.Event) ([]byte, error) { return json.Marshal(e) }
	acts, err := workflows.NewDeliveryActivities(st.deliveries, sender, encode, noStarter{}, func() time.Time { return time.Now().UTC() })
	if err != nil {
		b.Fatal(err)
	}
	acts.DispatchFor = 0 // one claim per run: the loop below stops when the outbox is empty
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	b.ResetTimer()
	t0 := time.Now()
	for done := 0; done < total; {
		v, err := env.ExecuteActivity(acts.DispatchDeliveries)
		if err != nil {
			b.Fatal(err)
		}
		var n int
		if err := v.Get(&n); err != nil || n == 0 {
			b.Fatalf("dispatched %d of %d: %v", done, total, err)
		}
		done += n
	}
	ours := time.Since(t0)
	b.StopTimer()
	if got.Load() != int64(total) || st.count(b, `SELECT count(*) FROM webhook_attempts`) != total {
		b.Fatalf("%d POSTs, want %d", got.Load(), total)
	}
	payload, _ := encode(events[0])
	t0 = time.Now()
	var g errgroup.Group
	g.SetLimit(32)
	for range total {
		g.Go(func() error {
			_, _, err := sender.Post(ctx, rcv.URL, payload, webhook.Sign(payload, "whsec_x", time.Now()))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(total)/ours.Seconds(), "deliveries/s")
	b.ReportMetric(float64(total)/time.Since(t0).Seconds(), "floor_posts/s")
}

// BenchmarkFirstAttemptLatency times each event's commit to its first attempt reaching a
// local receiver while the dispatcher's activity waits for queued rows as it does in
// production (woken by the outbox listener).
//
//	go test ./adapters/postgres/ -run '^$' -bench FirstAttemptLatency -benchtime 100x
func BenchmarkFirstAttemptLatency(b *testing.B) {
	st := newStore(b)
	ctx := context.Background()
	arrived := make(chan time.Time, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- time.Now()
	}))
	defer rcv.Close()
	m := newMerchant(b, st)
	newEndpoint(b, st, m, rcv.URL, nil)
	acts, err := workflows.NewDeliveryActivities(st.deliveries.Listening(st.listener(b)), webhooks.NewSender(10*time.Second, true),
		func(e event.Event) ([]byte, error) { return json.Marshal(e) }, noStarter{}, func() time.Time { return time.Now().UTC() })
	if err != nil {
		b.Fatal(err)
	}
	acts.DispatchFor = time.Second
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	var stop atomic.Bool
	dispatching := make(chan error, 1)
	go func() { // the dispatcher workflow's loop of activities
		for !stop.Load() {
			if _, err := env.ExecuteActivity(acts.DispatchDeliveries); err != nil {
				dispatching <- err
				return
			}
		}
		dispatching <- nil
	}()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		ev := newEvent(m, event.SessionExpired)
		if err := st.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertEvents(ctx, tx, []event.Event{ev}) }); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(committed))
		case err := <-dispatching:
			b.Fatalf("dispatcher stopped: %v", err)
		}
	}
	b.StopTimer()
	stop.Store(true)
	if err := <-dispatching; err != nil {
		b.Fatal(err)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}
