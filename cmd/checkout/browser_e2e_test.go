package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png" // the page's QR code
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/chain"
)

// browser starts Debian's chromium headless, as the project's setup installs it.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed: `make tools` installs it (apt-get install chromium): %v", err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true)}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// artifact saves a screenshot where a failing run can be looked at (test-artifacts/, git-ignored).
func artifact(t *testing.T, name string, png []byte) {
	t.Helper()
	dir := filepath.Join("..", "..", "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testWallet is an EIP-1193 provider injected into the page that announces itself over
// EIP-6963 and forwards every request to Go (a CDP binding, beyond the page's CSP), which
// answers from geth's unlocked dev account: real transactions on the dev chain.
const testWallet = `(function () {
  var pending = {}, next = 1;
  window.__walletReply = function (id, result, error) {
    var p = pending[id]; delete pending[id]; if (!p) return;
    if (error) { var e = new Error(error.message); e.code = error.code; p.reject(e); } else { p.resolve(result); }
  };
  var provider = { request: function (a) { return new Promise(function (resolve, reject) {
    var id = next++; pending[id] = { resolve: resolve, reject: reject };
    window.walletBridge(JSON.stringify({ id: id, method: a.method, params: a.params || [] }));
  }); } };
  window.addEventListener("eip6963:requestProvider", function () {
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({
      info: { uuid: "7d3c7d9e-0000-4000-8000-000000000001", name: "Test wallet", icon: "data:,", rdns: "test.checkout" },
      provider: provider }) }));
  });
})();`

// withTestWallet injects testWallet into every page the tab opens, bridged to Go.
func withTestWallet() chromedp.Tasks {
	return chromedp.Tasks{runtime.AddBinding("walletBridge"), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(testWallet).Do(ctx)
		return err
	})}
}

// walletBackend answers the injected wallet: the first eth_sendTransaction is declined, as a
// shopper who changes their mind; the next ones are sent by geth's dev account.
type walletBackend struct {
	mu         sync.Mutex
	node       *ethereum.DevAccount
	methods    []string
	declined   bool
	sent       []string
	otherChain bool   // the wallet is on another chain and lacks the session's until it is added
	added      string // the wallet_addEthereumChain parameters it got
}

func (w *walletBackend) answer(ctx context.Context, payload string) (any, map[string]any) {
	var req struct {
		ID     int               `json:"id"`
		Method string            `json:"method"`
		Params []json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal([]byte(payload), &req); err != nil {
		return nil, map[string]any{"code": -32700, "message": err.Error()}
	}
	w.mu.Lock()
	w.methods = append(w.methods, req.Method)
	w.mu.Unlock()
	method := req.Method
	w.mu.Lock()
	other := w.otherChain
	w.mu.Unlock()
	switch {
	case other && method == "eth_chainId":
		return "0x1", nil
	case other && method == "wallet_switchEthereumChain":
		return nil, map[string]any{"code": 4902, "message": "Unrecognized chain ID."}
	case method == "wallet_addEthereumChain":
		w.mu.Lock()
		w.otherChain, w.added = false, string(req.Params[0])
		w.mu.Unlock()
		return nil, nil
	}
	switch method {
	case "eth_requestAccounts":
		method = "eth_accounts"
	case "eth_sendTransaction":
		w.mu.Lock()
		decline := !w.declined
		w.declined = true
		w.mu.Unlock()
		if decline {
			return nil, map[string]any{"code": 4001, "message": "User rejected the request."}
		}
	}
	var out json.RawMessage
	params := make([]any, len(req.Params))
	for i, p := range req.Params {
		params[i] = p
	}
	if err := w.node.RPC.CallContext(ctx, &out, method, params...); err != nil {
		return nil, map[string]any{"code": -32000, "message": err.Error()}
	}
	if req.Method == "eth_sendTransaction" {
		var h string
		_ = json.Unmarshal(out, &h)
		w.mu.Lock()
		w.sent = append(w.sent, h)
		w.mu.Unlock()
	}
	return out, nil
}

// bridge serves the injected wallet's requests for the browser tab of ctx.
func (w *walletBackend) bridge(ctx context.Context) {
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*runtime.EventBindingCalled)
		if !ok || e.Name != "walletBridge" {
			return
		}
		go func() {
			var id struct {
				ID int `json:"id"`
			}
			_ = json.Unmarshal([]byte(e.Payload), &id)
			result, rpcErr := w.answer(ctx, e.Payload)
			res, _ := json.Marshal(result)
			er, _ := json.Marshal(rpcErr)
			_ = chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf("window.__walletReply(%d, %s, %s)", id.ID, res, er), nil))
		}()
	})
}

// The shopper's side in a real browser on a real geth node: a phone-sized window picks the
// test stablecoin, the QR code decodes to the exact EIP-681 URI, the browser wallet (declined
// once, then approved) pays, and the page reaches complete without a reload and lands on
// success_url; a desktop-sized window shows the same; a product named <script> is text; and
// with JavaScript off the page still shows the state and refreshes itself.
func TestShopperInABrowserOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	node, err := ethereum.DialDevAccount(ctx, env.rpcURL)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"<script>alert(1)</script> T-shirt"},
		"line_items[0][quantity]": {"1"}, "success_url": {env.api.base + "/static/favicon.svg?paid={CHECKOUT_SESSION_ID}"}}
	var sess struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}

	tab := browser(t)
	w := &walletBackend{node: node}
	w.bridge(tab)
	var dialogs int
	chromedp.ListenTarget(tab, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs++
		}
	})
	var qrSrc, address, status string
	var shot []byte
	err = chromedp.Run(tab,
		withTestWallet(),
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(sess.URL),
		chromedp.WaitVisible(`button[value="tusd@dev"]`, chromedp.ByQuery),
		chromedp.Text(`.items .name`, &status, chromedp.ByQuery),
		chromedp.DoubleClick(`button[value="tusd@dev"]`, chromedp.ByQuery), // an impatient shopper
		chromedp.WaitVisible(`#address`, chromedp.ByQuery),
		chromedp.Text(`#address`, &address, chromedp.ByQuery),
		chromedp.AttributeValue(`img.qr`, "src", &qrSrc, nil, chromedp.ByQuery),
		chromedp.WaitVisible(`#wallet`, chromedp.ByQuery),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "page-375.png", shot)
	var taken, recorded int
	if err := env.app.DB().QueryRowxContext(ctx, `SELECT (SELECT COALESCE(sum(next_index), 0) FROM hd_accounts),
		(SELECT count(*) FROM deposit_addresses WHERE xpub IS NOT NULL)`).Scan(&taken, &recorded); err != nil {
		t.Fatal(err)
	}
	if taken != recorded || recorded != 1 {
		t.Fatalf("a double click took %d address indexes for %d xpub addresses, want one for one", taken, recorded)
	}
	if !strings.Contains(status, "<script>alert(1)</script> T-shirt") || dialogs != 0 {
		t.Fatalf("a product named <script> is not shown as text (%q, %d dialogs)", status, dialogs)
	}
	token := devTokenContract(t, env.chainsCfg)
	want := fmt.Sprintf("ethereum:%s@1337/transfer?address=%s&uint256=19990000", chain.Checksum(token), chain.Checksum(address))
	if address != chain.Checksum(address) {
		t.Errorf("the page shows %s, not its EIP-55 form", address)
	}
	if got := decodeQR(t, qrSrc); got != want {
		t.Fatalf("the QR code says %q, want %q", got, want)
	}

	// The wallet, on the session's chain: declined, in plain words, and no chain switch asked.
	var said string
	err = chromedp.Run(tab,
		chromedp.Click(`#wallet`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("wallet-status").textContent.indexOf("declined") >= 0`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text(`#wallet-status`, &said, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("declined wallet: %v (methods %v, said %q)", err, w.methods, said)
	}
	for _, m := range w.methods {
		if m == "wallet_switchEthereumChain" {
			t.Errorf("the page asked to switch chains while the wallet was already on the session's: %v", w.methods)
		}
	}
	// Then on another chain that lacks the dev chain: switch refused (4902), the chain added
	// from its public RPC, and geth's dev account pays.
	w.mu.Lock()
	w.otherChain = true
	w.mu.Unlock()
	err = chromedp.Run(tab,
		chromedp.Click(`#wallet`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("wallet-status").textContent.indexOf("Sent: 0x") === 0`, nil, chromedp.WithPollingTimeout(20*time.Second)),
	)
	if err != nil {
		t.Fatalf("wallet path: %v (methods %v, said %q)", err, w.methods, said)
	}
	if !strings.Contains(w.added, `"chainId":"0x539"`) || !strings.Contains(w.added, env.rpcURL) {
		t.Errorf("the chain was added with %s, want chain 0x539 and the dev node's RPC %s", w.added, env.rpcURL)
	}
	var landed string // the page's own script navigates: look until it has (a look during the navigation fails)
	for deadline := time.Now().Add(120 * time.Second); !strings.Contains(landed, "/static/favicon.svg") && time.Now().Before(deadline); {
		_ = chromedp.Run(tab, chromedp.Location(&landed))
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.HasSuffix(landed, "/static/favicon.svg?paid="+sess.ID) || len(w.sent) != 1 {
		t.Fatalf("after paying: at %q, wallet sent %v", landed, w.sent)
	}

	// The completed page at desktop width, in a German browser: the amount in its format.
	var total string
	err = chromedp.Run(tab, emulation.SetLocaleOverride().WithLocale("de-DE"), chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(sess.URL), chromedp.WaitVisible(`.status-complete`, chromedp.ByQuery),
		chromedp.Text(`.total .money`, &total, chromedp.ByQuery), chromedp.FullScreenshot(&shot, 100))
	if err != nil {
		t.Fatal(err)
	}
	artifact(t, "page-1280.png", shot)
	if !strings.Contains(total, "19,99") {
		t.Errorf("in de-DE the total reads %q, want the browser's format (19,99 $)", total)
	}

	// An expired session's page says so, and offers nothing to pay.
	expired := payableSession(t, env)
	expiredID := expired[strings.LastIndex(expired, "/")+1:]
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+expiredID+"/expire", url.Values{}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	var heading string
	var payable bool
	err = chromedp.Run(tab, chromedp.Navigate(expired), chromedp.WaitVisible(`.status-expired`, chromedp.ByQuery),
		chromedp.Text(`.status-expired h2`, &heading, chromedp.ByQuery),
		chromedp.Evaluate(`!!document.getElementById("address") || !!document.getElementById("wallet")`, &payable))
	if err != nil || heading != "Expired" || payable {
		t.Fatalf("expired page: %q, payment details shown %v (%v)", heading, payable, err)
	}

	// The test-mode button, clicked: a part first (the page then asks for the rest), then the
	// rest. The page reloads itself as payments arrive, so each look is retried until it holds.
	eventually := func(what, js string) {
		t.Helper()
		for deadline := time.Now().Add(45 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			var ok bool
			if chromedp.Run(tab, chromedp.Evaluate(js, &ok)) == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("in the browser: %s never happened", what)
			}
		}
	}
	press := func(amount string) { // a form post navigates: the click's own answer may be lost
		_ = chromedp.Run(tab, chromedp.Evaluate(fmt.Sprintf(`document.querySelector('.simulate input[name="amount"]').value = %q;
			document.querySelector(".simulate button").click(); true`, amount), nil))
	}
	if err := chromedp.Run(tab, chromedp.Navigate(payableSession(t, env))); err != nil {
		t.Fatal(err)
	}
	press("2")
	eventually("the notice and then the remaining 3 tUSD", `!!document.querySelector(".notice") || document.body.textContent.indexOf("Send the remaining 3 tUSD") >= 0`)
	eventually("the remaining 3 tUSD", `document.body.textContent.indexOf("Send the remaining 3 tUSD") >= 0`)
	press("")
	eventually("completion", `!!document.querySelector(".status-complete")`)

	// Without JavaScript.
	noJS := payableSession(t, env)
	var refresh, walletShown bool
	err = chromedp.Run(tab, emulation.SetScriptExecutionDisabled(true), chromedp.Navigate(noJS),
		chromedp.WaitVisible(`#address`, chromedp.ByQuery),
		chromedp.Evaluate(`!!document.querySelector('meta[http-equiv="refresh"]')`, &refresh),
		chromedp.Evaluate(`!document.getElementById("wallet").hidden`, &walletShown),
	)
	if err != nil {
		t.Fatalf("without JavaScript: %v", err)
	}
	if !refresh || walletShown {
		t.Fatalf("without JavaScript: refreshes itself %v, wallet button shown %v", refresh, walletShown)
	}
}

// payableSession opens a session with the test stablecoin chosen and returns its page URL.
func payableSession(t *testing.T, env *e2e) string {
	t.Helper()
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}}
	var s struct {
		ID, URL string
		Crypto  struct {
			DepositAddress string `json:"deposit_address"`
		} `json:"crypto"`
	}
	ctx := context.Background()
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &s); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); s.Crypto.DepositAddress == ""; time.Sleep(50 * time.Millisecond) {
		if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+s.ID, nil, &s); err != nil || time.Now().After(deadline) {
			t.Fatalf("session %s never got its address: %v", s.ID, err)
		}
	}
	return s.URL
}

// devTokenContract is the test stablecoin's contract named in the chains file.
func devTokenContract(t *testing.T, chainsFile string) string {
	t.Helper()
	cfg, err := chainconfig.Load(chainsFile, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	a, ok := cfg.Config().Asset("tusd@dev")
	if !ok {
		t.Fatal("no tusd@dev in the chains file")
	}
	return a.Contract
}

// decodeQR reads a data: URI PNG QR code back to its text.
func decodeQR(t *testing.T, src string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

// Embedded checkout in a real browser: a merchant page on another origin mounts the session
// with checkout.js; the framed page sizes its frame, and once the session is paid (here by
// the test-mode simulated payment) the merchant's top window goes to return_url.
func TestEmbeddedCheckoutInABrowserOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	var secret string
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/thanks" {
			fmt.Fprint(w, "<!doctype html><title>Thanks</title><p>Thanks for your order.</p>")
			return
		}
		fmt.Fprintf(w, `<!doctype html><title>Shop</title><h1>Checkout</h1><div id="checkout"></div>
<script src="%s/static/checkout.js"></script>
<script>CryptoCheckout.mount("#checkout", {clientSecret: %q});</script>`, env.api.base, secret)
	}))
	defer shop.Close()
	form := url.Values{"mode": {"payment"}, "ui_mode": {"embedded"}, "return_url": {shop.URL + "/thanks?session={CHECKOUT_SESSION_ID}"},
		"line_items[0][price_data][currency]": {"usd"}, "line_items[0][price_data][unit_amount]": {"500"},
		"line_items[0][price_data][product_data][name]": {"Mug"}, "line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}}
	var sess struct {
		ID           string `json:"id"`
		ClientSecret string `json:"client_secret"`
		Crypto       struct {
			DepositAddress string `json:"deposit_address"`
		} `json:"crypto"`
	}
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	secret = sess.ClientSecret
	for sess.Crypto.DepositAddress == "" {
		time.Sleep(50 * time.Millisecond)
		if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			t.Fatal(err)
		}
	}
	tab := browser(t)
	var height string
	err := chromedp.Run(tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(shop.URL),
		chromedp.WaitVisible(`iframe`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector("iframe").style.height !== "640px"`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`document.querySelector("iframe").style.height`, &height))
	if err != nil {
		t.Fatalf("the framed page never sized its frame (framing refused?): %v", err)
	}
	var shot []byte
	if err := chromedp.Run(tab, chromedp.FullScreenshot(&shot, 100)); err == nil {
		artifact(t, "embedded-1280.png", shot)
	}
	res, err := http.PostForm(env.api.base+"/c/"+sess.ID+"/simulate", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var landed string
	for deadline := time.Now().Add(120 * time.Second); !strings.Contains(landed, "/thanks") && time.Now().Before(deadline); {
		_ = chromedp.Run(tab, chromedp.Location(&landed))
		time.Sleep(200 * time.Millisecond)
	}
	if landed != shop.URL+"/thanks?session="+sess.ID {
		t.Fatalf("the merchant's window is at %q after paying, want its return_url (frame height was %s)", landed, height)
	}
}
