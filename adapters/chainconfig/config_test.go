package chainconfig

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadReadsDustThresholds(t *testing.T) {
	file := `{"chains": [{"key": "base", "id": 8453, "rpc_url": "https://base.example", "livemode": true, "confirmations": 10,
		"native": {"symbol": "ETH", "decimals": 18, "dust": "0.00001"},
		"tokens": [{"symbol": "USDC", "contract": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "decimals": 6, "peg": "usd"},
			{"symbol": "EURC", "contract": "0x60a3e35cc302bfa44cb288bc5a4f316fdb1adb42", "decimals": 6, "peg": "eur", "dust": "0.5"}]}]}`
	path := filepath.Join(t.TempDir(), "chains.json")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int64{"eth@base": 10_000_000_000_000, "usdc@base": 10_000, "eurc@base": 500_000} {
		a, ok := f.Config().Asset(id)
		if !ok || a.Dust.Cmp(big.NewInt(want)) != 0 {
			t.Errorf("%s: dust %v, want %d", id, a.Dust, want)
		}
	}
	bad := strings.Replace(file, `"dust": "0.5"`, `"dust": "half a euro"`, 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, nil); err == nil || !strings.Contains(err.Error(), "dust") {
		t.Fatalf("a bad dust threshold was accepted: %v", err)
	}
}

// A chains file with one chain (base) and one token (USDC), for the override cases.
const baseFile = `{"chains": [{"key": "base", "id": 8453, "rpc_url": "https://base.example", "livemode": true, "confirmations": 10,
	"native": {"symbol": "ETH", "decimals": 18},
	"tokens": [{"symbol": "USDC", "contract": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "decimals": 6, "peg": "usd"}]}]}`

func writeChains(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chains.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The environment overrides a chain's node, its confirmations and its token contracts (adding
// a token the file lacks); an empty value or another chain's variable changes nothing.
func TestLoadAppliesEnvironmentOverrides(t *testing.T) {
	const tokenAt = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
	type want struct {
		rpc           string
		confirmations int64
		tokens        string // symbol=contract/decimals/peg, in order
	}
	cases := []struct {
		name string
		file string // "" is the built-in dev chain
		env  []string
		want want
	}{
		{"dev default", "", nil, want{"http://127.0.0.1:8545", 3, ""}},
		{"dev node", "", []string{"CHAIN_DEV_RPC_URL=http://geth:8545"}, want{"http://geth:8545", 3, ""}},
		{"dev confirmations", "", []string{"CHAIN_DEV_CONFIRMATIONS=12"}, want{"http://127.0.0.1:8545", 12, ""}},
		{"dev stablecoin added", "", []string{"CHAIN_DEV_TOKEN_TUSD_CONTRACT=" + tokenAt},
			want{"http://127.0.0.1:8545", 3, "TUSD=" + tokenAt + "/6/usd"}},
		{"empty values ignored", "", []string{"CHAIN_DEV_RPC_URL=", "CHAIN_DEV_CONFIRMATIONS=", "CHAIN_DEV_TOKEN_TUSD_CONTRACT="},
			want{"http://127.0.0.1:8545", 3, ""}},
		{"another chain's variables ignored", "", []string{"CHAIN_BASE_RPC_URL=https://other.example", "CHAIN_BASE_CONFIRMATIONS=99"},
			want{"http://127.0.0.1:8545", 3, ""}},
		{"file chain node and confirmations", baseFile, []string{"CHAIN_BASE_RPC_URL=https://mine.example", "CHAIN_BASE_CONFIRMATIONS=20"},
			want{"https://mine.example", 20, "USDC=0x833589fcd6edb6e08f4c7c32d4f71b54bda02913/6/usd"}},
		{"file token contract replaced, any case", baseFile, []string{"CHAIN_BASE_TOKEN_usdc_CONTRACT=" + tokenAt},
			want{"https://base.example", 10, "USDC=" + tokenAt + "/6/usd"}},
		{"file token kept, another added", baseFile, []string{"CHAIN_BASE_TOKEN_EURC_CONTRACT=" + tokenAt},
			want{"https://base.example", 10, "USDC=0x833589fcd6edb6e08f4c7c32d4f71b54bda02913/6/usd,EURC=" + tokenAt + "/6/usd"}},
		{"no file but the dev chain's key", baseFile, []string{"CHAIN_DEV_RPC_URL=http://geth:8545"},
			want{"https://base.example", 10, "USDC=0x833589fcd6edb6e08f4c7c32d4f71b54bda02913/6/usd"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = writeChains(t, tc.file)
			}
			f, err := Load(path, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Chains) != 1 {
				t.Fatalf("%d chains", len(f.Chains))
			}
			c := f.Chains[0]
			var tokens []string
			for _, tok := range c.Tokens {
				tokens = append(tokens, fmt.Sprintf("%s=%s/%d/%s", tok.Symbol, tok.Contract, tok.Decimals, tok.Peg))
			}
			got := want{c.RPCURL, c.Confirmations, strings.Join(tokens, ",")}
			if got != tc.want {
				t.Fatalf("Load = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A chain's second RPC provider comes from the file (rpc_url_2) or CHAIN_<KEY>_RPC_URL_2,
// which wins; without either the chain has one provider.
func TestLoadSecondRPCURL(t *testing.T) {
	withSecond := strings.Replace(baseFile, `"rpc_url": "https://base.example",`,
		`"rpc_url": "https://base.example", "rpc_url_2": "https://base-2.example/v2/KEY",`, 1)
	for _, tc := range []struct {
		name, file string
		env        []string
		want       string
	}{
		{"none", baseFile, nil, ""},
		{"from the file", withSecond, nil, "https://base-2.example/v2/KEY"},
		{"from the environment", baseFile, []string{"CHAIN_BASE_RPC_URL_2=https://other.example"}, "https://other.example"},
		{"the environment wins", withSecond, []string{"CHAIN_BASE_RPC_URL_2=https://other.example"}, "https://other.example"},
		{"another chain's variable ignored", baseFile, []string{"CHAIN_DEV_RPC_URL_2=https://other.example"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Load(writeChains(t, tc.file), tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Chains[0].RPCURL2; got != tc.want {
				t.Fatalf("rpc_url_2 = %q, want %q", got, tc.want)
			}
		})
	}
}

// A bad file or a bad override fails the start, naming what is wrong.
func TestLoadRefusesBadValues(t *testing.T) {
	cases := []struct {
		name string
		file string // "" is the built-in dev chain; "missing" a path that does not exist
		env  []string
		want string
	}{
		{"confirmations not a number", "", []string{"CHAIN_DEV_CONFIRMATIONS=three"}, "CHAIN_DEV_CONFIRMATIONS"},
		{"confirmations fractional", "", []string{"CHAIN_DEV_CONFIRMATIONS=2.5"}, "CHAIN_DEV_CONFIRMATIONS"},
		{"confirmations zero", "", []string{"CHAIN_DEV_CONFIRMATIONS=0"}, "confirmations must be at least 1"},
		{"confirmations negative", baseFile, []string{"CHAIN_BASE_CONFIRMATIONS=-4"}, "confirmations must be at least 1"},
		{"contract not an address", "", []string{"CHAIN_DEV_TOKEN_TUSD_CONTRACT=tusd.eth"}, "tokens[0] (TUSD): needs a symbol, a 0x contract address"},
		{"contract too short", baseFile, []string{"CHAIN_BASE_TOKEN_USDC_CONTRACT=0x833589fcd6"}, "tokens[0] (USDC): needs a symbol, a 0x contract address"},
		{"missing file", "missing", nil, "read chains file"},
		{"file not JSON", "chains: [base]", nil, "parse chains file"},
		{"gas wallet key and keystore", "", []string{"CHAIN_DEV_GAS_WALLET_KEY=0x01", "CHAIN_DEV_GAS_WALLET_KEYSTORE=/k.json"}, "a keystore or a key_env, not both"},
		{"gas wallet fee cap not a number", "", []string{"CHAIN_DEV_GAS_WALLET_MAX_FEE_GWEI=lots"}, "max_fee_per_gas_gwei"},
		{"gas wallet fee cap zero", "", []string{"CHAIN_DEV_GAS_WALLET_MAX_FEE_GWEI=0"}, "max_fee_per_gas_gwei"},
		{"second rpc url the same as the first", "", []string{"CHAIN_DEV_RPC_URL_2=http://127.0.0.1:8545"}, "rpc_url_2 is the same as rpc_url"},
		{"file without rpc_url", `{"chains": [{"key": "x", "id": 5, "confirmations": 1, "native": {"symbol": "ETH", "decimals": 18}}]}`, nil, "rpc_url is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			switch tc.file {
			case "":
			case "missing":
				path = filepath.Join(t.TempDir(), "nope.json")
			default:
				path = writeChains(t, tc.file)
			}
			if _, err := Load(path, tc.env); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// The gas wallet's configuration names where its key is, never the key: a keystore beside the
// chains file with its password's variable, or the variable of a hex key; the environment
// replaces the file's choice.
func TestLoadGasWallet(t *testing.T) {
	withKeystore := strings.Replace(baseFile, `"confirmations": 10,`,
		`"confirmations": 10, "gas_wallet": {"keystore": "keys/gas.json", "password_env": "GAS_PW", "max_fee_per_gas_gwei": "50"},`, 1)
	cases := []struct {
		name   string
		file   string
		env    []string
		want   string // keystore|password env|key env|fee cap in wei; "" for no gas wallet
		inFile bool   // the keystore is relative to the file's folder
	}{
		{"none", baseFile, nil, "", false},
		{"keystore beside the file", withKeystore, nil, "keys/gas.json|GAS_PW||50000000000", true},
		{"hex key from the environment replaces the keystore", withKeystore, []string{"CHAIN_BASE_GAS_WALLET_KEY=0xabc"},
			"|GAS_PW|CHAIN_BASE_GAS_WALLET_KEY|50000000000", false},
		{"keystore from the environment, default password variable", baseFile, []string{"CHAIN_BASE_GAS_WALLET_KEYSTORE=/etc/gas.json"},
			"/etc/gas.json|CHAIN_BASE_GAS_WALLET_PASSWORD||200000000000", false},
		{"fee cap from the environment", withKeystore, []string{"CHAIN_BASE_GAS_WALLET_MAX_FEE_GWEI=1.5"}, "keys/gas.json|GAS_PW||1500000000", true},
		{"dev chain key", "", []string{"CHAIN_DEV_GAS_WALLET_KEY=0xabc"}, "||CHAIN_DEV_GAS_WALLET_KEY|200000000000", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = writeChains(t, tc.file)
			}
			f, err := Load(path, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			g := f.Chains[0].GasWallet
			if g == nil {
				if tc.want != "" {
					t.Fatalf("no gas wallet, want %s", tc.want)
				}
				return
			}
			fee, err := g.MaxFeePerGas()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if tc.inFile {
				want = filepath.Join(filepath.Dir(path), want)
			}
			if got := fmt.Sprintf("%s|%s|%s|%s", g.Keystore, g.PasswordEnv, g.KeyEnv, fee); got != want {
				t.Fatalf("gas wallet %s, want %s", got, want)
			}
		})
	}
}
