package main

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
)

type autoSubscription struct {
	ID               string `json:"id"`
	Status           string `json:"status"`
	CollectionMethod string `json:"collection_method"`
	TestClock        string `json:"test_clock"`
	CurrentPeriodEnd int64  `json:"current_period_end"`
	LatestInvoice    string `json:"latest_invoice"`
	Mandate          *struct {
		ID, Payer, Payee string
		AmountPerPeriod  string `json:"amount_per_period"`
	} `json:"mandate"`
}

type autoInvoice struct {
	ID, Status          string
	CollectionMethod    string  `json:"collection_method"`
	AmountPaid          int64   `json:"amount_paid"`
	HostedInvoiceURL    *string `json:"hosted_invoice_url"`
	AutomaticCollection *struct {
		Status        string `json:"status"`
		FailureReason string `json:"failure_reason"`
		Transaction   string `json:"transaction"`
	} `json:"automatic_collection"`
}

// The README's automatic renewal, as a shopper and a merchant meet it on a real geth node: a
// monthly plan sold through a payment link; in a browser, the wallet approves the collector,
// authorizes the mandate and pays the first period (three transactions); the test clock moves
// three months, one at a time, and each renewal's invoice is collected by the gas wallet
// through the collector and paid, the funds at the payout address; the shopper revokes, and
// the next renewal falls back to the hosted invoice and says why; stripe-go cancels.
func TestSubscriptionCollectedAutomaticallyInABrowserOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	api := env.api
	payoutKey, _ := crypto.GenerateKey()
	payout := crypto.PubkeyToAddress(payoutKey.PublicKey)
	if err := api.do(ctx, http.MethodPost, "/v1/settlement_settings", url.Values{"payout_address": {payout.Hex()}}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	var price, link struct{ ID, URL string }
	if err := api.do(ctx, http.MethodPost, "/v1/prices", url.Values{"currency": {"usd"}, "unit_amount": {"1500"},
		"recurring[interval]": {"month"}, "product_data[name]": {"Pro plan"}}, &price); err != nil {
		t.Fatal(err)
	}
	if err := api.do(ctx, http.MethodPost, "/v1/payment_links", url.Values{"line_items[0][price]": {price.ID},
		"line_items[0][quantity]": {"1"}, "crypto[accepted_assets][]": {"tusd@dev"}}, &link); err != nil {
		t.Fatal(err)
	}

	node, err := ethereum.DialDevAccount(ctx, env.rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	tab := browser(t)
	w := &walletBackend{node: node, declined: true} // the shopper says yes to each request
	w.bridge(tab)
	var location, offer string
	var checked bool
	var shot []byte
	err = chromedp.Run(tab,
		withTestWallet(),
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(link.URL),
		chromedp.WaitVisible(`button[value="tusd@dev"]`, chromedp.ByQuery),
		chromedp.Click(`button[value="tusd@dev"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#mandate`, chromedp.ByQuery),
		chromedp.Text(`#mandate`, &offer, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("auto-renew").checked`, &checked),
		chromedp.Location(&location),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "subscription-mandate-375.png", shot)
	if !checked || !strings.Contains(offer, "180 tUSD (12 periods)") || !strings.Contains(offer, "at most 15 tUSD per period") ||
		!strings.Contains(offer, payout.Hex()) {
		t.Fatalf("the page offers %q (checked %v)", offer, checked)
	}
	sessionID := location[strings.LastIndex(location, "/c/")+3:]
	err = chromedp.Run(tab, chromedp.Click(`#wallet`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("wallet-status").textContent.indexOf("Sent: 0x") === 0`, nil,
			chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil || len(w.sent) != 3 {
		t.Fatalf("wallet: %v, sent %v (methods %v)", err, w.sent, w.methods)
	}

	var sess struct{ Subscription string }
	poll(ctx, t, "the subscription of "+sessionID, func() bool {
		return api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sessionID, nil, &sess) == nil && sess.Subscription != ""
	})
	var sub autoSubscription
	if err := api.do(ctx, http.MethodGet, "/v1/subscriptions/"+sess.Subscription, nil, &sub); err != nil {
		t.Fatal(err)
	}
	if sub.CollectionMethod != "charge_automatically" || sub.Mandate == nil || sub.Mandate.Payer != strings.ToLower(node.From.Hex()) ||
		sub.Mandate.Payee != strings.ToLower(payout.Hex()) || sub.Mandate.AmountPerPeriod != "15000000" {
		t.Fatalf("subscription after the first payment: %+v %+v", sub, sub.Mandate)
	}

	renew := func(want string) autoInvoice {
		t.Helper()
		prev := sub.LatestInvoice
		advance := url.Values{"frozen_time": {strconv.FormatInt(sub.CurrentPeriodEnd+60, 10)}}
		if err := api.do(ctx, http.MethodPost, "/v1/test_helpers/test_clocks/"+sub.TestClock+"/advance", advance, &struct{}{}); err != nil {
			t.Fatal(err)
		}
		var inv autoInvoice
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if api.do(ctx, http.MethodGet, "/v1/subscriptions/"+sub.ID, nil, &sub) == nil && sub.LatestInvoice != prev &&
				api.do(ctx, http.MethodGet, "/v1/invoices/"+sub.LatestInvoice, nil, &inv) == nil &&
				inv.AutomaticCollection != nil && inv.AutomaticCollection.Status == want {
				return inv
			}
			if time.Now().After(deadline) {
				t.Fatalf("the renewal's collection is not %s: subscription %+v, invoice %+v %+v", want, sub, inv, inv.AutomaticCollection)
			}
		}
	}
	for range 3 {
		inv := renew("succeeded")
		if inv.Status != "paid" || inv.AmountPaid != 1500 || inv.CollectionMethod != "charge_automatically" ||
			!strings.HasPrefix(inv.AutomaticCollection.Transaction, "0x") {
			t.Fatalf("renewal: %+v %+v", inv, inv.AutomaticCollection)
		}
	}
	tok, err := contracts.NewTestToken(common.HexToAddress(devTokenContract(t, env.chainsCfg)), node.Eth)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := tok.BalanceOf(nil, payout); got.Cmp(big.NewInt(45_000_000)) < 0 {
		t.Fatalf("the payout address holds %s base units, want at least three periods (45000000)", got)
	}
	var paid struct{ Data []json.RawMessage }
	if err := api.do(ctx, http.MethodGet, "/v1/events?type=invoice.paid", nil, &paid); err != nil || len(paid.Data) != 4 {
		t.Fatalf("invoice.paid events: %d (%v), want the first and three renewals", len(paid.Data), err)
	}

	// The shopper revokes the mandate: the next period is an invoice to pay, and says why.
	collector, err := contracts.SubscriptionCollectorMetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	var id [32]byte
	copy(id[:], common.FromHex(sub.Mandate.ID))
	revoke, err := collector.Pack("revoke", id)
	if err != nil {
		t.Fatal(err)
	}
	var chains struct {
		Chains []struct {
			SubscriptionCollector string `json:"subscription_collector"`
		}
	}
	readJSONFile(t, env.chainsCfg, &chains)
	at := common.HexToAddress(chains.Chains[0].SubscriptionCollector)
	if _, err := node.SendAndWait(ctx, &at, new(big.Int), revoke); err != nil {
		t.Fatal(err)
	}
	inv := renew("failed")
	if inv.Status != "open" || inv.CollectionMethod != "send_invoice" || inv.AutomaticCollection.FailureReason != "mandate_revoked" ||
		inv.HostedInvoiceURL == nil {
		t.Fatalf("after revoking: %+v %+v", inv, inv.AutomaticCollection)
	}
	var updated struct {
		Data []struct {
			Data struct {
				Object struct {
					HostedInvoiceURL *string `json:"hosted_invoice_url"`
				}
			}
		}
	}
	if err := api.do(ctx, http.MethodGet, "/v1/events?type=invoice.updated", nil, &updated); err != nil || len(updated.Data) != 1 {
		t.Fatalf("invoice.updated events: %d (%v), want the fallback's", len(updated.Data), err)
	}
	// the event is what tells the merchant to send the invoice: it carries the page to pay it on
	if u := updated.Data[0].Data.Object.HostedInvoiceURL; u == nil || *u != *inv.HostedInvoiceURL {
		t.Fatalf("invoice.updated names hosted_invoice_url %v, want %s", u, *inv.HostedInvoiceURL)
	}

	sc := stripe.NewClient(api.key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(api.base), MaxNetworkRetries: stripe.Int64(0), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}})))
	canceled, err := sc.V1Subscriptions.Cancel(ctx, sub.ID, nil)
	if err != nil || canceled.Status != stripe.SubscriptionStatusCanceled {
		t.Fatalf("stripe-go cancel: %v %+v", err, canceled)
	}
}

func readJSONFile(t *testing.T, path string, out any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}
