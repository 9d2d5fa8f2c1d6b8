package wiring_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

// A shortest session lifetime outside 1m to 30m, or not a duration, stops start-up before it connects.
func TestMinSessionLifetimeOutOfRangeIsRefused(t *testing.T) {
	for _, value := range []string{"30s", "45m", "0", "soon", "-2m"} {
		t.Run(value, func(t *testing.T) {
			t.Setenv("CHECKOUT_MIN_SESSION_LIFETIME", value)
			_, err := wiring.New(context.Background(), wiring.FromEnv(), slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "CHECKOUT_MIN_SESSION_LIFETIME") {
				t.Fatalf("New with CHECKOUT_MIN_SESSION_LIFETIME=%s: %v", value, err)
			}
		})
	}
}

// A value in range is read as the service's shortest lifetime.
func TestMinSessionLifetimeIsRead(t *testing.T) {
	t.Setenv("CHECKOUT_MIN_SESSION_LIFETIME", "5m")
	if got := wiring.FromEnv().MinSessionLifetime; got.String() != "5m0s" {
		t.Fatalf("MinSessionLifetime = %s, want 5m", got)
	}
}
