package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/ident"
)

// benchCatchUp times the scanner over a backlog of blocks on the simulated EVM (no RPC
// latency), beside a bare loop that reads the same blocks through the same client.
func benchCatchUp(ctx context.Context, store chain.ScanStore, blocks int) error {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	b := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil)}})
	defer b.Close()
	c := b.Client()
	auth, _ := bind.NewKeyedTransactorWithChainID(key, big.NewInt(1337))
	tokenAt, _, token, err := contracts.DeployTestToken(auth, c, "Test USD", "tUSD", 6, big.NewInt(1e15))
	if err != nil {
		return err
	}
	b.Commit()
	ch := chain.Chain{Key: "bench", ID: 990_001, Name: "bench", RPCURL: "simulated://", Confirmations: 3,
		Native: chain.Token{Symbol: "ETH", Decimals: 18}, Tokens: []chain.Token{{Symbol: "tUSD", Contract: tokenAt.Hex(), Decimals: 6}}}
	sc, err := chain.NewScanner(ch, ethereum.NewReader(c, 1337), store, func() string { return ident.New("pay") })
	if err != nil {
		return err
	}
	if _, err := sc.Scan(ctx, time.Now()); err != nil { // the cursor starts at the head
		return err
	}
	start, _ := c.BlockNumber(ctx)
	for i := 0; i < blocks; i++ {
		if i%10 == 0 { // a token transfer every tenth block, so logs are read too
			if _, err := token.Transfer(auth, common.BigToAddress(big.NewInt(int64(i+1))), big.NewInt(1)); err != nil {
				return err
			}
		}
		b.Commit()
	}
	head, _ := c.BlockNumber(ctx)
	t0 := time.Now()
	for n := start + 1; n <= head; n++ {
		if _, err := c.BlockByNumber(ctx, new(big.Int).SetUint64(n)); err != nil {
			return err
		}
	}
	bare := time.Since(t0)
	t0 = time.Now()
	for {
		p, err := sc.Scan(ctx, time.Now())
		if err != nil {
			return err
		}
		if p.To >= head {
			break
		}
	}
	ours := time.Since(t0)
	n := float64(head - start)
	fmt.Printf("\nscanner catch-up over %d blocks (simulated EVM in process; Postgres commits per batch of %d)\n",
		head-start, ch.WithDefaults().BatchBlocks)
	fmt.Printf("  floor (bare BlockByNumber loop): %8.0f blocks/s\n", n/bare.Seconds())
	fmt.Printf("  scanner (blocks, logs, commit):  %8.0f blocks/s   %.2fx the floor's time\n", n/ours.Seconds(), ours.Seconds()/bare.Seconds())
	return nil
}

// benchPaymentLatency measures, on a real geth --dev node with 1 s blocks, the time from the
// block that carries a payment to the API reporting the session complete.
func benchPaymentLatency(ctx context.Context, base, key, rpcURL string, confirmations int64, samples int) error {
	rc, err := rpc.DialContext(ctx, rpcURL)
	if err != nil {
		return err
	}
	defer rc.Close()
	eth := ethclient.NewClient(rc)
	var accounts []common.Address
	if err := rc.CallContext(ctx, &accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		return fmt.Errorf("dev account: %v", err)
	}
	var lat []time.Duration
	for i := 0; i < samples; i++ {
		var sess struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Crypto struct {
				DepositAddress string `json:"deposit_address"`
				AmountDue      string `json:"amount_due"`
			} `json:"crypto"`
		}
		form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
			"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
			"line_items[0][quantity]": {"1"}, "crypto[asset]": {"eth@dev"}}
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
			return err
		}
		for sess.Crypto.AmountDue == "" { // the workflow quotes the preselected asset right after creation
			time.Sleep(20 * time.Millisecond)
			if err := apiCall(ctx, base, key, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
				return err
			}
		}
		due, _ := new(big.Int).SetString(sess.Crypto.AmountDue, 10)
		var hash common.Hash
		if err := rc.CallContext(ctx, &hash, "eth_sendTransaction", map[string]any{"from": accounts[0],
			"to": common.HexToAddress(sess.Crypto.DepositAddress), "value": "0x" + due.Text(16)}); err != nil {
			return err
		}
		var mined time.Time
		for mined.IsZero() {
			if r, err := eth.TransactionReceipt(ctx, hash); err == nil && r != nil {
				mined = time.Now()
			} else {
				time.Sleep(10 * time.Millisecond)
			}
		}
		for sess.Status != "complete" {
			time.Sleep(20 * time.Millisecond)
			if err := apiCall(ctx, base, key, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
				return err
			}
			if time.Since(mined) > time.Minute {
				return fmt.Errorf("session %s not complete a minute after its payment", sess.ID)
			}
		}
		lat = append(lat, time.Since(mined))
	}
	slices.Sort(lat)
	floor := time.Duration(confirmations-1) * time.Second
	fmt.Printf("\npayment to session complete on geth --dev (1 s blocks, %d confirmations), %d payments\n", confirmations, samples)
	fmt.Printf("  floor ((confirmations-1) x block time): %6.2f s\n", floor.Seconds())
	fmt.Printf("  ours, p50 / max:                        %6.2f s / %.2f s   p50 %.2fx the floor\n",
		lat[len(lat)/2].Seconds(), lat[len(lat)-1].Seconds(), lat[len(lat)/2].Seconds()/floor.Seconds())
	return nil
}

func apiCall(ctx context.Context, base, key, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(ctx, method, base+path, body)
	req.SetBasicAuth(key, "")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// devChain starts geth --dev in dir and deploys nothing: ETH payments need no contract.
func devChain(ctx context.Context, dir string) (*chainconfig.File, string, func(), error) {
	rpcURL, stop, err := wiringtest.Geth(ctx, filepath.Join(dir, "geth"), nil)
	if err != nil {
		return nil, "", nil, err
	}
	dev := chainconfig.DevChain()
	dev.RPCURL = rpcURL
	f := chainconfig.Default()
	f.Chains = []chain.Chain{dev}
	return &f, rpcURL, stop, nil
}
