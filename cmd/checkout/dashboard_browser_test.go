package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// The merchant's dashboard in a real browser on geth: a wrong password is refused in words
// and five lock the account; the owner signs in at phone and desktop widths and finds the
// payment a shopper made, with its timeline.
func TestDashboardInABrowserOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
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
	tab := browser(t)
	var said string
	for range account.DefaultPolicy.MaxFailures {
		if err := chromedp.Run(tab, dashSignIn(env.api.base, "locked@e2e.example", "not the password"),
			chromedp.WaitVisible(`.error`, chromedp.ByQuery), chromedp.Text(`.error`, &said, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Run(tab, dashSignIn(env.api.base, "locked@e2e.example", password),
		chromedp.WaitVisible(`.error`, chromedp.ByQuery), chromedp.Text(`.error`, &said, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said, "Too many wrong passwords") {
		t.Fatalf("after %d wrong passwords the right one says %q", account.DefaultPolicy.MaxFailures, said)
	}

	sessionURL := payableSession(t, env)
	sessionID := sessionURL[strings.LastIndex(sessionURL, "/")+1:]
	var shot []byte
	var heading string
	err = chromedp.Run(tab, chromedp.EmulateViewport(390, 844), dashSignIn(env.api.base, "owner@e2e.example", password),
		chromedp.WaitVisible(`a[href="/dashboard/payments/`+sessionID+`"]`, chromedp.ByQuery),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery), chromedp.FullScreenshot(&shot, 100))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "dashboard-payments-390.png", shot)
	if heading != "Payments" {
		t.Fatalf("after signing in: %q", heading)
	}
	if err := chromedp.Run(tab, chromedp.EmulateViewport(1280, 900), chromedp.Reload(),
		chromedp.WaitVisible(`a[href="/dashboard/payments/`+sessionID+`"]`, chromedp.ByQuery), chromedp.FullScreenshot(&shot, 100)); err != nil {
		t.Fatal(err)
	}
	artifact(t, "dashboard-payments-1280.png", shot)
}
