package ethereum_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

const simChainID = 1337

// memoryTxStore is an in-memory settlement.TxStore for the chain tests only; the real one
// (adapters/postgres.GasWalletTxs) is tested against Postgres in its own package.
type memoryTxStore struct {
	mu   sync.Mutex
	kept map[string]settlement.KeptTx
}

func newMemoryTxStore() *memoryTxStore { return &memoryTxStore{kept: map[string]settlement.KeptTx{}} }

func (m *memoryTxStore) Keep(_ context.Context, chainID int64, tx settlement.SentTx, raw []byte) (settlement.KeptTx, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id := fmt.Sprintf("%d/%s/%d", chainID, tx.Key, tx.Attempt)
	if k, ok := m.kept[id]; ok {
		return k, nil
	}
	m.kept[id] = settlement.KeptTx{SentTx: tx, Raw: raw}
	return m.kept[id], nil
}

func (m *memoryTxStore) Kept(_ context.Context, chainID int64, key string) ([]settlement.KeptTx, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []settlement.KeptTx
	for id, k := range m.kept {
		if strings.HasPrefix(id, fmt.Sprintf("%d/%s/", chainID, key)) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b settlement.KeptTx) int { return a.Attempt - b.Attempt })
	return out, nil
}

// sweepRig is a forwarder chain with a funded gas wallet and the sweep reader.
type sweepRig struct {
	*forwarderChain
	gasKey *ecdsa.PrivateKey
	store  *memoryTxStore
	wallet *ethereum.GasWallet
	sweeps *ethereum.SweepChain
}

func newSweepRig(t *testing.T) *sweepRig {
	t.Helper()
	r := &sweepRig{forwarderChain: newForwarderChain(t), gasKey: mustKey(t), store: newMemoryTxStore()}
	r.sendETH(r.deployer, addr(r.gasKey), new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)))
	r.wallet = r.newWallet(nil)
	var err error
	if r.sweeps, err = ethereum.NewSweepChain(map[int64]ethereum.TxClient{simChainID: r.client}); err != nil {
		t.Fatal(err)
	}
	return r
}

// newWallet is a gas wallet over the rig's store and key (a restarted worker is another one).
func (r *sweepRig) newWallet(maxFee *big.Int) *ethereum.GasWallet {
	r.t.Helper()
	w, err := ethereum.NewGasWallet(r.store, func() time.Time { return time.Now().UTC() }, slog.New(slog.NewTextHandler(io.Discard, nil)),
		ethereum.GasWalletChain{ChainID: simChainID, Client: r.client, Key: r.gasKey, MaxFeePerGas: maxFee})
	if err != nil {
		r.t.Fatal(err)
	}
	return w
}

// request is the sweep of batch as the gas wallet is asked to send it.
func (r *sweepRig) request(key string, attempt int, nonce uint64, batch []settlement.Sweep) settlement.TxRequest {
	r.t.Helper()
	data, err := r.sweeps.SweepCall(settlement.Address(r.factoryAt), batch)
	if err != nil {
		r.t.Fatal(err)
	}
	return settlement.TxRequest{ChainID: simChainID, Key: key, Attempt: attempt, Nonce: nonce, To: settlement.Address(r.factoryAt), Data: data}
}

func (r *sweepRig) nonce() uint64 {
	r.t.Helper()
	n, err := r.wallet.PendingNonce(context.Background(), simChainID)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *sweepRig) send(w *ethereum.GasWallet, req settlement.TxRequest) settlement.SentTx {
	r.t.Helper()
	sent, err := w.Send(context.Background(), req)
	if err != nil {
		r.t.Fatal(err)
	}
	r.awaitPending(sent.Hash)
	return sent
}

// unmined checks how many of the wallet's transactions the node holds unmined.
func (r *sweepRig) unmined(want uint64) {
	r.t.Helper()
	if n, err := r.wallet.Unmined(context.Background(), simChainID); err != nil || n != want {
		r.t.Fatalf("unmined = %d, %v; want %d", n, err, want)
	}
}

// awaitPending waits until the simulated pool holds hash: it takes transactions in asynchronously.
func (r *sweepRig) awaitPending(hash string) {
	r.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, pending, err := r.client.TransactionByHash(context.Background(), common.HexToHash(hash))
		if err == nil && pending {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("transaction %s not in the pool after 10 s (%v)", hash, err)
		}
	}
}

func (r *sweepRig) receipt(hashes ...string) (settlement.MinedSweep, bool) {
	r.t.Helper()
	m, found, err := r.sweeps.SweepReceipt(context.Background(), simChainID, hashes)
	if err != nil {
		r.t.Fatal(err)
	}
	return m, found
}

// forwarder is the deposit address of (merchant, session) at the rig's factory.
func (r *sweepRig) forwarder(merchant common.Address, session string) (common.Address, settlement.Nonce) {
	nonce := settlement.SessionNonce(session)
	return common.Address(settlement.ForwarderAddress(settlement.Address(r.factoryAt), settlement.Address(merchant), nonce)), nonce
}

func flushedLines(fs []settlement.Flushed) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %s", f.Address, f.Token, f.Amount)
	}
	slices.Sort(out)
	return out
}

// One sweep sent by the gas wallet pays three forwarders (a returning ERC-20, a USDT-like one
// with native coin beside it, and native coin sent before and after its forwarder was
// deployed) to the destination; the receipt names exactly what each paid and the fee the gas
// wallet lost.
func TestGasWalletSweepPaysAndReceiptTells(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	f1, n1 := r.forwarder(merchant, "cs_test_one")
	f2, n2 := r.forwarder(merchant, "cs_test_two")
	f3, n3 := r.forwarder(merchant, "cs_test_three")
	r.mined(r.token.Mint(r.auth(r.payer), f1, big.NewInt(1_500_000)))
	r.mined(r.usdt.Mint(r.auth(r.payer), f2, big.NewInt(2_500_000)))
	r.sendETH(r.payer, f2, big.NewInt(2e15))
	r.sendETH(r.payer, f3, big.NewInt(3e15))                    // before its forwarder exists
	r.mined(r.factory.Deploy(r.auth(r.stranger), merchant, n3)) // anyone may deploy it
	r.sendETH(r.payer, f3, big.NewInt(1e15))                    // after: its receive() keeps it

	batch := []settlement.Sweep{
		{Destination: settlement.Address(merchant), Nonce: n1, Tokens: []settlement.Address{settlement.Address(r.tokenAt)}},
		{Destination: settlement.Address(merchant), Nonce: n2, Tokens: []settlement.Address{settlement.Address(r.usdtAt)}},
		{Destination: settlement.Address(merchant), Nonce: n3},
	}
	before, err := r.wallet.Balance(ctx, simChainID)
	if err != nil {
		t.Fatal(err)
	}
	sent := r.send(r.wallet, r.request("po_three", 1, r.nonce(), batch))
	r.unmined(1)
	r.backend.Commit()
	r.unmined(0)

	m, found := r.receipt(sent.Hash)
	if !found || !m.Succeeded || m.Hash != sent.Hash {
		t.Fatalf("sweep receipt: found %v, %+v", found, m)
	}
	want := flushedLines([]settlement.Flushed{
		{Address: settlement.Address(f1), Token: settlement.Address(r.tokenAt), Amount: big.NewInt(1_500_000)},
		{Address: settlement.Address(f2), Token: settlement.Address(r.usdtAt), Amount: big.NewInt(2_500_000)},
		{Address: settlement.Address(f2), Amount: big.NewInt(2e15)},
		{Address: settlement.Address(f3), Amount: big.NewInt(4e15)},
	})
	if got := flushedLines(m.Flushed); !slices.Equal(got, want) {
		t.Fatalf("flushed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if tusd, usdt := r.tokensOf(merchant); tusd.Int64() != 1_500_000 || usdt.Int64() != 2_500_000 {
		t.Fatalf("merchant holds %s tUSD and %s tUSDT", tusd, usdt)
	}
	if got := r.ethOf(merchant); got.Cmp(big.NewInt(6e15)) != 0 {
		t.Fatalf("merchant holds %s wei", got)
	}
	after, _ := r.wallet.Balance(ctx, simChainID)
	if drop := new(big.Int).Sub(before, after); m.NetworkFee.Sign() <= 0 || drop.Cmp(m.NetworkFee) != 0 {
		t.Fatalf("network fee %s, the gas wallet lost %s", m.NetworkFee, drop)
	}
	head, err := r.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.BlockNumber != head.Number.Uint64() || !m.BlockTime.Equal(time.Unix(int64(head.Time), 0)) {
		t.Fatalf("mined in block %d at %s, head is %d at %d", m.BlockNumber, m.BlockTime, head.Number, head.Time)
	}
}

// Asking again for the same (key, attempt), even from a restarted wallet, even once it is
// mined, rebroadcasts the one transaction: one hash, the wallet's nonce advanced once.
func TestGasWalletSendsOncePerAttempt(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000b0b00")
	f, n := r.forwarder(merchant, "cs_test_once")
	r.mined(r.token.Mint(r.auth(r.payer), f, big.NewInt(42)))
	start := r.nonce()
	req := r.request("po_once", 1, start, []settlement.Sweep{{Destination: settlement.Address(merchant), Nonce: n,
		Tokens: []settlement.Address{settlement.Address(r.tokenAt)}}})
	first := r.send(r.wallet, req)
	again := req
	again.Nonce++ // a confused caller: the kept transaction still wins
	for i, w := range []*ethereum.GasWallet{r.wallet, r.newWallet(nil)} {
		got := r.send(w, again)
		if got.Hash != first.Hash || got.Nonce != start || got.GasFeeCap.Cmp(first.GasFeeCap) != 0 {
			t.Fatalf("send %d: %+v, want the first %+v", i+2, got, first)
		}
	}
	if n := r.nonce(); n != start+1 {
		t.Fatalf("pending nonce %d after three sends of one attempt, want %d", n, start+1)
	}
	r.backend.Commit()
	if got := r.send2(r.wallet, req); got.Hash != first.Hash {
		t.Fatalf("send after mining: %s, want %s", got.Hash, first.Hash)
	}
	sent, err := r.wallet.Sent(ctx, simChainID, "po_once")
	if err != nil || len(sent) != 1 || sent[0].Hash != first.Hash {
		t.Fatalf("sent: %+v %v", sent, err)
	}
	if tusd, _ := r.tokensOf(merchant); tusd.Int64() != 42 {
		t.Fatalf("merchant holds %s tUSD", tusd)
	}
}

// send2 sends without waiting for the pool (the transaction may be mined already).
func (r *sweepRig) send2(w *ethereum.GasWallet, req settlement.TxRequest) settlement.SentTx {
	r.t.Helper()
	sent, err := w.Send(context.Background(), req)
	if err != nil {
		r.t.Fatal(err)
	}
	return sent
}

// A replacement (attempt 2, same nonce) pays at least an eighth more in both caps, takes the
// first's place in the pool, and only one of the two is mined; a replacement the fee cap has
// no room for is refused before anything is signed.
func TestGasWalletReplacement(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000c0c00")
	f, n := r.forwarder(merchant, "cs_test_replace")
	r.mined(r.usdt.Mint(r.auth(r.payer), f, big.NewInt(900)))
	batch := []settlement.Sweep{{Destination: settlement.Address(merchant), Nonce: n, Tokens: []settlement.Address{settlement.Address(r.usdtAt)}}}
	nonce := r.nonce()
	first := r.send(r.wallet, r.request("po_replace", 1, nonce, batch))
	second := r.send(r.wallet, r.request("po_replace", 2, nonce, batch))
	if second.Hash == first.Hash || second.Nonce != first.Nonce {
		t.Fatalf("replacement %+v of %+v", second, first)
	}
	for _, c := range []struct {
		name     string
		old, new *big.Int
	}{
		{"fee cap", first.GasFeeCap, second.GasFeeCap}, {"tip", first.GasTipCap, second.GasTipCap}} {
		least := new(big.Int).Div(new(big.Int).Mul(c.old, big.NewInt(1125)), big.NewInt(1000))
		if c.new.Cmp(least) < 0 || c.new.Cmp(c.old) <= 0 {
			t.Errorf("%s %s → %s: not raised by 12.5%%", c.name, c.old, c.new)
		}
	}
	// A third attempt under a cap at the second's fee cap cannot raise it: nothing is signed.
	capped := r.newWallet(second.GasFeeCap)
	if _, err := capped.Send(ctx, r.request("po_replace", 3, nonce, batch)); !errors.Is(err, settlement.ErrFeeCapReached) {
		t.Fatalf("capped replacement: %v, want ErrFeeCapReached", err)
	}
	// The first attempt asked again while its replacement is pending: the node refuses it as
	// underpriced, which is fine (a sibling holds the nonce).
	if got := r.send2(r.wallet, r.request("po_replace", 1, nonce, batch)); got.Hash != first.Hash {
		t.Fatalf("first attempt again: %s", got.Hash)
	}
	r.backend.Commit()

	m, found := r.receipt(first.Hash, second.Hash)
	if !found || m.Hash != second.Hash || !m.Succeeded {
		t.Fatalf("mined: %v %+v, want the replacement %s", found, m, second.Hash)
	}
	if _, err := r.client.TransactionReceipt(ctx, common.HexToHash(first.Hash)); !errors.Is(err, goeth.NotFound) {
		t.Fatalf("the replaced transaction has a receipt too: %v", err)
	}
	if got := r.nonce(); got != nonce+1 {
		t.Fatalf("pending nonce %d, want %d", got, nonce+1)
	}
	sent, _ := r.wallet.Sent(ctx, simChainID, "po_replace")
	if len(sent) != 2 || sent[0].Attempt != 1 || sent[1].Attempt != 2 {
		t.Fatalf("sent: %+v", sent)
	}
	if _, usdt := r.tokensOf(merchant); usdt.Int64() != 900 {
		t.Fatalf("merchant holds %s tUSDT", usdt)
	}
}

// A sweep that would revert is not sent; one mined reverted reads Succeeded=false, its fee
// paid and nothing flushed.
func TestSweepReverted(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000d0d00")
	f, n := r.forwarder(merchant, "cs_test_revert")
	r.sendETH(r.payer, f, big.NewInt(5e15))
	// An address without code as a token: balanceOf's empty answer reverts the whole sweep.
	batch := []settlement.Sweep{{Destination: settlement.Address(merchant), Nonce: n, Tokens: []settlement.Address{settlement.Address(addr(r.stranger))}}}
	req := r.request("po_revert", 1, r.nonce(), batch)
	if _, err := r.wallet.Send(ctx, req); !errors.Is(err, settlement.ErrWouldRevert) {
		t.Fatalf("send of a reverting sweep: %v, want ErrWouldRevert", err)
	}
	if sent, _ := r.wallet.Sent(ctx, simChainID, "po_revert"); len(sent) != 0 {
		t.Fatalf("a reverting sweep was kept: %+v", sent)
	}

	// Mined anyway by someone with a fixed gas limit.
	head, _ := r.client.HeaderByNumber(ctx, nil)
	tip, _ := r.client.SuggestGasTipCap(ctx)
	to := r.factoryAt
	nonce, _ := r.client.PendingNonceAt(ctx, addr(r.stranger))
	tx, err := types.SignNewTx(r.stranger, types.LatestSignerForChainID(big.NewInt(simChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(simChainID), Nonce: nonce, GasTipCap: tip, GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2))),
		Gas: 300_000, To: &to, Data: req.Data})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	r.awaitPending(tx.Hash().Hex())
	r.backend.Commit()
	m, found := r.receipt(tx.Hash().Hex())
	if !found || m.Succeeded || len(m.Flushed) != 0 || m.NetworkFee.Sign() <= 0 {
		t.Fatalf("reverted sweep: found %v, %+v", found, m)
	}
	if got := r.ethOf(f); got.Cmp(big.NewInt(5e15)) != 0 {
		t.Fatalf("the forwarder holds %s wei after a reverted sweep", got)
	}
}

// A sweep whose block is reorged away has no receipt any more; asking the wallet again for
// the same attempt puts the same transaction back, and it is found once mined again.
func TestSweepReorged(t *testing.T) {
	ctx := context.Background()
	r := newSweepRig(t)
	merchant := common.HexToAddress("0x00000000000000000000000000000000000e0e00")
	f, n := r.forwarder(merchant, "cs_test_reorg")
	r.mined(r.token.Mint(r.auth(r.payer), f, big.NewInt(77)))
	req := r.request("po_reorg", 1, r.nonce(), []settlement.Sweep{{Destination: settlement.Address(merchant), Nonce: n,
		Tokens: []settlement.Address{settlement.Address(r.tokenAt)}}})
	sent := r.send(r.wallet, req)
	r.backend.Commit()
	m, found := r.receipt(sent.Hash)
	if !found {
		t.Fatal("the sweep is not found once mined")
	}
	parent, err := r.client.HeaderByNumber(ctx, new(big.Int).SetUint64(m.BlockNumber-1))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.backend.Fork(parent.Hash()); err != nil {
		t.Fatal(err)
	}
	r.backend.Rollback() // drop the pool, or the sweep comes right back
	r.backend.Commit()
	r.backend.Commit()
	if m, found := r.receipt(sent.Hash); found {
		t.Fatalf("a reorged sweep is still found: %+v", m)
	}
	if tusd, _ := r.tokensOf(merchant); tusd.Sign() != 0 {
		t.Fatalf("merchant holds %s tUSD after the reorg", tusd)
	}

	again := r.send(r.wallet, req)
	if again.Hash != sent.Hash {
		t.Fatalf("resend after the reorg signed anew: %s, want %s", again.Hash, sent.Hash)
	}
	r.backend.Commit()
	if m, found := r.receipt(sent.Hash); !found || !m.Succeeded || len(m.Flushed) != 1 || m.Flushed[0].Amount.Int64() != 77 {
		t.Fatalf("after the resend: found %v, %+v", found, m)
	}
}

// The gas wallet's key comes from a hex variable or a keystore with its password's
// variable; what goes wrong is named without ever quoting the key.
func TestGasWalletKey(t *testing.T) {
	key := mustKey(t)
	hexKey := common.Bytes2Hex(crypto.FromECDSA(key))
	dir := t.TempDir()
	ks := keystore.NewKeyStore(dir, keystore.LightScryptN, keystore.LightScryptP)
	acct, err := ks.ImportECDSA(key, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GW_KEY": "0x" + hexKey, "GW_PW": "correct horse", "GW_BAD": "0x" + hexKey[:10] + "zz", "GW_WRONG": "battery"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		name string
		g    chain.GasWallet
		err  string // "" when the key loads
	}{
		{"hex variable", chain.GasWallet{KeyEnv: "GW_KEY"}, ""},
		{"keystore", chain.GasWallet{Keystore: acct.URL.Path, PasswordEnv: "GW_PW"}, ""},
		{"empty variable", chain.GasWallet{KeyEnv: "GW_NONE"}, "GW_NONE is empty"},
		{"not a key", chain.GasWallet{KeyEnv: "GW_BAD"}, "GW_BAD is not a hex secp256k1 private key"},
		{"wrong password", chain.GasWallet{Keystore: acct.URL.Path, PasswordEnv: "GW_WRONG"}, "with the password in GW_WRONG"},
		{"missing keystore", chain.GasWallet{Keystore: dir + "/nope.json", PasswordEnv: "GW_PW"}, "read keystore"},
		{"nothing named", chain.GasWallet{}, "names no key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ethereum.GasWalletKey(tc.g, getenv)
			if tc.err == "" {
				if err != nil || crypto.PubkeyToAddress(got.PublicKey) != addr(key) {
					t.Fatalf("loaded %v, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one saying %q", err, tc.err)
			}
			if strings.Contains(err.Error(), hexKey[:10]) {
				t.Fatal("the error quotes the key")
			}
		})
	}
	// A chain's configuration: its ID, the key, the default fee cap; none configured: none.
	w, ok, err := ethereum.GasWalletChainOf(chain.Chain{Key: "dev", ID: simChainID, GasWallet: &chain.GasWallet{KeyEnv: "GW_KEY"}}, nil, getenv)
	if err != nil || !ok || w.ChainID != simChainID || w.Key == nil || w.MaxFeePerGas.Cmp(big.NewInt(200e9)) != 0 {
		t.Fatalf("gas wallet of the chain: %+v %v %v", w, ok, err)
	}
	if _, ok, err := ethereum.GasWalletChainOf(chain.Chain{Key: "dev", ID: simChainID}, nil, getenv); ok || err != nil {
		t.Fatalf("a chain without a gas wallet: %v %v", ok, err)
	}
}
