package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/account"
)

// dashSignIn fills the sign-in form of tab and submits it.
func dashSignIn(base, email, password string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/dashboard/login"),
		chromedp.WaitVisible(`input[name="email"]`, chromedp.ByQuery),
		chromedp.SetValue(`input[name="email"]`, email, chromedp.ByQuery),
		chromedp.SetValue(`input[name="password"]`, password, chromedp.ByQuery),
		chromedp.Submit(`input[name="password"]`, chromedp.ByQuery),
	}
}

// The merchant's dashboard in a real browser on geth, as the README walks it: a wrong
// password is refused in words and five lock the account; the owner signs in at phone width,
// adds a webhook endpoint, creates a product, a price and a payment link; a shopper opens the
// link in a second browser context and pays it with dev pay; the owner finds the payment, its
// timeline reaches "Completed" and its delivery can be redelivered; rolling the API key with
// no grace makes the old key refused. Screenshots at 390 and 1280 px are artifacts.
func TestDashboardInABrowserOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := startE2E(ctx, t, func(c *wiring.Config) { c.WebhookAllowPrivate = true })
	caller, err := env.app.Merchants.Authenticate(ctx, env.api.key)
	if err != nil {
		t.Fatal(err)
	}
	const password = "a long enough passphrase"
	for _, u := range []string{"owner@e2e.example", "locked@e2e.example"} {
		if _, err := env.app.Accounts.CreateUser(ctx, caller.MerchantID, u, password, account.RoleOwner); err != nil {
			t.Fatal(err)
		}
	}
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	defer hooks.Close()
	tab := browser(t)
	base := env.api.base
	var said string
	for range account.DefaultPolicy.MaxFailures {
		if err := chromedp.Run(tab, dashSignIn(base, "locked@e2e.example", "not the password"),
			chromedp.WaitVisible(`.error`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Run(tab, dashSignIn(base, "locked@e2e.example", password),
		chromedp.WaitVisible(`.error`, chromedp.ByQuery), chromedp.Text(`.error`, &said, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said, "Too many wrong passwords") {
		t.Fatalf("after %d wrong passwords the right one says %q", account.DefaultPolicy.MaxFailures, said)
	}

	var shot []byte
	var linkURL string
	err = chromedp.Run(tab, chromedp.EmulateViewport(390, 844), dashSignIn(base, "owner@e2e.example", password),
		chromedp.WaitVisible(`form[action="/dashboard/payments"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/dashboard/developers"),
		chromedp.SetValue(`input[name="url"]`, hooks.URL+"/hooks", chromedp.ByQuery),
		chromedp.Click(`input[name="all"]`, chromedp.ByQuery),
		chromedp.Submit(`input[name="url"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.secret`, chromedp.ByQuery),
		chromedp.Navigate(base+"/dashboard/products/new"),
		chromedp.SetValue(`input[name="name"]`, "Mug", chromedp.ByQuery),
		chromedp.Submit(`input[name="name"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name="amount"]`, chromedp.ByQuery),
		chromedp.SetValue(`input[name="amount"]`, "5.00", chromedp.ByQuery),
		chromedp.Submit(`input[name="amount"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action^="/dashboard/prices/"]`, chromedp.ByQuery),
		chromedp.Navigate(base+"/dashboard/payment_links/new"),
		chromedp.WaitVisible(`input[name="quantity"]`, chromedp.ByQuery),
		chromedp.SetValue(`input[name="quantity"]`, "1", chromedp.ByQuery),
		chromedp.Submit(`input[name="quantity"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.link-url`, chromedp.ByQuery),
		chromedp.Text(`.link-url`, &linkURL, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "dashboard-link-390.png", shot)
	if !strings.Contains(linkURL, "/l/plink_") {
		t.Fatalf("the link's page shows %q", linkURL)
	}

	// The shopper, in a browser of their own (no cookie shared): the link opens a session, tUSD is picked.
	shopper := browser(t)
	var shopperAt string
	if err := chromedp.Run(shopper, chromedp.Navigate(strings.TrimSpace(linkURL)),
		chromedp.WaitVisible(`button[value="tusd@dev"]`, chromedp.ByQuery),
		chromedp.Click(`button[value="tusd@dev"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#address`, chromedp.ByQuery), chromedp.Location(&shopperAt)); err != nil {
		t.Fatal(err)
	}
	sessionID := shopperAt[strings.LastIndex(shopperAt, "/c/")+3:]
	if err := devPay(ctx, []string{sessionID, "--rpc", env.rpcURL, "--chains", env.chainsCfg}, io.Discard); err != nil {
		t.Fatalf("dev pay: %v", err)
	}

	// The owner finds it, watches its timeline reach completion, and redelivers its webhook.
	var timeline string
	err = chromedp.Run(tab, chromedp.Navigate(base+"/dashboard/payments?q="+sessionID),
		chromedp.WaitVisible(`ol.timeline`, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); !strings.Contains(timeline, "Completed"); time.Sleep(time.Second) {
		if time.Now().After(deadline) {
			t.Fatalf("the timeline never reached completion: %q", timeline)
		}
		_ = chromedp.Run(tab, chromedp.Reload(), chromedp.WaitVisible(`ol.timeline`, chromedp.ByQuery),
			chromedp.Text(`ol.timeline`, &timeline, chromedp.ByQuery))
	}
	var notice string
	err = chromedp.Run(tab, chromedp.EmulateViewport(1280, 900),
		chromedp.WaitVisible(`form[action$="/redeliver"] button`, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100),
		chromedp.Click(`form[action$="/redeliver"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice`, chromedp.ByQuery), chromedp.Text(`.notice`, &notice, chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "dashboard-payment-1280.png", shot)
	if !strings.Contains(notice, "Redelivery queued") {
		t.Fatalf("after Redeliver: %q", notice)
	}

	// Rolling the API key with no grace: the new secret is shown once, the old key is refused.
	var secret string
	err = chromedp.Run(tab, chromedp.Navigate(base+"/dashboard/developers"),
		chromedp.SetValue(`select[name="grace"]`, "now", chromedp.ByQuery),
		chromedp.Submit(`select[name="grace"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.secret code`, chromedp.ByQuery), chromedp.Text(`.secret code`, &secret, chromedp.ByQuery))
	if err != nil || !strings.HasPrefix(secret, "sk_test_") {
		t.Fatalf("roll: %v %q", err, secret)
	}
	if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions", nil, &struct{}{}); err == nil {
		t.Fatal("the old key still works after a roll with no grace")
	}
	rolled := apiClient{base: base, key: strings.TrimSpace(secret)}
	if err := rolled.do(ctx, http.MethodGet, "/v1/checkout/sessions", nil, &struct{}{}); err != nil {
		t.Fatalf("the new key: %v", err)
	}
}
