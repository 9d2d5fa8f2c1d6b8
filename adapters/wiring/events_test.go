package wiring_test

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

type eventView struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Data struct {
		Object struct {
			ID       string            `json:"id"`
			Status   string            `json:"status"`
			Metadata map[string]string `json:"metadata"`
			Crypto   struct {
				State    string `json:"state"`
				Payments []any  `json:"payments"`
			} `json:"crypto"`
		} `json:"object"`
		Previous map[string]any `json:"previous_attributes"`
	} `json:"data"`
	APIVersion string `json:"api_version"`
}

func sessionEvents(t *testing.T, key, sessionID string) []eventView {
	t.Helper()
	r := get(t, "/v1/events?limit=100&checkout_session="+sessionID, key)
	if r.status != 200 {
		t.Fatalf("list events: %d %s", r.status, r.raw)
	}
	var list struct{ Data []eventView }
	if err := json.Unmarshal(r.raw, &list); err != nil {
		t.Fatal(err)
	}
	return list.Data
}

func eventTypes(evs []eventView) string {
	var out []string
	for i := len(evs) - 1; i >= 0; i-- { // oldest first, for reading
		out = append(out, evs[i].Type)
	}
	return strings.Join(out, ",")
}

func TestEventsRecordEachTransitionOnce(t *testing.T) {
	key, _ := newMerchant(t, "Events Store")
	sel := openSession(t, key, "tusd@sim", "metadata[order_id]", "991")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), big.NewInt(10_000_000))
	it.chain.mine(3)
	waitFor(t, key, id, "underpaid", func(r response) bool { return cryptoState(r) == "underpaid" })
	it.chain.payToken(t, addressOf(sel), new(big.Int).Sub(dueOf(t, sel), big.NewInt(10_000_000)))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })

	evs := sessionEvents(t, key, id)
	if got := eventTypes(evs); got != "checkout.session.payment_detected,checkout.session.underpaid,"+
		"checkout.session.payment_detected,checkout.session.completed" {
		t.Fatalf("events = %s", got)
	}
	done := evs[0]
	if done.Data.Object.Status != "complete" || done.Data.Object.Metadata["order_id"] != "991" ||
		len(done.Data.Object.Crypto.Payments) != 2 || done.Data.Previous["status"] != "open" || done.APIVersion != "2026-02-25.clover" {
		t.Fatalf("completed event: %+v", done)
	}
	if r := get(t, "/v1/events/"+done.ID, key); r.status != 200 || r.str("type") != "checkout.session.completed" {
		t.Fatalf("retrieve: %d %s", r.status, r.raw)
	}
	// A rescan of the same blocks changes nothing and so emits nothing.
	rewindScanner(t, 4)
	it.chain.mine(1)
	waitScanned(t)
	time.Sleep(300 * time.Millisecond)
	if again := sessionEvents(t, key, id); len(again) != len(evs) {
		t.Fatalf("a rescan emitted again: %s", eventTypes(again))
	}
	// Filters and isolation.
	if r := get(t, "/v1/events?type=checkout.session.completed&checkout_session="+id, key); len(r.body["data"].([]any)) != 1 {
		t.Fatalf("by type: %s", r.raw)
	}
	other, _ := newMerchant(t, "Nosy Store")
	if r := get(t, "/v1/events/"+done.ID, other); r.status != 404 {
		t.Fatalf("another merchant's event: %d", r.status)
	}
	if r := get(t, "/v1/events?type=checkout.session.nope", key); r.status != 400 || r.errField("param") != "types[0]" {
		t.Fatalf("unknown type: %d %s", r.status, r.raw)
	}
}

func TestExpiryAndReversalEvents(t *testing.T) {
	key, _ := newMerchant(t, "Expiry Events Store")
	exp := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	expire(t, key, exp)
	if got := eventTypes(sessionEvents(t, key, exp)); got != "checkout.session.expired" {
		t.Fatalf("expire events = %s", got)
	}
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	it.chain.reorg(t, 3, 5)
	waitFor(t, key, id, "reverted", func(r response) bool { return cryptoState(r) == "reverted" })
	got := eventTypes(sessionEvents(t, key, id))
	if !strings.HasSuffix(got, "checkout.session.completed,checkout.session.payment_reverted") {
		t.Fatalf("events = %s", got)
	}
}
