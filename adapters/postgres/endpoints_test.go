package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/webhook"
)

// endpointEncoder renders what the tests read of an endpoint's events.
type endpointEncoder struct{}

func (endpointEncoder) EncodeEndpoint(_ context.Context, e webhook.Endpoint) ([]byte, error) {
	return json.Marshal(map[string]any{"id": e.ID, "url": e.URL, "description": e.Description, "disabled": e.Disabled})
}

// An update and a secret roll at the same moment both take effect: neither writes back a row
// it loaded before the other's change. Fails before update-by-function: the roll's whole-row
// write restores the old description, or the update's restores the old secret.
func TestConcurrentUpdateAndRollLoseNothing(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	caller := merchant.Caller{MerchantID: newMerchant(t, st)}
	uses, err := webhook.NewEndpoints(st.endpoints, webhook.Guard{Resolver: net.DefaultResolver, AllowPrivate: true},
		endpointEncoder{}, func() time.Time { return time.Now().UTC() })
	if err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:9/hook"
	ep, err := uses.Create(ctx, caller, webhook.EndpointParams{URL: &url, EnabledEvents: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 30 {
		desc := fmt.Sprintf("round %d", round)
		var rolled webhook.Endpoint
		var rollErr, updErr error
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, updErr = uses.Update(ctx, caller, ep.ID, webhook.EndpointParams{Description: &desc})
		}()
		go func() {
			defer wg.Done()
			<-start
			rolled, rollErr = uses.RollSecret(ctx, caller, ep.ID)
		}()
		close(start)
		wg.Wait()
		if updErr != nil || rollErr != nil {
			t.Fatalf("round %d: update %v, roll %v", round, updErr, rollErr)
		}
		got, err := uses.Get(ctx, caller, ep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Description != desc {
			t.Fatalf("round %d: description %q, want %q (the roll overwrote the update)", round, got.Description, desc)
		}
		if s := storedSecret(t, st, ep.ID); s != rolled.Secret {
			t.Fatalf("round %d: secret %q, want the rolled %q (the update overwrote the roll)", round, s, rolled.Secret)
		}
	}
}

// Secrets are sealed at rest; plain-text rows from before still sign, and are sealed again by
// the next write or the start-up step, which also moves rows to a new key after rotation.
func TestSecretsSealedAtRest(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	ep := newEndpoint(t, st, m, "http://127.0.0.1:9/a", nil)
	raw := func(id string) string {
		var s string
		if err := st.db.pool.GetContext(ctx, &s, `SELECT secret FROM webhook_endpoints WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := raw(ep.ID); !strings.HasPrefix(s, "v1:k1:") || strings.Contains(s, ep.Secret) {
		t.Fatalf("stored %q", s)
	}
	if storedSecret(t, st, ep.ID) != ep.Secret {
		t.Fatal("the sealed secret does not open to the original")
	}
	// Two rows as an older version stored them: in plain text.
	plain := []webhook.Endpoint{newEndpoint(t, st, m, "http://127.0.0.1:9/b", nil), newEndpoint(t, st, m, "http://127.0.0.1:9/c", nil)}
	for _, p := range plain {
		if _, err := st.db.pool.ExecContext(ctx, `UPDATE webhook_endpoints SET secret = $2 WHERE id = $1`, p.ID, p.Secret); err != nil {
			t.Fatal(err)
		}
		if storedSecret(t, st, p.ID) != p.Secret {
			t.Fatal("a plain-text secret no longer signs")
		}
	}
	desc := "touched"
	if _, err := st.endpoints.UpdateEndpoint(ctx, m, false, plain[0].ID, func(e *webhook.Endpoint) ([]event.Event, error) {
		e.Description = desc
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if s := raw(plain[0].ID); !strings.HasPrefix(s, "v1:k1:") {
		t.Fatalf("after a write: %q", s)
	}
	if n, err := st.endpoints.ResealSecrets(ctx); err != nil || n != 1 || !strings.HasPrefix(raw(plain[1].ID), "v1:k1:") {
		t.Fatalf("ResealSecrets = %d, %v; stored %q", n, err, raw(plain[1].ID))
	}
	// Rotation: a new first key; every row moves to it at start-up and still opens.
	box, err := secretsRing("k2:"+strings.Repeat("A", 43)+"=", testKeyring)
	if err != nil {
		t.Fatal(err)
	}
	rotated := reposOf(st.db.WithSecrets(box))
	if n, err := rotated.endpoints.ResealSecrets(ctx); err != nil || n != 3 {
		t.Fatalf("after rotation ResealSecrets = %d, %v", n, err)
	}
	for _, e := range append(plain, ep) {
		if s := raw(e.ID); !strings.HasPrefix(s, "v1:k2:") || storedSecret(t, rotated, e.ID) != e.Secret {
			t.Fatalf("%s after rotation: %q", e.ID, s)
		}
	}
}
