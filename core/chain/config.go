// Package chain holds EVM chains and assets from configuration, payments seen on chain,
// quotes, and the accounting rules that turn payments into a session's crypto state.
package chain

import (
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Config is every chain the service watches.
type Config struct {
	Chains []Chain `json:"chains"`
}

// Chain is one EVM network.
type Chain struct {
	Key    string `json:"key"`  // short name used in asset IDs: "dev", "base"
	ID     int64  `json:"id"`   // EIP-155 chain id
	Name   string `json:"name"` // for people
	RPCURL string `json:"rpc_url"`
	// RPCURL2 is an optional second provider: the scanner trusts only blocks both hash alike,
	// and uses either alone while the other fails. Never shown, like rpc_url.
	RPCURL2       string  `json:"rpc_url_2,omitempty"`
	Livemode      bool    `json:"livemode"`
	Confirmations int64   `json:"confirmations"` // blocks, including the payment's own
	Native        Token   `json:"native"`        // the native coin; Contract stays empty
	Tokens        []Token `json:"tokens"`
	// ReorgWindow is how many recent block hashes the scanner keeps to find a fork point.
	ReorgWindow int64 `json:"reorg_window"`
	// BatchBlocks bounds one eth_getLogs range (hosted providers cap it).
	BatchBlocks int64 `json:"batch_blocks"`
	// ForwarderFactory is the chain's ForwarderFactory; without one, sessions on the chain get
	// xpub addresses whatever the merchant's settlement settings.
	ForwarderFactory string `json:"forwarder_factory,omitempty"`
	// SubscriptionCollector is the chain's SubscriptionCollector; without one, subscriptions
	// paid on the chain are collected by invoice (send_invoice) only.
	SubscriptionCollector string `json:"subscription_collector,omitempty"`
	// ExplorerURL is a block explorer's base ("https://basescan.org"): pages link transactions
	// as <base>/tx/<hash> and addresses as <base>/address/<address>.
	ExplorerURL string `json:"explorer_url,omitempty"`
	// PublicRPCURL is an RPC endpoint shoppers' wallets may use to add the chain; rpc_url may be
	// private (an API key in it), so it is never shown. Empty: the page offers no add-chain.
	PublicRPCURL string `json:"public_rpc_url,omitempty"`
	// GasWallet is where the operator's wallet that pays the chain's sweeps takes its key.
	GasWallet *GasWallet `json:"gas_wallet,omitempty"`
	// StaleAfterSeconds is how old the newest scanned block may get before the chain's view is
	// stale (an outage: sessions on the chain do not expire, and get the time back); 0: 120.
	StaleAfterSeconds int64 `json:"stale_after_seconds,omitempty"`
}

// GasWallet names the key of a chain's gas wallet (never the key itself) and its fee cap.
type GasWallet struct {
	Keystore    string `json:"keystore,omitempty"`     // an encrypted JSON key file (go-ethereum keystore)
	PasswordEnv string `json:"password_env,omitempty"` // the environment variable holding the keystore's password
	KeyEnv      string `json:"key_env,omitempty"`      // or: the environment variable holding a hex private key
	// MaxFeeGwei caps what a gas wallet transaction may pay per gas, in gwei ("200"); empty
	// takes the default. A sweep whose fee would pass it waits.
	MaxFeeGwei string `json:"max_fee_per_gas_gwei,omitempty"`
}

// DefaultMaxFeeGwei is the gas wallets' fee cap per gas when the chain sets none.
const DefaultMaxFeeGwei = "200"

// MaxFeePerGas is the fee cap per gas in wei.
func (g GasWallet) MaxFeePerGas() (*big.Int, error) {
	v := g.MaxFeeGwei
	if v == "" {
		v = DefaultMaxFeeGwei
	}
	wei, err := ParseUnits(v, 9)
	if err != nil || wei.Sign() <= 0 {
		return nil, fmt.Errorf("max_fee_per_gas_gwei %q is not a positive amount of gwei", v)
	}
	return wei, nil
}

// Token is an asset on a chain.
type Token struct {
	Symbol   string `json:"symbol"`
	Contract string `json:"contract,omitempty"` // ERC-20 address; empty for the native coin
	Decimals int32  `json:"decimals"`
	// Peg names the fiat currency a stablecoin tracks 1:1 ("usd"), if any.
	Peg string `json:"peg,omitempty"`
	// Dust is the least amount, in whole units ("0.01"), that counts as a payment; empty takes
	// the default: one cent for a pegged stablecoin, nothing for other assets.
	Dust string `json:"dust,omitempty"`
}

// defaultPeggedDust is one cent of a stablecoin's fiat currency.
var defaultPeggedDust = decimal.New(1, -2)

// Asset is a payable (symbol, chain) pair, as the API shows it.
type Asset struct {
	ID       string // "<symbol>@<chain key>", lower case: "tusd@dev"
	Symbol   string
	ChainKey string
	ChainID  int64
	Decimals int32
	Contract string // empty for the native coin
	Peg      string
	Livemode bool
	Dust     *big.Int // base units: a transfer below this is dust (recorded, never signalled)
}

// IsDust reports whether a transfer of amount is too small to be a payment (address
// poisoning and faucet spam): below the asset's dust threshold.
func (a Asset) IsDust(amount *big.Int) bool {
	return amount != nil && a.Dust != nil && amount.Cmp(a.Dust) < 0
}

// Native reports whether the asset is the chain's coin rather than a token.
func (a Asset) Native() bool { return a.Contract == "" }

// AssetID builds the public ID of a symbol on a chain.
func AssetID(symbol, chainKey string) string {
	return strings.ToLower(symbol) + "@" + strings.ToLower(chainKey)
}

// Validate checks a configuration once at start-up, so mistakes fail loudly.
func (c Config) Validate() error {
	keys, ids := map[string]bool{}, map[int64]bool{}
	for i, ch := range c.Chains {
		where := fmt.Sprintf("chains[%d] (%s)", i, ch.Key)
		switch {
		case ch.Key == "" || strings.ContainsAny(ch.Key, "@ "):
			return fmt.Errorf("%s: key must be a short name without '@' or spaces", where)
		case keys[strings.ToLower(ch.Key)]:
			return fmt.Errorf("%s: duplicate key", where)
		case ch.ID <= 0 || ids[ch.ID]:
			return fmt.Errorf("%s: id must be a unique positive chain id", where)
		case ch.RPCURL == "":
			return fmt.Errorf("%s: rpc_url is required", where)
		case ch.RPCURL2 != "" && ch.RPCURL2 == ch.RPCURL:
			return fmt.Errorf("%s: rpc_url_2 is the same as rpc_url: a second provider must be another endpoint", where)
		case ch.Confirmations < 1:
			return fmt.Errorf("%s: confirmations must be at least 1", where)
		case ch.StaleAfterSeconds < 0:
			return fmt.Errorf("%s: stale_after_seconds must not be negative", where)
		case ch.Native.Symbol == "" || ch.Native.Decimals < 0 || ch.Native.Decimals > 36:
			return fmt.Errorf("%s: native needs a symbol and decimals 0..36", where)
		}
		keys[strings.ToLower(ch.Key)], ids[ch.ID] = true, true
		if _, err := dustUnits(ch.Native); err != nil {
			return fmt.Errorf("%s.native: %w", where, err)
		}
		if ch.PublicRPCURL != "" && !webBase(ch.PublicRPCURL) {
			return fmt.Errorf("%s.public_rpc_url: %q is not an http(s) URL without a query", where, ch.PublicRPCURL)
		}
		if ch.ExplorerURL != "" && !webBase(ch.ExplorerURL) {
			return fmt.Errorf("%s.explorer_url: %q is not an http(s) URL without a query", where, ch.ExplorerURL)
		}
		if ch.ForwarderFactory != "" && !isAddress(ch.ForwarderFactory) {
			return fmt.Errorf("%s.forwarder_factory: %q is not a 0x address", where, ch.ForwarderFactory)
		}
		if ch.SubscriptionCollector != "" && !isAddress(ch.SubscriptionCollector) {
			return fmt.Errorf("%s.subscription_collector: %q is not a 0x address", where, ch.SubscriptionCollector)
		}
		if g := ch.GasWallet; g != nil {
			if g.Keystore != "" && g.KeyEnv != "" {
				return fmt.Errorf("%s.gas_wallet: a keystore or a key_env, not both", where)
			}
			if _, err := g.MaxFeePerGas(); err != nil {
				return fmt.Errorf("%s.gas_wallet: %w", where, err)
			}
		}
		for j, t := range ch.Tokens {
			if t.Symbol == "" || !isAddress(t.Contract) || t.Decimals < 0 || t.Decimals > 36 {
				return fmt.Errorf("%s.tokens[%d] (%s): needs a symbol, a 0x contract address and decimals 0..36", where, j, t.Symbol)
			}
			if _, err := dustUnits(t); err != nil {
				return fmt.Errorf("%s.tokens[%d] (%s): %w", where, j, t.Symbol, err)
			}
		}
	}
	return nil
}

func isAddress(s string) bool {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// WithDefaults fills the scanner's tuning values.
func (c Chain) WithDefaults() Chain {
	if c.ReorgWindow <= 0 {
		c.ReorgWindow = 128
	}
	if c.ReorgWindow < c.Confirmations+1 {
		c.ReorgWindow = c.Confirmations + 1
	}
	if c.BatchBlocks <= 0 {
		c.BatchBlocks = 100 // one batch must finish well within the scan heartbeat timeout on a slow node
	}
	return c
}

// Assets lists every asset of the given mode, ordered by ID.
func (c Config) Assets(livemode bool) []Asset {
	var out []Asset
	for _, ch := range c.Chains {
		if ch.Livemode != livemode {
			continue
		}
		out = append(out, ch.Assets()...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// HasLive reports whether a live chain is configured, so live keys can sell something.
func (c Config) HasLive() bool {
	for _, ch := range c.Chains {
		if ch.Livemode {
			return true
		}
	}
	return false
}

// Asset finds an asset by ID in either mode.
func (c Config) Asset(id string) (Asset, bool) {
	id = strings.ToLower(id)
	for _, mode := range []bool{false, true} {
		for _, a := range c.Assets(mode) {
			if a.ID == id {
				return a, true
			}
		}
	}
	return Asset{}, false
}

// Chain finds a chain by ID.
func (c Config) Chain(id int64) (Chain, bool) {
	for _, ch := range c.Chains {
		if ch.ID == id {
			return ch.WithDefaults(), true
		}
	}
	return Chain{}, false
}

// Assets lists the chain's native coin, then its tokens, as assets.
func (c Chain) Assets() []Asset {
	out := []Asset{asset(c, c.Native)}
	for _, t := range c.Tokens {
		out = append(out, asset(c, t))
	}
	return out
}

func asset(ch Chain, t Token) Asset {
	dust, _ := dustUnits(t) // Validate refused a bad threshold at start-up
	return Asset{ID: AssetID(t.Symbol, ch.Key), Symbol: t.Symbol, ChainKey: strings.ToLower(ch.Key), ChainID: ch.ID,
		Decimals: t.Decimals, Contract: strings.ToLower(t.Contract), Peg: strings.ToLower(t.Peg), Livemode: ch.Livemode,
		Dust: dust}
}

// dustUnits is a token's dust threshold in base units.
func dustUnits(t Token) (*big.Int, error) {
	if t.Dust == "" {
		if t.Peg == "" {
			return new(big.Int), nil
		}
		return defaultPeggedDust.Shift(t.Decimals).Floor().BigInt(), nil // a coin without cents has no dust
	}
	if d, err := decimal.NewFromString(t.Dust); err == nil && d.IsZero() {
		return new(big.Int), nil // no threshold
	}
	units, err := ParseUnits(t.Dust, t.Decimals)
	if err != nil {
		return nil, fmt.Errorf("dust threshold: %w", err)
	}
	return units, nil
}

// webBase reports an absolute http(s) URL with a host and no query or fragment.
func webBase(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.RawQuery == "" && u.Fragment == ""
}

// TxURL links a transaction on the chain's explorer ("" without one).
func (c Chain) TxURL(hash string) string {
	if c.ExplorerURL == "" || hash == "" {
		return ""
	}
	return strings.TrimRight(c.ExplorerURL, "/") + "/tx/" + hash
}

// AddressURL links an address on the chain's explorer ("" without one).
func (c Chain) AddressURL(address string) string {
	if c.ExplorerURL == "" || address == "" {
		return ""
	}
	return strings.TrimRight(c.ExplorerURL, "/") + "/address/" + Checksum(address)
}
