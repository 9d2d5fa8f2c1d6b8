package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/settlement"
)

// settledSessions is how many sessions the settlement test pays: the batch of 20.
const settledSessions = 20

// The settlement walkthrough on a real geth --dev node: 20 sessions paid in the test token to
// forwarder addresses are swept by the settlement workflow in one transaction of the gas
// wallet; the worker is stopped while that sweep is in flight and the sweep is still sent once;
// the payout address then holds the exact sum, the payout's balance transactions list the 20
// sessions with their metadata, and payout.paid reaches the merchant's endpoint.
func TestSettlementOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := startE2E(ctx, t, func(c *wiring.Config) {
		// Due once all 20 (1.00 USD each) wait; never by age within the test.
		c.SweepPolicy = settlement.Policy{Threshold: decimal.NewFromInt(settledSessions), MaxAge: time.Hour, MaxBatch: 100}
		c.SupervisePeriod = time.Second
		c.WebhookAllowPrivate = true
	})
	payoutKey, _ := crypto.GenerateKey()
	payoutTo := crypto.PubkeyToAddress(payoutKey.PublicKey)
	if err := env.api.do(ctx, http.MethodPost, "/v1/settlement_settings", url.Values{"payout_address": {payoutTo.Hex()}}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	hooks := receivePayoutEvents(ctx, t, env.api)

	ids, addresses := openForwarderSessions(ctx, t, env.api, settledSessions)
	total := payAllAtOnce(ctx, t, env.rpcURL, env.chainsCfg, addresses)

	payout := awaitPayout(ctx, t, env.api, "in_transit", 90*time.Second)
	env.app.StopWorker() // the sweep is sent; nobody watches it while it is mined and confirmed
	if payout.Status != "in_transit" {
		t.Fatalf("the payout was %s before the worker stopped, want in_transit", payout.Status)
	}
	time.Sleep(4 * time.Second)
	if err := env.app.RestartWorker(); err != nil {
		t.Fatal(err)
	}
	payout = awaitPayout(ctx, t, env.api, "paid", 60*time.Second)

	chainClient, token := devToken(ctx, t, env.rpcURL, env.chainsCfg)
	if got, _ := token.BalanceOf(nil, payoutTo); got.Cmp(total) != 0 {
		t.Fatalf("the payout address holds %s base units, want %s", got, total)
	}
	var sweeps int
	if err := env.app.DB().GetContext(ctx, &sweeps, `SELECT count(*) FROM gas_wallet_txs`); err != nil || sweeps != 1 {
		t.Fatalf("%d sweep transactions kept (%v), want exactly 1", sweeps, err)
	}
	tx, _, err := chainClient.TransactionByHash(ctx, common.HexToHash(payout.Crypto.TxHash))
	if err != nil {
		t.Fatal(err)
	}
	gasWallet, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := chainClient.NonceAt(ctx, gasWallet, nil); err != nil || n != 1 {
		t.Fatalf("the gas wallet sent %d transactions (%v), want 1: the sweep once, across the worker's stop", n, err)
	}
	checkPayoutLines(ctx, t, env.api, payout.ID, ids, total)
	hooks.await(t, payout.ID)
	checkGasWalletMetrics(t, env.api.base)
}

// checkGasWalletMetrics reads the gas wallet's series after the sweep: one send, nothing
// left unmined, and a balance of the 10 ETH dev deploy gave it less the sweep's gas.
func checkGasWalletMetrics(t *testing.T, base string) {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	sample := func(series string) float64 {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, series+" "); ok {
				f, err := strconv.ParseFloat(v, 64)
				if err == nil {
					return f
				}
			}
		}
		t.Fatalf("no series %s in /metrics", series)
		return 0
	}
	if n := sample(`checkout_gas_wallet_sends_total{chain="dev",outcome="sent"}`); n < 1 {
		t.Errorf("gas wallet sends counted %v, want at least 1", n)
	}
	if n := sample(`checkout_gas_wallet_pending_transactions{chain="dev"}`); n != 0 {
		t.Errorf("%v gas wallet transactions unmined after the payout was paid", n)
	}
	if eth := sample(`checkout_gas_wallet_balance{chain="dev",symbol="ETH"}`); eth <= 9 || eth >= 10 {
		t.Errorf("gas wallet balance %v ETH, want a little under 10", eth)
	}
}

type payoutJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Amount int64  `json:"amount"`
	Crypto struct {
		TxHash  string `json:"tx_hash"`
		Amounts []struct {
			Asset  string `json:"asset"`
			Amount string `json:"amount"`
		} `json:"amounts"`
	} `json:"crypto"`
}

// openForwarderSessions makes n sessions of 1.00 USD in the test token, each with its
// reference and metadata, and returns their IDs and forwarder addresses.
func openForwarderSessions(ctx context.Context, t *testing.T, api apiClient, n int) ([]string, []string) {
	t.Helper()
	var ids, addresses []string
	for i := range n {
		form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
			"line_items[0][price_data][unit_amount]": {"100"}, "line_items[0][price_data][product_data][name]": {"Sticker"},
			"line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}, "client_reference_id": {fmt.Sprintf("order-%d", i)},
			"metadata[order]": {fmt.Sprint(i)}}
		var s struct {
			ID     string `json:"id"`
			Crypto struct {
				State          string `json:"state"`
				DepositAddress string `json:"deposit_address"`
				Destination    string `json:"settlement_destination"`
			} `json:"crypto"`
		}
		if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &s); err != nil {
			t.Fatal(err)
		}
		for s.Crypto.DepositAddress == "" { // the preselected asset is quoted by the workflow
			time.Sleep(50 * time.Millisecond)
			if err := api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+s.ID, nil, &s); err != nil {
				t.Fatal(err)
			}
		}
		if s.Crypto.Destination == "" {
			t.Fatalf("session %s is not bound to the payout address: %+v", s.ID, s.Crypto)
		}
		ids, addresses = append(ids, s.ID), append(addresses, s.Crypto.DepositAddress)
	}
	return ids, addresses
}

// payAllAtOnce sends 1.00 tUSD to each address from the dev account without waiting in
// between (one or two blocks for all), then waits for every receipt; it returns the sum.
func payAllAtOnce(ctx context.Context, t *testing.T, rpcURL, chainsFile string, addresses []string) *big.Int {
	t.Helper()
	node, err := ethereum.DialDevAccount(ctx, rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	_, token := devToken(ctx, t, rpcURL, chainsFile)
	tokenAt := token.Address
	parsed, _ := contracts.TestTokenMetaData.GetAbi()
	one := big.NewInt(1_000_000)
	// Nonces are numbered here: geth's own pending nonce can lag a block mined between two
	// sends, and the next send then replaces the previous one ("replacement transaction underpriced").
	nonce, err := node.Eth.PendingNonceAt(ctx, node.From)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []common.Hash
	for i, a := range addresses {
		data, _ := parsed.Pack("transfer", common.HexToAddress(a), one)
		var h common.Hash
		if err := node.RPC.CallContext(ctx, &h, "eth_sendTransaction", map[string]any{"from": node.From, "to": tokenAt,
			"data": hexutil.Bytes(data), "nonce": hexutil.Uint64(nonce + uint64(i))}); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		for {
			rc, err := node.Eth.TransactionReceipt(ctx, h)
			if err == nil {
				if rc.Status != types.ReceiptStatusSuccessful {
					t.Fatalf("payment %s reverted", h.Hex())
				}
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return new(big.Int).Mul(one, big.NewInt(int64(len(addresses))))
}

type boundToken struct {
	*contracts.TestToken
	Address common.Address
}

func devToken(ctx context.Context, t *testing.T, rpcURL, chainsFile string) (*ethclient.Client, boundToken) {
	t.Helper()
	node, err := ethereum.DialDevAccount(ctx, rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := chainconfig.Load(chainsFile, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	asset, ok := cfg.Config().Asset("tusd@dev")
	if !ok {
		t.Fatal("no tusd@dev in the chains file")
	}
	at := common.HexToAddress(asset.Contract)
	tok, err := contracts.NewTestToken(at, node.Eth)
	if err != nil {
		t.Fatal(err)
	}
	return node.Eth, boundToken{tok, at}
}

// awaitPayout waits for the merchant's one payout to reach status.
func awaitPayout(ctx context.Context, t *testing.T, api apiClient, status string, within time.Duration) payoutJSON {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		var list struct {
			Data []payoutJSON `json:"data"`
		}
		if err := api.do(ctx, http.MethodGet, "/v1/payouts", nil, &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Data) > 1 {
			raw, _ := json.Marshal(list.Data)
			t.Fatalf("%d payouts, want the 20 deposits in one: %s", len(list.Data), raw)
		}
		if len(list.Data) == 1 && (list.Data[0].Status == status || list.Data[0].Status == "paid") {
			return list.Data[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no payout %s after %v: %+v", status, within, list.Data)
		}
	}
}

// checkPayoutLines reads the payout's balance transactions: one per session, with its
// reference and metadata, adding up to the payout.
func checkPayoutLines(ctx context.Context, t *testing.T, api apiClient, payoutID string, ids []string, total *big.Int) {
	t.Helper()
	var lines struct {
		Data []struct {
			Type              string            `json:"type"`
			Source            string            `json:"source"`
			ClientReferenceID string            `json:"client_reference_id"`
			Metadata          map[string]string `json:"metadata"`
			Crypto            struct {
				Amount string `json:"amount"`
			} `json:"crypto"`
		} `json:"data"`
	}
	if err := api.do(ctx, http.MethodGet, "/v1/balance_transactions?limit=100&payout="+payoutID, nil, &lines); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	sum := new(big.Int)
	for _, l := range lines.Data {
		v, _ := new(big.Int).SetString(l.Crypto.Amount, 10)
		sum.Add(sum, v)
		if l.Type != "payment" || !want[l.Source] || l.ClientReferenceID != "order-"+l.Metadata["order"] {
			t.Errorf("line %+v", l)
		}
		delete(want, l.Source)
	}
	if len(lines.Data) != len(ids) || len(want) != 0 || sum.Cmp(total) != 0 {
		t.Fatalf("%d lines adding up to %s (want %d, %s); sessions without a line: %v", len(lines.Data), sum, len(ids), total, want)
	}
}

// payoutHooks is a webhook endpoint of the merchant that records payout events.
type payoutHooks struct {
	mu   sync.Mutex
	seen map[string][]string // payout ID → event IDs of payout.paid
}

func receivePayoutEvents(ctx context.Context, t *testing.T, api apiClient) *payoutHooks {
	t.Helper()
	h := &payoutHooks{seen: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var ev struct {
			ID   string `json:"id"`
			Type string `json:"type"`
			Data struct {
				Object struct {
					ID string `json:"id"`
				} `json:"object"`
			} `json:"data"`
		}
		if json.Unmarshal(raw, &ev) == nil && ev.Type == "payout.paid" && strings.HasPrefix(r.Header.Get("Stripe-Signature"), "t=") {
			h.mu.Lock()
			h.seen[ev.Data.Object.ID] = append(h.seen[ev.Data.Object.ID], ev.ID)
			h.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	form := url.Values{"url": {srv.URL}, "enabled_events[]": {"payout.paid"}}
	if err := api.do(ctx, http.MethodPost, "/v1/webhook_endpoints", form, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *payoutHooks) await(t *testing.T, payoutID string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		h.mu.Lock()
		got := h.seen[payoutID]
		h.mu.Unlock()
		if len(got) > 0 {
			return
		}
	}
	t.Fatalf("payout.paid of %s never arrived", payoutID)
}
