package merchant

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// keyEncoder renders keys as a careless renderer would: with whatever hash it is given.
type keyEncoder struct{}

func (keyEncoder) EncodeAPIKey(_ context.Context, k APIKey) ([]byte, error) {
	unix := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.Unix()
	}
	return json.Marshal(map[string]any{"id": k.ID, "object": "api_key", "hash": k.Hash, "last4": k.Last4(),
		"expires_at": unix(k.ExpiresAt), "revoked_at": unix(k.RevokedAt)})
}

func (r *rollStore) MerchantKeys(_ context.Context, merchantID string, livemode bool) ([]APIKey, error) {
	var out []APIKey
	for _, k := range r.keys {
		if k.MerchantID == merchantID && k.Livemode == livemode {
			out = append(out, k)
		}
	}
	return out, nil
}

func TestKeyEventType(t *testing.T) {
	base := &APIKey{ID: "key_1", Hint: "sk_test_…abcd"}
	with := func(f func(*APIKey)) *APIKey { c := *base; f(&c); return &c }
	cases := []struct {
		name          string
		before, after *APIKey
		want          string
	}{
		{"issued", nil, base, event.APIKeyCreated},
		{"unchanged", base, with(func(*APIKey) {}), ""},
		{"rolled: an expiry", base, with(func(k *APIKey) { k.ExpiresAt = at(time.Hour) }), event.APIKeyUpdated},
		{"rolled again: the expiry brought forward", with(func(k *APIKey) { k.ExpiresAt = at(time.Hour) }),
			with(func(k *APIKey) { k.ExpiresAt = at(time.Minute) }), event.APIKeyUpdated},
		{"rolled again, the earlier expiry kept", with(func(k *APIKey) { k.ExpiresAt = at(time.Hour) }),
			with(func(k *APIKey) { k.ExpiresAt = at(time.Hour) }), ""},
		{"revoked", base, with(func(k *APIKey) { k.RevokedAt = at(0) }), event.APIKeyUpdated},
	}
	for _, c := range cases {
		if got := KeyEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// Issuing, rolling and revoking keys through the service record their events with the change,
// each with the old values of what changed and never the secret or its hash.
func TestKeyEvents(t *testing.T) {
	ctx := context.Background()
	store := &rollStore{}
	svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	m, first, err := svc.Create(ctx, "Shop", "xpub")
	if err != nil {
		t.Fatal(err)
	}
	if len(store.events) != 0 {
		t.Fatalf("a merchant's first keys made events: %+v", store.events)
	}
	second, err := svc.CreateKey(ctx, m.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	rolled, _, err := svc.Roll(ctx, m.ID, false, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wantExpiry := `{"expires_at":null}`
	want := []struct{ typ, key, prev string }{
		{event.APIKeyCreated, second.Key.ID, `{}`},
		{event.APIKeyCreated, rolled.Key.ID, `{}`},
		{event.APIKeyUpdated, first[0].Key.ID, wantExpiry},
		{event.APIKeyUpdated, second.Key.ID, wantExpiry},
	}
	if len(store.events) != len(want) {
		t.Fatalf("events %+v, want %d", store.events, len(want))
	}
	secrets := []string{first[0].Value, second.Value, rolled.Value, first[0].Key.Hash, second.Key.Hash, rolled.Key.Hash}
	for i, w := range want {
		e := store.events[i]
		if e.Type != w.typ || !strings.Contains(string(e.Object), w.key) || string(e.PreviousAttributes) != w.prev ||
			e.MerchantID != m.ID || e.Livemode {
			t.Errorf("event %d: %s %s prev %s, want %s of %s prev %s", i, e.Type, e.Object, e.PreviousAttributes, w.typ, w.key, w.prev)
		}
		for _, s := range secrets {
			if strings.Contains(string(e.Object), s) {
				t.Errorf("event %d shows a secret or its hash: %s", i, e.Object)
			}
		}
	}
}

// Revoking a key records its api_key.updated with revoked_at's old value.
func TestRevokeKeyEvent(t *testing.T) {
	old, fresh := APIKey{ID: "key_old", MerchantID: "acct_1", Hash: "h_old", Hint: "sk_test_…1111"},
		APIKey{ID: "key_new", MerchantID: "acct_1", Hash: "h_new", Hint: "sk_test_…2222"}
	store := &revokeStore{keys: []APIKey{old, fresh}}
	svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RevokeKey(context.Background(), "acct_1", false, old.ID); err != nil {
		t.Fatal(err)
	}
	if len(store.events) != 1 || store.events[0].Type != event.APIKeyUpdated ||
		string(store.events[0].PreviousAttributes) != `{"revoked_at":null}` || strings.Contains(string(store.events[0].Object), "h_old") {
		t.Fatalf("events %+v", store.events)
	}
	if _, err := svc.RevokeKey(context.Background(), "acct_1", false, fresh.ID); err == nil || len(store.events) != 1 {
		t.Fatalf("refused revocation: %v, events %+v", err, store.events)
	}
}
