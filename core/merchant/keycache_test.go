package merchant

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// fakeKeys is a key store whose keys can be revoked; it counts lookups.
type fakeKeys struct {
	Store
	active  map[string]Caller
	lookups int
}

func (f *fakeKeys) CallerByKeyHash(_ context.Context, hash string) (Caller, error) {
	f.lookups++
	c, ok := f.active[hash]
	if !ok {
		return Caller{}, apperr.NotFound("api_key", "")
	}
	return c, nil
}

type noXPubs struct{}

func (noXPubs) ValidateXPub(string) error { return nil }

// TestAuthenticateKeyCache: a cached key skips the lookup, and a revoked key stops working
// once the cache's bound has passed since it was resolved.
func TestAuthenticateKeyCache(t *testing.T) {
	const secret = "sk_test_abcdefghijklmnopqrstuvwxyz123456"
	type step struct {
		at          time.Duration // since the start
		revokeFirst bool          // revoke the key before this request
		wantOK      bool
		wantLookups int // total lookups so far
	}
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"no cache: every request looks up, revocation is immediate", 0, []step{
			{0, false, true, 1}, {time.Second, false, true, 2}, {2 * time.Second, true, false, 3}}},
		{"cached within the bound", 30 * time.Second, []step{
			{0, false, true, 1}, {10 * time.Second, false, true, 1}, {29 * time.Second, false, true, 1}}},
		{"revoked key works until the bound, then not", 30 * time.Second, []step{
			{0, false, true, 1}, {5 * time.Second, true, true, 1}, {29*time.Second + 999*time.Millisecond, false, true, 1},
			{30 * time.Second, false, false, 2}, {31 * time.Second, false, false, 3}}},
		{"after the bound a live key is looked up again and cached anew", 30 * time.Second, []step{
			{0, false, true, 1}, {30 * time.Second, false, true, 2}, {59 * time.Second, false, true, 2},
			{60 * time.Second, false, true, 3}}},
		{"an unknown key is not remembered", 30 * time.Second, []step{
			{0, true, false, 1}, {time.Second, false, false, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now := start
			store := &fakeKeys{active: map[string]Caller{HashSecret(secret): {MerchantID: "acct_1", KeyID: "key_1"}}}
			svc, err := NewService(store, noXPubs{}, func() time.Time { return now }, CacheKeys(tt.ttl))
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				now = start.Add(s.at)
				if s.revokeFirst {
					delete(store.active, HashSecret(secret))
				}
				c, err := svc.Authenticate(context.Background(), secret)
				if gotOK := err == nil; gotOK != s.wantOK {
					t.Fatalf("step %d at %v: ok = %v (err %v), want %v", i, s.at, gotOK, err, s.wantOK)
				}
				if err != nil && !apperr.IsKind(err, apperr.KindUnauthorized) {
					t.Fatalf("step %d: err = %v, want unauthorized", i, err)
				}
				if s.wantOK && c.MerchantID != "acct_1" {
					t.Fatalf("step %d: caller = %+v", i, c)
				}
				if store.lookups != s.wantLookups {
					t.Fatalf("step %d at %v: %d lookups, want %d", i, s.at, store.lookups, s.wantLookups)
				}
			}
		})
	}
}
