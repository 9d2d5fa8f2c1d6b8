package ethereum_test

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/refund"
)

// transferRig is the forwarder chain with its assets configured: ETH and tUSD on "sim".
type transferRig struct {
	*forwarderChain
	transfers *ethereum.Transfers
	dest      common.Address // the refund's destination
}

func newTransferRig(t *testing.T) *transferRig {
	c := newForwarderChain(t)
	chains := chain.Config{Chains: []chain.Chain{{Key: "sim", ID: 1337, Confirmations: 3,
		Native: chain.Token{Symbol: "ETH", Decimals: 18},
		Tokens: []chain.Token{{Symbol: "TUSD", Contract: c.tokenAt.Hex(), Decimals: 6}}}}}
	r := &transferRig{forwarderChain: c, dest: common.HexToAddress("0x00000000000000000000000000000000000b0b01")}
	r.transfers = ethereum.NewTransfers(map[int64]ethereum.Client{1337: c.client}, chains)
	r.mined(c.token.Mint(c.auth(c.payer), addr(c.payer), big.NewInt(100_000_000)))
	return r
}

func (r *transferRig) read(asset string, tx common.Hash) refund.Transfer {
	r.t.Helper()
	got, err := r.transfers.Transfer(context.Background(), 1337, asset, strings.ToLower(tx.Hex()), strings.ToLower(r.dest.Hex()))
	if err != nil {
		r.t.Fatalf("transfer %s: %v", tx.Hex(), err)
	}
	return got
}

func (r *transferRig) payTUSD(to common.Address, amount int64) common.Hash {
	return r.mined(r.token.Transfer(r.auth(r.payer), to, big.NewInt(amount))).TxHash
}

// The ERC-20 transfer to the destination is read with what it paid there; the adapter reports
// and core judges, so a short payment or one elsewhere is read as it is.
func TestTransfersReadTokenPayments(t *testing.T) {
	r := newTransferRig(t)
	stranger := addr(r.stranger)
	full, short, elsewhere := r.payTUSD(r.dest, 5_000_000), r.payTUSD(r.dest, 4_000_000), r.payTUSD(stranger, 5_000_000)
	otherToken := r.mined(r.usdt.Mint(r.auth(r.payer), r.dest, big.NewInt(5_000_000))).TxHash
	for _, c := range []struct {
		name string
		tx   common.Hash
		paid int64
	}{
		{"the right amount to the destination", full, 5_000_000},
		{"short", short, 4_000_000},
		{"to another address", elsewhere, 0},
		{"another token to the destination", otherToken, 0},
	} {
		got := r.read("tusd@sim", c.tx)
		if !got.Found || !got.Succeeded || got.Paid.Int64() != c.paid {
			t.Errorf("%s: %+v, want found, succeeded, paid %d", c.name, got, c.paid)
		}
	}
	// Native ETH asked of a token transfer: it sent no coin to the destination.
	if got := r.read("eth@sim", full); !got.Found || got.Paid.Sign() != 0 {
		t.Errorf("token transfer read as ETH: %+v", got)
	}
}

// Confirmations are the blocks on top of the transaction's, its own included.
func TestTransfersCountConfirmations(t *testing.T) {
	r := newTransferRig(t)
	tx := r.payTUSD(r.dest, 1)
	first := r.read("tusd@sim", tx)
	r.backend.Commit()
	r.backend.Commit()
	again := r.read("tusd@sim", tx)
	if first.Confirmations != 1 || again.Confirmations != 3 || again.BlockNumber != first.BlockNumber || first.BlockNumber == 0 {
		t.Fatalf("confirmations %d then %d (blocks %d, %d), want 1 then 3 in one block", first.Confirmations, again.Confirmations,
			first.BlockNumber, again.BlockNumber)
	}
}

// A native refund is the value of a transaction sent straight to the destination; coins a
// contract forwards inside its call are not seen.
func TestTransfersReadNativePayments(t *testing.T) {
	r := newTransferRig(t)
	ctx := context.Background()
	value := big.NewInt(3e15)
	r.sendETH(r.payer, r.dest, value)
	direct := r.lastTx()
	r.sendETH(r.payer, addr(r.stranger), value)
	elsewhere := r.lastTx()
	_, _, payer, err := contracts.DeployInternalPayer(r.auth(r.deployer), r.client)
	if err != nil {
		t.Fatal(err)
	}
	r.backend.Commit()
	opts := r.auth(r.payer)
	opts.Value = value
	internal := r.mined(payer.Pay(opts, r.dest)).TxHash
	if got := r.ethOf(r.dest); got.Cmp(new(big.Int).Mul(value, big.NewInt(2))) != 0 {
		t.Fatalf("the destination holds %s wei, want both payments", got)
	}
	for _, c := range []struct {
		name string
		tx   common.Hash
		paid *big.Int
	}{
		{"sent to the destination", direct, value},
		{"sent elsewhere", elsewhere, new(big.Int)},
		{"forwarded by a contract", internal, new(big.Int)},
	} {
		got := r.read("eth@sim", c.tx)
		if !got.Found || !got.Succeeded || got.Paid.Cmp(c.paid) != 0 {
			t.Errorf("%s: %+v, want paid %s", c.name, got, c.paid)
		}
	}
	if _, err := r.transfers.Transfer(ctx, 5, "eth@sim", strings.ToLower(direct.Hex()), r.dest.Hex()); err == nil {
		t.Error("a chain without a client was read")
	}
}

// Unknown, reverted and reorged transactions are read as what they are: not found, or found
// having paid nothing.
func TestTransfersNotFoundRevertedReorged(t *testing.T) {
	r := newTransferRig(t)
	ctx := context.Background()
	if got := r.read("tusd@sim", common.HexToHash("0x01")); got.Found {
		t.Fatalf("an unknown hash is found: %+v", got)
	}

	opts := r.auth(r.stranger) // holds no tUSD: the transfer reverts
	opts.GasLimit = 100_000    // sent as is, without the estimate that would refuse it
	tx, err := r.token.Transfer(opts, r.dest, big.NewInt(1))
	if err != nil {
		t.Fatal(err)
	}
	r.backend.Commit()
	if got := r.read("tusd@sim", tx.Hash()); !got.Found || got.Succeeded || got.Paid.Sign() != 0 {
		t.Fatalf("reverted: %+v, want found, not succeeded, nothing paid", got)
	}

	paid := r.payTUSD(r.dest, 5_000_000)
	rc, err := r.client.TransactionReceipt(ctx, paid)
	if err != nil {
		t.Fatal(err)
	}
	parent, err := r.client.HeaderByNumber(ctx, new(big.Int).Sub(rc.BlockNumber, big.NewInt(1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.backend.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	r.backend.Rollback() // drop the pool, or the transfer comes right back
	r.backend.Commit()
	r.backend.Commit()
	if got := r.read("tusd@sim", paid); got.Found {
		t.Fatalf("a reorged transfer is found: %+v", got)
	}
}

// lastTx is the hash of the latest block's only transaction.
func (r *transferRig) lastTx() common.Hash {
	r.t.Helper()
	b, err := r.client.BlockByNumber(context.Background(), nil)
	if err != nil || len(b.Transactions()) != 1 {
		r.t.Fatalf("latest block: %v", err)
	}
	return b.Transactions()[0].Hash()
}
