package merchant

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// fakeKeys is a key store whose keys can be deleted; it counts lookups.
type fakeKeys struct {
	Store
	active  map[string]Credential
	lookups int
}

func (f *fakeKeys) KeyByHash(_ context.Context, hash string) (Credential, error) {
	f.lookups++
	c, ok := f.active[hash]
	if !ok {
		return Credential{}, apperr.NotFound("api_key", "")
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
			store := &fakeKeys{active: map[string]Credential{HashSecret(secret): {Caller: Caller{MerchantID: "acct_1", KeyID: "key_1"}}}}
			svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return now }, CacheKeys(tt.ttl))
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

// TestAuthenticateRolledKey: a rolled key's expiry is honoured on every request, cached or
// not; a roll made while the key is cached is seen at most the cache's bound later.
func TestAuthenticateRolledKey(t *testing.T) {
	const secret = "sk_live_abcdefghijklmnopqrstuvwxyz123456"
	type step struct {
		at          time.Duration // since the start
		expireAt    time.Duration // > 0: roll the key before this request, to expire at this time
		wantOK      bool
		wantExpired bool // refused as expired rather than invalid
	}
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"rolled with a grace: works until the expiry, then refused", 30 * time.Second, []step{
			{0, 2 * time.Minute, true, false}, {time.Minute, 0, true, false},
			{2*time.Minute - time.Millisecond, 0, true, false}, {2 * time.Minute, 0, false, true}}},
		{"expiry inside a cached entry's life still refuses on time", 30 * time.Second, []step{
			{0, 10 * time.Second, true, false}, {9 * time.Second, 0, true, false}, {10 * time.Second, 0, false, true}}},
		{"rolled to expire now while cached: works at most the bound longer", 30 * time.Second, []step{
			{0, 0, true, false}, {5 * time.Second, 5 * time.Second, true, false},
			{29 * time.Second, 0, true, false}, {30 * time.Second, 0, false, true}}},
		{"no cache: a roll to expire now refuses at once", 0, []step{
			{0, 0, true, false}, {5 * time.Second, 5 * time.Second, false, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now := start
			cred := Credential{Caller: Caller{MerchantID: "acct_1", Livemode: true, KeyID: "key_1"}}
			store := &fakeKeys{active: map[string]Credential{HashSecret(secret): cred}}
			svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return now }, CacheKeys(tt.ttl))
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				now = start.Add(s.at)
				if s.expireAt > 0 {
					c := store.active[HashSecret(secret)]
					c.Key.RetireBy(start.Add(s.expireAt))
					store.active[HashSecret(secret)] = c
				}
				_, err := svc.Authenticate(context.Background(), secret)
				if gotOK := err == nil; gotOK != s.wantOK {
					t.Fatalf("step %d at %v: ok = %v (err %v), want %v", i, s.at, gotOK, err, s.wantOK)
				}
				if err != nil && (!apperr.IsKind(err, apperr.KindUnauthorized) || strings.HasPrefix(err.Error(), "Expired") != s.wantExpired) {
					t.Fatalf("step %d: err = %v, want unauthorized (expired %v)", i, err, s.wantExpired)
				}
			}
		})
	}
}
