package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// BIP-32 test vector 1: its master private key, and its master public key (depth 0).
const (
	vectorXPrv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
	vectorXPub = "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8"
)

var secretKey = regexp.MustCompile(`sk_test_[A-Za-z0-9]+`)

// Wrong command lines are refused with what to type instead, before anything is connected to.
func TestCommandLineRefusals(t *testing.T) {
	t.Setenv("CHECKOUT_API_URL", "")
	t.Setenv("CHECKOUT_API_KEY", "")
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable") // never reached
	missing := filepath.Join(t.TempDir(), "env")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"merchant without subcommand", []string{"merchant"}, "checkout merchant needs a subcommand"},
		{"merchant keys without subcommand", []string{"merchant", "keys"}, "usage:\n  checkout merchant keys roll"},
		{"unknown merchant subcommand", []string{"merchant", "delete"}, `unknown command "merchant delete"`},
		{"merchant create without xpub", []string{"merchant", "create", "--name", "Shop"}, "needs --name and --xpub"},
		{"unknown flag", []string{"merchant", "list", "--all"}, "checkout merchant list: flag provided but not defined: -all"},
		{"stray argument", []string{"merchant", "list", "extra"}, `unexpected argument "extra"`},
		{"roll without mode", []string{"merchant", "keys", "roll", "--merchant", "acct_1"}, "needs --merchant and --mode"},
		{"roll in no mode", []string{"merchant", "keys", "roll", "--merchant", "acct_1", "--mode", "prod"}, `--mode: Invalid mode "prod"`},
		{"roll with a grace that is no duration", []string{"merchant", "keys", "roll", "--merchant", "acct_1", "--mode", "test", "--expires-in", "1d"},
			`invalid value "1d" for flag -expires-in`},
		{"sessions list without merchant", []string{"sessions", "list"}, "sessions list needs --merchant"},
		{"sessions list in no mode", []string{"sessions", "list", "--merchant", "acct_1", "--mode", "both"}, "must be all, test or live"},
		{"limit that is no number", []string{"sessions", "list", "--merchant", "acct_1", "--limit", "ten"}, `invalid value "ten" for flag -limit`},
		{"merchant create without name", []string{"merchant", "create", "--xpub", ethereum.DemoXPub}, "needs --name and --xpub"},
		{"dev pay without session", []string{"dev", "pay"}, "usage: checkout dev pay <session id>"},
		{"dev refund without refund", []string{"dev", "refund"}, "usage: checkout dev refund <refund id>"},
		{"dev refund of a session", []string{"dev", "refund", "cs_test_1"}, "usage: checkout dev refund <refund id>"},
		{"dev balance without address", []string{"dev", "balance"}, "usage: checkout dev balance <address>"},
		{"dev balance of no address", []string{"dev", "balance", "merchant.eth"}, `"merchant.eth" is not a 0x address`},
		{"dev deploy with a fund that is no amount", []string{"dev", "deploy", "--gas-wallet-fund", "lots"}, "--gas-wallet-fund"},
		{"dev listen without API", []string{"dev", "listen", "--env-file", missing}, "CHECKOUT_API_URL and CHECKOUT_API_KEY are neither set nor in " + missing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tc.args, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run %q = %v, want an error saying %q", tc.args, err, tc.want)
			}
			if out.Len() != 0 {
				t.Fatalf("a refused command printed %q", out.String())
			}
			if isConfig := tc.name == "dev listen without API"; errors.As(err, new(usageError)) == isConfig {
				t.Fatalf("run %q = %T %v, want a usage error (exit status 2) unless the command line was right", tc.args, err, err)
			}
		})
	}
}

// cliDatabase gives a test its own database as DATABASE_URL, the way the CLI finds it.
func cliDatabase(t *testing.T) *sql.DB {
	t.Helper()
	wiringtest.NeedsServices(t)
	url, drop, err := wiringtest.Database(context.Background(), "checkout_cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	t.Setenv("DATABASE_URL", url)
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func merchantCount(t *testing.T, db *sql.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM merchants`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// keyValid asks the merchant service, as the API would, whether a secret key authenticates now.
func keyValid(t *testing.T, key string) bool {
	t.Helper()
	return keyValidAt(t, key, time.Now().UTC())
}

// keyValidAt asks whether a secret key authenticates at a given moment (an injected clock).
func keyValidAt(t *testing.T, key string, now time.Time) bool {
	t.Helper()
	cfg := wiring.FromEnv()
	cfg.Now = func() time.Time { return now }
	op, err := wiring.NewOperator(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	ok, err := op.Merchants.KeyValid(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// merchant create prints the new test key once, and that key authenticates.
func TestMerchantCreatePrintsItsKeyOnce(t *testing.T) {
	db := cliDatabase(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"merchant", "create", "--name", "CLI Store", "--xpub", ethereum.DemoXPub}, &out); err != nil {
		t.Fatal(err)
	}
	keys := secretKey.FindAllString(out.String(), -1)
	if len(keys) != 1 || !strings.Contains(out.String(), "(CLI Store)") || !strings.Contains(out.String(), "shown once") {
		t.Fatalf("merchant create printed %q, want the merchant and one key", out.String())
	}
	if !keyValid(t, keys[0]) || merchantCount(t, db) != 1 {
		t.Fatalf("the printed key does not authenticate (%d merchants)", merchantCount(t, db))
	}
}

// A private key, a key at another depth or no key at all is refused with the reason, and
// neither a merchant nor a key is written or printed.
func TestMerchantCreateRefusesAnythingButAnAccountXPub(t *testing.T) {
	db := cliDatabase(t)
	cases := []struct {
		name, xpub, want string
	}{
		{"private key", vectorXPrv, "that is a private key; give the account's xpub, never its xprv"},
		{"master xpub", vectorXPub, "the key is at depth 0; export the account-level key (m/44'/60'/0', depth 3)"},
		{"not a key", "xpub-of-my-shop", "not an extended public key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"merchant", "create", "--name", "Refused Store", "--xpub", tc.xpub}, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("merchant create with a %s = %v, want %q", tc.name, err, tc.want)
			}
			if out.Len() != 0 || merchantCount(t, db) != 0 {
				t.Fatalf("a refused merchant printed %q, %d merchants written", out.String(), merchantCount(t, db))
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// dev seed creates the demo merchant and writes its key; run again it reuses the key while
// it authenticates, and replaces a key that no longer does.
func TestDevSeedCreatesThenReuses(t *testing.T) {
	db := cliDatabase(t)
	t.Setenv("CHECKOUT_PUBLIC_URL", "http://127.0.0.1:4999")
	chains := filepath.Join(t.TempDir(), "chains.json") // read since the chains decide whether a live key is issued
	if err := os.WriteFile(chains, []byte(`{"chains": [{"key": "dev", "id": 1337, "name": "Dev", "rpc_url": "http://127.0.0.1:1",
		"confirmations": 3, "native": {"symbol": "ETH", "decimals": 18}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHECKOUT_CHAINS_FILE", chains)
	envFile := filepath.Join(t.TempDir(), "dev", "env")
	seed := func() string {
		t.Helper()
		var out bytes.Buffer
		if err := run(context.Background(), []string{"dev", "seed", "--env-file", envFile}, &out); err != nil {
			t.Fatalf("dev seed: %v", err)
		}
		if secretKey.MatchString(out.String()) {
			t.Fatalf("dev seed printed a key: %q", out.String())
		}
		return out.String()
	}

	if said := seed(); !strings.Contains(said, "demo merchant: created acct_") {
		t.Fatalf("first seed said %q", said)
	}
	first := readFile(t, envFile)
	key := secretKey.FindString(first)
	owner := regexp.MustCompile(`CHECKOUT_DASHBOARD_PASSWORD=(\S{20})\n`).FindStringSubmatch(first)
	if !keyValid(t, key) || owner == nil || first != "CHECKOUT_API_URL=http://127.0.0.1:4999\nCHECKOUT_API_KEY="+key+
		"\nCHECKOUT_DASHBOARD_EMAIL=owner@demo.example\nCHECKOUT_DASHBOARD_PASSWORD="+owner[1]+"\nCHECKOUT_CHAINS_FILE="+chains+"\n" {
		t.Fatalf("env file:\n%s", first)
	}
	if info, err := os.Stat(envFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("env file mode %v (%v), want 0600: it holds a secret key", info.Mode().Perm(), err)
	}

	if said := seed(); !strings.Contains(said, "reusing the key and the dashboard owner in "+envFile) || readFile(t, envFile) != first || merchantCount(t, db) != 1 {
		t.Fatalf("second seed said %q, wrote\n%s(%d merchants)", said, readFile(t, envFile), merchantCount(t, db))
	}

	stale := strings.Replace(first, key, "sk_test_"+strings.Repeat("0", 32), 1) // e.g. a database reset since
	if err := os.WriteFile(envFile, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	if said := seed(); !strings.Contains(said, "created") || merchantCount(t, db) != 2 {
		t.Fatalf("seed over a stale key said %q (%d merchants)", said, merchantCount(t, db))
	}
	if fresh := secretKey.FindString(readFile(t, envFile)); fresh == key || !keyValid(t, fresh) {
		t.Fatalf("the stale key was not replaced by a working one: %s", readFile(t, envFile))
	}
	if env := readFile(t, envFile); !strings.Contains(env, "CHECKOUT_DASHBOARD_EMAIL=owner+acct_") {
		t.Fatalf("the new demo merchant's owner took the first one's address: %s", env)
	}
}

// config check reads the environment as serve would and names every problem at once, each by
// its variable, without connecting; a sound configuration says what it will run with.
func TestConfigCheckNamesEachProblem(t *testing.T) {
	key := "k1:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	cases := []struct {
		name string
		env  map[string]string
		want []string // each printed; none: ok
	}{
		{"sound", map[string]string{"CHECKOUT_SECRETS_KEYS": key}, nil},
		{"no secrets key", map[string]string{"CHECKOUT_SECRETS_KEYS": ""}, []string{"CHECKOUT_SECRETS_KEYS (or CHECKOUT_SECRETS_KEY) is not set"}},
		{"several at once", map[string]string{"CHECKOUT_SECRETS_KEYS": key, "CHECKOUT_ROLE": "both", "CHECKOUT_KEY_CACHE_TTL": "soon",
			"CHECKOUT_PUBLIC_URL": "ftp://shop", "DATABASE_URL": "mysql://db", "CHECKOUT_CHAINS_FILE": filepath.Join(t.TempDir(), "none.json")},
			[]string{`CHECKOUT_ROLE="both"`, `CHECKOUT_KEY_CACHE_TTL="soon"`, `CHECKOUT_PUBLIC_URL="ftp://shop"`, `DATABASE_URL="mysql://db"`,
				"CHECKOUT_CHAINS_FILE: read chains file"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CHECKOUT_SECRETS_KEY", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			err := run(context.Background(), []string{"config", "check"}, &out)
			if (err == nil) != (tc.want == nil) {
				t.Fatalf("config check = %v\n%s", err, out.String())
			}
			if tc.want == nil && !strings.HasPrefix(out.String(), "configuration ok: role all") {
				t.Fatalf("a sound configuration printed %q", out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), "problem: "+w) {
					t.Errorf("config check did not name %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// config reference prints the generated table, and --write puts it between a file's markers
// (what make docs does to README), leaving the rest of the file as it was.
func TestConfigReferenceWritesBetweenTheMarkers(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"config", "reference"}, &out); err != nil || out.String() != wiring.ConfigReference() {
		t.Fatalf("config reference = %v, printed %q", err, out.String())
	}
	doc := filepath.Join(t.TempDir(), "README.md")
	stale := "# Title\n" + wiring.ConfigReferenceStart + "\n| old |\n" + wiring.ConfigReferenceEnd + "\nafter\n"
	if err := os.WriteFile(doc, []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"regenerated", "up to date"} {
		out.Reset()
		if err := run(context.Background(), []string{"config", "reference", "--write", doc}, &out); err != nil || !strings.Contains(out.String(), want) {
			t.Fatalf("config reference --write = %v, printed %q; want %q", err, out.String(), want)
		}
	}
	raw, _ := os.ReadFile(doc)
	if want := "# Title\n" + wiring.ConfigReferenceStart + "\n" + wiring.ConfigReference() + wiring.ConfigReferenceEnd + "\nafter\n"; string(raw) != want {
		t.Errorf("the file became:\n%s", raw)
	}
	if err := os.WriteFile(doc, []byte("no markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"config", "reference", "--write", doc}, &out); err == nil || !strings.Contains(err.Error(), "markers") {
		t.Errorf("a file without markers: %v", err)
	}
}
