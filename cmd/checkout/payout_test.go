package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/ethereum"
)

// merchant payout set stores the default and a chain's payout address and the mode; a bad
// address or chain is refused and writes nothing.
func TestMerchantPayoutSet(t *testing.T) {
	db := cliDatabase(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"merchant", "create", "--name", "Payout Store", "--xpub", ethereum.DemoXPub}, &out); err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`acct_[A-Za-z0-9]+`).FindString(out.String())
	const a, b = "0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000b2"
	for _, tc := range []struct {
		args    []string
		refused string // part of the error, "" when accepted
	}{
		{[]string{"--merchant", id}, "needs --merchant and --address"},
		{[]string{"--merchant", id, "--address", "0x12"}, "payout_address"},
		{[]string{"--merchant", id, "--address", a, "--chain", "mainnet"}, "mainnet"},
		{[]string{"--merchant", id, "--address", a, "--deposit-addresses", "custodial"}, "deposit_addresses"},
		{[]string{"--merchant", "acct_nobody", "--address", a}, "acct_nobody"},
		{[]string{"--merchant", id, "--address", a}, ""},
		{[]string{"--merchant", id, "--address", b, "--chain", "dev", "--deposit-addresses", "xpub"}, ""},
	} {
		out.Reset()
		err := run(ctx, append([]string{"merchant", "payout", "set"}, tc.args...), &out)
		if (tc.refused == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.refused)) {
			t.Fatalf("%v: %v, want refusal %q", tc.args, err, tc.refused)
		}
	}
	rows, err := db.Query(`SELECT chain_id, address FROM payout_addresses WHERE merchant_id = $1 ORDER BY chain_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var chainID int64
		var addr string
		if err := rows.Scan(&chainID, &addr); err != nil {
			t.Fatal(err)
		}
		got = append(got, addr)
	}
	var mode string
	if err := db.QueryRow(`SELECT deposit_addresses FROM merchant_settlement WHERE merchant_id = $1`, id).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != a+","+b || mode != "xpub" {
		t.Fatalf("stored %v, mode %s", got, mode)
	}
}
