package ethereum

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/chaincheckout/checkout/core/chain"
)

// Ports of this package's tests (the helper's range): a simulated node's JSON-RPC over HTTP,
// a port nothing listens on, and one that accepts connections but never answers.
const (
	simHTTPPort = 8945
	closedURL   = "http://127.0.0.1:4642"
	hungAddr    = "127.0.0.1:4643"
)

// pairObserver records what a PairReader reports.
type pairObserver struct {
	mu        sync.Mutex
	failed    map[string]int // "provider call"
	heads     map[string]uint64
	disagreed int
}

func newPairObserver() *pairObserver {
	return &pairObserver{failed: map[string]int{}, heads: map[string]uint64{}}
}

func (o *pairObserver) ProviderFailed(provider, call string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failed[provider+" "+call]++
}

func (o *pairObserver) ProviderHead(provider string, head uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.heads[provider] = head
}

func (o *pairObserver) Disagreed() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.disagreed++
}

// memScanStore keeps a scanner's cursor, hashes and payments in memory: the store is not what
// these tests look at (adapters/postgres has its own), the readers are.
type memScanStore struct {
	mu       sync.Mutex
	cursor   *chain.BlockRef
	hashes   map[uint64]string
	payments []chain.Payment
	watched  map[string]string
}

func (s *memScanStore) Cursor(context.Context, int64) (chain.BlockRef, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cursor == nil {
		return chain.BlockRef{}, false, nil
	}
	return *s.cursor, true, nil
}

func (s *memScanStore) BlockHashes(_ context.Context, _ int64, from, to uint64) (map[uint64]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[uint64]string{}
	for n := from; n <= to; n++ {
		if h, ok := s.hashes[n]; ok {
			out[n] = h
		}
	}
	return out, nil
}

// The outage record is not what these tests are about: nothing is ever open.
func (s *memScanStore) OpenOutage(context.Context, int64) (*chain.Outage, error) { return nil, nil }
func (s *memScanStore) BeginOutage(context.Context, chain.Outage) error          { return nil }
func (s *memScanStore) EndOutage(context.Context, int64, time.Time) error        { return nil }

func (s *memScanStore) Watching(context.Context, time.Time) (bool, error) {
	return len(s.watched) > 0, nil
}

func (s *memScanStore) WatchedAmong(_ context.Context, _ chain.WatchScope, _ time.Time, addresses []string) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range addresses {
		if session, ok := s.watched[a]; ok {
			out[a] = session
		}
	}
	return out, nil
}

func (s *memScanStore) CommitStep(_ context.Context, st chain.Step) ([]chain.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if (s.cursor == nil) != (st.Prev == nil) || (s.cursor != nil && s.cursor.Hash != st.Prev.Hash) {
		return nil, chain.ErrCursorMoved
	}
	for _, b := range st.Blocks {
		s.hashes[b.Number] = b.Hash
	}
	s.payments = append(s.payments, st.Payments...)
	cur := st.Cursor
	s.cursor = &cur
	return nil, nil
}

// simNode is a simulated chain, optionally serving JSON-RPC over HTTP on port.
type simNode struct {
	t       *testing.T
	backend *simulated.Backend
	payer   *ecdsa.PrivateKey
}

func newSimNode(t *testing.T, payer *ecdsa.PrivateKey, port int) *simNode {
	t.Helper()
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(payer.PublicKey): {Balance: new(big.Int).Exp(big.NewInt(10), big.NewInt(21), nil)}}
	var opts []func(*node.Config, *ethconfig.Config)
	if port != 0 {
		opts = append(opts, func(n *node.Config, _ *ethconfig.Config) {
			n.HTTPHost, n.HTTPPort, n.HTTPModules = "127.0.0.1", port, []string{"eth"}
		})
	}
	s := &simNode{t: t, backend: simulated.NewBackend(alloc, opts...), payer: payer}
	t.Cleanup(func() { _ = s.backend.Close() })
	return s
}

// pay mines a block in which the payer sends value wei to to.
func (s *simNode) pay(to common.Address, value int64) {
	s.t.Helper()
	ctx, c := context.Background(), s.backend.Client()
	from := crypto.PubkeyToAddress(s.payer.PublicKey)
	nonce, _ := c.PendingNonceAt(ctx, from)
	tip, _ := c.SuggestGasTipCap(ctx)
	head, _ := c.HeaderByNumber(ctx, nil)
	fee := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(s.payer, types.LatestSignerForChainID(big.NewInt(1337)), &types.DynamicFeeTx{
		ChainID: big.NewInt(1337), Nonce: nonce, GasTipCap: tip, GasFeeCap: fee, Gas: 21_000, To: &to, Value: big.NewInt(value)})
	if err != nil {
		s.t.Fatal(err)
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		s.t.Fatal(err)
	}
	s.backend.Commit()
	if r, err := c.TransactionReceipt(ctx, tx.Hash()); err != nil || r.Status != types.ReceiptStatusSuccessful {
		s.t.Fatalf("payment %s not mined: %v", tx.Hash(), err)
	}
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func dialURL(t *testing.T, url string) *ethclient.Client {
	t.Helper()
	c, err := ethclient.DialContext(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

var simChain = chain.Chain{Key: "sim", ID: 1337, Name: "simulated", RPCURL: "http://unused", Confirmations: 1,
	Native: chain.Token{Symbol: "ETH", Decimals: 18}}

func newPair(t *testing.T, primary, secondary chain.Reader) (*PairReader, *pairObserver, *strings.Builder) {
	t.Helper()
	obs, logs := newPairObserver(), &strings.Builder{}
	r, err := NewPairReader(primary, secondary, obs, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return r, obs, logs
}

func newScanner(t *testing.T, r chain.Reader, st *memScanStore) *chain.Scanner {
	t.Helper()
	n := 0
	sc, err := chain.NewScanner(simChain, r, st, func() string { n++; return fmt.Sprintf("pay_%d", n) })
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Two providers on chains that part after genesis: the scanner records genesis, which both
// hash alike, and then waits at the block they hash differently, recording no payment in it;
// the disagreement is counted and logged once. The same store, read through a pair whose
// primary is down, takes the secondary's chain alone (failover) and records its payment.
func TestPairReaderRecordsOnlyBlocksBothProvidersAgreeOn(t *testing.T) {
	ctx := context.Background()
	payer, deposit := newKey(t), common.HexToAddress(depositAddr)
	a, b := newSimNode(t, payer, 0), newSimNode(t, payer, 0)
	pair, obs, logs := newPair(t, NewReader(a.backend.Client(), 1337), NewReader(b.backend.Client(), 1337))
	st := &memScanStore{hashes: map[uint64]string{}, watched: map[string]string{depositAddr: "cs_1"}}
	sc := newScanner(t, pair, st)
	if _, err := sc.Scan(ctx, time.Now()); err != nil {
		t.Fatalf("first scan at the shared genesis: %v", err)
	}
	a.pay(deposit, 1_000_000) // a payment on one provider's chain only
	b.backend.Commit()
	for range 3 {
		p, err := sc.Scan(ctx, time.Now())
		if err != nil || !p.Lagging || p.To >= p.From {
			t.Fatalf("scan over a disputed block: %+v, %v; want waiting", p, err)
		}
	}
	if cur, _, _ := st.Cursor(ctx, 1337); cur.Number != 0 || len(st.payments) != 0 {
		t.Fatalf("recorded past the disputed block: cursor %d, payments %+v", cur.Number, st.payments)
	}
	if obs.disagreed != 3 || strings.Count(logs.String(), "disagree") != 1 {
		t.Fatalf("disagreements counted %d, logged:\n%s", obs.disagreed, logs)
	}
	if _, err := pair.Block(ctx, 1); !errors.Is(err, chain.ErrProvidersDisagree) || !errors.Is(err, chain.ErrBlockNotFound) {
		t.Fatalf("a disputed block: %v", err)
	}

	failover, obs2, logs2 := newPair(t, NewReader(dialURL(t, closedURL), 1337), NewReader(a.backend.Client(), 1337))
	p, err := newScanner(t, failover, st).Scan(ctx, time.Now())
	if err != nil || p.To != 1 {
		t.Fatalf("scan with the primary down: %+v, %v", p, err)
	}
	if len(st.payments) != 1 || st.payments[0].Amount.Int64() != 1_000_000 || st.payments[0].To != depositAddr {
		t.Fatalf("payments after failover: %+v", st.payments)
	}
	if obs2.failed["primary head"] == 0 || !strings.Contains(logs2.String(), "provider=primary") || strings.Contains(logs2.String(), closedURL) {
		t.Fatalf("failover not counted or logged with the URL hidden: %v\n%s", obs2.failed, logs2)
	}
}

// Over real JSON-RPC: a simulated chain served over HTTP, read with a second provider that is
// the same chain (every block agrees) or a closed port, first or second. A payment is
// recorded each time: with one provider down every call fails over (head, blocks, receipts,
// logs). With both down the error surfaces, naming each provider but neither URL.
func TestPairReaderFailsOverOverHTTP(t *testing.T) {
	ctx := context.Background()
	payer := newKey(t)
	sim := newSimNode(t, payer, simHTTPPort)
	live := NewReader(dialURL(t, fmt.Sprintf("http://127.0.0.1:%d", simHTTPPort)), 1337)
	for _, order := range []string{"both up", "primary down", "secondary down"} {
		t.Run(order, func(t *testing.T) {
			dead := NewReader(dialURL(t, closedURL), 1337)
			primary, secondary, failing := dead, live, Primary
			switch order {
			case "secondary down":
				primary, secondary, failing = live, dead, Secondary
			case "both up": // the same chain through HTTP and in process: every block agrees
				primary, secondary, failing = live, NewReader(sim.backend.Client(), 1337), ""
			}
			pair, obs, _ := newPair(t, primary, secondary)
			st := &memScanStore{hashes: map[uint64]string{}, watched: map[string]string{depositAddr: "cs_1"}}
			sc := newScanner(t, pair, st)
			if _, err := sc.Scan(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			sim.pay(common.HexToAddress(depositAddr), 5)
			p, err := sc.Scan(ctx, time.Now())
			if err != nil || p.To < p.From || len(st.payments) != 1 || st.payments[0].Amount.Int64() != 5 {
				t.Fatalf("scan: %+v, %v, payments %+v", p, err, st.payments)
			}
			if _, err := pair.TokenTransfers(ctx, 0, p.To, []string{usdcOnBase}); err != nil {
				t.Fatalf("logs with one provider down: %v", err)
			}
			if failing == "" {
				if len(obs.failed) != 0 || obs.disagreed != 0 || len(pair.Degraded()) != 0 || obs.heads[Primary] != obs.heads[Secondary] {
					t.Fatalf("both up: failures %v, disagreements %d, heads %v", obs.failed, obs.disagreed, obs.heads)
				}
				return
			}
			if obs.failed[failing+" head"] == 0 || obs.heads[map[string]string{Primary: Secondary, Secondary: Primary}[failing]] != p.To {
				t.Fatalf("failures %v, heads %v", obs.failed, obs.heads)
			}
			if got := pair.Degraded(); len(got) != 1 || got[0] != failing {
				t.Fatalf("degraded %v, want %s", got, failing)
			}
		})
	}
	both, _, _ := newPair(t, NewReader(dialURL(t, closedURL), 1337), NewReader(dialURL(t, closedURL), 1337))
	_, err := both.Head(ctx)
	if err == nil || errors.Is(err, chain.ErrBlockNotFound) || !strings.Contains(err.Error(), "primary") ||
		!strings.Contains(err.Error(), "secondary") || strings.Contains(err.Error(), closedURL) {
		t.Fatalf("both providers down: %v", err)
	}
	if _, err := both.Succeeded(ctx, normalTx); err == nil {
		t.Fatal("a receipt with both providers down")
	}
}

// A provider that accepts the connection but never answers counts as failed once the other
// has answered and the grace has passed, and is then left out until its cooldown ends.
func TestPairReaderLeavesAHungProviderOut(t *testing.T) {
	ln, err := net.Listen("tcp", hungAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() { // accept and hold connections, answering nothing
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = conn.Close() })
			go func() { _, _ = io.Copy(io.Discard, conn) }()
		}
	}()
	sim := newSimNode(t, newKey(t), 0)
	sim.backend.Commit()
	pair, obs, _ := newPair(t, NewReader(dialURL(t, "http://"+hungAddr), 1337), NewReader(sim.backend.Client(), 1337))
	pair.Grace = 100 * time.Millisecond
	for range 3 {
		head, err := pair.Head(context.Background())
		if err != nil || head != 1 {
			t.Fatalf("head with the primary hung: %d, %v", head, err)
		}
	}
	if obs.failed["primary head"] != 1 {
		t.Fatalf("a resting provider was asked again: %v", obs.failed)
	}
}
