package wiring_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

// A key cache bound that is not a non-negative duration stops start-up before it connects.
func TestKeyCacheTTLThatIsNotADurationIsRefused(t *testing.T) {
	for _, value := range []string{"30", "soon", "-5s"} {
		t.Run(value, func(t *testing.T) {
			t.Setenv("CHECKOUT_KEY_CACHE_TTL", value)
			_, err := wiring.New(context.Background(), wiring.FromEnv(), slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "CHECKOUT_KEY_CACHE_TTL") {
				t.Fatalf("New with CHECKOUT_KEY_CACHE_TTL=%s: %v", value, err)
			}
		})
	}
}
