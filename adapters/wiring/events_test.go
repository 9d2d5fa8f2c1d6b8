package wiring_test

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/workflows"
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
	APIVersion      string `json:"api_version"`
	PendingWebhooks int    `json:"pending_webhooks"`
	Request         struct {
		ID             *string `json:"id"`
		IdempotencyKey *string `json:"idempotency_key"`
	} `json:"request"`
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
	if done.Request.ID != nil || done.Request.IdempotencyKey != nil || done.PendingWebhooks != 0 {
		t.Fatalf("an event the chain caused names a request, or webhooks pending without endpoints: %+v", done)
	}
	if r := get(t, "/v1/events/"+done.ID, key); r.status != 200 || r.str("type") != "checkout.session.completed" {
		t.Fatalf("retrieve: %d %s", r.status, r.raw)
	}
	// A rescan of the same blocks changes nothing and so emits nothing: the scanner's steps over
	// them report no change for the session, and a session hears of (and emits for) changes only.
	mark := markHistory(t, workflows.ScannerWorkflowID(simChainID))
	rewindScanner(t, 4)
	it.chain.mine(1)
	head, err := it.chain.client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var steps []workflows.ScanResult
	eventually(t, "the rescan's steps in the scanner's history", func() (bool, error) {
		steps = scanStepsSince(t, mark)
		return len(steps) > 0 && steps[len(steps)-1].To >= head, nil
	})
	for _, s := range steps {
		for _, c := range s.Changes {
			if c.SessionID == id {
				t.Fatalf("the rescan of blocks %d-%d changed the session's payment: %+v", s.From, s.To, c)
			}
		}
	}
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

// An event an API request caused names it (Request-Id and Idempotency-Key), as Stripe's do;
// pending_webhooks counts the endpoints that have not received it yet, when it is read and in
// the delivered payload.
func TestEventsNameTheirRequestAndCountPendingWebhooks(t *testing.T) {
	key, _ := newMerchant(t, "Request Events Store")
	ok := newReceiver(t, func(int) int { return http.StatusOK })
	failing := newReceiver(t, func(int) int { return http.StatusInternalServerError })
	endpoint(t, key, ok.URL, "checkout.session.expired")
	endpoint(t, key, failing.URL, "checkout.session.expired")
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	r := expireWith(t, key, id, map[string]string{"Idempotency-Key": "expire-" + id})
	reqID := r.header.Get("Request-Id")
	if r.status != http.StatusOK || !strings.HasPrefix(reqID, "req_") {
		t.Fatalf("expire: %d, Request-Id %q %s", r.status, reqID, r.raw)
	}
	evs := sessionEvents(t, key, id)
	if len(evs) != 1 || evs[0].Request.ID == nil || *evs[0].Request.ID != reqID ||
		evs[0].Request.IdempotencyKey == nil || *evs[0].Request.IdempotencyKey != "expire-"+id {
		t.Fatalf("expired event's request: %+v; want id %s and the idempotency key", evs, reqID)
	}
	var read eventView
	eventually(t, "the healthy endpoint's delivery to finish", func() (bool, error) {
		g := get(t, "/v1/events/"+evs[0].ID, key)
		if err := jsonInto(g.raw, &read); err != nil {
			return false, err
		}
		return read.PendingWebhooks == 1 && failing.count() >= 1, nil
	})
	var sent eventView
	ok.mu.Lock()
	err := json.Unmarshal(ok.bodies[0], &sent)
	ok.mu.Unlock()
	if err != nil || sent.Request.ID == nil || *sent.Request.ID != reqID || sent.PendingWebhooks < 1 {
		t.Fatalf("delivered payload: %+v (%v); want the request and the endpoints still pending then", sent, err)
	}
}

// A list shows each session as retrieving it would: crypto.payments with their confirmations,
// and line_items with expand[]=data.line_items.
func TestSessionListCarriesPaymentsAndExpandsLineItems(t *testing.T) {
	key, _ := newMerchant(t, "List Fidelity Store")
	unpaid := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	sel := openSession(t, key, "tusd@sim")
	paid := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, paid, "complete", func(r response) bool { return r.str("status") == "complete" })

	type listed struct {
		Data []struct {
			ID        string `json:"id"`
			LineItems *struct {
				Data []struct {
					Quantity int64 `json:"quantity"`
				} `json:"data"`
			} `json:"line_items"`
			Crypto struct {
				Payments []struct {
					Confirmations int    `json:"confirmations"`
					Status        string `json:"status"`
				} `json:"payments"`
			} `json:"crypto"`
		} `json:"data"`
	}
	for _, c := range []struct {
		query     string
		lineItems bool
	}{{"", false}, {"&expand[]=data.line_items", true}} {
		r := get(t, "/v1/checkout/sessions?limit=10"+c.query, key)
		var l listed
		if r.status != 200 || json.Unmarshal(r.raw, &l) != nil || len(l.Data) != 2 {
			t.Fatalf("list%s: %d %s", c.query, r.status, r.raw)
		}
		for _, s := range l.Data {
			if (s.LineItems != nil) != c.lineItems || (c.lineItems && (len(s.LineItems.Data) != 1 || s.LineItems.Data[0].Quantity != 2)) {
				t.Fatalf("list%s: session %s line_items %+v", c.query, s.ID, s.LineItems)
			}
			switch {
			case s.ID == unpaid && (s.Crypto.Payments == nil || len(s.Crypto.Payments) != 0):
				t.Fatalf("list%s: unpaid session's payments %+v; want []", c.query, s.Crypto.Payments)
			case s.ID == paid && (len(s.Crypto.Payments) != 1 || s.Crypto.Payments[0].Status != "confirmed" ||
				s.Crypto.Payments[0].Confirmations < 3):
				t.Fatalf("list%s: paid session's payments %+v; want the confirmed one", c.query, s.Crypto.Payments)
			}
		}
	}
}
