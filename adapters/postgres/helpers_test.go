package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
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

// testRepos are one test database's repositories.
type testRepos struct {
	db          *DB
	sessions    *Sessions
	events      *Events
	endpoints   *Endpoints
	deliveries  *Deliveries
	merchants   *Merchants
	idempotency *Idempotency
	url         string // the test database's
}

func reposOf(db *DB) *testRepos {
	return &testRepos{db: db, sessions: NewSessions(db), events: NewEvents(db), endpoints: NewEndpoints(db),
		deliveries: NewDeliveries(db), merchants: NewMerchants(db), idempotency: NewIdempotency(db)}
}

// newStore opens a fresh, migrated database with the test keyring.
func newStore(t testing.TB) *testRepos {
	t.Helper()
	ctx := context.Background()
	url, drop, err := wiringtest.Database(ctx, "pgtest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := Open(ctx, url, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.ParseKeyring(testKeyring)
	if err != nil {
		t.Fatal(err)
	}
	st := reposOf(db.WithSecrets(box))
	st.url = url
	return st
}

// listener listens for queued deliveries on st's database until cleanup.
func (st *testRepos) listener(t testing.TB) *OutboxListener {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := ListenOutbox(ctx, st.url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// count runs a count(*) query.
func (st *testRepos) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.db.pool.GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// storedSecret is the endpoint's secret as a delivery would sign with it.
func storedSecret(t *testing.T, st *testRepos, id string) string {
	t.Helper()
	ep, err := st.deliveries.deliveryEndpoint(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ep.Secret
}

func newMerchant(t testing.TB, st *testRepos) string {
	t.Helper()
	id := ident.New("acct")
	now := time.Now().UTC()
	if err := st.merchants.CreateMerchant(context.Background(), merchant.Merchant{ID: id, Name: "Test", XPub: "xpub", CreatedAt: now},
		[]merchant.APIKey{{ID: ident.New("key"), MerchantID: id, Hash: ident.Random(40), Hint: "sk_test_…", CreatedAt: now}}); err != nil {
		t.Fatal(err)
	}
	return id
}

func newEndpoint(t testing.TB, st *testRepos, merchantID, url string, mutate func(*webhook.Endpoint)) webhook.Endpoint {
	t.Helper()
	e := webhook.Endpoint{ID: ident.New("we"), MerchantID: merchantID, URL: url, EnabledEvents: []string{"*"},
		Secret: webhook.NewSecret(), Created: time.Now().UTC()}
	if mutate != nil {
		mutate(&e)
	}
	if err := st.endpoints.CreateEndpoint(context.Background(), e, webhook.MaxEndpoints, nil); err != nil {
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
