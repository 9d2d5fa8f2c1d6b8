package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
)

// Rolling stores the expiry core decided for the mode's keys and the new key in one
// transaction; keys come back with their state so core decides whether they work; two rolls
// at once are serialised, so neither loses the other's new key.
func TestRollKeyStoresExpiryAndNewKey(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	m := merchant.Merchant{ID: "acct_roll", Name: "Roll", XPub: "xpub", CreatedAt: now}
	_, test := merchant.NewSecretKey(m.ID, false, now)
	_, live := merchant.NewSecretKey(m.ID, true, now)
	if err := st.merchants.CreateMerchant(ctx, m, []merchant.APIKey{test, live}); err != nil {
		t.Fatal(err)
	}
	deadline := now.Add(time.Hour)
	var wg sync.WaitGroup
	fresh := make([]merchant.APIKey, 2)
	for i := range fresh {
		_, fresh[i] = merchant.NewSecretKey(m.ID, true, now)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.merchants.RollKey(ctx, fresh[i], func(keys []merchant.APIKey) ([]merchant.APIKey, []event.Event, error) {
				return merchant.Retire(keys, now, deadline), nil, nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	keys, err := st.merchants.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expiring := 0
	for _, k := range keys {
		if k.Livemode && k.ExpiresAt != nil {
			expiring++
			if !k.ExpiresAt.Equal(deadline) {
				t.Fatalf("key %s expires %v, want %v", k.ID, k.ExpiresAt, deadline)
			}
		}
	}
	// the first roll retired the original live key, the second that and the first roll's key
	if len(keys) != 4 || expiring != 2 {
		t.Fatalf("%d keys, %d live ones expiring; want 4 and 2 (the newest live key works)", len(keys), expiring)
	}
	cred, err := st.merchants.KeyByHash(ctx, live.Hash)
	if err != nil || cred.Caller.MerchantID != m.ID || !cred.Caller.Livemode || cred.Key.ExpiresAt == nil || cred.Caller.MerchantName != "Roll" {
		t.Fatalf("KeyByHash of the rolled key = %+v, %v", cred, err)
	}
	if cred, err := st.merchants.KeyByHash(ctx, test.Hash); err != nil || cred.Key.ExpiresAt != nil {
		t.Fatalf("the test key was touched by a live roll: %+v, %v", cred, err)
	}
	err = st.merchants.RollKey(ctx, merchant.APIKey{ID: "key_x", MerchantID: "acct_nobody"}, func(k []merchant.APIKey) ([]merchant.APIKey, []event.Event, error) { return k, nil, nil })
	if !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("roll for an unknown merchant: %v", err)
	}
}
