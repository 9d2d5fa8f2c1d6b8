package wiringtest

import (
	"context"
	"errors"
	"testing"
)

// Under -short a test that forgot NeedsServices gets an error from every starter, before any
// connection or process; without -short this proves nothing and is skipped.
func TestStartersRefuseUnderShort(t *testing.T) {
	if !testing.Short() {
		t.Skip("checks the -short guard: run with -short (make unit)")
	}
	ctx := context.Background()
	_, _, dbErr := Database(ctx, "never")
	_, temporalErr := Temporal(ctx, nil)
	_, _, gethErr := Geth(ctx, t.TempDir(), nil)
	for what, err := range map[string]error{"Database": dbErr, "Temporal": temporalErr, "Geth": gethErr} {
		if !errors.Is(err, errShort) {
			t.Errorf("%s under -short: %v, want the NeedsServices error", what, err)
		}
	}
}
