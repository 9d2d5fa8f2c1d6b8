package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/crypto"
	stripe "github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/chain"
)

type e2eRefund struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Amount int64  `json:"amount"`
	Crypto struct {
		Amount      string `json:"amount"`
		Destination string `json:"destination"`
		ClaimURL    string `json:"claim_url"`
		TxHash      string `json:"transaction_hash"`
		LastError   string `json:"last_transaction_error"`
	} `json:"crypto"`
}

// The README's refund walk on a real geth node and in a real browser: a session overpaid
// by 5 tUSD with dev pay is resolved by refunding the excess; the shopper claims it on the
// claim page (the wallet button fills in their address, they type another); transfers from
// the merchant's wallet to the wrong address and of too little are refused; the owner pays it
// from the dashboard with a browser wallet; the workflow verifies it on chain and the refund
// succeeds, the destination holds its 5 tUSD (beside the refused 4.99), and the session shows amount_refunded. stripe-go
// reads the refund.
func TestOverpaymentRefundedThroughTheClaimPageOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	api := env.api
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1000"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}}
	var sess struct {
		ID             string  `json:"id"`
		Status         string  `json:"status"`
		AmountRefunded int64   `json:"amount_refunded"`
		Resolution     *string `json:"resolution"`
		Crypto         struct {
			State string `json:"state"`
		} `json:"crypto"`
	}
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	if err := devPay(ctx, []string{sess.ID, "--asset", "tusd@dev", "--amount", "15", "--rpc", env.rpcURL, "--chains", env.chainsCfg}, io.Discard); err != nil {
		t.Fatalf("dev pay: %v", err)
	}
	for deadline := time.Now().Add(60 * time.Second); sess.Status != "complete"; time.Sleep(200 * time.Millisecond) {
		if err := api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil || time.Now().After(deadline) {
			t.Fatalf("session not complete: %v %+v", err, sess)
		}
	}
	if sess.Crypto.State != "overpaid" {
		t.Fatalf("paid 15 for 10: %+v", sess)
	}

	var r e2eRefund
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+sess.ID+"/resolve", url.Values{"action": {"refund"}}, &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != "requires_action" || r.Amount != 500 || r.Crypto.Amount != "5000000" || !strings.Contains(r.Crypto.ClaimURL, "/refunds/claim/") {
		t.Fatalf("the resolution's refund: %+v", r)
	}

	node, err := ethereum.DialDevAccount(ctx, env.rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	shopperAddress := crypto.PubkeyToAddress(key.PublicKey).Hex()
	claimRefund(ctx, t, node, r.Crypto.ClaimURL, shopperAddress)
	if err := api.do(ctx, http.MethodGet, "/v1/refunds/"+r.ID, nil, &r); err != nil {
		t.Fatal(err)
	}
	if r.Status != "pending" || r.Crypto.Destination != shopperAddress {
		t.Fatalf("after the claim: %+v", r)
	}

	// Transfers that cannot be the refund's are refused, and leave it waiting.
	for _, wrong := range [][]string{{"--to", "0x00000000000000000000000000000000000000a1"}, {"--amount", "4.99"}} {
		args := append([]string{r.ID, "--mark-sent", "--chains", env.chainsCfg}, wrong...)
		if err := devRefund(ctx, args, io.Discard); err == nil || !strings.Contains(err.Error(), "refund_transfer_mismatch") {
			t.Fatalf("dev refund %v: %v", wrong, err)
		}
	}

	payFromTheDashboard(ctx, t, env, node, r.ID)
	for deadline := time.Now().Add(60 * time.Second); r.Status != "succeeded"; time.Sleep(500 * time.Millisecond) {
		if err := api.do(ctx, http.MethodGet, "/v1/refunds/"+r.ID, nil, &r); err != nil || time.Now().After(deadline) {
			t.Fatalf("refund not succeeded: %v %+v", err, r)
		}
	}
	var balance bytes.Buffer
	if err := devBalance(ctx, []string{shopperAddress, "--asset", "tusd@dev", "--rpc", env.rpcURL, "--chains", env.chainsCfg}, &balance); err != nil ||
		!strings.Contains(balance.String(), "tUSD       9.99\n") { // the refused 4.99 reached the shopper too: the refund counts one transfer
		t.Fatalf("the shopper's balance: %v %q", err, balance.String())
	}
	if err := api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
		t.Fatal(err)
	}
	if sess.AmountRefunded != 500 || sess.Resolution == nil || *sess.Resolution != "refunded" {
		t.Fatalf("the refunded session: %+v", sess)
	}
	sc := stripe.NewClient(api.key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{URL: stripe.String(api.base)})))
	got, err := sc.V1Refunds.Retrieve(ctx, r.ID, nil)
	if err != nil || got.Status != stripe.RefundStatusSucceeded || got.Amount != 500 || got.Currency != "usd" {
		t.Fatalf("stripe-go reads the refund: %v %+v", err, got)
	}
}

// claimRefund opens the claim page, lets the wallet button fill in the wallet's address, then
// types the shopper's own instead (an exchange's address is never assumed) and claims.
func claimRefund(ctx context.Context, t *testing.T, node *ethereum.DevAccount, claimURL, address string) {
	tab := browser(t)
	w := &walletBackend{node: node, declined: true}
	w.bridge(tab)
	var filled, said string
	var shot []byte
	err := chromedp.Run(tab, withTestWallet(), chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(claimURL),
		chromedp.WaitVisible(`#use-wallet`, chromedp.ByQuery),
		chromedp.Click(`#use-wallet`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("#address").value !== ""`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Value(`#address`, &filled, chromedp.ByQuery),
		chromedp.SetValue(`#address`, address, chromedp.ByQuery),
		chromedp.Submit(`#address`, chromedp.ByQuery),
		chromedp.WaitVisible(`#refund`, chromedp.ByQuery),
		chromedp.Poll(`!document.querySelector("#address")`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Text(`#refund`, &said, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "refund-claimed-390.png", shot)
	if !strings.EqualFold(filled, node.From.Hex()) {
		t.Fatalf("the wallet button filled in %q, want the wallet's %s", filled, node.From.Hex())
	}
	if !strings.Contains(said, chain.Checksum(strings.ToLower(address))) {
		t.Fatalf("the claimed page says %q", said)
	}
}

// payFromTheDashboard signs the owner in and pays the refund from its page with the browser wallet.
func payFromTheDashboard(ctx context.Context, t *testing.T, env *e2e, node *ethereum.DevAccount, refundID string) {
	caller, err := env.app.Merchants.Authenticate(ctx, env.api.key)
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long enough passphrase"
	if _, err := env.app.Accounts.CreateUser(ctx, caller.MerchantID, "owner@refund.example", password, account.RoleOwner); err != nil {
		t.Fatal(err)
	}
	tab := browser(t)
	w := &walletBackend{node: node, declined: true}
	w.bridge(tab)
	var shot []byte
	err = chromedp.Run(tab, withTestWallet(), chromedp.EmulateViewport(1280, 900),
		dashSignIn(env.api.base, "owner@refund.example", password),
		chromedp.WaitVisible(`form[action="/dashboard/payments"]`, chromedp.ByQuery),
		chromedp.Navigate(env.api.base+"/dashboard/refunds/"+refundID),
		chromedp.WaitVisible(`#refund-wallet`, chromedp.ByQuery),
		chromedp.Click(`#refund-wallet`, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	// The page posts the wallet's hash and follows the answer: wait for the page it lands on.
	var said string
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(said, "Verifying the transaction") && !strings.Contains(said, "succeeded"); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the refund's page after paying says %q", said)
		}
		_ = chromedp.Run(tab, chromedp.Text(`main`, &said, chromedp.ByQuery, chromedp.AtLeast(0)))
	}
	if err := chromedp.Run(tab, chromedp.FullScreenshot(&shot, 100)); err != nil {
		t.Fatal(err)
	}
	artifact(t, "dashboard-refund-paid-1280.png", shot)
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.sent) != 1 {
		t.Fatalf("the wallet sent %d transactions, want 1 (methods %v)", len(w.sent), w.methods)
	}
}
