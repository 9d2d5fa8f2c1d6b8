package wiring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A rolled key answers the API during its grace period; a key rolled to expire now gets 401
// with Stripe's "Expired API Key" message, and the new key works at once.
func TestRolledKeyOverHTTP(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name       string
		grace      time.Duration
		wantOldKey int
	}{
		{"during the grace period", time.Hour, http.StatusOK},
		{"expired now", 0, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, id := newMerchant(t, "Roll "+tc.name)
			fresh, _, err := it.app.Merchants.Roll(ctx, id, false, tc.grace)
			if err != nil {
				t.Fatal(err)
			}
			res := call(t, http.MethodGet, "/v1/checkout/sessions", old, nil, "", nil)
			if res.status != tc.wantOldKey {
				t.Fatalf("old key: %d %s, want %d", res.status, res.raw, tc.wantOldKey)
			}
			if tc.wantOldKey == http.StatusUnauthorized && !strings.HasPrefix(res.errField("message"), "Expired API Key provided: sk_test_") {
				t.Fatalf("old key refused with %s", res.raw)
			}
			if res := call(t, http.MethodGet, "/v1/checkout/sessions", fresh.Value, nil, "", nil); res.status != http.StatusOK {
				t.Fatalf("new key: %d %s", res.status, res.raw)
			}
		})
	}
}
