// Command bench measures create-session latency and throughput through the HTTP API and
// prints it beside the floor measured in the same run on the same servers: a bare Postgres
// INSERT plus a bare Temporal StartWorkflow of an equivalent workflow (one activity, one timer).
//
//	go run ./cmd/bench [-n1 200] [-n32 1600]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/adapters/wiring"
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

// options are the sample sizes of each measurement.
type options struct {
	n1, n32, payments, backlog, events, burst int
}

func main() {
	var o options
	flag.IntVar(&o.n1, "n1", 200, "requests at concurrency 1")
	flag.IntVar(&o.n32, "n32", 1600, "requests at concurrency 32")
	flag.IntVar(&o.payments, "payments", 5, "payments for the payment-to-complete latency")
	flag.IntVar(&o.backlog, "backlog", 2000, "blocks of backlog for the scanner catch-up speed")
	flag.IntVar(&o.events, "events", 20, "events for the event-to-first-attempt latency")
	flag.IntVar(&o.burst, "burst", 200, "deliveries for the delivery throughput")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, err := startBench(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	floor, err := e.floorOp(ctx)
	if err != nil {
		return err
	}
	if err := benchCreateSession(ctx, e, floor, e.createSessionOp(), o.n1, o.n32); err != nil {
		return err
	}
	if err := benchPaymentLatency(ctx, e.base, e.key, e.rpcURL, e.chains.Chains[0].Confirmations, o.payments); err != nil {
		return fmt.Errorf("payment latency: %w", err)
	}
	if err := benchCatchUp(ctx, e.app.API.Chain, o.backlog); err != nil {
		return fmt.Errorf("scanner catch-up: %w", err)
	}
	if err := benchWebhooks(ctx, e.base, e.key, o.events, o.burst); err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	return nil
}

// benchCreateSession warms both paths, then prints the floor and ours at concurrency 1 and 32.
func benchCreateSession(ctx context.Context, e *benchEnv, floor, ours func(context.Context) error, n1, n32 int) error {
	// Warm both paths (connections, caches, JIT of the server's query plans).
	if _, err := measure(ctx, 4, 80, floor); err != nil {
		return err
	}
	if _, err := measure(ctx, 4, 80, ours); err != nil {
		return err
	}
	fmt.Printf("create-session: HTTP API (auth, idempotency, row + line items, workflow start) vs floor (bare INSERT + StartWorkflow)\n")
	fmt.Printf("floor and ours alternate in 8 rounds each, on the same servers, while geth mines a block a second\n")
	fmt.Printf("Temporal dev server with a SQLite file, Postgres %s, %d cores\n\n", serverVersion(ctx, e.app), numCPU())
	fmt.Printf("%-6s %-5s %6s %9s %9s %9s %9s  %s\n", "conc", "path", "n", "p50 ms", "p99 ms", "req/s", "errors", "ratio ours/floor")
	for _, c := range []struct{ conc, n int }{{1, n1}, {32, n32}} {
		f, o, err := compare(ctx, c.conc, c.n, floor, ours)
		if err != nil {
			return err
		}
		printCreateRows(c.conc, c.n, f, o)
	}
	return nil
}

// printCreateRows prints the floor's row and ours, with the ratios and the 1.15x p50 verdict.
func printCreateRows(conc, n int, f, o result) {
	fmt.Printf("%-6d %-5s %6d %9.2f %9.2f %9.1f %9d\n", conc, "floor", n, ms(f.p50), ms(f.p99), f.rps, f.errors)
	verdict := "target met"
	if float64(o.p50) > 1.15*float64(f.p50) {
		verdict = "TARGET MISSED"
	}
	fmt.Printf("%-6d %-5s %6d %9.2f %9.2f %9.1f %9d  p50 %.2fx (target <= 1.15x: %s), p99 %.2fx, throughput %.2fx\n",
		conc, "ours", n, ms(o.p50), ms(o.p99), o.rps, o.errors,
		float64(o.p50)/float64(f.p50), verdict, float64(o.p99)/float64(f.p99), o.rps/f.rps)
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
