package main

import (
	"bytes"
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/ethereum"
)

// merchant payout set stores the default and a chain's payout address and the mode, each
// mode's apart; a bad address, chain, mode, a chain of the other mode, or live settings
// without a live chain are refused and write nothing.
func TestMerchantPayoutSet(t *testing.T) {
	db := cliDatabase(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"merchant", "create", "--name", "Payout Store", "--xpub", ethereum.DemoXPub}, &out); err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`acct_[A-Za-z0-9]+`).FindString(out.String())
	const a, b, c = "0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2", "0x00000000000000000000000000000000000000c3"
	steps := []struct {
		args    []string
		refused string // part of the error, "" when accepted
	}{
		{[]string{"--merchant", id, "--mode", "test"}, "needs --merchant, --mode and --address"},
		{[]string{"--merchant", id, "--address", a}, "needs --merchant, --mode and --address"},
		{[]string{"--merchant", id, "--mode", "prod", "--address", a}, "--mode"},
		{[]string{"--merchant", id, "--mode", "live", "--address", a}, "No live chain is configured"},
		{[]string{"--merchant", id, "--mode", "test", "--address", "0x12"}, "payout_address"},
		{[]string{"--merchant", id, "--mode", "test", "--address", a, "--chain", "mainnet"}, "mainnet"},
		{[]string{"--merchant", id, "--mode", "test", "--address", a, "--deposit-addresses", "custodial"}, "deposit_addresses"},
		{[]string{"--merchant", "acct_nobody", "--mode", "test", "--address", a}, "acct_nobody"},
		{[]string{"--merchant", id, "--mode", "test", "--address", a}, ""},
		{[]string{"--merchant", id, "--mode", "test", "--address", b, "--chain", "dev", "--deposit-addresses", "xpub"}, ""},
	}
	for _, tc := range steps {
		payoutSet(t, tc.args, tc.refused)
	}
	liveChains(t) // dev is a test chain, base a live one
	for _, tc := range []struct {
		args    []string
		refused string
	}{
		{[]string{"--merchant", id, "--mode", "test", "--address", c, "--chain", "base"}, "live chain"},
		{[]string{"--merchant", id, "--mode", "live", "--address", c, "--chain", "dev"}, "test chain"},
		{[]string{"--merchant", id, "--mode", "live", "--address", c, "--chain", "base"}, ""},
	} {
		payoutSet(t, tc.args, tc.refused)
	}
	if got, mode := storedPayouts(t, db, id, false); got != a+","+b || mode != "xpub" {
		t.Fatalf("test mode stored %v, mode %s", got, mode)
	}
	if got, mode := storedPayouts(t, db, id, true); got != c || mode != "forwarder" {
		t.Fatalf("live mode stored %v, mode %s", got, mode)
	}
}

func payoutSet(t *testing.T, args []string, refused string) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"merchant", "payout", "set"}, args...), &out)
	if (refused == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), refused)) {
		t.Fatalf("%v: %v, want refusal %q", args, err, refused)
	}
}

// storedPayouts reads a merchant's payout addresses of a mode (by chain ID) and its deposit mode.
func storedPayouts(t *testing.T, db *sql.DB, id string, livemode bool) (addresses, mode string) {
	t.Helper()
	rows, err := db.Query(`SELECT address FROM payout_addresses WHERE merchant_id = $1 AND livemode = $2 ORDER BY chain_id`, id, livemode)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var addr string
		if err := rows.Scan(&addr); err != nil {
			t.Fatal(err)
		}
		got = append(got, addr)
	}
	if err := db.QueryRow(`SELECT deposit_addresses FROM merchant_settlement WHERE merchant_id = $1 AND livemode = $2`, id, livemode).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return strings.Join(got, ","), mode
}
