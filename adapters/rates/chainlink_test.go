package rates

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
)

// The adapter reads a real contract (the mock feed) on the simulated EVM.
func TestChainlinkFeed(t *testing.T) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	b := simulated.NewBackend(types.GenesisAlloc{from: {Balance: big.NewInt(1e18)}})
	defer b.Close()
	auth, _ := bind.NewKeyedTransactorWithChainID(key, big.NewInt(1337))
	auth.GasLimit = 3_000_000 // the simulated backend's estimate falls short for this constructor
	addr, _, feed, err := contracts.DeployMockPriceFeed(auth, b.Client(), 8, "ETH / USD", big.NewInt(3000_12345678))
	if err != nil {
		t.Fatal(err)
	}
	b.Commit()
	head, _ := b.Client().HeaderByNumber(context.Background(), nil)
	chainNow := time.Unix(int64(head.Time), 0)
	eth := chain.Asset{ID: "eth@sim", Symbol: "ETH", Decimals: 18}
	cl, err := NewChainlink(b.Client(), []Feed{{Asset: "eth@sim", Currency: "usd", Address: addr.Hex(), MaxAge: time.Hour}},
		func() time.Time { return chainNow.Add(time.Minute) })
	if err != nil {
		t.Fatal(err)
	}
	r, err := cl.Rate(context.Background(), eth, "USD")
	if err != nil || !r.Equal(decimal.RequireFromString("3000.12345678")) {
		t.Fatalf("rate = %s, %v", r, err)
	}
	set := func(answer int64, updated time.Time) {
		if _, err := feed.SetAnswer(auth, big.NewInt(answer), big.NewInt(updated.Unix())); err != nil {
			t.Fatal(err)
		}
		b.Commit()
	}
	for _, tc := range []struct {
		name    string
		answer  int64
		updated time.Time
	}{
		{"stale", 3000_00000000, chainNow.Add(-2 * time.Hour)},
		{"zero", 0, chainNow},
		{"negative", -1, chainNow},
	} {
		set(tc.answer, tc.updated)
		if _, err := cl.Rate(context.Background(), eth, "usd"); err == nil || errors.Is(err, chain.ErrNoRate) {
			t.Errorf("%s answer accepted or mistaken for a missing feed: %v", tc.name, err)
		}
	}
	if _, err := cl.Rate(context.Background(), eth, "eur"); !errors.Is(err, chain.ErrNoRate) {
		t.Errorf("no EUR feed: %v", err)
	}
	// A feed that fails must not fall back to a fixed rate; a missing one may.
	fixed, _ := NewFixed(map[string]map[string]string{"eth": {"usd": "1", "eur": "2800"}})
	if _, err := (First{cl, fixed}).Rate(context.Background(), eth, "usd"); err == nil {
		t.Error("a failing feed fell back to the fixed rate")
	}
	if r, err := (First{cl, fixed}).Rate(context.Background(), eth, "eur"); err != nil || r.String() != "2800" {
		t.Errorf("fallback for EUR = %s, %v", r, err)
	}
}

func TestFixedRates(t *testing.T) {
	f, err := NewFixed(map[string]map[string]string{"ETH": {"USD": "3000"}})
	if err != nil {
		t.Fatal(err)
	}
	usd := chain.Asset{ID: "tusd@dev", Symbol: "tUSD", Peg: "usd"}
	if r, err := f.Rate(context.Background(), usd, "usd"); err != nil || r.String() != "1" {
		t.Errorf("pegged = %s, %v", r, err)
	}
	if _, err := f.Rate(context.Background(), usd, "eur"); !errors.Is(err, chain.ErrNoRate) {
		t.Errorf("USD stablecoin in EUR without a rate: %v", err)
	}
	if r, err := f.Rate(context.Background(), chain.Asset{ID: "eth@dev", Symbol: "ETH"}, "usd"); err != nil || r.String() != "3000" {
		t.Errorf("ETH = %s, %v", r, err)
	}
	if _, err := NewFixed(map[string]map[string]string{"eth": {"usd": "-1"}}); err == nil {
		t.Error("a negative rate was accepted")
	}
}
