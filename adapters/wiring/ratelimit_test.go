package wiring_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/ratelimit"
)

// apiWithLimits runs a second API process (no worker) on the shared database and Temporal,
// with small budgets, behind a "proxy" at 127.0.0.1 when trustProxy.
func apiWithLimits(t *testing.T, p ratelimit.Policy, trustProxy bool) string {
	t.Helper()
	cfg := it.cfg
	cfg.Role, cfg.AutoMigrate, cfg.RateLimits, cfg.TrustedProxies = wiring.RoleAPI, false, p, nil
	if trustProxy {
		cfg.TrustedProxies = []string{"127.0.0.1"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listen = ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	app, err := wiring.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		t.Fatalf("start the limited API: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; app.Close() })
	base := "http://" + ln.Addr().String()
	if err := waitServing(base, done); err != nil {
		t.Fatal(err)
	}
	return base
}

func callAt(t *testing.T, base, method, path, key string, headers map[string]string) response {
	t.Helper()
	saved := it.base
	it.base = base
	defer func() { it.base = saved }()
	return call(t, method, path, key, nil, "", headers)
}

// wantRateLimited checks Stripe's 429: Retry-After in whole seconds (at least one) and the
// error object.
func wantRateLimited(t *testing.T, r response, what string) {
	t.Helper()
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d; want 429\n%s", what, r.status, r.raw)
	}
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 {
		t.Fatalf("%s: Retry-After %q; want whole seconds, at least 1", what, r.header.Get("Retry-After"))
	}
	if r.errField("type") != "invalid_request_error" || r.errField("code") != "rate_limit" || r.errField("message") == "" {
		t.Fatalf("%s: error object %s; want Stripe's invalid_request_error / rate_limit", what, r.raw)
	}
	if r.header.Get("Request-Id") == "" {
		t.Fatalf("%s: no Request-Id header", what)
	}
}

func TestRateLimitPerAPIKey(t *testing.T) {
	// A budget of 3 with no refill to speak of (1 a second): the 4th request in a row is refused.
	base := apiWithLimits(t, ratelimit.Policy{Test: ratelimit.Limit{PerSecond: 1, Burst: 3}}, false)
	key, _ := newMerchant(t, "Limited Shop")
	other, _ := newMerchant(t, "Neighbour Shop")
	for i := 0; i < 3; i++ {
		if r := callAt(t, base, http.MethodGet, "/v1/checkout/sessions", key, nil); r.status != http.StatusOK {
			t.Fatalf("request %d within the budget: %d %s", i+1, r.status, r.raw)
		}
	}
	wantRateLimited(t, callAt(t, base, http.MethodGet, "/v1/checkout/sessions", key, nil), "4th GET")
	// POSTs share the key's budget, and a refused POST stores nothing under its Idempotency-Key.
	wantRateLimited(t, callAt(t, base, http.MethodPost, "/v1/checkout/sessions/cs_x/expire", key,
		map[string]string{"Idempotency-Key": "limited-1"}), "POST over the budget")
	if r := callAt(t, base, http.MethodGet, "/v1/checkout/sessions", other, nil); r.status != http.StatusOK {
		t.Fatalf("another key is limited by this one's traffic: %d %s", r.status, r.raw)
	}
	// The shared service (no limits configured) is not affected either.
	if r := get(t, "/v1/checkout/sessions", key); r.status != http.StatusOK {
		t.Fatalf("the unlimited service refused: %d %s", r.status, r.raw)
	}
}

func TestRateLimitPerClientIPOnTheHostedPage(t *testing.T) {
	key, _ := newMerchant(t, "Page Shop")
	created := postForm(t, "/v1/checkout/sessions", key, validForm(), nil)
	if created.status != http.StatusOK {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	page := "/c/" + created.str("id")
	status := page + "/status"
	limit := ratelimit.Policy{PublicIP: ratelimit.Limit{PerSecond: 1, Burst: 2}}

	t.Run("behind a trusted proxy each forwarded client has its own budget", func(t *testing.T) {
		base := apiWithLimits(t, limit, true)
		shopper := map[string]string{"X-Forwarded-For": "203.0.113.7"}
		for i, path := range []string{page, status} {
			if r := callAt(t, base, http.MethodGet, path, "", shopper); r.status != http.StatusOK {
				t.Fatalf("request %d within the budget: %d %s", i+1, r.status, r.raw)
			}
		}
		wantRateLimited(t, callAt(t, base, http.MethodGet, status, "", shopper), "3rd page request from one IP")
		neighbour := map[string]string{"X-Forwarded-For": "203.0.113.8"}
		if r := callAt(t, base, http.MethodGet, status, "", neighbour); r.status != http.StatusOK {
			t.Fatalf("another client IP is limited by this one's traffic: %d %s", r.status, r.raw)
		}
		// The API is not a public route: the merchant's key is not charged for shoppers' IPs.
		if r := callAt(t, base, http.MethodGet, "/v1/checkout/sessions", key, shopper); r.status != http.StatusOK {
			t.Fatalf("the API is limited by a page budget: %d %s", r.status, r.raw)
		}
	})
	t.Run("without a trusted proxy X-Forwarded-For does not escape the budget", func(t *testing.T) {
		base := apiWithLimits(t, limit, false)
		for i := 0; i < 2; i++ {
			h := map[string]string{"X-Forwarded-For": "198.51.100." + strconv.Itoa(i)}
			if r := callAt(t, base, http.MethodGet, status, "", h); r.status != http.StatusOK {
				t.Fatalf("request %d within the budget: %d %s", i+1, r.status, r.raw)
			}
		}
		wantRateLimited(t, callAt(t, base, http.MethodGet, status, "",
			map[string]string{"X-Forwarded-For": "198.51.100.99"}), "a forged X-Forwarded-For")
	})
	t.Run("a shopper's browser over the budget gets a page, not the API's error object", func(t *testing.T) {
		base := apiWithLimits(t, limit, true)
		browser := map[string]string{"X-Forwarded-For": "203.0.113.50", "Accept": "text/html,application/xhtml+xml"}
		for i := 0; i < 2; i++ {
			if r := callAt(t, base, http.MethodGet, page, "", browser); r.status != http.StatusOK {
				t.Fatalf("request %d within the budget: %d %s", i+1, r.status, r.raw)
			}
		}
		r := callAt(t, base, http.MethodGet, page, "", browser)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.raw), "Too many requests") {
			t.Fatalf("3rd page load: %d %v\n%s", r.status, r.header, r.raw)
		}
	})
}

// A payment link's own budget holds however many client IPs visit it; another link is not
// charged for it.
func TestRateLimitPerPaymentLink(t *testing.T) {
	key, _ := newMerchant(t, "Link Limit Shop")
	_, _, link := catalogOf(t, key)
	_, _, other := catalogOf(t, key)
	base := apiWithLimits(t, ratelimit.Policy{Link: ratelimit.Limit{PerSecond: 1, Burst: 1}}, true)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	visit := func(id, ip string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, base+"/l/"+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", ip)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := visit(link, "203.0.113.1"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first visit: %d", res.StatusCode)
	}
	res := visit(link, "203.0.113.2")
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); res.StatusCode != http.StatusTooManyRequests || err != nil || secs < 1 {
		t.Fatalf("second visit from another IP: %d, Retry-After %q; want 429 with whole seconds", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := visit(other, "203.0.113.2"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another link is limited by this one's visits: %d", res.StatusCode)
	}
}

// Dashboard sign-ins are budgeted per client IP, whatever the account: a third try from one
// address within the second is refused in words with Retry-After; another address still tries.
func TestRateLimitDashboardSignIn(t *testing.T) {
	base := apiWithLimits(t, ratelimit.Policy{SignIn: ratelimit.Limit{PerSecond: 1, Burst: 2}}, true)
	signIn := func(ip string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, base+"/dashboard/login",
			strings.NewReader(url.Values{"email": {"x@limit.example"}, "password": {"not this one"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	// Three at once: the limiter judges them before any password is hashed, so how long a
	// hash takes on a busy machine cannot refill the bucket between them.
	codes := make(chan int, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { codes <- signIn("203.0.113.9").StatusCode })
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusUnauthorized] != 2 || got[http.StatusTooManyRequests] != 1 {
		t.Fatalf("three tries at once from one IP: %v, want two 401 (wrong password) and one 429", got)
	}
	if res := signIn("203.0.113.10"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("another IP: %d", res.StatusCode)
	}
}
