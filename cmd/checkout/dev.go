package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/chain"
)

// devDeploy makes the dev chain ready for checkout, settlement and subscriptions: the test
// stablecoin, a ForwarderFactory and a SubscriptionCollector (each unless the chains file names
// one that is on chain), and a gas wallet key kept beside the chains file, funded from the dev
// account; then it writes the chains file.
func devDeploy(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev deploy")
	rpcURL := fs.String("rpc", "http://127.0.0.1:8545", "the geth --dev JSON-RPC endpoint")
	file := fs.String("out", ".dev/chains.json", "the chains file to write")
	fund := fs.String("gas-wallet-fund", "10", "ETH the gas wallet is topped up to from the dev account")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	fundWei, err := chain.ParseUnits(*fund, 18)
	if err != nil {
		return usagef("checkout dev deploy: --gas-wallet-fund: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	node, err := ethereum.DialDevAccount(ctx, *rpcURL)
	if err != nil {
		return err
	}
	f := chainconfig.Default()
	dev := chainconfig.DevChain()
	// The file as written (no environment): what an earlier deploy left.
	if prev, err := chainconfig.Load(*file, nil); err == nil && len(prev.Chains) == 1 {
		f, dev = prev, prev.Chains[0]
	}
	dev.RPCURL, dev.PublicRPCURL = *rpcURL, *rpcURL

	if len(dev.Tokens) == 1 && hasCode(ctx, node, dev.Tokens[0].Contract) {
		fmt.Fprintf(out, "test stablecoin: reusing %s\n", dev.Tokens[0].Contract)
	} else {
		at, err := deployTestToken(ctx, node)
		if err != nil {
			return err
		}
		dev.Tokens = []chain.Token{{Symbol: "tUSD", Contract: strings.ToLower(at.Hex()), Decimals: 6, Peg: "usd"}}
		fmt.Fprintf(out, "test stablecoin: deployed tUSD at %s (1e9 minted to %s)\n", at.Hex(), node.From.Hex())
	}

	if dev.ForwarderFactory != "" && hasCode(ctx, node, dev.ForwarderFactory) {
		fmt.Fprintf(out, "forwarder factory: reusing %s\n", dev.ForwarderFactory)
	} else {
		rc, err := node.SendAndWait(ctx, nil, new(big.Int), common.FromHex(contracts.ForwarderFactoryMetaData.Bin))
		if err != nil {
			return fmt.Errorf("deploy the forwarder factory: %w", err)
		}
		dev.ForwarderFactory = strings.ToLower(rc.ContractAddress.Hex())
		fmt.Fprintf(out, "forwarder factory: deployed at %s\n", rc.ContractAddress.Hex())
	}

	if dev.SubscriptionCollector != "" && hasCode(ctx, node, dev.SubscriptionCollector) {
		fmt.Fprintf(out, "subscription collector: reusing %s\n", dev.SubscriptionCollector)
	} else {
		rc, err := node.SendAndWait(ctx, nil, new(big.Int), common.FromHex(contracts.SubscriptionCollectorMetaData.Bin))
		if err != nil {
			return fmt.Errorf("deploy the subscription collector: %w", err)
		}
		dev.SubscriptionCollector = strings.ToLower(rc.ContractAddress.Hex())
		fmt.Fprintf(out, "subscription collector: deployed at %s\n", rc.ContractAddress.Hex())
	}

	wallet, err := devGasWallet(filepath.Dir(*file))
	if err != nil {
		return err
	}
	maxFee := ""
	if dev.GasWallet != nil {
		maxFee = dev.GasWallet.MaxFeeGwei // a cap set by hand stays
	}
	dev.GasWallet = &chain.GasWallet{Keystore: wallet.keystore, PasswordEnv: devGasWalletPasswordEnv, MaxFeeGwei: maxFee}
	balance, err := node.Eth.BalanceAt(ctx, wallet.address, nil)
	if err != nil {
		return fmt.Errorf("gas wallet balance: %w", err)
	}
	if balance.Cmp(fundWei) < 0 {
		if _, err := node.SendAndWait(ctx, &wallet.address, new(big.Int).Sub(fundWei, balance), nil); err != nil {
			return fmt.Errorf("fund the gas wallet: %w", err)
		}
		balance = fundWei
	}
	fmt.Fprintf(out, "gas wallet: %s holds %s ETH (key: %s, password in %s, loaded as %s by scripts/dev.sh)\n",
		wallet.address.Hex(), chain.FormatUnits(balance, 18), filepath.Join(filepath.Dir(*file), wallet.keystore),
		wallet.passwordFile, devGasWalletPasswordEnv)

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
	fmt.Fprintf(out, "wrote %s\n", *file)
	return nil
}

func hasCode(ctx context.Context, n *ethereum.DevAccount, address string) bool {
	code, err := n.Eth.CodeAt(ctx, common.HexToAddress(address), nil)
	return err == nil && len(code) > 0
}

// deployTestToken deploys tUSD with 1e9 minted to the dev account.
func deployTestToken(ctx context.Context, n *ethereum.DevAccount) (common.Address, error) {
	parsed, err := contracts.TestTokenMetaData.GetAbi()
	if err != nil {
		return common.Address{}, err
	}
	supply := new(big.Int).Mul(big.NewInt(1_000_000_000), big.NewInt(1_000_000))
	ctor, err := parsed.Pack("", "Test USD", "tUSD", uint8(6), supply)
	if err != nil {
		return common.Address{}, err
	}
	rc, err := n.SendAndWait(ctx, nil, new(big.Int), append(common.FromHex(contracts.TestTokenMetaData.Bin), ctor...))
	if err != nil {
		return common.Address{}, fmt.Errorf("deploy test stablecoin: %w", err)
	}
	return rc.ContractAddress, nil
}

// devGasWalletPasswordEnv is the variable scripts/dev.sh loads the dev gas wallet's password into.
const devGasWalletPasswordEnv = "CHAIN_DEV_GAS_WALLET_PASSWORD"

// devWallet is the dev chain's gas wallet: a keystore file (relative to the chains file's
// folder, as the chains file names it) and the file holding its password.
type devWallet struct {
	keystore, passwordFile string
	address                common.Address
}

// devGasWallet opens the gas wallet kept in dir (gas-wallet/ and gas-wallet.password), or
// makes one with a random password. Dev only: a real gas wallet's password never sits beside it.
func devGasWallet(dir string) (devWallet, error) {
	w := devWallet{passwordFile: filepath.Join(dir, "gas-wallet.password")}
	dir, err := filepath.Abs(dir) // the keystore names its files by absolute paths
	if err != nil {
		return w, err
	}
	keys := filepath.Join(dir, "gas-wallet")
	ks := keystore.NewKeyStore(keys, keystore.LightScryptN, keystore.LightScryptP)
	password, err := os.ReadFile(w.passwordFile)
	if err == nil && len(ks.Accounts()) == 1 {
		acct := ks.Accounts()[0]
		if err := ks.Unlock(acct, strings.TrimSpace(string(password))); err != nil {
			return w, fmt.Errorf("the dev gas wallet %s does not open with %s (make clean-dev starts afresh): %w", acct.URL.Path, w.passwordFile, err)
		}
		_ = ks.Lock(acct.Address)
		rel, err := filepath.Rel(dir, acct.URL.Path)
		if err != nil {
			return w, err
		}
		w.keystore, w.address = rel, acct.Address
		return w, nil
	}
	if len(ks.Accounts()) > 0 {
		return w, fmt.Errorf("%s holds %d keys and %s is missing: remove them or make clean-dev", keys, len(ks.Accounts()), w.passwordFile)
	}
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return w, err
	}
	pass := hex.EncodeToString(secret)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return w, err
	}
	if err := os.WriteFile(w.passwordFile, []byte(pass+"\n"), 0o600); err != nil {
		return w, err
	}
	acct, err := ks.NewAccount(pass)
	if err != nil {
		return w, fmt.Errorf("make the dev gas wallet: %w", err)
	}
	rel, err := filepath.Rel(dir, acct.URL.Path)
	if err != nil {
		return w, err
	}
	w.keystore, w.address = rel, acct.Address
	return w, nil
}

// devBalance prints the native and token balances of an address on a configured chain.
func devBalance(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev balance")
	assetFlag := fs.String("asset", "", "only this token (e.g. tusd@dev), beside the native coin; default: every token of the chain")
	chainKey := fs.String("chain", "dev", "the chain, when --asset does not name it")
	rpcURL := fs.String("rpc", "", "the JSON-RPC endpoint (default: the chain's rpc_url)")
	envFile := fs.String("env-file", ".dev/env", "read CHECKOUT_CHAINS_FILE from here when not set")
	chainsFile := fs.String("chains", "", "the chains file (default: CHECKOUT_CHAINS_FILE)")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(fs, args, out); err != nil {
			return err
		}
		return usagef("usage: checkout dev balance <address> [--asset tusd@dev]")
	}
	if !common.IsHexAddress(args[0]) {
		return usagef("checkout dev balance: %q is not a 0x address", args[0])
	}
	address := common.HexToAddress(args[0])
	if err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	cfg, err := devChains(*envFile, chainsFile)
	if err != nil {
		return err
	}
	var ch chain.Chain
	var assets []chain.Asset
	if *assetFlag != "" {
		a, ok := cfg.Config().Asset(*assetFlag)
		if !ok {
			return fmt.Errorf("asset %s is not in the chains file %q", *assetFlag, *chainsFile)
		}
		ch, _ = cfg.Config().Chain(a.ChainID)
		assets = []chain.Asset{ch.Assets()[0]}
		if !a.Native() {
			assets = append(assets, a)
		}
	} else {
		found := false
		for _, c := range cfg.Chains {
			if strings.EqualFold(c.Key, *chainKey) {
				ch, found = c, true
			}
		}
		if !found {
			return fmt.Errorf("chain %q is not in the chains file %q", *chainKey, *chainsFile)
		}
		assets = ch.Assets()
	}
	if *rpcURL == "" {
		*rpcURL = ch.RPCURL
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	client, err := ethclient.DialContext(ctx, *rpcURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", *rpcURL, err)
	}
	defer client.Close()
	fmt.Fprintf(out, "%s on %s (chain %d)\n", address.Hex(), ch.Key, ch.ID)
	for _, a := range assets {
		var bal *big.Int
		if a.Native() {
			bal, err = client.BalanceAt(ctx, address, nil)
		} else {
			var token *contracts.TestToken // any ERC-20's balanceOf
			if token, err = contracts.NewTestToken(common.HexToAddress(a.Contract), client); err == nil {
				bal, err = token.BalanceOf(&bind.CallOpts{Context: ctx}, address)
			}
		}
		if err != nil {
			return fmt.Errorf("%s balance of %s: %w", a.ID, address.Hex(), err)
		}
		fmt.Fprintf(out, "  %-10s %s\n", a.Symbol, chain.FormatUnits(bal, a.Decimals))
	}
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
		*chainsFile = devSetting(*envFile, wiring.EnvChainsFile)
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
	node, err := ethereum.DialDevAccount(ctx, rpcURL)
	if err != nil {
		return nil, err
	}
	hash, err := node.PayAsset(ctx, asset, address, amount)
	if err != nil {
		return nil, err
	}
	return node.Wait(ctx, hash)
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
	api := apiClient{base: strings.TrimRight(devSetting(envFile, wiring.EnvAPIURL), "/"), key: devSetting(envFile, wiring.EnvAPIKey)}
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

// devFund gives a wallet of the shopper's the dev chain's coin (for gas) and test stablecoin
// from the geth --dev account, so a browser wallet can pay the hosted page itself.
func devFund(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev fund")
	eth := fs.String("eth", "1", "ETH to send, for gas")
	amount := fs.String("amount", "1000", "test stablecoin to send, in whole units")
	assetID := fs.String("asset", "tusd@dev", "the token to send")
	envFile := fs.String("env-file", ".dev/env", "read CHECKOUT_CHAINS_FILE from here when not set")
	chainsFile := fs.String("chains", "", "the chains file (default: CHECKOUT_CHAINS_FILE)")
	if len(args) == 0 || !common.IsHexAddress(args[0]) {
		return usagef("usage: checkout dev fund <0x address> [--eth 1] [--amount 1000] [--asset tusd@dev]")
	}
	to := common.HexToAddress(args[0])
	if err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	cfg, err := devChains(*envFile, chainsFile)
	if err != nil {
		return err
	}
	asset, ok := cfg.Config().Asset(*assetID)
	if !ok || asset.Native() {
		return usagef("checkout dev fund: --asset %s is not a token of the chains file %q", *assetID, *chainsFile)
	}
	ch, _ := cfg.Config().Chain(asset.ChainID)
	wei, err := chain.ParseUnits(*eth, ch.Native.Decimals)
	if err != nil {
		return usagef("checkout dev fund: --eth: %v", err)
	}
	units, err := chain.ParseUnits(*amount, asset.Decimals)
	if err != nil {
		return usagef("checkout dev fund: --amount: %v", err)
	}
	node, err := ethereum.DialDevAccount(ctx, ch.RPCURL)
	if err != nil {
		return err
	}
	if _, err := node.SendAndWait(ctx, &to, wei, nil); err != nil {
		return fmt.Errorf("send ETH: %w", err)
	}
	req := chain.RequestPayment(asset, to.Hex(), units) // a transfer to the wallet, as a payment would be
	token := common.HexToAddress(req.To)
	if _, err := node.SendAndWait(ctx, &token, new(big.Int), common.FromHex(req.Data)); err != nil {
		return fmt.Errorf("send %s: %w", asset.Symbol, err)
	}
	fmt.Fprintf(out, "sent %s %s and %s %s to %s\n", *eth, ch.Native.Symbol, *amount, asset.Symbol, to.Hex())
	return nil
}

// devChains loads the chains file a dev command names, or the one its env file does
// (CHECKOUT_CHAINS_FILE); chainsFile is set to the path used, for messages.
func devChains(envFile string, chainsFile *string) (chainconfig.File, error) {
	if *chainsFile == "" {
		*chainsFile = devSetting(envFile, wiring.EnvChainsFile)
	}
	return chainconfig.Load(*chainsFile, os.Environ())
}
