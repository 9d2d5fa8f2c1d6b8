package wiring_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

// Without a key to encrypt webhook secrets the service refuses to start, before it connects
// to anything; a malformed keyring is refused too.
func TestServiceRefusesToStartWithoutASecretsKey(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, keys := range []string{"", "k1:tooshort"} {
		_, err := wiring.New(context.Background(), wiring.Config{Role: wiring.RoleAll, SecretsKeys: keys,
			DatabaseURL: "postgres://nobody@127.0.0.1:1/none?sslmode=disable"}, log)
		if err == nil || !strings.Contains(err.Error(), "secrets") {
			t.Errorf("SecretsKeys %q: New = %v", keys, err)
		}
	}
}
