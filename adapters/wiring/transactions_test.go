package wiring_test

import (
	"net/url"
	"testing"
	"time"
)

// While a request waits on a session's workflow (here: no worker runs, so the select_asset
// Update waits), no database transaction stays open: before, the Idempotency-Key's
// transaction was held across the Update, one pool connection per waiting request.
func TestNoTransactionHeldWhileARequestWaitsOnItsWorkflow(t *testing.T) {
	key, _ := newMerchant(t, "Waiting Store")
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	it.app.StopWorker()
	done := make(chan response, 1)
	go func() {
		done <- postForm(t, "/v1/checkout/sessions/"+id+"/select_asset", key, url.Values{"asset": {"tusd@sim"}},
			map[string]string{"Idempotency-Key": "wait-" + id})
	}()
	eventually(t, "the request claimed its key and waits on the workflow", func() (bool, error) {
		var claimed int
		err := it.app.DB().Get(&claimed, `SELECT count(*) FROM idempotency_keys WHERE key = $1`, "wait-"+id)
		return claimed == 1, err
	})
	held := 0
	for deadline := time.Now().Add(1500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int
		if err := it.app.DB().Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND state LIKE 'idle in transaction%' AND now() - state_change > interval '500 milliseconds'`); err != nil {
			t.Fatal(err)
		}
		held = max(held, n)
	}
	if err := it.app.RestartWorker(); err != nil {
		t.Fatal(err)
	}
	if r := <-done; r.status != 200 {
		t.Fatalf("select_asset after the worker came back: %d %s", r.status, r.raw)
	}
	if held > 0 {
		t.Fatalf("%d transactions stayed open while the request waited on its workflow", held)
	}
}
