package wiring_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// withoutSecret is an endpoint response without its secret: what its events show.
func withoutSecret(t *testing.T, r response) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatal(err)
	}
	if s, _ := m["secret"].(string); !strings.HasPrefix(s, "whsec_") {
		t.Fatalf("the response shows no secret: %s", r.raw)
	}
	delete(m, "secret")
	out, _ := json.Marshal(m)
	return out
}

// A merchant's changes of its webhook endpoints, API keys and settlement settings are events,
// each object as the API renders it, updates with what they changed, and never a secret: the
// webhook secret, the API key or its hash.
func TestChangeEventsRecordSettingsChanges(t *testing.T) {
	ctx := context.Background()
	key, merchantID := newMerchant(t, "Change Events Store")
	rcv := newReceiver(t, func(int) int { return http.StatusOK })
	endpoint(t, key, rcv.URL, "api_key.updated", "settlement_settings.updated")

	// A webhook endpoint is created, disabled, has its secret rolled, is left as it is and deleted.
	created := mustOK(t, "create endpoint", postForm(t, "/v1/webhook_endpoints", key, url.Values{"url": {rcv.URL + "/orders"},
		"enabled_events[]": {"product.created"}, "description": {"orders"}}, nil))
	id := created.str("id")
	disabled := mustOK(t, "disable endpoint", postForm(t, "/v1/webhook_endpoints/"+id, key, url.Values{"disabled": {"true"}}, nil))
	rolled := mustOK(t, "roll secret", postForm(t, "/v1/webhook_endpoints/"+id+"/roll_secret", key, nil, nil))
	mustOK(t, "disabled again (no change)", postForm(t, "/v1/webhook_endpoints/"+id, key, url.Values{"disabled": {"true"}}, nil))
	deleted := mustOK(t, "delete endpoint", call(t, http.MethodDelete, "/v1/webhook_endpoints/"+id, key, nil, "", nil))

	// The test key is rolled with an hour's grace, then revoked; the new key stays.
	fresh, retired, err := it.app.Merchants.Roll(ctx, merchantID, false, time.Hour)
	if err != nil || len(retired) != 1 {
		t.Fatalf("roll: %d retired, %v", len(retired), err)
	}
	if _, err := it.app.Merchants.RevokeKey(ctx, merchantID, false, retired[0].ID); err != nil {
		t.Fatalf("revoke the rolled key: %v", err)
	}
	key = fresh.Value

	settings := mustOK(t, "set payout address", postForm(t, "/v1/settlement_settings", key, url.Values{"payout_address": {payoutA}}, nil))
	mustOK(t, "same payout address (no change)", postForm(t, "/v1/settlement_settings", key, url.Values{"payout_address": {payoutA}}, nil))

	evs := allEvents(t, key)
	want := []struct{ typ, object string }{
		{"webhook_endpoint.created", ""}, // the receiver's
		{"webhook_endpoint.created", id},
		{"webhook_endpoint.updated", id},
		{"webhook_endpoint.updated", id},
		{"webhook_endpoint.deleted", id},
		{"api_key.created", fresh.Key.ID},
		{"api_key.updated", retired[0].ID},
		{"api_key.updated", retired[0].ID},
		{"settlement_settings.updated", ""},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		if evs[i].Type != w.typ || (w.object != "" && evs[i].objectID() != w.object) {
			t.Errorf("event %d: %s of %s, want %s of %s", i, evs[i].Type, evs[i].objectID(), w.typ, w.object)
		}
	}
	// Never a secret: the endpoint's (each one it had), the keys or their hashes.
	secrets := []string{"whsec_", "sk_test_", created.str("secret"), rolled.str("secret"), fresh.Value,
		fresh.Key.Hash, retired[0].Hash}
	for _, e := range evs {
		raw, _ := json.Marshal(e.Data)
		for _, s := range secrets {
			if s != "" && strings.Contains(string(raw), s) {
				t.Errorf("%s %s shows a secret (%.10s…): %s", e.Type, e.ID, s, raw)
			}
		}
	}

	// The endpoint's events show it as the API answered, without the secret.
	sameJSON(t, "webhook_endpoint.created data.object", evs[1].Data.Object, withoutSecret(t, created))
	sameJSON(t, "webhook_endpoint.updated (disabled) data.object", evs[2].Data.Object, disabled.raw)
	sameJSON(t, "webhook_endpoint.updated (rolled) data.object", evs[3].Data.Object, withoutSecret(t, rolled))
	sameJSON(t, "webhook_endpoint.deleted data.object", evs[4].Data.Object, withoutSecret(t, rolled))
	if deleted.str("id") != id || evs[1].Request.ID == nil || *evs[1].Request.ID != created.header.Get("Request-Id") {
		t.Errorf("webhook_endpoint.created request %v, want %q", evs[1].Request.ID, created.header.Get("Request-Id"))
	}
	if p := evs[2].Data.Previous; len(p) != 1 || p["status"] != "enabled" {
		t.Errorf("disabled: previous_attributes %v, want status: enabled", p)
	}
	if p := evs[3].Data.Previous; len(p) != 0 {
		t.Errorf("secret rolled: previous_attributes %v, want {} (the secret is never shown)", p)
	}

	// The keys' events: the new key; the old one's expiry set, then its revocation.
	var k struct {
		Object    string `json:"object"`
		Livemode  bool   `json:"livemode"`
		Created   int64  `json:"created"`
		ExpiresAt *int64 `json:"expires_at"`
		RevokedAt *int64 `json:"revoked_at"`
		Last4     string `json:"last4"`
	}
	if err := json.Unmarshal(evs[5].Data.Object, &k); err != nil || k.Object != "api_key" || k.Livemode ||
		k.Last4 != fresh.Value[len(fresh.Value)-4:] || k.ExpiresAt != nil || k.RevokedAt != nil || k.Created == 0 {
		t.Errorf("api_key.created object %s (%v)", evs[5].Data.Object, err)
	}
	if p, ok := evs[6].Data.Previous["expires_at"]; !ok || p != nil || len(evs[6].Data.Previous) != 1 {
		t.Errorf("rolled key: previous_attributes %v, want expires_at: null", evs[6].Data.Previous)
	}
	if err := json.Unmarshal(evs[6].Data.Object, &k); err != nil || k.ExpiresAt == nil || *k.ExpiresAt != retired[0].ExpiresAt.Unix() {
		t.Errorf("rolled key object %s, want expires_at %v", evs[6].Data.Object, retired[0].ExpiresAt)
	}
	if p, ok := evs[7].Data.Previous["revoked_at"]; !ok || p != nil || len(evs[7].Data.Previous) != 1 {
		t.Errorf("revoked key: previous_attributes %v, want revoked_at: null", evs[7].Data.Previous)
	}
	if err := json.Unmarshal(evs[7].Data.Object, &k); err != nil || k.RevokedAt == nil || k.Last4 != retired[0].Last4() {
		t.Errorf("revoked key object %s", evs[7].Data.Object)
	}

	// The settings' event shows them as the API answered, with the address they had before.
	sameJSON(t, "settlement_settings.updated data.object", evs[8].Data.Object, settings.raw)
	if p, ok := evs[8].Data.Previous["payout_address"]; !ok || p != nil {
		t.Errorf("settings: previous_attributes %v, want payout_address: null", evs[8].Data.Previous)
	}

	// The endpoint subscribed to them receives them.
	for _, e := range []catalogEvent{evs[6], evs[7], evs[8]} {
		eventually(t, e.Type+" delivered", func() (bool, error) {
			d := deliveries(t, key, e.ID)
			return len(d.Data) == 1 && d.Data[0].Status == "succeeded", nil
		})
	}
	if d := deliveries(t, key, evs[5].ID); len(d.Data) != 0 {
		t.Errorf("api_key.created went to an endpoint not subscribed to it: %+v", d)
	}
}
