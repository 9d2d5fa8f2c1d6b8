package wiring_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
)

// signedIn is a dashboard user of a new merchant with the given role, signed in, with the
// page's CSRF token in hand; key is the merchant's test API key.
func signedIn(t *testing.T, store, email string, role account.Role) (u *dashUser, key, merchantID string) {
	t.Helper()
	key, merchantID = newMerchant(t, store)
	return signInAs(t, merchantID, email, role), key, merchantID
}

func (u *dashUser) post(path string, form url.Values) (int, string, string) {
	u.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", u.csrf)
	return u.do(http.MethodPost, path, form)
}

var shownSecret = regexp.MustCompile(`sk_test_[0-9A-Za-z]{20,}`)

// Rolling with a 1-hour grace: the new secret is shown once (and never again), the new key
// works at once, the old one keeps working and is listed with its expiry an hour away. A key
// can then be revoked now, but not the last one that keeps working.
func TestDashboardDevRollKeyWithGrace(t *testing.T) {
	u, oldKey, merchantID := signedIn(t, "Roll Grace Store", "owner@roll-grace.example", account.RoleOwner)
	_, _, page := u.do(http.MethodGet, "/dashboard/developers", nil)
	if !strings.Contains(page, "…"+oldKey[len(oldKey)-4:]) || strings.Contains(page, oldKey) {
		t.Fatalf("the key list shows the hint only: %v", strings.Contains(page, oldKey))
	}
	before := time.Now()
	st, _, body := u.post("/dashboard/developers/keys/roll", url.Values{"grace": {"1h"}})
	fresh := shownSecret.FindString(body)
	if st != http.StatusOK || fresh == "" || fresh == oldKey || !strings.Contains(body, `class="secret"`) ||
		!strings.Contains(body, "shown only this once") || !strings.Contains(body, "keeps working until") {
		t.Fatalf("roll: %d, secret %q", st, fresh)
	}
	for _, key := range []string{fresh, oldKey} {
		if r := get(t, "/v1/checkout/sessions", key); r.status != http.StatusOK {
			t.Fatalf("key …%s after the roll: %d %s", key[len(key)-4:], r.status, r.raw)
		}
	}
	_, _, page = u.do(http.MethodGet, "/dashboard/developers", nil)
	if strings.Contains(page, fresh) || !strings.Contains(page, "…"+fresh[len(fresh)-4:]) || !strings.Contains(page, "rolled") {
		t.Fatalf("after the roll the list shows both hints, never the secret (secret shown: %v)", strings.Contains(page, fresh))
	}
	keys, err := it.app.Merchants.Keys(context.Background(), merchantID, false)
	if err != nil || len(keys) != 2 || keys[0].ExpiresAt == nil || keys[1].ExpiresAt != nil {
		t.Fatalf("keys after the roll: %+v, %v", keys, err)
	}
	if exp := keys[0].ExpiresAt.Sub(before); exp < 59*time.Minute || exp > 61*time.Minute {
		t.Fatalf("the old key expires in %v, want an hour", exp)
	}
	if !strings.Contains(page, keys[0].ExpiresAt.UTC().Format("2 Jan 2006 15:04 MST")) {
		t.Fatal("the old key's expiry is not shown")
	}

	if st, loc, _ := u.post("/dashboard/developers/keys/"+keys[0].ID+"/revoke", nil); st != http.StatusSeeOther || !strings.Contains(loc, "notice=dev_revoked") {
		t.Fatalf("revoke the old key: %d %q", st, loc)
	}
	if r := get(t, "/v1/checkout/sessions", oldKey); r.status != http.StatusUnauthorized {
		t.Fatalf("the revoked key: %d", r.status)
	}
	st, _, body = u.post("/dashboard/developers/keys/"+keys[1].ID+"/revoke", nil)
	if st != http.StatusBadRequest || !strings.Contains(body, "last key of test mode that keeps working") {
		t.Fatalf("revoking the last key: %d", st)
	}
	if r := get(t, "/v1/checkout/sessions", fresh); r.status != http.StatusOK {
		t.Fatalf("the last key after a refused revocation: %d", r.status)
	}
	other, otherID := newMerchant(t, "Roll Grace Other")
	otherKeys, _ := it.app.Merchants.Keys(context.Background(), otherID, false)
	if st, _, _ := u.post("/dashboard/developers/keys/"+otherKeys[0].ID+"/revoke", nil); st != http.StatusNotFound {
		t.Fatalf("revoking another merchant's key: %d", st)
	}
	if r := get(t, "/v1/checkout/sessions", other); r.status != http.StatusOK {
		t.Fatalf("the other merchant's key: %d", r.status)
	}
}

// Rolling with "now": the old key is refused on the API at once, the new one works.
func TestDashboardDevRollKeyNow(t *testing.T) {
	u, oldKey, _ := signedIn(t, "Roll Now Store", "owner@roll-now.example", account.RoleOwner)
	st, _, body := u.post("/dashboard/developers/keys/roll", url.Values{"grace": {"now"}})
	fresh := shownSecret.FindString(body)
	if st != http.StatusOK || fresh == "" {
		t.Fatalf("roll now: %d", st)
	}
	if r := get(t, "/v1/checkout/sessions", oldKey); r.status != http.StatusUnauthorized {
		t.Fatalf("the old key after a roll now: %d %s", r.status, r.raw)
	}
	if r := get(t, "/v1/checkout/sessions", fresh); r.status != http.StatusOK {
		t.Fatalf("the new key: %d", r.status)
	}
	if st, _, body := u.post("/dashboard/developers/keys/roll", url.Values{"grace": {"forever"}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "Choose when the old key stops working.") {
		t.Fatalf("an unknown grace: %d", st)
	}
}

// Another key leaves the current one working; both work, each shown once; a revoke of the
// new one stops it alone.
func TestDashboardDevCreateKey(t *testing.T) {
	u, oldKey, _ := signedIn(t, "Create Key Store", "owner@create-key.example", account.RoleOwner)
	st, _, body := u.post("/dashboard/developers/keys", url.Values{})
	fresh := shownSecret.FindString(body)
	if st != http.StatusOK || fresh == "" || fresh == oldKey || !strings.Contains(body, "Your other keys keep working.") {
		t.Fatalf("create: %d", st)
	}
	for _, k := range []string{oldKey, fresh} {
		if r := get(t, "/v1/checkout/sessions", k); r.status != http.StatusOK {
			t.Fatalf("key …%s after the create: %d", k[len(k)-4:], r.status)
		}
	}
}

// A read-only user sees the developers and money pages but every change is refused (403) and
// changes nothing.
func TestDashboardDevReadOnlyChangesNothing(t *testing.T) {
	u, key, merchantID := signedIn(t, "Read Only Dev Store", "viewer@ro-dev.example", account.RoleReadOnly)
	rcv := newReceiver(t, func(int) int { return 200 })
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/dashboard/developers/keys/roll", url.Values{"grace": {"now"}}},
		{"/dashboard/developers/webhooks", url.Values{"url": {rcv.URL}, "all": {"true"}}},
		{"/dashboard/money/settings", url.Values{"payout_address": {payoutA}, "deposit_addresses": {"forwarder"}}},
	} {
		if st, _, body := u.post(c.path, c.form); st != http.StatusForbidden || !strings.Contains(body, "read-only") {
			t.Errorf("POST %s as read-only: %d", c.path, st)
		}
	}
	if r := get(t, "/v1/checkout/sessions", key); r.status != http.StatusOK {
		t.Fatalf("the key after a refused roll: %d", r.status)
	}
	if keys, _ := it.app.Merchants.Keys(context.Background(), merchantID, false); len(keys) != 1 || keys[0].ExpiresAt != nil {
		t.Fatalf("keys after a refused roll: %+v", keys)
	}
	if r := get(t, "/v1/webhook_endpoints", key); !strings.Contains(string(r.raw), `"data":[]`) {
		t.Fatalf("endpoints after a refused create: %s", r.raw)
	}
	if r := get(t, "/v1/settlement_settings", key); r.body["payout_address"] != nil {
		t.Fatalf("settings after a refused save: %s", r.raw)
	}
	for _, path := range []string{"/dashboard/developers", "/dashboard/events", "/dashboard/money"} {
		st, _, body := u.do(http.MethodGet, path, nil)
		if st != http.StatusOK || strings.Contains(body, "/keys/roll") || strings.Contains(body, `action="/dashboard/money/settings"`) {
			t.Errorf("GET %s as read-only: %d", path, st)
		}
	}
}

// A webhook endpoint made through the form is the API's; its page shows its deliveries; it can
// be disabled, its secret rolled and it can be deleted; bad input is refused in words and
// another merchant's endpoint is not found.
func TestDashboardDevWebhookEndpoint(t *testing.T) {
	u, key, _ := signedIn(t, "Webhook Dash Store", "owner@webhook-dash.example", account.RoleOwner)
	rcv := newReceiver(t, func(int) int { return 200 })
	if st, _, body := u.post("/dashboard/developers/webhooks", url.Values{"url": {rcv.URL}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "Choose the events to send, or all events.") || !strings.Contains(body, rcv.URL) {
		t.Fatalf("no events chosen: %d", st)
	}
	if st, _, body := u.post("/dashboard/developers/webhooks", url.Values{"url": {"ftp://example.com"}, "all": {"true"}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "Invalid URL") {
		t.Fatalf("a bad URL: %d", st)
	}
	st, _, body := u.post("/dashboard/developers/webhooks", url.Values{"url": {rcv.URL}, "description": {"orders"},
		"events": {event.SessionExpired, event.SessionCompleted}})
	secret := regexp.MustCompile(`whsec_[0-9A-Za-z]+`).FindString(body)
	if st != http.StatusOK || secret == "" || !strings.Contains(body, `class="secret"`) {
		t.Fatalf("create: %d", st)
	}
	r := get(t, "/v1/webhook_endpoints", key)
	var list struct {
		Data []struct {
			ID, URL, Status, Description string
			EnabledEvents                []string `json:"enabled_events"`
		}
	}
	if err := jsonInto(r.raw, &list); err != nil || len(list.Data) != 1 || list.Data[0].URL != rcv.URL || list.Data[0].Status != "enabled" ||
		list.Data[0].Description != "orders" || !slices.Equal(list.Data[0].EnabledEvents, []string{event.SessionExpired, event.SessionCompleted}) {
		t.Fatalf("endpoints over the API: %s", r.raw)
	}
	we := list.Data[0].ID

	evt := expiredEvent(t, key)
	eventually(t, "the delivery on the endpoint's page", func() (bool, error) {
		_, _, page := u.do(http.MethodGet, "/dashboard/developers/webhooks/"+we, nil)
		return strings.Contains(page, "/dashboard/events/"+evt) && strings.Contains(page, "succeeded"), nil
	})
	if st, _, page := u.do(http.MethodGet, "/dashboard/events/"+evt, nil); st != http.StatusOK || !strings.Contains(page, we) {
		t.Fatalf("the event's deliveries: %d", st)
	}

	// "Send a test event": one signed delivery to this endpoint only, of a type it did not ask for.
	before := rcv.count()
	if st, loc, _ := u.post("/dashboard/developers/webhooks/"+we+"/test", url.Values{}); st != http.StatusSeeOther ||
		!strings.Contains(loc, "test_sent") {
		t.Fatalf("send a test event: %d %q", st, loc)
	}
	eventually(t, "the test event at the receiver", func() (bool, error) { return rcv.count() == before+1, nil })
	rcv.mu.Lock()
	got, sig := string(rcv.bodies[before]), rcv.headers[before].Get("Stripe-Signature")
	rcv.mu.Unlock()
	if !strings.Contains(got, `"type":"webhook_endpoint.test"`) || !strings.Contains(got, we) || sig == "" {
		t.Fatalf("the test event: %s (signature %q)", got, sig)
	}
	if st, _, _ := u.post("/dashboard/developers/webhooks/we_nonexistent/test", url.Values{}); st != http.StatusNotFound {
		t.Fatalf("a test event to an unknown endpoint: %d", st)
	}

	if st, loc, _ := u.post("/dashboard/developers/webhooks/"+we+"/status", url.Values{"status": {"disabled"}}); st != http.StatusSeeOther ||
		!strings.Contains(loc, "dev_disabled") {
		t.Fatalf("disable: %d %q", st, loc)
	}
	if r := get(t, "/v1/webhook_endpoints/"+we, key); r.str("status") != "disabled" {
		t.Fatalf("after disabling: %s", r.raw)
	}
	st, _, body = u.post("/dashboard/developers/webhooks/"+we+"/roll_secret", nil)
	if rolled := regexp.MustCompile(`whsec_[0-9A-Za-z]+`).FindString(body); st != http.StatusOK || rolled == "" || rolled == secret {
		t.Fatalf("roll the signing secret: %d", st)
	}
	if _, _, page := u.do(http.MethodGet, "/dashboard/developers/webhooks/"+we, nil); strings.Contains(page, "whsec_") {
		t.Fatal("the endpoint's page shows its secret")
	}

	other := signInAs(t, mustMerchant(t, "Webhook Dash Other"), "owner@webhook-other.example", account.RoleOwner)
	if st, _, _ := other.do(http.MethodGet, "/dashboard/developers/webhooks/"+we, nil); st != http.StatusNotFound {
		t.Fatalf("another merchant's endpoint page: %d", st)
	}
	for _, path := range []string{"/status", "/roll_secret", "/delete"} {
		if st, _, _ := other.post("/dashboard/developers/webhooks/"+we+path, url.Values{"status": {"enabled"}}); st != http.StatusNotFound {
			t.Fatalf("POST %s of another merchant's endpoint: %d", path, st)
		}
	}
	if st, _, _ := other.do(http.MethodGet, "/dashboard/events/"+evt, nil); st != http.StatusNotFound {
		t.Fatalf("another merchant's event: %d", st)
	}

	if st, loc, _ := u.post("/dashboard/developers/webhooks/"+we+"/delete", nil); st != http.StatusSeeOther || !strings.Contains(loc, "dev_deleted") {
		t.Fatalf("delete: %d %q", st, loc)
	}
	if r := get(t, "/v1/webhook_endpoints/"+we, key); r.status != http.StatusNotFound {
		t.Fatalf("after deleting: %d", r.status)
	}
}

func mustMerchant(t *testing.T, name string) string {
	t.Helper()
	_, id := newMerchant(t, name)
	return id
}

// The event log lists an event an API call caused, newest first, filtered by type.
func TestDashboardDevEventLog(t *testing.T) {
	u, key, _ := signedIn(t, "Event Log Store", "owner@event-log.example", account.RoleOwner)
	evt := expiredEvent(t, key)
	if st, _, page := u.do(http.MethodGet, "/dashboard/events", nil); st != http.StatusOK || !strings.Contains(page, evt) ||
		!strings.Contains(page, event.SessionExpired) {
		t.Fatalf("event log: %d", st)
	}
	if _, _, page := u.do(http.MethodGet, "/dashboard/events?type="+event.SessionExpired, nil); !strings.Contains(page, evt) {
		t.Fatal("the event is missing under its own type")
	}
	if _, _, page := u.do(http.MethodGet, "/dashboard/events?type="+event.SessionCompleted, nil); strings.Contains(page, evt) {
		t.Fatal("the event is listed under another type")
	}
	if st, _, _ := u.do(http.MethodGet, "/dashboard/events?type=nope", nil); st != http.StatusBadRequest {
		t.Fatalf("an unknown type: %d", st)
	}
	if st, _, page := u.do(http.MethodGet, "/dashboard/events/"+evt, nil); st != http.StatusOK || !strings.Contains(page, "No delivery") {
		t.Fatalf("the event's page: %d", st)
	}
}

// Payout settings saved through the form are the API's; a bad address is refused in words
// with the input kept, and nothing is written.
func TestDashboardMoneySettings(t *testing.T) {
	u, key, _ := signedIn(t, "Money Settings Store", "owner@money-settings.example", account.RoleOwner)
	if st, _, page := u.do(http.MethodGet, "/dashboard/money", nil); st != http.StatusOK || !strings.Contains(page, "new sessions only") ||
		!strings.Contains(page, `name="chain_sim"`) {
		t.Fatalf("money page: %d", st)
	}
	st, _, body := u.post("/dashboard/money/settings", url.Values{"payout_address": {"0x1234"}, "chain_sim": {""}, "deposit_addresses": {"forwarder"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "payout_address is not an address") || !strings.Contains(body, `value="0x1234"`) {
		t.Fatalf("a bad address: %d", st)
	}
	if r := get(t, "/v1/settlement_settings", key); r.body["payout_address"] != nil || r.body["updated"] != nil {
		t.Fatalf("a refused save wrote something: %s", r.raw)
	}
	st, loc, _ := u.post("/dashboard/money/settings", url.Values{"payout_address": {payoutA}, "chain_sim": {payoutB}, "deposit_addresses": {"xpub"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/money?notice=saved") {
		t.Fatalf("save: %d %q", st, loc)
	}
	r := get(t, "/v1/settlement_settings", key)
	per, _ := r.body["payout_addresses"].(map[string]any)
	if r.str("payout_address") != chain.Checksum(payoutA) || per["sim"] != chain.Checksum(payoutB) || r.str("deposit_addresses") != "xpub" {
		t.Fatalf("settings over the API: %s", r.raw)
	}
	if _, _, page := u.do(http.MethodGet, "/dashboard/money", nil); !strings.Contains(page, chain.Checksum(payoutB)) {
		t.Fatal("the saved chain address is not shown")
	}
	u.post("/dashboard/money/settings", url.Values{"payout_address": {payoutA}, "chain_sim": {""}, "deposit_addresses": {"forwarder"}})
	if r := get(t, "/v1/settlement_settings", key); len(r.body["payout_addresses"].(map[string]any)) != 0 || r.str("deposit_addresses") != "forwarder" {
		t.Fatalf("an emptied chain address: %s", r.raw)
	}
}

// A payout is listed with its page and its CSV (the CLI's file: header row, one row per
// balance transaction); another merchant's payout is not found.
func TestDashboardMoneyPayoutExport(t *testing.T) {
	u, key, merchantID := signedIn(t, "Money Payout Store", "owner@money-payout.example", account.RoleOwner)
	s := sweptPayout(t, key, merchantID, freshPayout(t), 2)
	if st, _, page := u.do(http.MethodGet, "/dashboard/money", nil); st != http.StatusOK || !strings.Contains(page, s.payoutID) ||
		!strings.Contains(page, "Nothing waits to be paid out") {
		t.Fatalf("money page: %d", st)
	}
	st, _, page := u.do(http.MethodGet, "/dashboard/money/payouts/"+s.payoutID, nil)
	if st != http.StatusOK || !strings.Contains(page, s.txHash) || !strings.Contains(page, s.sessions[0]) || !strings.Contains(page, "$79.96") {
		t.Fatalf("payout page: %d", st)
	}

	req, _ := http.NewRequest(http.MethodGet, it.base+"/dashboard/money/payouts/"+s.payoutID+"/export.csv", nil)
	res, err := u.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows, err := csv.NewReader(res.Body).ReadAll()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || err != nil {
		t.Fatalf("export: %d %q %q %v", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), err)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], httpapi.PayoutCSVHeader) {
		t.Fatalf("csv rows: %v", rows)
	}
	var sessions []string
	for _, row := range rows[1:] {
		if row[slices.Index(rows[0], "payout")] != s.payoutID || row[slices.Index(rows[0], "tx_hash")] != s.txHash {
			t.Fatalf("csv row: %v", row)
		}
		sessions = append(sessions, row[slices.Index(rows[0], "session")])
	}
	slices.Sort(sessions)
	if want := slices.Sorted(slices.Values(s.sessions)); !slices.Equal(sessions, want) {
		t.Fatalf("csv sessions %v, want %v", sessions, want)
	}

	other := signInAs(t, mustMerchant(t, "Money Payout Other"), "owner@money-other.example", account.RoleOwner)
	for _, path := range []string{"/dashboard/money/payouts/" + s.payoutID, "/dashboard/money/payouts/" + s.payoutID + "/export.csv"} {
		if st, _, body := other.do(http.MethodGet, path, nil); st != http.StatusNotFound || strings.Contains(body, s.txHash) {
			t.Fatalf("another merchant's %s: %d", path, st)
		}
	}
}
