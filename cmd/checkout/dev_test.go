package main

import (
	"bytes"
	"context"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// `dev deploy` on a real geth --dev: the test stablecoin, the forwarder factory and a funded
// gas wallet whose keystore the chains file names; a second run reuses all three. `dev
// balance` then shows money arriving at an address.
func TestDevDeployAndBalanceOnGeth(t *testing.T) {
	wiringtest.NeedsServices(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	rpcURL, stopGeth, err := wiringtest.Geth(ctx, filepath.Join(dir, "geth"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopGeth)
	t.Chdir(dir)
	chainsFile := filepath.Join("dev", "chains.json") // relative, as make dev names it
	var out bytes.Buffer
	if err := devDeploy(ctx, []string{"--rpc", rpcURL, "--out", chainsFile}, &out); err != nil {
		t.Fatalf("dev deploy: %v\n%s", err, out.String())
	}
	first := out.String()
	for _, want := range []string{"test stablecoin: deployed tUSD", "forwarder factory: deployed at 0x", "holds 10 ETH", "wrote " + chainsFile} {
		if !strings.Contains(first, want) {
			t.Fatalf("dev deploy said %q, want %q in it", first, want)
		}
	}
	walletAt := regexp.MustCompile(`gas wallet: (0x[0-9a-fA-F]{40})`).FindStringSubmatch(first)
	if walletAt == nil {
		t.Fatalf("no gas wallet address in %q", first)
	}

	// The service reads the chains file with the password dev.sh exports: the key opens and is the wallet's.
	password, err := os.ReadFile(filepath.Join(dir, "dev", "gas-wallet.password"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := chainconfig.Load(chainsFile, []string{devGasWalletPasswordEnv + "=" + strings.TrimSpace(string(password))})
	if err != nil {
		t.Fatal(err)
	}
	dev := cfg.Chains[0]
	if dev.ForwarderFactory == "" || dev.GasWallet == nil || len(dev.Tokens) != 1 {
		t.Fatalf("chains file: %+v", dev)
	}
	key, err := ethereum.GasWalletKey(*dev.GasWallet, func(k string) string {
		if k == devGasWalletPasswordEnv {
			return strings.TrimSpace(string(password))
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := crypto.PubkeyToAddress(key.PublicKey).Hex(); got != walletAt[1] {
		t.Fatalf("the keystore holds %s, dev deploy printed %s", got, walletAt[1])
	}
	if strings.Contains(first, common.Bytes2Hex(crypto.FromECDSA(key))) {
		t.Fatal("dev deploy printed the gas wallet's key")
	}

	// Again: everything is reused, nothing funded twice.
	out.Reset()
	if err := devDeploy(ctx, []string{"--rpc", rpcURL, "--out", chainsFile}, &out); err != nil {
		t.Fatalf("second dev deploy: %v", err)
	}
	for _, want := range []string{"test stablecoin: reusing " + dev.Tokens[0].Contract, "forwarder factory: reusing " + dev.ForwarderFactory,
		"gas wallet: " + walletAt[1] + " holds 10 ETH"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("second dev deploy said %q, want %q in it", out.String(), want)
		}
	}

	// Money arriving at an address shows in dev balance.
	payee := "0x00000000000000000000000000000000000b0b01"
	asset, _ := cfg.Config().Asset("tusd@dev")
	if _, err := payFromDevAccount(ctx, rpcURL, asset, payee, big.NewInt(12_340_000)); err != nil {
		t.Fatal(err)
	}
	eth, _ := cfg.Config().Asset("eth@dev")
	if _, err := payFromDevAccount(ctx, rpcURL, eth, payee, big.NewInt(5e17)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{payee, "--chains", chainsFile}, "0x00000000000000000000000000000000000B0b01 on dev (chain 1337)\n  ETH        0.5\n  tUSD       12.34\n"},
		{[]string{payee, "--chains", chainsFile, "--asset", "tusd@dev"}, "  ETH        0.5\n  tUSD       12.34\n"},
		{[]string{payee, "--chains", chainsFile, "--asset", "eth@dev"}, "  ETH        0.5\n"},
	} {
		out.Reset()
		if err := devBalance(ctx, tc.args, &out); err != nil {
			t.Fatalf("dev balance %v: %v", tc.args, err)
		}
		if !strings.HasSuffix(out.String(), tc.want) || (tc.args[len(tc.args)-1] == "eth@dev" && strings.Contains(out.String(), "tUSD")) {
			t.Fatalf("dev balance %v said %q, want it to end with %q", tc.args, out.String(), tc.want)
		}
	}
	if err := devBalance(ctx, []string{payee, "--chains", chainsFile, "--asset", "usdc@base"}, io.Discard); err == nil {
		t.Fatal("dev balance of an asset that is not configured")
	}
}
