package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
)

// devNode is a geth --dev node: its first account is funded and unlocked.
type devNode struct {
	rpc  *rpc.Client
	eth  *ethclient.Client
	from common.Address
}

func dialDevNode(ctx context.Context, url string) (*devNode, error) {
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	var accounts []common.Address
	if err := c.CallContext(ctx, &accounts, "eth_accounts"); err != nil {
		return nil, fmt.Errorf("eth_accounts on %s (is geth --dev running?): %w", url, err)
	}
	if len(accounts) == 0 {
		return nil, fmt.Errorf("%s has no unlocked account: use a geth --dev node", url)
	}
	return &devNode{rpc: c, eth: ethclient.NewClient(c), from: accounts[0]}, nil
}

// send submits a transaction from the dev account and waits for its receipt.
func (n *devNode) send(ctx context.Context, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	tx := map[string]any{"from": n.from, "value": (*hexutil.Big)(value)}
	if to != nil {
		tx["to"] = to
	}
	if len(data) > 0 {
		tx["data"] = hexutil.Bytes(data)
	}
	var hash common.Hash
	if err := n.rpc.CallContext(ctx, &hash, "eth_sendTransaction", tx); err != nil {
		return nil, fmt.Errorf("eth_sendTransaction: %w", err)
	}
	for {
		rc, err := n.eth.TransactionReceipt(ctx, hash)
		if err == nil {
			if rc.Status != types.ReceiptStatusSuccessful {
				return rc, fmt.Errorf("transaction %s reverted", hash.Hex())
			}
			return rc, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s: %w", hash.Hex(), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// devDeploy deploys the test stablecoin unless the chains file names one that is on chain.
func devDeploy(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev deploy")
	rpcURL := fs.String("rpc", "http://127.0.0.1:8545", "the geth --dev JSON-RPC endpoint")
	file := fs.String("out", ".dev/chains.json", "the chains file to write")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	node, err := dialDevNode(ctx, *rpcURL)
	if err != nil {
		return err
	}
	if prev, err := chainconfig.Load(*file, nil); err == nil && len(prev.Chains) == 1 && len(prev.Chains[0].Tokens) == 1 {
		code, err := node.eth.CodeAt(ctx, common.HexToAddress(prev.Chains[0].Tokens[0].Contract), nil)
		if err == nil && len(code) > 0 {
			fmt.Fprintf(out, "test stablecoin: reusing %s\n", prev.Chains[0].Tokens[0].Contract)
			return nil
		}
	}
	parsed, err := contracts.TestTokenMetaData.GetAbi()
	if err != nil {
		return err
	}
	supply := new(big.Int).Mul(big.NewInt(1_000_000_000), big.NewInt(1_000_000)) // 1e9 tUSD to the dev account
	ctor, err := parsed.Pack("", "Test USD", "tUSD", uint8(6), supply)
	if err != nil {
		return err
	}
	rc, err := node.send(ctx, nil, new(big.Int), append(common.FromHex(contracts.TestTokenMetaData.Bin), ctor...))
	if err != nil {
		return fmt.Errorf("deploy test stablecoin: %w", err)
	}
	dev := chainconfig.DevChain()
	dev.RPCURL = *rpcURL
	dev.Tokens = []chain.Token{{Symbol: "tUSD", Contract: strings.ToLower(rc.ContractAddress.Hex()), Decimals: 6, Peg: "usd"}}
	f := chainconfig.Default()
	f.Chains = []chain.Chain{dev}
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*file), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*file, append(raw, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "test stablecoin: deployed tUSD at %s (1e9 minted to %s); wrote %s\n",
		rc.ContractAddress.Hex(), node.from.Hex(), *file)
	return nil
}

// devPay pays a session from the dev account: what is still due, or --amount.
func devPay(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev pay")
	rpcURL := fs.String("rpc", "http://127.0.0.1:8545", "the geth --dev JSON-RPC endpoint")
	assetFlag := fs.String("asset", "", "select this asset first (e.g. tusd@dev)")
	amountFlag := fs.String("amount", "", "amount in whole units (e.g. 12.5); default: what is still due")
	envFile := fs.String("env-file", ".dev/env", "read CHECKOUT_API_URL/KEY and CHECKOUT_CHAINS_FILE from here when not set")
	chainsFile := fs.String("chains", "", "the chains file (default: CHECKOUT_CHAINS_FILE)")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(fs, args, out); err != nil {
			return err // --help, or a wrong flag
		}
		return usagef("usage: checkout dev pay <session id> [--asset A] [--amount X]")
	}
	id := args[0]
	if err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	api, err := devAPI(*envFile)
	if err != nil {
		return err
	}
	if *chainsFile == "" {
		*chainsFile = devSetting(*envFile, "CHECKOUT_CHAINS_FILE")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var sess devSession
	if *assetFlag != "" {
		if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+id+"/select_asset", url.Values{"asset": {*assetFlag}}, &sess); err != nil {
			return err
		}
	} else if err := api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+id, nil, &sess); err != nil {
		return err
	}
	if sess.Crypto.Asset == "" {
		return errors.New("the session has no asset yet: pass --asset (see GET /v1/crypto/assets)")
	}
	cfg, err := chainconfig.Load(*chainsFile, os.Environ())
	if err != nil {
		return err
	}
	asset, ok := cfg.Config().Asset(sess.Crypto.Asset)
	if !ok {
		return fmt.Errorf("asset %s is not in the chains file %q", sess.Crypto.Asset, *chainsFile)
	}
	amount, err := sess.amountToPay(*amountFlag, asset.Decimals)
	if err != nil {
		return err
	}
	rc, err := payFromDevAccount(ctx, *rpcURL, asset, sess.Crypto.DepositAddress, amount)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sent %s %s to %s in block %d (tx %s)\nwatch it: %s/c/%s\n", chain.FormatUnits(amount, asset.Decimals),
		asset.Symbol, sess.Crypto.DepositAddress, rc.BlockNumber, rc.TxHash.Hex(), api.base, id)
	return nil
}

// payFromDevAccount sends amount base units of asset to the address from geth's dev account.
func payFromDevAccount(ctx context.Context, rpcURL string, asset chain.Asset, address string, amount *big.Int) (*types.Receipt, error) {
	node, err := dialDevNode(ctx, rpcURL)
	if err != nil {
		return nil, err
	}
	to := common.HexToAddress(address)
	if asset.Native() {
		return node.send(ctx, &to, amount, nil)
	}
	parsed, err := contracts.TestTokenMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	data, err := parsed.Pack("transfer", to, amount)
	if err != nil {
		return nil, err
	}
	token := common.HexToAddress(asset.Contract)
	return node.send(ctx, &token, new(big.Int), data)
}

type devSession struct {
	Status string `json:"status"`
	Crypto struct {
		Asset          string `json:"asset"`
		DepositAddress string `json:"deposit_address"`
		AmountDue      string `json:"amount_due"`
		Payments       []struct {
			Asset  string `json:"asset"`
			Amount string `json:"amount"`
			Status string `json:"status"`
		} `json:"payments"`
	} `json:"crypto"`
}

// amountToPay is --amount, or the due less what already arrived in the session's asset.
func (s devSession) amountToPay(flagValue string, decimals int32) (*big.Int, error) {
	if flagValue != "" {
		return chain.ParseUnits(flagValue, decimals)
	}
	due, ok := new(big.Int).SetString(s.Crypto.AmountDue, 10)
	if !ok {
		return nil, fmt.Errorf("the session has no amount due yet")
	}
	for _, p := range s.Crypto.Payments {
		if p.Asset == s.Crypto.Asset && p.Status != "reverted" {
			v, _ := new(big.Int).SetString(p.Amount, 10)
			due.Sub(due, v)
		}
	}
	if due.Sign() <= 0 {
		return nil, errors.New("nothing is due: the payments received cover the session (use --amount to send more)")
	}
	return due, nil
}

type apiClient struct{ base, key string }

// devSetting is an environment variable, or else its line in the dev env file.
func devSetting(envFile, name string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return readEnvKey(envFile, name)
}

// devAPI is the API client the dev commands use: CHECKOUT_API_URL and CHECKOUT_API_KEY.
func devAPI(envFile string) (apiClient, error) {
	api := apiClient{base: strings.TrimRight(devSetting(envFile, "CHECKOUT_API_URL"), "/"), key: devSetting(envFile, "CHECKOUT_API_KEY")}
	if api.base == "" || api.key == "" {
		return api, fmt.Errorf("CHECKOUT_API_URL and CHECKOUT_API_KEY are neither set nor in %s (make dev writes it)", envFile)
	}
	return api, nil
}

func (a apiClient) do(ctx context.Context, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(a.key, "")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(string(raw)))
	}
	return json.Unmarshal(raw, out)
}
