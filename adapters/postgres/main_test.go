package postgres

import (
	"os"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// Every test here runs against a real Postgres database: none runs under -short (make unit).
func TestMain(m *testing.M) {
	if wiringtest.ServicesSkipped("adapters/postgres") {
		return
	}
	os.Exit(m.Run())
}
