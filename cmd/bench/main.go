// Command bench measures create-session latency and throughput through the HTTP API and
// prints it beside the floor measured in the same run on the same servers: a bare Postgres
// INSERT plus a bare Temporal StartWorkflow of an equivalent workflow (one activity, one timer).
//
//	go run ./cmd/bench [-n1 200] [-n32 1600]
package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/workflows"
)

const floorQueue = "bench-floor"

// floorInput is as large as a session workflow's input.
type floorInput struct {
	ID        string
	ExpiresAt time.Time
}

// floorWorkflow has the session workflow's shape: one activity, then a long timer.
func floorWorkflow(ctx workflow.Context, _ floorInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := workflow.ExecuteActivity(ctx, floorActivity).Get(ctx, nil); err != nil {
		return err
	}
	_, err := workflow.AwaitWithTimeout(ctx, time.Hour, func() bool { return false })
	return err
}

func floorActivity(context.Context) error { return nil }

func main() {
	n1 := flag.Int("n1", 200, "requests at concurrency 1")
	n32 := flag.Int("n32", 1600, "requests at concurrency 32")
	payments := flag.Int("payments", 5, "payments for the payment-to-complete latency")
	backlog := flag.Int("backlog", 2000, "blocks of backlog for the scanner catch-up speed")
	events := flag.Int("events", 20, "events for the event-to-first-attempt latency")
	burst := flag.Int("burst", 200, "deliveries for the delivery throughput")
	flag.Parse()
	if err := run(*n1, *n32, *payments, *backlog, *events, *burst); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n1, n32, payments, backlog, events, burst int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL, drop, err := wiringtest.Database(ctx, "checkout_bench")
	if err != nil {
		return err
	}
	defer drop()
	bin, err := wiringtest.TemporalBinary()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "checkout-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// A SQLite file, as `make dev` runs Temporal: the same server serves both measurements.
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: bin, DBFilename: filepath.Join(dir, "temporal.db"), LogLevel: "error",
		ClientOptions: &client.Options{Logger: wiringtest.QuietLogger{}}, Stdout: io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		return err
	}
	defer srv.Stop()
	chainsFile, rpcURL, stopGeth, err := devChain(ctx, dir)
	if err != nil {
		return err
	}
	defer stopGeth()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	app, err := wiring.New(ctx, wiring.Config{DatabaseURL: dbURL, TemporalAddress: srv.FrontendHostPort(),
		TemporalNamespace: "default", Listen: ln.Addr().String(), PublicURL: base, Role: wiring.RoleAll, AutoMigrate: true,
		Chains: chainsFile, WebhookAllowPrivate: true,
		SecretsKeys: "bench:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}, log)
	if err != nil {
		return err
	}
	defer app.Close()
	go func() { _ = app.Run(ctx, ln) }()
	_, key, err := app.Merchants.Create(ctx, "Bench Store", ethereum.DemoXPub)
	if err != nil {
		return err
	}

	fw := worker.New(app.Temporal, floorQueue, worker.Options{})
	fw.RegisterWorkflow(floorWorkflow)
	fw.RegisterActivity(floorActivity)
	if err := fw.Start(); err != nil {
		return err
	}
	defer fw.Stop()
	db := app.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_floor (id text PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL)`); err != nil {
		return err
	}

	floor := func(ctx context.Context) error {
		id := ident.New("floor")
		if _, err := db.ExecContext(ctx, `INSERT INTO bench_floor (id, payload, created_at) VALUES ($1, '{}', now())`, id); err != nil {
			return err
		}
		_, err := app.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "floor/" + id, TaskQueue: floorQueue,
			TypedSearchAttributes: temporal.NewSearchAttributes( // the same attributes a session carries
				workflows.AttrCheckoutStatus.ValueSet("open"), workflows.AttrMerchantID.ValueSet("acct_bench"),
				workflows.AttrClientReferenceID.ValueSet(""))}, floorWorkflow, floorInput{ID: id, ExpiresAt: time.Now().Add(time.Hour)})
		return err
	}
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := url.Values{
		"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]": {"2"}, "metadata[order_id]": {"42"},
	}.Encode()
	ours := func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/checkout/sessions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", ident.Random(24)) // as the official clients send on every POST
		res, err := httpc.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	}

	// Warm both paths (connections, caches, JIT of the server's query plans).
	if _, err := measure(ctx, 4, 80, floor); err != nil {
		return err
	}
	if _, err := measure(ctx, 4, 80, ours); err != nil {
		return err
	}
	fmt.Printf("create-session: HTTP API (auth, idempotency, row + line items, workflow start) vs floor (bare INSERT + StartWorkflow)\n")
	fmt.Printf("floor and ours alternate in 8 rounds each, on the same servers, while geth mines a block a second\n")
	fmt.Printf("Temporal dev server with a SQLite file, Postgres %s, %d cores\n\n", serverVersion(ctx, app), numCPU())
	fmt.Printf("%-6s %-5s %6s %9s %9s %9s %9s  %s\n", "conc", "path", "n", "p50 ms", "p99 ms", "req/s", "errors", "ratio ours/floor")
	for _, c := range []struct{ conc, n int }{{1, n1}, {32, n32}} {
		f, o, err := compare(ctx, c.conc, c.n, floor, ours)
		if err != nil {
			return err
		}
		fmt.Printf("%-6d %-5s %6d %9.2f %9.2f %9.1f %9d\n", c.conc, "floor", c.n, ms(f.p50), ms(f.p99), f.rps, f.errors)
		verdict := "target met"
		if float64(o.p50) > 1.15*float64(f.p50) {
			verdict = "TARGET MISSED"
		}
		fmt.Printf("%-6d %-5s %6d %9.2f %9.2f %9.1f %9d  p50 %.2fx (target <= 1.15x: %s), p99 %.2fx, throughput %.2fx\n",
			c.conc, "ours", c.n, ms(o.p50), ms(o.p99), o.rps, o.errors,
			float64(o.p50)/float64(f.p50), verdict, float64(o.p99)/float64(f.p99), o.rps/f.rps)
	}
	if err := benchPaymentLatency(ctx, base, key, rpcURL, chainsFile.Chains[0].Confirmations, payments); err != nil {
		return fmt.Errorf("payment latency: %w", err)
	}
	if err := benchCatchUp(ctx, app.API.Chain, backlog); err != nil {
		return fmt.Errorf("scanner catch-up: %w", err)
	}
	if err := benchWebhooks(ctx, base, key, events, burst); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	return nil
}

// compare alternates rounds of the floor and of ours, so slow phases of the shared machine
// (a geth block, an fsync storm) land on both alike; each side's rounds are then pooled.
func compare(ctx context.Context, conc, n int, floor, ours func(context.Context) error) (result, result, error) {
	const rounds = 8
	var fr, or []result
	for r := 0; r < rounds; r++ {
		f, err := measure(ctx, conc, n/rounds, floor)
		if err != nil {
			return result{}, result{}, err
		}
		o, err := measure(ctx, conc, n/rounds, ours)
		if err != nil {
			return result{}, result{}, err
		}
		fr, or = append(fr, f), append(or, o)
	}
	return pool(fr), pool(or), nil
}

func pool(rs []result) result {
	var all []time.Duration
	var elapsed time.Duration
	var errs int64
	for _, r := range rs {
		all = append(all, r.lat...)
		elapsed += r.elapsed
		errs += r.errors
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	return result{p50: pct(0.50), p99: pct(0.99), rps: float64(len(all)) / elapsed.Seconds(), errors: errs}
}

type result struct {
	lat      []time.Duration
	elapsed  time.Duration
	p50, p99 time.Duration
	rps      float64
	errors   int64
}

// measure runs n operations with conc workers and reports latency percentiles and throughput.
func measure(ctx context.Context, conc, n int, op func(context.Context) error) (result, error) {
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t := time.Now()
				if err := op(ctx); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if e := errs.Load(); e > int64(n)/10 {
		return result{}, fmt.Errorf("%d of %d operations failed, first: %v", e, n, firstErr.Load())
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(n-1, int(float64(n)*p))] }
	return result{lat: lat, elapsed: elapsed, p50: pct(0.50), p99: pct(0.99), rps: float64(n) / elapsed.Seconds(), errors: errs.Load()}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func serverVersion(ctx context.Context, app *wiring.App) string {
	var v string
	_ = app.DB().GetContext(ctx, &v, `SHOW server_version`)
	return v
}

func numCPU() int { return runtime.NumCPU() }
