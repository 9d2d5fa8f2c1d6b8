package postgres

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/settlement"
)

func sentTx(key string, attempt int, nonce uint64, feeCap int64) (settlement.SentTx, []byte) {
	hash := fmt.Sprintf("0x%064x", feeCap*1000+int64(attempt))
	return settlement.SentTx{Key: key, Attempt: attempt, Nonce: nonce, Hash: hash,
		GasFeeCap: new(big.Int).Mul(big.NewInt(feeCap), big.NewInt(1e18)), // beyond int64: numeric(78, 0)
		GasTipCap: big.NewInt(feeCap / 2), SentAt: time.Now().UTC().Truncate(time.Microsecond)}, []byte(hash)
}

// One transaction is kept per (chain, key, attempt): a second Keep, even with other bytes
// or from many callers at once, gets the first back; other attempts and chains are apart.
func TestGasWalletTxsKeepOnce(t *testing.T) {
	ctx := context.Background()
	repos := newStore(t)
	st := NewGasWalletTxs(repos.db)
	first, firstRaw := sentTx("po_1", 1, 7, 100)
	for _, tc := range []struct {
		name    string
		chainID int64
		tx      func() (settlement.SentTx, []byte)
		want    func() (settlement.SentTx, []byte)
	}{
		{"first is kept", 1337, func() (settlement.SentTx, []byte) { return first, firstRaw }, func() (settlement.SentTx, []byte) { return first, firstRaw }},
		{"a repeat gets the first", 1337, func() (settlement.SentTx, []byte) { return sentTx("po_1", 1, 8, 300) }, func() (settlement.SentTx, []byte) { return first, firstRaw }},
		{"a replacement is another attempt", 1337, func() (settlement.SentTx, []byte) { return sentTx("po_1", 2, 7, 113) }, func() (settlement.SentTx, []byte) { return sentTx("po_1", 2, 7, 113) }},
		{"another chain is apart", 8453, func() (settlement.SentTx, []byte) { return sentTx("po_1", 1, 0, 5) }, func() (settlement.SentTx, []byte) { return sentTx("po_1", 1, 0, 5) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, raw := tc.tx()
			want, wantRaw := tc.want()
			got, err := st.Keep(ctx, tc.chainID, tx, raw)
			if err != nil {
				t.Fatal(err)
			}
			if got.Hash != want.Hash || got.Nonce != want.Nonce || got.GasFeeCap.Cmp(want.GasFeeCap) != 0 ||
				got.GasTipCap.Cmp(want.GasTipCap) != 0 || !bytes.Equal(got.Raw, wantRaw) || got.Attempt != want.Attempt {
				t.Fatalf("kept %+v, want %+v", got, want)
			}
		})
	}
	kept, err := st.Kept(ctx, 1337, "po_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 2 || kept[0].Attempt != 1 || kept[1].Attempt != 2 || kept[0].Hash != first.Hash || !kept[0].SentAt.Equal(first.SentAt) {
		t.Fatalf("kept for po_1 on 1337: %+v", kept)
	}
	if none, err := st.Kept(ctx, 1337, "po_other"); err != nil || len(none) != 0 {
		t.Fatalf("kept for another key: %v %v", none, err)
	}

	// Racing signers of one attempt all get the same kept transaction.
	var wg sync.WaitGroup
	hashes := make([]string, 8)
	for i := range hashes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, raw := sentTx("po_race", 1, 9, int64(10+i))
			k, err := st.Keep(ctx, 1337, tx, raw)
			if err != nil {
				t.Error(err)
				return
			}
			hashes[i] = k.Hash
		}()
	}
	wg.Wait()
	for _, h := range hashes {
		if h != hashes[0] {
			t.Fatalf("racing keeps got different transactions: %v", hashes)
		}
	}
	if n := repos.count(t, `SELECT count(*) FROM gas_wallet_txs WHERE key = 'po_race'`); n != 1 {
		t.Fatalf("%d rows kept for one attempt", n)
	}
}
