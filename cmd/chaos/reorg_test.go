package main

import (
	"context"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	ethadapter "github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/core/chain"
)

// startPayer starts geth --dev and a payer of its native coin from the dev account.
func startPayer(t *testing.T, ctx context.Context) (*payer, string) {
	t.Helper()
	wiringtest.NeedsServices(t)
	rpcURL, stop, err := wiringtest.Geth(ctx, filepath.Join(t.TempDir(), "geth"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	node, err := ethadapter.DialDevAccount(ctx, rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	return &payer{node: node, asset: chain.Asset{ID: "eth@dev", ChainID: 1337, Decimals: 18}}, rpcURL
}

// paid checks that each record's address holds exactly what its payer sent, and that the
// record names the transaction that carries it.
func paid(t *testing.T, ctx context.Context, p *payer, recs ...*record) {
	t.Helper()
	for _, r := range recs {
		got, err := p.node.Eth.BalanceAt(ctx, common.HexToAddress(r.Address), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Cmp(r.sentSum()) != 0 {
			t.Errorf("%s holds %s, sent %s", r.ID, got, r.sentSum())
		}
		for _, h := range r.Txs {
			if _, err := p.node.Eth.TransactionReceipt(ctx, common.HexToHash(h)); err != nil {
				t.Errorf("%s: its transaction %s: %v", r.ID, h, err)
			}
		}
	}
}

// The reorg fault drops the blocks of payments just mined, then every one of them is mined again,
// once, under the hash the record names.
func TestReorgLandsEveryDroppedPayment(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, rpcURL := startPayer(t, ctx)
	in := &injector{e: env{rpcURL: rpcURL}, pay: p, done: map[string]int{}}
	for round := range 3 {
		a := &record{ID: "cs_a", Address: common.BigToAddress(big.NewInt(int64(0xa0 + round))).Hex()}
		b := &record{ID: "cs_b", Address: common.BigToAddress(big.NewInt(int64(0xb0 + round))).Hex()}
		if err := p.send(ctx, a, big.NewInt(1000)); err != nil {
			t.Fatal(err)
		}
		if err := p.send(ctx, b, big.NewInt(2000)); err != nil {
			t.Fatal(err)
		}
		if err := in.reorg(ctx); err != nil {
			t.Fatal(err)
		}
		p.settle(ctx)
		if a.SendErr != "" || b.SendErr != "" {
			t.Fatalf("round %d: %q %q", round, a.SendErr, b.SendErr)
		}
		paid(t, ctx, p, a, b)
	}
	t.Log(strings.Join(in.notes, "\n"))
}

// A payment a rewind dropped and nobody broadcast again (its re-broadcast refused) is sent again
// under a fresh nonce by putBack, and its record names the new transaction.
func TestPutBackSendsALostPaymentAgain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, _ := startPayer(t, ctx)
	early := &record{ID: "cs_early", Address: common.BigToAddress(big.NewInt(0xe1)).Hex()}
	lost := &record{ID: "cs_lost", Address: common.BigToAddress(big.NewInt(0xe2)).Hex()}
	if err := p.send(ctx, early, big.NewInt(500)); err != nil {
		t.Fatal(err)
	}
	if err := p.send(ctx, lost, big.NewInt(700)); err != nil {
		t.Fatal(err)
	}
	rc, err := p.node.Eth.TransactionReceipt(ctx, common.HexToHash(lost.Txs[0]))
	if err != nil {
		t.Fatal(err)
	}
	p.sendMu.Lock()
	target := rc.BlockNumber.Uint64() - 1
	if err := p.node.RPC.CallContext(ctx, nil, "debug_setHead", "0x"+big.NewInt(int64(target)).Text(16)); err != nil {
		t.Fatal(err)
	}
	if _, err := headAbove(ctx, p.node.Eth, target, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	notes := p.putBack(ctx)
	p.sendMu.Unlock()
	if len(notes) != 1 || !strings.Contains(notes[0], "sent again") || len(lost.Replaced) != 1 || len(early.Replaced) != 0 {
		t.Fatalf("notes %q, replaced %v and %v", notes, lost.Replaced, early.Replaced)
	}
	p.settle(ctx)
	if lost.SendErr != "" {
		t.Fatal(lost.SendErr)
	}
	// geth may still hold the dropped transaction (its local tracker resubmits what it was
	// given): it shares its nonce with the new one, so at most one of them is ever mined.
	time.Sleep(3 * time.Second)
	paid(t, ctx, p, early, lost)
}
