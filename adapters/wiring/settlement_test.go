package wiring_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/settlement"
)

const (
	payoutA = "0x00000000000000000000000000000000000000a1"
	payoutB = "0x00000000000000000000000000000000000000b2"
)

func setSettlement(t *testing.T, key string, form url.Values) response {
	t.Helper()
	return postForm(t, "/v1/settlement_settings", key, form, nil)
}

// Settings over the API: forwarder by default, bad input refused with its param, nothing written.
func TestSettlementSettingsOverHTTP(t *testing.T) {
	key, id := newMerchant(t, "Settings Store")
	setLive(t, id, payoutB) // the live settings are apart: the test key never shows them
	if r := get(t, "/v1/settlement_settings", key); r.status != 200 || r.str("deposit_addresses") != "forwarder" ||
		r.body["payout_address"] != nil || r.str("object") != "settlement_settings" || r.body["livemode"] != false {
		t.Fatalf("defaults: %d %s", r.status, r.raw)
	}
	for _, tc := range []struct {
		form        url.Values
		param, code string
	}{
		{url.Values{"deposit_addresses": {"custodial"}}, "deposit_addresses", "parameter_invalid"},
		{url.Values{"payout_address": {"0x1234"}}, "payout_address", "parameter_invalid"},
		{url.Values{"payout_address": {"0x0000000000000000000000000000000000000000"}}, "payout_address", "parameter_invalid"},
		{url.Values{"payout_addresses[mainnet]": {payoutA}}, "payout_addresses[mainnet]", "parameter_invalid"},
		{url.Values{"payout_addresses[sim]": {"nope"}}, "payout_addresses[sim]", "parameter_invalid"},
		{url.Values{"payout_address": {payoutA}, "owner": {"me"}}, "owner", "parameter_unknown"},
	} {
		r := setSettlement(t, key, tc.form)
		if r.status != 400 || r.errField("param") != tc.param || r.errField("code") != tc.code {
			t.Errorf("%v: %d %s", tc.form, r.status, r.raw)
		}
	}
	if r := get(t, "/v1/settlement_settings", key); r.body["payout_address"] != nil || r.body["updated"] != nil {
		t.Fatalf("a refused update wrote something: %s", r.raw)
	}
	r := setSettlement(t, key, url.Values{"payout_address": {strings.ToUpper(payoutA[2:])}})
	if r.status != 400 {
		t.Fatalf("an address without 0x: %d %s", r.status, r.raw)
	}
	r = setSettlement(t, key, url.Values{"payout_address": {payoutA}, "payout_addresses[sim]": {payoutB}, "deposit_addresses": {"xpub"}})
	per, _ := r.body["payout_addresses"].(map[string]any)
	if r.status != 200 || r.str("payout_address") != chain.Checksum(payoutA) || per["sim"] != chain.Checksum(payoutB) || r.str("deposit_addresses") != "xpub" {
		t.Fatalf("update: %d %s", r.status, r.raw)
	}
	r = setSettlement(t, key, url.Values{"payout_addresses[sim]": {""}, "deposit_addresses": {"forwarder"}})
	if per, _ := r.body["payout_addresses"].(map[string]any); r.status != 200 || len(per) != 0 || r.str("payout_address") != chain.Checksum(payoutA) {
		t.Fatalf("removing the chain's address: %d %s", r.status, r.raw)
	}
}

// A forwarder merchant's session gets the factory's CREATE2 address for its payout address;
// a later payout change binds new sessions only; the scanner sees payments to the forwarder;
// anyone's sweep pays the destination the session was bound to.
func TestForwarderDepositAddresses(t *testing.T) {
	key, merchantID := newMerchant(t, "Forwarder Store")
	setLive(t, merchantID, payoutB)          // live settings never bind a test session
	plain := openSession(t, key, "tusd@sim") // no payout address yet: an xpub address
	if cryptoOf(plain)["settlement_destination"] != nil {
		t.Fatalf("bound without a payout address: %s", plain.raw)
	}
	if r := setSettlement(t, key, url.Values{"payout_address": {payoutA}}); r.status != 200 {
		t.Fatalf("set payout: %d %s", r.status, r.raw)
	}
	first := openSession(t, key, "tusd@sim")
	id, addr := first.str("id"), addressOf(first)
	nonce := settlement.SessionNonce(id)
	onChain, err := it.chain.factory.AddressOf(nil, common.HexToAddress(payoutA), nonce)
	if err != nil {
		t.Fatal(err)
	}
	if addr != onChain.Hex() || cryptoOf(first)["settlement_destination"] != chain.Checksum(payoutA) {
		t.Fatalf("forwarder address %s (factory says %s): %s", addr, onChain.Hex(), first.raw)
	}

	// A new payout address binds later sessions; the first stays bound to A.
	if r := setSettlement(t, key, url.Values{"payout_addresses[sim]": {payoutB}}); r.status != 200 {
		t.Fatalf("change payout: %d %s", r.status, r.raw)
	}
	second := openSession(t, key, "eth@sim")
	if cryptoOf(second)["settlement_destination"] != chain.Checksum(payoutB) || addressOf(second) == addr {
		t.Fatalf("second session: %s", second.raw)
	}
	if r := get(t, "/v1/checkout/sessions/"+id, key); cryptoOf(r)["settlement_destination"] != chain.Checksum(payoutA) || addressOf(r) != addr {
		t.Fatalf("the first session moved: %s", r.raw)
	}

	// Paid to the forwarder address before any contract is there: the session completes.
	due := dueOf(t, first)
	it.chain.payToken(t, addr, due)
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })

	// Anyone sweeps; the tokens reach A, the address the session was bound to.
	auth, _ := it.chain.auth()
	it.chain.mu.Lock()
	batch := ethereum.SweepBatch([]settlement.Sweep{{Destination: mustAddress(t, payoutA), Nonce: nonce,
		Tokens: []settlement.Address{settlement.Address(it.chain.tokenAt)}}})
	_, err = it.chain.factory.Sweep(auth, batch)
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.mine(1)
	if got, _ := it.chain.token.BalanceOf(nil, common.HexToAddress(payoutA)); got.Cmp(due) != 0 {
		t.Fatalf("payout address holds %s, want %s", got, due)
	}
	if left, _ := it.chain.token.BalanceOf(nil, common.HexToAddress(addr)); left.Sign() != 0 {
		t.Fatalf("the forwarder kept %s", left)
	}

	// Back to xpub addresses: a new session is bound to nothing.
	if r := setSettlement(t, key, url.Values{"deposit_addresses": {"xpub"}}); r.status != 200 {
		t.Fatalf("xpub mode: %d %s", r.status, r.raw)
	}
	if r := openSession(t, key, "tusd@sim"); cryptoOf(r)["settlement_destination"] != nil {
		t.Fatalf("an xpub session is bound: %s", r.raw)
	}
}

// setLive stores a merchant's live-mode default payout address through the repository: this
// server has no live chain, so the API refuses live settings.
func setLive(t *testing.T, merchantID, payout string) {
	t.Helper()
	_, err := it.app.API.Settlement.UpdateSettings(context.Background(), merchantID, true, func(s *settlement.Settings) ([]event.Event, error) {
		return nil, s.SetPayout(settlement.AllChains, payout, "payout_address")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustAddress(t *testing.T, s string) settlement.Address {
	t.Helper()
	a, err := settlement.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
