package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/retention"
)

func exec(t *testing.T, s *postgres.DB, query string, args ...any) {
	t.Helper()
	if _, err := s.Pool().Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func ids(t *testing.T, s *postgres.DB, query string) []string {
	t.Helper()
	var out []string
	if err := s.Pool().Select(&out, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	slices.Sort(out)
	return out
}

// retentionFixture writes events of several ages and delivery states and returns "now".
func retentionFixture(t *testing.T, s *postgres.DB) time.Time {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	old, young := now.AddDate(0, 0, -40), now.AddDate(0, 0, -10)
	exec(t, s, `INSERT INTO merchants (id, name, xpub, created_at) VALUES ('m1', 'M', 'xpub', $1)`, old)
	exec(t, s, `INSERT INTO webhook_endpoints (id, merchant_id, livemode, url, enabled_events, secret, created_at)
		VALUES ('we_1', 'm1', false, 'https://example.com', '{*}', 'whsec', $1)`, old)
	events := []struct {
		id string
		at time.Time
	}{{"evt_old_done", old}, {"evt_old_pending", old}, {"evt_old_bare", old}, {"evt_young", young},
		{"evt_just_inside", now.AddDate(0, 0, -30).Add(time.Second)}}
	for _, e := range events {
		exec(t, s, `INSERT INTO events (id, merchant_id, livemode, type, api_version, created_at, object)
			VALUES ($1, 'm1', false, 'checkout.session.completed', '2024-06-20', $2, '{}')`, e.id, e.at)
	}
	deliveries := []struct {
		id, event, status string
		attempts          int
	}{{"whd_1", "evt_old_done", "succeeded", 3}, {"whd_2", "evt_old_done", "failed", 2},
		{"whd_3", "evt_old_pending", "succeeded", 1}, {"whd_4", "evt_old_pending", "pending", 1},
		{"whd_5", "evt_young", "succeeded", 1}, {"whd_6", "evt_just_inside", "failed", 1}}
	for _, d := range deliveries {
		exec(t, s, `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, started, created_at)
			VALUES ($1, $2, 'we_1', $3, true, $4)`, d.id, d.event, d.status, old)
		for n := 1; n <= d.attempts; n++ {
			exec(t, s, `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, latency_ms)
				VALUES ($1, $2, $3, 5)`, d.id, n, old)
		}
	}
	for i, at := range []time.Time{now.Add(-25 * time.Hour), now.Add(-48 * time.Hour), old, now.Add(-time.Hour)} {
		exec(t, s, `INSERT INTO idempotency_keys (merchant_id, livemode, key, fingerprint, created_at, locked_at)
			VALUES ('m1', false, $1, 'fp', $2, $2)`, []string{"k_old1", "k_old2", "k_old3", "k_young"}[i], at)
	}
	return now
}

// drain calls del until it deletes nothing, checking that no call exceeds the limit per table.
func drain(t *testing.T, limit int, del func() (retention.Counts, error)) retention.Counts {
	t.Helper()
	var total retention.Counts
	for calls := 0; ; calls++ {
		c, err := del()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int64{c.IdempotencyKeys, c.Events, c.WebhookDeliveries, c.WebhookAttempts} {
			if n > int64(limit) {
				t.Fatalf("one call deleted %d rows of a table, limit %d: %+v", n, limit, c)
			}
		}
		if c.Total() == 0 {
			return total
		}
		if calls > 50 {
			t.Fatalf("still deleting after %d calls: %+v", calls, total)
		}
		total = total.Plus(c)
	}
}

func TestRetentionDeletesOnlyOldFinishedRows(t *testing.T) {
	s := openStore(t, "checkout_retention")
	ctx := context.Background()
	now := retentionFixture(t, s)
	ret := postgres.NewRetention(s)
	window, err := retention.NewEventWindow(30)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 2 // smaller than the backlog, so the batches repeat
	events := drain(t, limit, func() (retention.Counts, error) {
		return ret.DeleteEvents(ctx, window.Cutoff(now), retention.FinishedDeliveryStatuses, limit)
	})
	if want := (retention.Counts{Events: 2, WebhookDeliveries: 2, WebhookAttempts: 5}); events != want {
		t.Errorf("event prune deleted %+v, want %+v", events, want)
	}
	keys := drain(t, limit, func() (retention.Counts, error) {
		return ret.DeleteIdempotencyKeys(ctx, retention.IdempotencyCutoff(now), limit)
	})
	if want := (retention.Counts{IdempotencyKeys: 3}); keys != want {
		t.Errorf("key sweep deleted %+v, want %+v", keys, want)
	}
	remaining := []struct {
		query string
		want  []string
	}{
		{`SELECT id FROM events`, []string{"evt_just_inside", "evt_old_pending", "evt_young"}},
		{`SELECT id FROM webhook_deliveries`, []string{"whd_3", "whd_4", "whd_5", "whd_6"}},
		{`SELECT delivery_id || '/' || attempt FROM webhook_attempts`, []string{"whd_3/1", "whd_4/1", "whd_5/1", "whd_6/1"}},
		{`SELECT key FROM idempotency_keys`, []string{"k_young"}},
	}
	for _, r := range remaining {
		if got := ids(t, s, r.query); !slices.Equal(got, r.want) {
			t.Errorf("%s: %v, want %v", r.query, got, r.want)
		}
	}
}
