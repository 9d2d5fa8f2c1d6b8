// Package chainconfig loads the chain and rate configuration: a JSON file plus environment overrides.
package chainconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/chaincheckout/checkout/core/chain"
)

// File is the configuration file's shape.
type File struct {
	Chains []chain.Chain `json:"chains"`
	// Rates are fixed fiat rates per asset ID or symbol; pegged stablecoins need none.
	Rates map[string]map[string]string `json:"rates"`
	// PriceFeeds are Chainlink feeds, read on the asset's chain; they take precedence over Rates.
	PriceFeeds []PriceFeed `json:"price_feeds,omitempty"`
}

// PriceFeed names a Chainlink AggregatorV3 feed.
type PriceFeed struct {
	Asset         string `json:"asset"`    // e.g. "eth@base"
	Currency      string `json:"currency"` // e.g. "usd"
	Address       string `json:"address"`
	MaxAgeSeconds int64  `json:"max_age_seconds"` // older answers are refused as stale
}

// DevChain is the default: the `geth --dev` chain with ETH and the test stablecoin that
// `checkout dev deploy` deploys (its address comes from the env or the dev file).
func DevChain() chain.Chain {
	return chain.Chain{Key: "dev", ID: 1337, Name: "Development chain (geth --dev)", RPCURL: "http://127.0.0.1:8545",
		PublicRPCURL: "http://127.0.0.1:8545", Confirmations: 3, Native: chain.Token{Symbol: "ETH", Decimals: 18}}
}

// The per-chain overrides are CHAIN_<KEY>_ followed by one of these (README's configuration
// reference lists them from here, so a new one is one constant and one row there).
const (
	EnvRPCURL                = "RPC_URL"
	EnvRPCURL2               = "RPC_URL_2"
	EnvConfirmations         = "CONFIRMATIONS"
	EnvForwarderFactory      = "FORWARDER_FACTORY"
	EnvSubscriptionCollector = "SUBSCRIPTION_COLLECTOR"
	EnvExplorerURL           = "EXPLORER_URL"
	EnvPublicRPCURL          = "PUBLIC_RPC_URL"
	EnvGasWalletKey          = "GAS_WALLET_KEY"
	EnvGasWalletKeystore     = "GAS_WALLET_KEYSTORE"
	EnvGasWalletPassword     = "GAS_WALLET_PASSWORD"
	EnvGasWalletMaxFeeGwei   = "GAS_WALLET_MAX_FEE_GWEI"
	EnvTokenPrefix           = "TOKEN_"    // then the token's symbol
	EnvTokenSuffix           = "_CONTRACT" // after the symbol
)

// EnvPrefix is the start of every override of the chain with this key.
func EnvPrefix(key string) string { return "CHAIN_" + strings.ToUpper(key) + "_" }

// Default is used when no file is given: the dev chain and an illustrative ETH rate.
func Default() File {
	return File{Chains: []chain.Chain{DevChain()}, Rates: map[string]map[string]string{"eth": {"usd": "3000", "eur": "2800"}}}
}

// Load reads path (or the default when empty), then applies environment overrides:
//
//	CHAIN_<KEY>_RPC_URL, CHAIN_<KEY>_RPC_URL_2, CHAIN_<KEY>_CONFIRMATIONS, CHAIN_<KEY>_FORWARDER_FACTORY, CHAIN_<KEY>_EXPLORER_URL, CHAIN_<KEY>_PUBLIC_RPC_URL,
//	CHAIN_<KEY>_TOKEN_<SYMBOL>_CONTRACT, CHAIN_<KEY>_GAS_WALLET_KEY,
//	CHAIN_<KEY>_GAS_WALLET_KEYSTORE, CHAIN_<KEY>_GAS_WALLET_MAX_FEE_GWEI
//
// The last adds the token when the file lacks it (6 decimals, pegged to USD: the dev stablecoin).
// The gas wallet's key is never read here: the configuration names where it is (a keystore
// file, relative to the chains file's folder, and the variable of its password, by default
// CHAIN_<KEY>_GAS_WALLET_PASSWORD; or CHAIN_<KEY>_GAS_WALLET_KEY, a hex key), and the
// Ethereum adapter reads it at start-up.
// A token's (or native's) "dust" is the least amount, in whole units, that counts as a
// payment ("0.05"); without it a pegged stablecoin ignores less than one cent, others nothing.
func Load(path string, environ []string) (File, error) {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && v != "" {
			env[k] = v
		}
	}
	f := Default()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return File{}, fmt.Errorf("read chains file: %w", err)
		}
		f = File{}
		if err := json.Unmarshal(raw, &f); err != nil {
			return File{}, fmt.Errorf("parse chains file %s: %w", path, err)
		}
	}
	for i := range f.Chains {
		c := &f.Chains[i]
		prefix := EnvPrefix(c.Key)
		if v := env[prefix+EnvRPCURL]; v != "" {
			c.RPCURL = v
		}
		if v := env[prefix+EnvRPCURL2]; v != "" {
			c.RPCURL2 = v
		}
		if v := env[prefix+EnvForwarderFactory]; v != "" {
			c.ForwarderFactory = v
		}
		if v := env[prefix+EnvSubscriptionCollector]; v != "" {
			c.SubscriptionCollector = v
		}
		if v := env[prefix+EnvExplorerURL]; v != "" {
			c.ExplorerURL = v
		}
		if v := env[prefix+EnvPublicRPCURL]; v != "" {
			c.PublicRPCURL = v
		}
		gasWallet(c, prefix, env, path)
		if v := env[prefix+EnvConfirmations]; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return File{}, fmt.Errorf("%s%s: %w", prefix, EnvConfirmations, err)
			}
			c.Confirmations = n
		}
		for _, k := range sortedKeys(env) {
			v := env[k]
			sym, ok := strings.CutPrefix(k, prefix+EnvTokenPrefix)
			if !ok || !strings.HasSuffix(sym, EnvTokenSuffix) {
				continue
			}
			sym = strings.TrimSuffix(sym, EnvTokenSuffix)
			found := false
			for j := range c.Tokens {
				if strings.EqualFold(c.Tokens[j].Symbol, sym) {
					c.Tokens[j].Contract, found = v, true
				}
			}
			if !found {
				c.Tokens = append(c.Tokens, chain.Token{Symbol: sym, Contract: v, Decimals: 6, Peg: "usd"})
			}
		}
	}
	cfg := chain.Config{Chains: f.Chains}
	if err := cfg.Validate(); err != nil {
		return File{}, err
	}
	return f, nil
}

// gasWallet applies the environment to a chain's gas wallet: a key or a keystore given there
// replaces the file's; a relative keystore in the file is found beside the file.
func gasWallet(c *chain.Chain, prefix string, env map[string]string, path string) {
	g := chain.GasWallet{}
	if c.GasWallet != nil {
		g = *c.GasWallet
		if g.Keystore != "" && path != "" && !filepath.IsAbs(g.Keystore) {
			g.Keystore = filepath.Join(filepath.Dir(path), g.Keystore)
		}
	}
	keyEnv, keystore := env[prefix+EnvGasWalletKey] != "", env[prefix+EnvGasWalletKeystore]
	switch {
	case keyEnv && keystore != "":
		g.KeyEnv, g.Keystore = prefix+EnvGasWalletKey, keystore // Validate refuses both
	case keyEnv:
		g.KeyEnv, g.Keystore = prefix+EnvGasWalletKey, ""
	case keystore != "":
		g.Keystore, g.KeyEnv = keystore, ""
	}
	if g.Keystore != "" && g.PasswordEnv == "" {
		g.PasswordEnv = prefix + EnvGasWalletPassword
	}
	if v := env[prefix+EnvGasWalletMaxFeeGwei]; v != "" {
		g.MaxFeeGwei = v
	}
	if g != (chain.GasWallet{}) {
		c.GasWallet = &g
	}
}

// Config is the chain part.
func (f File) Config() chain.Config { return chain.Config{Chains: f.Chains} }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
