package ethereum_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/billing"
)

// rawSend sends calldata to `to` from the payer, as the hosted page's wallet does with the
// calls the adapter packed.
func (c *collectorChain) rawSend(to common.Address, data []byte) {
	c.t.Helper()
	c.mined(bind.NewBoundContract(to, abi.ABI{}, nil, c.client, nil).RawTransact(c.auth(c.payer), data))
}

// The adapter against the collector on the simulated backend: the page's two calls set up a
// mandate that billing accepts, each collector reason reads as billing's, and the packed
// collect call pays the payee exactly one period.
func TestCollectorsAdapter(t *testing.T) {
	c := newCollectorChain(t)
	ctx := context.Background()
	col, err := ethereum.NewCollectors(map[int64]ethereum.Client{1337: c.client})
	if err != nil {
		t.Fatal(err)
	}
	lower := func(a common.Address) string { return strings.ToLower(a.Hex()) }
	terms := billing.MandateTerms{ID: billing.MandateID("cs_test_adapter"), ChainID: 1337, Collector: lower(c.collectorAt),
		Token: lower(c.tokenAt), Payee: lower(c.payee), Amount: big.NewInt(15_000_000)}
	at := lower(c.collectorAt)
	if m, err := col.Mandate(ctx, 1337, at, terms.ID); err != nil || m.Payer != "" {
		t.Fatalf("before authorizing: %+v %v", m, err)
	}
	approve, authorize, err := col.AuthorizeCalls(terms)
	if err != nil {
		t.Fatal(err)
	}
	c.rawSend(c.tokenAt, approve)
	c.rawSend(c.collectorAt, authorize)
	m, err := col.Mandate(ctx, 1337, at, terms.ID)
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := terms.Accept(m, []string{lower(addr(c.payer))})
	if err != nil || accepted.Payer != lower(addr(c.payer)) {
		t.Fatalf("the page's mandate %+v: accepted %+v, %v", m, accepted, err)
	}
	if allowance, _ := c.token.Allowance(nil, addr(c.payer), c.collectorAt); allowance.Cmp(terms.Allowance()) != 0 {
		t.Fatalf("allowance %s, want twelve periods %s", allowance, terms.Allowance())
	}
	reasons := []struct {
		name   string
		id     string
		amount int64
		want   string
	}{
		{"no tokens yet", terms.ID, 15_000_000, billing.ReasonBalance},
		{"above the cap", terms.ID, 15_000_001, billing.ReasonAboveCap},
		{"an ID nobody authorized", billing.MandateID("cs_other"), 1, billing.ReasonNoMandate},
	}
	for _, r := range reasons {
		if got, err := col.Collectable(ctx, 1337, at, r.id, big.NewInt(r.amount)); err != nil || got != r.want {
			t.Errorf("%s: %q %v, want %q", r.name, got, err, r.want)
		}
	}
	c.mined(c.token.Mint(c.auth(c.deployer), addr(c.payer), big.NewInt(20_000_000)))
	if got, err := col.Collectable(ctx, 1337, at, terms.ID, terms.Amount); err != nil || got != "" {
		t.Fatalf("funded: %q %v, want collectable", got, err)
	}
	data, err := col.CollectCall(terms.ID, terms.Amount)
	if err != nil {
		t.Fatal(err)
	}
	c.mined(bind.NewBoundContract(c.collectorAt, abi.ABI{}, nil, c.client, nil).RawTransact(c.auth(c.operator), data))
	if got := c.balanceOf(c.tUSD, c.payee); got != 15_000_000 {
		t.Fatalf("the payee holds %d, want one period", got)
	}
	if got, _ := col.Collectable(ctx, 1337, at, terms.ID, terms.Amount); got != billing.ReasonBalance {
		t.Errorf("after one collection of 20 tUSD's worth: %q, want %q", got, billing.ReasonBalance)
	}
	revoke, _ := c.collectorABI.Pack("revoke", [32]byte(common.FromHex(terms.ID)))
	c.rawSend(c.collectorAt, revoke)
	if got, _ := col.Collectable(ctx, 1337, at, terms.ID, terms.Amount); got != billing.ReasonRevoked {
		t.Errorf("revoked: %q", got)
	}
	if _, err := col.Mandate(ctx, 1337, at, "0x12"); err == nil {
		t.Error("a short mandate ID was read")
	}
}
