package wiring_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
)

// scrape reads /metrics and returns every sample line as name{labels} → value.
func scrape(t *testing.T) map[string]float64 {
	t.Helper()
	res, err := http.Get(it.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", res.Status)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

// hasPrefix reports whether some series starts with prefix.
func hasPrefix(samples map[string]float64, prefix string) bool {
	for k := range samples {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func TestMetricsAfterAPaidAndAnExpiredSession(t *testing.T) {
	key, _ := newMerchant(t, "Metrics Store")
	before := scrape(t)
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	other := openSession(t, key, "tusd@sim")
	if r := expire(t, key, other.str("id")); r.status != 200 {
		t.Fatalf("expire: %d %s", r.status, r.raw)
	}

	var after map[string]float64
	eventually(t, "the Temporal SDK's metrics on the registry", func() (bool, error) {
		after = scrape(t)
		return hasPrefix(after, "temporal_request_total{"), nil
	})
	for _, name := range []string{"checkout_sessions_created_total", "checkout_sessions_completed_total", "checkout_sessions_expired_total"} {
		if after[name] < before[name]+1 {
			t.Errorf("%s went from %v to %v", name, before[name], after[name])
		}
	}
	for _, series := range []string{`checkout_chain_head_block{chain="sim"}`, `checkout_chain_scanned_block{chain="sim"}`,
		`checkout_chain_lag_blocks{chain="sim"}`, `checkout_sessions_by_status{status="complete"}`,
		`checkout_sessions_by_status{status="expired"}`,
		`checkout_http_request_duration_seconds_count{method="POST",route="/v1/checkout/sessions",status="200"}`,
		`checkout_http_request_duration_seconds_count{method="POST",route="/v1/checkout/sessions/:id/select_asset",status="200"}`} {
		if _, ok := after[series]; !ok {
			t.Errorf("no series %s", series)
		}
	}
	if after[`checkout_chain_head_block{chain="sim"}`] < after[`checkout_chain_scanned_block{chain="sim"}`] {
		t.Errorf("head below the scanned block: %v", after)
	}
	for k := range after {
		if strings.Contains(k, id) || strings.Contains(k, other.str("id")) {
			t.Errorf("a session ID in a label: %s", k)
		}
	}
}

func TestReadyzNamesTheFailingCheck(t *testing.T) {
	readyz := func() (int, string) {
		res, err := http.Get(it.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	eventually(t, "ready with every dependency up", func() (bool, error) {
		status, _ := readyz()
		return status == http.StatusOK, nil
	})
	status, body := readyz()
	for _, want := range []string{`"name":"postgres","ok":true`, `"name":"temporal","ok":true`, `"name":"chain:sim","ok":true`} {
		if !strings.Contains(body, want) {
			t.Errorf("ready body lacks %s: %s", want, body)
		}
	}
	errorsBefore := scrape(t)[`checkout_chain_rpc_errors_total{call="head",chain="sim"}`]
	it.chain.flaky.failing.Store(true)
	defer it.chain.flaky.failing.Store(false)
	status, body = readyz()
	if status != http.StatusServiceUnavailable || !strings.Contains(body, `"name":"chain:sim","ok":false,"error":"rpc head:`) ||
		!strings.Contains(body, `"name":"postgres","ok":true`) {
		t.Fatalf("with the chain's node failing: %d %s", status, body)
	}
	eventually(t, "the scanner's RPC errors counted", func() (bool, error) {
		return scrape(t)[`checkout_chain_rpc_errors_total{call="head",chain="sim"}`] > errorsBefore, nil
	})
}

// A worker-only process listens too, for its metrics and probes, and serves nothing else.
func TestWorkerRoleServesOnlyMetricsAndProbes(t *testing.T) {
	cfg := it.cfg
	cfg.Role, cfg.AutoMigrate, cfg.Listen = wiring.RoleWorker, false, "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	app, err := wiring.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := app.Listen()
	if err != nil || ln == nil {
		cancel()
		app.Close()
		t.Fatalf("a worker listens: %v %v", ln, err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; app.Close() })
	base := "http://" + ln.Addr().String()
	if err := waitServing(base, done); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200,
		"/v1/checkout/sessions": 404, "/c/cs_test_x": 404} {
		var status int
		eventually(t, path+" on the worker", func() (bool, error) { // readiness waits for the scanner's first step
			res, err := http.Get(base + path)
			if err != nil {
				return false, err
			}
			res.Body.Close()
			status = res.StatusCode
			return status == want, nil
		})
	}
}

// A chain with a second RPC provider that is down: readiness passes, naming the failing
// provider, and its failures are counted apart from the chain's.
func TestReadyzDegradedWithOneOfTwoProvidersDown(t *testing.T) {
	dead, err := ethclient.Dial("http://127.0.0.1:4642") // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	cfg := it.cfg
	cfg.Role, cfg.AutoMigrate, cfg.Listen = wiring.RoleAPI, false, "127.0.0.1:4644"
	cfg.SecondChainClients = map[int64]ethereum.Client{simChainID: dead}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := wiring.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := app.Listen()
	if err != nil {
		cancel()
		app.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; app.Close() })
	base := "http://" + ln.Addr().String()
	if err := waitServing(base, done); err != nil {
		t.Fatal(err)
	}
	var body string
	eventually(t, "ready, degraded", func() (bool, error) {
		res, err := http.Get(base + "/readyz")
		if err != nil {
			return false, err
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		body = string(raw)
		return res.StatusCode == http.StatusOK, nil
	})
	if !strings.Contains(body, `"name":"chain:sim","ok":true,"degraded":"secondary RPC provider failing`) || strings.Contains(body, "4642") {
		t.Fatalf("readyz with the second provider down: %s", body)
	}
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, want := range []string{`checkout_chain_rpc_provider_errors_total{call="head",chain="sim",provider="secondary"}`,
		`checkout_chain_rpc_disagreements_total{chain="sim"} 0`, `checkout_chain_rpc_provider_head_block{chain="sim",provider="primary"}`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("no %s in /metrics", want)
		}
	}
}
