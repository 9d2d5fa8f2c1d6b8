package wiringtest

import (
	"errors"
	"flag"
	"fmt"
	"testing"
)

// Tests that need Postgres, Temporal or geth running skip under `go test -short` (`make unit`).
// NeedsServices and ServicesSkipped are the only places that decide it; Database, Temporal
// and Geth refuse to start under -short, so a test that forgot the guard fails loudly.

const skipReason = "needs Postgres, Temporal or geth running: skipped under -short (make unit)"

// errShort is what the starters return to a test that did not call NeedsServices.
var errShort = errors.New("a test started a service under -short: call wiringtest.NeedsServices(t) first")

// NeedsServices skips t under -short: it needs Postgres, Temporal or geth running.
func NeedsServices(t testing.TB) {
	t.Helper()
	if shortRun() {
		t.Skip(skipReason)
	}
}

// ServicesSkipped is the guard of a TestMain that starts services (or whose every test needs
// them): under -short it prints why and returns true, and TestMain returns without running them.
func ServicesSkipped(pkg string) bool {
	if !flag.Parsed() {
		flag.Parse()
	}
	if !shortRun() {
		return false
	}
	fmt.Printf("%s: every test %s\n", pkg, skipReason)
	return true
}

// shortRun is true in a test binary run with -short; the bench (no test binary) is never short.
func shortRun() bool { return testing.Testing() && flag.Parsed() && testing.Short() }

// refuseUnderShort keeps the starters from touching a service in a -short run.
func refuseUnderShort(what string) error {
	if shortRun() {
		return fmt.Errorf("%s: %w", what, errShort)
	}
	return nil
}
