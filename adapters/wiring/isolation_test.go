package wiring_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
)

// isoCase says how a /v1 route is probed with a stranger's key (another merchant's, or the
// owner's key of the other mode).
type isoCase struct {
	kind   isoKind
	object string     // which kind of the owner's objects the route reads or :id names (a key of collections)
	body   url.Values // a valid body, so a refusal can only come from the lookup
}

type isoKind int

const (
	byID      isoKind = iota // the stranger gets 404 resource_missing; the owner's GET finds it
	list                     // the owner's objects are absent from the stranger's list, present in the owner's
	create                   // what the stranger creates is invisible to the owner (404 and absent from lists)
	assets                   // configuration, not a merchant's: each mode sees only its own assets
	singleton                // one per merchant and mode (settlement settings): strangers neither see nor change the owner's
)

// isolationTable covers every /v1 route the server has; a route missing from it fails the
// test, so a new route comes with its isolation case.
var isolationTable = map[string]isoCase{
	"POST /v1/checkout/sessions":                  {kind: create, object: "session"},
	"GET /v1/checkout/sessions":                   {kind: list, object: "session"},
	"GET /v1/checkout/sessions/:id":               {kind: byID, object: "session"},
	"POST /v1/checkout/sessions/:id/expire":       {kind: byID, object: "session"},
	"GET /v1/checkout/sessions/:id/line_items":    {kind: byID, object: "session"},
	"POST /v1/checkout/sessions/:id/select_asset": {kind: byID, object: "session", body: url.Values{"asset": {"tusd@sim"}}},
	"GET /v1/crypto/assets":                       {kind: assets},
	"GET /v1/settlement_settings":                 {kind: singleton},
	"POST /v1/settlement_settings":                {kind: singleton, body: url.Values{"payout_address": {isoStrangerPayout}}},
	"GET /v1/payouts":                             {kind: list, object: "payout"},
	"GET /v1/payouts/:id":                         {kind: byID, object: "payout"},
	"GET /v1/balance_transactions":                {kind: list, object: "balance_transaction"},
	"GET /v1/balance_transactions/:id":            {kind: byID, object: "balance_transaction"},
	"POST /v1/products":                           {kind: create, object: "product"},
	"GET /v1/products":                            {kind: list, object: "product"},
	"GET /v1/products/:id":                        {kind: byID, object: "product"},
	"POST /v1/products/:id":                       {kind: byID, object: "product", body: url.Values{"name": {"Renamed"}}},
	"DELETE /v1/products/:id":                     {kind: byID, object: "product"},
	"POST /v1/prices":                             {kind: create, object: "price"},
	"GET /v1/prices":                              {kind: list, object: "price"},
	"GET /v1/prices/:id":                          {kind: byID, object: "price"},
	"POST /v1/prices/:id":                         {kind: byID, object: "price", body: url.Values{"metadata[a]": {"b"}}},
	"POST /v1/payment_links":                      {kind: create, object: "link"},
	"GET /v1/payment_links":                       {kind: list, object: "link"},
	"GET /v1/payment_links/:id":                   {kind: byID, object: "link"},
	"POST /v1/payment_links/:id":                  {kind: byID, object: "link", body: url.Values{"metadata[a]": {"b"}}},
	"GET /v1/payment_links/:id/line_items":        {kind: byID, object: "link"},
	"GET /v1/events":                              {kind: list, object: "event"},
	"GET /v1/events/:id":                          {kind: byID, object: "event"},
	"GET /v1/events/:id/deliveries":               {kind: byID, object: "event"},
	"POST /v1/events/:id/redeliver":               {kind: byID, object: "event"},
	"POST /v1/webhook_endpoints":                  {kind: create, object: "endpoint"},
	"GET /v1/webhook_endpoints":                   {kind: list, object: "endpoint"},
	"GET /v1/webhook_endpoints/:id":               {kind: byID, object: "endpoint"},
	"POST /v1/webhook_endpoints/:id":              {kind: byID, object: "endpoint", body: url.Values{"description": {"x"}}},
	"DELETE /v1/webhook_endpoints/:id":            {kind: byID, object: "endpoint"},
	"GET /v1/subscriptions":                       {kind: list, object: "subscription"},
	"GET /v1/subscriptions/:id":                   {kind: byID, object: "subscription"},
	"POST /v1/subscriptions/:id":                  {kind: byID, object: "subscription", body: url.Values{"metadata[a]": {"b"}}},
	"DELETE /v1/subscriptions/:id":                {kind: byID, object: "subscription"},
	"GET /v1/invoices":                            {kind: list, object: "invoice"},
	"GET /v1/invoices/:id":                        {kind: byID, object: "invoice"},
	"GET /v1/test_helpers/test_clocks/:id":        {kind: byID, object: "test_clock"},
	"POST /v1/test_helpers/test_clocks/:id/advance": {kind: byID, object: "test_clock",
		body: url.Values{"frozen_time": {strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}}},
	"POST /v1/webhook_endpoints/:id/roll_secret": {kind: byID, object: "endpoint"},
	"POST /v1/checkout/sessions/:id/resolve":     {kind: byID, object: "session", body: url.Values{"action": {"refund"}}},
	"POST /v1/refunds":                           {kind: create, object: "refund"},
	"GET /v1/refunds":                            {kind: list, object: "refund"},
	"GET /v1/refunds/:id":                        {kind: byID, object: "refund"},
	"POST /v1/refunds/:id/cancel":                {kind: byID, object: "refund"},
	"POST /v1/refunds/:id/mark_sent": {kind: byID, object: "refund",
		body: url.Values{"transaction_hash": {"0x" + strings.Repeat("ab", 32)}}},
}

// The owner's test-mode payout address, and the one strangers try to set.
const (
	isoOwnerPayout    = "0x00000000000000000000000000000000000000a1"
	isoStrangerPayout = "0x00000000000000000000000000000000000000e5"
)

// collections are where each kind of object is listed and retrieved.
var collections = map[string]string{"session": "/v1/checkout/sessions", "event": "/v1/events", "endpoint": "/v1/webhook_endpoints",
	"product": "/v1/products", "price": "/v1/prices", "link": "/v1/payment_links", "payout": "/v1/payouts",
	"balance_transaction": "/v1/balance_transactions", "subscription": "/v1/subscriptions", "invoice": "/v1/invoices",
	"test_clock": "/v1/test_helpers/test_clocks", "refund": "/v1/refunds"}

// catalogOf makes a product with a default price and a payment link selling it, for key.
func catalogOf(t *testing.T, key string) (product, price, link string) {
	t.Helper()
	prod := postForm(t, "/v1/products", key, url.Values{"name": {"Isolated thing"},
		"default_price_data[currency]": {"usd"}, "default_price_data[unit_amount]": {"700"}}, nil)
	if prod.status != http.StatusOK {
		t.Fatalf("product: %d %s", prod.status, prod.raw)
	}
	l := postForm(t, "/v1/payment_links", key, url.Values{"line_items[0][price]": {prod.str("default_price")},
		"line_items[0][quantity]": {"1"}}, nil)
	if l.status != http.StatusOK {
		t.Fatalf("link: %d %s", l.status, l.raw)
	}
	return prod.str("id"), prod.str("default_price"), l.str("id")
}

// isoWorld is the owner's objects and the keys probing them.
type isoWorld struct {
	owner, liveOwner, stranger string            // API keys: the owner's test key, its live key, another merchant's test key
	ids                        map[string]string // object kind -> one of the owner's test objects
}

func newIsoWorld(t *testing.T) isoWorld {
	t.Helper()
	owner, ownerID := newMerchant(t, "Isolated Owner")
	stranger, _ := newMerchant(t, "Stranger")
	refunded := overpaidSession(t, owner) // first: an xpub address, before the owner has a payout address
	re := refundOf(t, owner, refunded).str("id")
	live, stored := merchant.NewSecretKey(ownerID, true, time.Now())
	// No live chain is configured here, so the service issues no live key: store one directly.
	if err := it.app.API.Merchants.RollKey(context.Background(), stored, func([]merchant.APIKey) ([]merchant.APIKey, []event.Event, error) { return nil, nil, nil }); err != nil {
		t.Fatalf("add the owner's live key: %v", err)
	}
	session := postForm(t, "/v1/checkout/sessions", owner, validForm(), nil).str("id")
	we := endpoint(t, owner, "https://hooks.example/isolation", "*")
	product, price, link := catalogOf(t, owner)
	swept := sweptPayout(t, owner, ownerID, freshPayout(t), 1) // a payout address of its own: others check their balances
	if r := postForm(t, "/v1/settlement_settings", owner, url.Values{"payout_address": {isoOwnerPayout}}, nil); r.status != http.StatusOK {
		t.Fatalf("the owner's payout address: %d %s", r.status, r.raw)
	}
	line := get(t, "/v1/balance_transactions?payout="+swept.payoutID, owner)
	lines, _ := line.body["data"].([]any)
	if line.status != http.StatusOK || len(lines) != 1 {
		t.Fatalf("the owner's balance transactions: %d %s", line.status, line.raw)
	}
	sub := subscriptionOf(t, owner)
	return isoWorld{owner: owner, liveOwner: live, stranger: stranger,
		ids: map[string]string{"session": session, "event": expiredEvent(t, owner), "endpoint": we.ID,
			"product": product, "price": price, "link": link, "payout": swept.payoutID,
			"balance_transaction": lines[0].(map[string]any)["id"].(string), "subscription": sub.str("id"),
			"invoice": sub.str("latest_invoice"), "test_clock": sub.str("test_clock"), "refund": re}}
}

func (w isoWorld) request(t *testing.T, method, path, key string, body url.Values) response {
	t.Helper()
	if body == nil {
		return call(t, method, path, key, nil, "", nil)
	}
	return call(t, method, path, key, strings.NewReader(body.Encode()), "application/x-www-form-urlencoded", nil)
}

// listIDs returns the IDs a list route answers (up to 100 for paged lists, newest first).
func (w isoWorld) listIDs(t *testing.T, path, key string) []string {
	t.Helper()
	if path != "/v1/crypto/assets" {
		path += "?limit=100"
	}
	r := get(t, path, key)
	var l struct{ Data []struct{ ID string } }
	if r.status != http.StatusOK || json.Unmarshal(r.raw, &l) != nil {
		t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
	}
	ids := make([]string, 0, len(l.Data))
	for _, d := range l.Data {
		ids = append(ids, d.ID)
	}
	return ids
}

// Every /v1 route, probed with another merchant's key and with the owner's key of the other
// mode, finds none of the owner's objects.
func TestEveryRouteIsolatesMerchantsAndModes(t *testing.T) {
	var routes []string
	for _, r := range it.app.Handler.(*gin.Engine).Routes() {
		if strings.HasPrefix(r.Path, "/v1/") {
			routes = append(routes, r.Method+" "+r.Path)
		}
	}
	for _, r := range routes {
		if _, ok := isolationTable[r]; !ok {
			t.Errorf("route %s has no isolation case: add it to isolationTable", r)
		}
	}
	for r := range isolationTable {
		if !slices.Contains(routes, r) {
			t.Errorf("isolationTable names %s, which the server does not serve", r)
		}
	}
	if t.Failed() {
		return
	}
	w := newIsoWorld(t)
	slices.Sort(routes)
	slices.SortStableFunc(routes, func(a, b string) int { // destructive calls last: the others need the objects
		return strings.Compare(isoOrder(a), isoOrder(b))
	})
	for _, route := range routes {
		c := isolationTable[route]
		method, path, _ := strings.Cut(route, " ")
		t.Run(route, func(t *testing.T) {
			strangers := map[string]string{"another merchant": w.stranger, "the other mode": w.liveOwner}
			switch c.kind {
			case byID:
				id := w.ids[c.object]
				p := strings.Replace(path, ":id", id, 1)
				for who, key := range strangers {
					r := w.request(t, method, p, key, c.body)
					if r.status != http.StatusNotFound || r.errField("code") != "resource_missing" || !strings.Contains(r.errField("message"), id) {
						t.Errorf("%s: %s %s answered %d %s; want 404 resource_missing naming %s", who, method, p, r.status, r.raw, id)
					}
				}
				if method == http.MethodGet {
					if r := w.request(t, method, p, w.owner, nil); r.status != http.StatusOK {
						t.Errorf("the owner's own %s %s: %d %s", method, p, r.status, r.raw)
					}
				}
			case list:
				id := w.ids[c.object]
				if !slices.Contains(w.listIDs(t, path, w.owner), id) {
					t.Fatalf("the owner's list lacks its own %s %s", c.object, id)
				}
				for who, key := range strangers {
					if slices.Contains(w.listIDs(t, path, key), id) {
						t.Errorf("%s lists the owner's %s %s", who, c.object, id)
					}
				}
			case create:
				w.checkCreate(t, c.object)
			case singleton:
				w.checkSingleton(t, method, path, c.body, strangers)
			case assets:
				if ids := w.listIDs(t, path, w.owner); !slices.Contains(ids, "tusd@sim") {
					t.Fatalf("the test key does not list the test chain's assets: %v", ids)
				}
				if ids := w.listIDs(t, path, w.liveOwner); slices.Contains(ids, "tusd@sim") || slices.Contains(ids, "eth@sim") {
					t.Errorf("the live key lists test assets: %v", ids)
				}
			}
		})
	}
}

// checkCreate has the stranger create an object: the owner neither finds nor lists it.
func (w isoWorld) checkCreate(t *testing.T, object string) {
	t.Helper()
	var id string
	switch object {
	case "session":
		id = postForm(t, "/v1/checkout/sessions", w.stranger, validForm(), nil).str("id")
	case "endpoint":
		id = endpoint(t, w.stranger, "https://hooks.example/stranger", "*").ID
	case "product", "price", "link":
		product, price, link := catalogOf(t, w.stranger)
		id = map[string]string{"product": product, "price": price, "link": link}[object]
	case "refund":
		id = refundOf(t, w.stranger, overpaidSession(t, w.stranger)).str("id")
	}
	if id == "" {
		t.Fatalf("the stranger could not create a %s", object)
	}
	for _, key := range []string{w.owner, w.liveOwner} {
		if r := get(t, collections[object]+"/"+id, key); r.status != http.StatusNotFound {
			t.Errorf("the owner retrieves the stranger's %s %s: %d", object, id, r.status)
		}
		if slices.Contains(w.listIDs(t, collections[object], key), id) {
			t.Errorf("the owner lists the stranger's %s %s", object, id)
		}
	}
}

// checkSingleton probes the owner's test-mode settlement settings: a stranger's GET shows
// its own settings, never the owner's; its POST changes its own, never the owner's.
func (w isoWorld) checkSingleton(t *testing.T, method, path string, body url.Values, strangers map[string]string) {
	t.Helper()
	for who, key := range strangers {
		r := w.request(t, method, path, key, body)
		if method == http.MethodGet && (r.status != http.StatusOK || r.body["payout_address"] == isoOwnerPayout) {
			t.Errorf("%s: GET %s answered %d %s; want 200 without the owner's payout address", who, path, r.status, r.raw)
		}
		// The owner's live key may be refused (no live chain here); whatever it answers, nothing of test mode changes.
		if method == http.MethodPost && r.status != http.StatusOK && (key != w.liveOwner || r.status != http.StatusBadRequest) {
			t.Errorf("%s: POST %s answered %d %s", who, path, r.status, r.raw)
		}
		if key == w.liveOwner && r.status == http.StatusOK && r.body["livemode"] != true {
			t.Errorf("the live key got test-mode settings: %s", r.raw)
		}
	}
	if r := get(t, path, w.owner); r.status != http.StatusOK || r.str("payout_address") != chain.Checksum(isoOwnerPayout) || r.body["livemode"] != false {
		t.Errorf("the owner's test-mode settings changed: %d %s", r.status, r.raw)
	}
}

// isoOrder puts the routes that change or delete the owner's objects after those that only read.
func isoOrder(route string) string {
	switch {
	case strings.HasPrefix(route, "DELETE "):
		return "2"
	case strings.HasPrefix(route, "POST ") && strings.Contains(route, ":id"):
		return "1"
	}
	return "0"
}
