package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/secrets"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/webhook"
)

// testKeyring is a fixed keyring: tests need no randomness in their keys.
var testKeyring = "k1:" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

// newStore opens a fresh, migrated database with the test keyring.
func newStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	url, drop, err := wiringtest.Database(ctx, "pgtest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	st, err := Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.ParseKeyring(testKeyring)
	if err != nil {
		t.Fatal(err)
	}
	return st.WithSecrets(box)
}

// storedSecret is the endpoint's secret as a delivery would sign with it.
func storedSecret(t *testing.T, st *Store, id string) string {
	t.Helper()
	ep, err := st.deliveryEndpoint(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ep.Secret
}

func newMerchant(t *testing.T, st *Store) string {
	t.Helper()
	id := ident.New("acct")
	now := time.Now().UTC()
	if err := st.CreateMerchant(context.Background(), merchant.Merchant{ID: id, Name: "Test", XPub: "xpub", CreatedAt: now},
		merchant.APIKey{ID: ident.New("key"), MerchantID: id, Hash: ident.Random(40), Hint: "sk_test_…", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return id
}

func newEndpoint(t *testing.T, st *Store, merchantID, url string, mutate func(*webhook.Endpoint)) webhook.Endpoint {
	t.Helper()
	e := webhook.Endpoint{ID: ident.New("we"), MerchantID: merchantID, URL: url, EnabledEvents: []string{"*"},
		Secret: webhook.NewSecret(), Created: time.Now().UTC()}
	if mutate != nil {
		mutate(&e)
	}
	if err := st.CreateEndpoint(context.Background(), e, webhook.MaxEndpoints); err != nil {
		t.Fatal(err)
	}
	return e
}

func newEvent(merchantID, typ string) event.Event {
	return event.Event{ID: ident.New("evt"), Type: typ, MerchantID: merchantID, Created: time.Now().UTC().Truncate(time.Microsecond),
		Object: json.RawMessage(`{"object":"checkout.session"}`), PreviousAttributes: json.RawMessage(`{}`)}
}

func secretsRing(entries ...string) (*secrets.Box, error) {
	return secrets.ParseKeyring(strings.Join(entries, ","))
}
