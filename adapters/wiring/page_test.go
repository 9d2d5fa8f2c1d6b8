package wiring_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The page shows ?error= text chosen by code only: a link cannot make a real checkout page say
// what a phisher wants. Before, the text of the query was rendered as given.
func TestPageErrorTextIsChosenByCode(t *testing.T) {
	key, _ := newMerchant(t, "Phish Store")
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	lure := "Send your payment to 0xBAD0000000000000000000000000000000000BAD instead"
	page := string(call(t, http.MethodGet, "/c/"+id+"?error="+strings.ReplaceAll(lure, " ", "+"), "", nil, "", nil).raw)
	if strings.Contains(page, "0xBAD") {
		t.Fatal("the page rendered text taken from its URL")
	}
	if !strings.Contains(page, "That did not work; please try again.") {
		t.Fatal("an unknown error code shows no generic message")
	}
	known := string(call(t, http.MethodGet, "/c/"+id+"?error=payment_already_received", "", nil, "", nil).raw)
	if !strings.Contains(known, "it can no longer change") {
		t.Fatal("a known error code shows no message")
	}
}

// The page's form is a few bytes: a 20 MB upload is refused before anything parses it, and the
// session is unchanged. Before, the whole multipart body was read first.
func TestPageRefusesLargeBodies(t *testing.T) {
	key, _ := newMerchant(t, "Upload Store")
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "big.bin")
	_, _ = part.Write(bytes.Repeat([]byte("x"), 20<<20))
	_ = mw.WriteField("asset", "tusd@sim")
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, it.base+"/c/"+id+"/select", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err == nil {
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "error=") {
			t.Fatalf("a 20 MB form answered %s %q", res.Status, res.Header.Get("Location"))
		}
	}
	if s := get(t, "/v1/checkout/sessions/"+id, key); cryptoState(s) != "awaiting_asset" {
		t.Fatalf("the oversized form selected an asset: %s", cryptoState(s))
	}
}

// Browsers that ask for /favicon.ico get the page's icon, not a 404.
func TestFavicon(t *testing.T) {
	res, err := noRedirect.Get(it.base + "/favicon.ico")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/static/favicon.svg" {
		t.Fatalf("/favicon.ico: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	icon := call(t, http.MethodGet, "/static/favicon.svg", "", nil, "", nil)
	if icon.status != http.StatusOK || !strings.HasPrefix(string(icon.raw), "<svg") {
		t.Fatalf("favicon: %d %.40s", icon.status, icon.raw)
	}
}

// The test-mode "Simulate payment" form is on a test session's page; on a chain without a
// funded development account (the simulated chain here) it answers with a plain refusal.
func TestSimulatePaymentWithoutADevAccount(t *testing.T) {
	key, _ := newMerchant(t, "Simulation Store")
	id := openSession(t, key, "tusd@sim").str("id")
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, `action="/c/`+id+`/simulate"`) || !strings.Contains(page, "Simulate payment") {
		t.Fatalf("a test session's page lacks the simulate form:\n%s", page)
	}
	res, err := noRedirect.PostForm(it.base+"/c/"+id+"/simulate", url.Values{"amount": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/c/"+id+"?error=simulation_unavailable" {
		t.Fatalf("simulate: %d → %q", res.StatusCode, loc)
	}
}

// An embedded session (ui_mode=embedded) has a client secret and a return_url instead of a
// URL; its page, opened with that secret, may be framed by the return_url's origin only.
// Without the secret, and for every hosted session, the page is never framed.
func TestEmbeddedSessionFraming(t *testing.T) {
	key, _ := newMerchant(t, "Embedded Store")
	form := without(with(validForm(), "ui_mode", "embedded", "return_url", "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"), "success_url", "cancel_url")
	r := postForm(t, "/v1/checkout/sessions", key, form, nil)
	secret := r.str("client_secret")
	if r.status != 200 || r.str("ui_mode") != "embedded" || !strings.HasPrefix(secret, r.str("id")+"_secret_") ||
		r.body["url"] != nil || r.str("return_url") != "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}" {
		t.Fatalf("embedded create: %d %s", r.status, r.raw)
	}
	if bad := postForm(t, "/v1/checkout/sessions", key, with(form, "success_url", "https://shop.example/ok"), nil); bad.status != 400 ||
		bad.errField("param") != "success_url" {
		t.Fatalf("embedded with success_url: %d %s", bad.status, bad.raw)
	}
	hosted := postForm(t, "/v1/checkout/sessions", key, validForm(), nil)
	if hosted.str("ui_mode") != "hosted" || hosted.body["client_secret"] != nil {
		t.Fatalf("hosted: %s", hosted.raw)
	}
	for _, tc := range []struct {
		path, framing string
	}{
		{"/c/" + r.str("id") + "?embed=" + url.QueryEscape(secret), "frame-ancestors https://shop.example"},
		{"/c/" + r.str("id"), "frame-ancestors 'none'"},
		{"/c/" + r.str("id") + "?embed=" + url.QueryEscape(secret+"x"), "frame-ancestors 'none'"},
		{"/c/" + hosted.str("id") + "?embed=" + url.QueryEscape(secret), "frame-ancestors 'none'"},
	} {
		res, err := http.Get(it.base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if csp := res.Header.Get("Content-Security-Policy"); res.StatusCode != 200 || !strings.Contains(csp, tc.framing) {
			t.Errorf("%s: %d, CSP %q, want %q", tc.path, res.StatusCode, csp, tc.framing)
		}
	}
	js := call(t, http.MethodGet, "/static/checkout.js", "", nil, "", nil)
	if js.status != 200 || !strings.Contains(string(js.raw), "CryptoCheckout") {
		t.Fatalf("checkout.js: %d", js.status)
	}
}
