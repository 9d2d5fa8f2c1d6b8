package wiring_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
)

// simChain is go-ethereum's simulated backend: the same EVM in process, mined on demand.
type simChain struct {
	mu      sync.Mutex
	backend *simulated.Backend
	client  simulated.Client
	key     *ecdsa.PrivateKey
	payer   common.Address
	token   *contracts.TestToken
	tokenAt common.Address
	flaky   *flakyClient
	// factory is the chain's ForwarderFactory, for forwarder deposit addresses.
	factory   *contracts.ForwarderFactory
	factoryAt common.Address
}

const simChainID = 1337

// simExplorer is the simulated chain's explorer, for the page's links.
const simExplorer = "https://explorer.sim.example"

func newSimChain() (*simChain, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	payer := crypto.PubkeyToAddress(key.PublicKey)
	eth := new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil)
	b := simulated.NewBackend(types.GenesisAlloc{payer: {Balance: eth}})
	c := &simChain{backend: b, client: b.Client(), key: key, payer: payer}
	auth, err := c.auth()
	if err != nil {
		return nil, err
	}
	supply := new(big.Int).Mul(big.NewInt(1_000_000_000), big.NewInt(1_000_000)) // 1e9 tUSD
	c.tokenAt, _, c.token, err = contracts.DeployTestToken(auth, c.client, "Test USD", "tUSD", 6, supply)
	if err != nil {
		return nil, fmt.Errorf("deploy test token: %w", err)
	}
	if c.factoryAt, _, c.factory, err = contracts.DeployForwarderFactory(auth, c.client); err != nil {
		return nil, fmt.Errorf("deploy forwarder factory: %w", err)
	}
	b.Commit()
	c.flaky = &flakyClient{Client: c.client}
	return c, nil
}

// config is the chain as the service sees it: ETH and tUSD, 3 confirmations. A recording run
// judges the view stale after 2 s without a block, so an outage can be recorded in seconds.
func (c *simChain) config() *chainconfig.File {
	stale := int64(0)
	if recordDir() != "" {
		stale = recordStaleAfter
	}
	return &chainconfig.File{
		Chains: []chain.Chain{{Key: "sim", ID: simChainID, Name: "Simulated chain", RPCURL: "simulated://in-process",
			Confirmations: 3, Native: chain.Token{Symbol: "ETH", Decimals: 18}, ForwarderFactory: c.factoryAt.Hex(), ExplorerURL: simExplorer,
			StaleAfterSeconds: stale,
			Tokens:            []chain.Token{{Symbol: "tUSD", Contract: c.tokenAt.Hex(), Decimals: 6, Peg: "usd"}}}},
		Rates: map[string]map[string]string{"eth": {"usd": "3000"}},
	}
}

func (c *simChain) auth() (*bind.TransactOpts, error) {
	return bind.NewKeyedTransactorWithChainID(c.key, big.NewInt(simChainID))
}

// mine commits n blocks.
func (c *simChain) mine(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; i < n; i++ {
		c.backend.Commit()
	}
}

func (c *simChain) payToken(t *testing.T, to string, amount *big.Int) common.Hash {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	auth, err := c.auth()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.token.Transfer(auth, common.HexToAddress(to), amount)
	if err != nil {
		t.Fatalf("token transfer: %v", err)
	}
	c.awaitPooled(t, tx)
	return tx.Hash()
}

// awaitPooled waits until the pool counts tx in the payer's pending nonce: the simulated
// backend's pool takes a sent transaction in asynchronously, and a next send reading the old
// nonce is refused as an underpriced replacement.
func (c *simChain) awaitPooled(t *testing.T, tx *types.Transaction) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		n, err := c.client.PendingNonceAt(context.Background(), c.payer)
		if err != nil {
			t.Fatal(err)
		}
		if n > tx.Nonce() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("transaction %s (nonce %d) not in the pool after 10 s", tx.Hash(), tx.Nonce())
		}
	}
}

func (c *simChain) payETH(t *testing.T, to string, wei *big.Int) common.Hash {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx := context.Background()
	nonce, err := c.client.PendingNonceAt(ctx, c.payer)
	if err != nil {
		t.Fatal(err)
	}
	tip, _ := c.client.SuggestGasTipCap(ctx)
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	fee := new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), tip)
	addr := common.HexToAddress(to)
	tx, err := types.SignNewTx(c.key, types.LatestSignerForChainID(big.NewInt(simChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(simChainID), Nonce: nonce, GasTipCap: tip, GasFeeCap: fee, Gas: 21000, To: &addr, Value: wei})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.client.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("send ETH: %v", err)
	}
	c.awaitPooled(t, tx)
	return tx.Hash()
}

// reorg replaces the last `depth` blocks with `length` empty ones: their transactions vanish.
func (c *simChain) reorg(t *testing.T, depth uint64, length int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx := context.Background()
	head, err := c.client.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}
	parent, err := c.client.HeaderByNumber(ctx, new(big.Int).SetUint64(head-depth))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.backend.Fork(parent.Hash()); err != nil {
		t.Fatalf("fork: %v", err)
	}
	c.backend.Rollback() // drop the pending pool, or the dropped transactions come right back
	for i := 0; i < length; i++ {
		c.backend.Commit()
	}
}

// flakyClient fails or lies on demand, to show RPC trouble is retried and never becomes a payment.
type flakyClient struct {
	simulated.Client
	failing atomic.Bool
	lying   atomic.Bool // answers another block than the one asked for
	calls   atomic.Int64
}

var errRPC = errors.New("simulated RPC failure: 502 bad gateway")

func (f *flakyClient) trouble() error {
	f.calls.Add(1)
	if f.failing.Load() {
		return errRPC
	}
	return nil
}

func (f *flakyClient) BlockNumber(ctx context.Context) (uint64, error) {
	if err := f.trouble(); err != nil {
		return 0, err
	}
	return f.Client.BlockNumber(ctx)
}

func (f *flakyClient) BlockByNumber(ctx context.Context, n *big.Int) (*types.Block, error) {
	if err := f.trouble(); err != nil {
		return nil, err
	}
	if f.lying.Load() && n != nil && n.Sign() > 0 {
		return f.Client.BlockByNumber(ctx, new(big.Int).Sub(n, big.NewInt(1)))
	}
	return f.Client.BlockByNumber(ctx, n)
}

func (f *flakyClient) FilterLogs(ctx context.Context, q goeth.FilterQuery) ([]types.Log, error) {
	if err := f.trouble(); err != nil {
		return nil, err
	}
	return f.Client.FilterLogs(ctx, q)
}

// waitFor polls the API until the session satisfies cond, for up to 30 s.
func waitFor(t *testing.T, key, id, what string, cond func(response) bool) response {
	t.Helper()
	return waitForWithin(t, 30*time.Second, key, id, what, cond)
}

// waitForWithin polls the API until the session satisfies cond, for up to limit.
func waitForWithin(t *testing.T, limit time.Duration, key, id, what string, cond func(response) bool) response {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		r := get(t, "/v1/checkout/sessions/"+id, key)
		if cond(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last: %s", what, r.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func cryptoOf(r response) map[string]any {
	c, _ := r.body["crypto"].(map[string]any)
	return c
}

func cryptoState(r response) string { s, _ := cryptoOf(r)["state"].(string); return s }

func paymentsOf(r response) []map[string]any {
	var out []map[string]any
	for _, p := range cryptoOf(r)["payments"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

func dueOf(t *testing.T, r response) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(cryptoOf(r)["amount_due"].(string), 10)
	if !ok {
		t.Fatalf("amount_due in %s", r.raw)
	}
	return v
}

// rewindScanner moves the scanner's cursor back n blocks: it reads them again.
func rewindScanner(t *testing.T, n int) {
	t.Helper()
	if _, err := it.app.DB().Exec(`UPDATE chain_cursors SET block_number = block_number - $2,
		block_hash = (SELECT hash FROM chain_blocks b WHERE b.chain_id = chain_cursors.chain_id AND b.number = chain_cursors.block_number - $2)
		WHERE chain_id = $1`, simChainID, n); err != nil {
		t.Fatal(err)
	}
}

// expire posts an expire request while mining a block every 50 ms: the request waits until the
// session's chain has been scanned past its moment, and the simulated chain only moves when a
// test mines (on geth --dev a block comes every second by itself).
func expire(t *testing.T, key, id string) response {
	t.Helper()
	return expireWith(t, key, id, nil)
}

// expireWith is expire with request headers (an Idempotency-Key).
func expireWith(t *testing.T, key, id string, headers map[string]string) response {
	t.Helper()
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
				it.chain.mine(1)
			}
		}
	}()
	defer func() { close(done); <-stopped }()
	return postForm(t, "/v1/checkout/sessions/"+id+"/expire", key, nil, headers)
}
