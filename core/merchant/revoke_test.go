package merchant

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

// TestRevoke: a working key is revoked at once unless it is the last one of its mode that
// keeps working (a rolled key in its grace does not count); an unknown key is not found.
func TestRevoke(t *testing.T) {
	lasting := func(id string) APIKey { return APIKey{ID: id, Hint: "sk_test_…" + id} }
	rolled := func(id string) APIKey { k := lasting(id); k.ExpiresAt = at(time.Hour); return k }
	expired := func(id string) APIKey { k := lasting(id); k.ExpiresAt = at(-time.Hour); return k }
	revoked := func(id string) APIKey { k := lasting(id); k.RevokedAt = at(-time.Minute); return k }
	tests := []struct {
		name     string
		keys     []APIKey
		id       string
		wantKind apperr.Kind // KindInternal: revoked
	}{
		{"one of two lasting keys", []APIKey{lasting("aaaa"), lasting("bbbb")}, "aaaa", apperr.KindInternal},
		{"the old key in its grace, the new one stays", []APIKey{rolled("aaaa"), lasting("bbbb")}, "aaaa", apperr.KindInternal},
		{"the only key", []APIKey{lasting("aaaa")}, "aaaa", apperr.KindInvalid},
		{"the new key while the old one is in its grace", []APIKey{rolled("aaaa"), lasting("bbbb")}, "bbbb", apperr.KindInvalid},
		{"the last lasting key beside stopped ones", []APIKey{expired("aaaa"), revoked("bbbb"), lasting("cccc")}, "cccc", apperr.KindInvalid},
		{"a key that already expired", []APIKey{expired("aaaa"), lasting("bbbb")}, "aaaa", apperr.KindInvalid},
		{"a key already revoked", []APIKey{revoked("aaaa"), lasting("bbbb")}, "aaaa", apperr.KindInvalid},
		{"a key not among them (another merchant's or mode's)", []APIKey{lasting("aaaa"), lasting("bbbb")}, "zzzz", apperr.KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Revoke(tt.keys, tt.id, t0)
			if tt.wantKind == apperr.KindInternal {
				if err != nil || got.ID != tt.id || got.RevokedAt == nil || !got.RevokedAt.Equal(t0) || got.Usable(t0) {
					t.Fatalf("Revoke = %+v, %v; want %s revoked now", got, err, tt.id)
				}
				return
			}
			if !apperr.IsKind(err, tt.wantKind) {
				t.Fatalf("Revoke error = %v, want kind %d", err, tt.wantKind)
			}
		})
	}
}

// revokeStore keeps one merchant's keys in memory for RevokeKey and Authenticate.
type revokeStore struct {
	Store
	keys   []APIKey
	events []event.Event
}

func (r *revokeStore) KeyByHash(_ context.Context, hash string) (Credential, error) {
	for _, k := range r.keys {
		if k.Hash == hash {
			return Credential{Key: k, Caller: Caller{MerchantID: k.MerchantID, Livemode: k.Livemode, KeyID: k.ID}}, nil
		}
	}
	return Credential{}, apperr.NotFound("api_key", "")
}

func (r *revokeStore) MerchantKeys(_ context.Context, merchantID string, livemode bool) ([]APIKey, error) {
	var out []APIKey
	for _, k := range r.keys {
		if k.MerchantID == merchantID && k.Livemode == livemode {
			out = append(out, k)
		}
	}
	return out, nil
}

func (r *revokeStore) RevokeKey(ctx context.Context, merchantID string, livemode bool, revoke func([]APIKey) (APIKey, []event.Event, error)) error {
	mine, _ := r.MerchantKeys(ctx, merchantID, livemode)
	k, events, err := revoke(mine)
	if err != nil {
		return err
	}
	r.events = append(r.events, events...)
	for i := range r.keys {
		if r.keys[i].ID == k.ID {
			r.keys[i] = k
		}
	}
	return nil
}

// TestRevokeKeyThroughTheCache: a key revoked through the service stops working at once on
// this instance even while its credential is cached, and leaves the list of working keys.
func TestRevokeKeyThroughTheCache(t *testing.T) {
	oldSecret, old := NewSecretKey("acct_1", false, t0)
	_, fresh := NewSecretKey("acct_1", false, t0)
	_, other := NewSecretKey("acct_2", false, t0)
	store := &revokeStore{keys: []APIKey{old, fresh, other}}
	svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return t0 }, CacheKeys(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.Authenticate(ctx, oldSecret); err != nil { // now cached
		t.Fatal(err)
	}
	if _, err := svc.RevokeKey(ctx, "acct_1", false, other.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("revoking another merchant's key: %v", err)
	}
	if _, err := svc.RevokeKey(ctx, "acct_1", true, old.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("revoking a key in the other mode: %v", err)
	}
	if _, err := svc.RevokeKey(ctx, "acct_1", false, old.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, oldSecret); !apperr.IsKind(err, apperr.KindUnauthorized) {
		t.Fatalf("the revoked key still authenticates: %v", err)
	}
	keys, err := svc.Keys(ctx, "acct_1", false)
	if err != nil || len(keys) != 1 || keys[0].ID != fresh.ID {
		t.Fatalf("Keys = %+v, %v; want the fresh key only", keys, err)
	}
	if _, err := svc.RevokeKey(ctx, "acct_1", false, fresh.ID); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("revoking the last key: %v", err)
	}
}

// TestCheckNewKey: MaxKeys working keys of a mode refuse one more; stopped keys do not count.
func TestCheckNewKey(t *testing.T) {
	keys := func(working, stopped int) []APIKey {
		var out []APIKey
		for range working {
			out = append(out, APIKey{})
		}
		for range stopped {
			out = append(out, APIKey{RevokedAt: at(-time.Minute)})
		}
		return out
	}
	tests := []struct {
		name            string
		working, stoppd int
		refused         bool
	}{
		{"one working key", 1, 0, false},
		{"one short of the bound", MaxKeys - 1, 0, false},
		{"at the bound", MaxKeys, 0, true},
		{"stopped keys do not count", MaxKeys - 1, 5, false},
	}
	for _, tt := range tests {
		if err := CheckNewKey(keys(tt.working, tt.stoppd), t0); (err != nil) != tt.refused {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
