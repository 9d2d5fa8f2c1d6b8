package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/workflows"
)

// printSteps prints every step so far side by side, the baseline first, and for the largest
// step what each 10,000 more open sessions added to the baseline.
func printSteps(o options, steps []step) {
	base, last := steps[0], steps[len(steps)-1]
	per10k := func(f func(step) float64) string {
		if len(steps) < 2 || last.open <= base.open {
			return ""
		}
		return fmt.Sprintf("%+.2f", (f(last)-f(base))*10000/float64(last.open-base.open))
	}
	fmt.Printf("\nbench-scale: %s preselected, idle window %s, %d payments per step, confirmations %d\n",
		o.asset, o.idle, o.payments, o.confirmations)
	head := fmt.Sprintf("%-44s", "")
	for _, st := range steps {
		head += fmt.Sprintf(" %12s", fmt.Sprintf("%d open", st.open))
	}
	fmt.Println(head + fmt.Sprintf(" %14s", "per 10k open"))
	row := func(name, format string, f func(step) float64, delta bool) {
		line := fmt.Sprintf("%-44s", name)
		for _, st := range steps {
			line += fmt.Sprintf(" %12s", fmt.Sprintf(format, f(st)))
		}
		if delta {
			line += fmt.Sprintf(" %14s", per10k(f))
		}
		fmt.Println(line)
	}
	row("sessions opened at this step", "%.0f", func(s step) float64 { return float64(s.opened) }, false)
	row("  opened per second (address allocated)", "%.1f", func(s step) float64 { return float64(s.opened) / s.openTime.Seconds() }, false)
	row("CheckoutSession workflows Running", "%.0f", func(s step) float64 { return float64(s.running) }, true)
	row("worker RSS (mean over the window), MiB", "%.1f", func(s step) float64 { return s.workerRSS }, true)
	row("worker idle CPU, % of a core", "%.2f", func(s step) float64 { return s.workerCPU }, true)
	row("Temporal server RSS, MiB", "%.1f", func(s step) float64 { return s.serverRSS }, true)
	row("Temporal server idle CPU, % of a core", "%.2f", func(s step) float64 { return s.serverCPU }, true)
	row("Postgres backends' idle CPU, % of a core", "%.2f", func(s step) float64 { return s.postgresCPU }, true)
	row("sessions requoted in the idle window", "%.0f", func(s step) float64 { return float64(s.requoted) }, true)
	row("blocks mined in the idle window", "%.0f", func(s step) float64 { return float64(s.blocks) }, false)
	row("RPC calls per block (idle, via the proxy)", "%.2f", func(s step) float64 { return perBlock(s.rpc.total(), s.blocks) }, true)
	row("  HTTP requests per block", "%.2f", func(s step) float64 { return perBlock(s.rpc.Posts, s.blocks) }, true)
	for _, m := range methods(steps) {
		row("  "+m+" per block", "%.2f", func(s step) float64 { return perBlock(s.rpc.Methods[m], s.blocks) }, false)
	}
	floor := float64(o.confirmations - 1) // seconds: (confirmations-1) blocks of 1 s
	row(fmt.Sprintf("payment -> complete p50, s (floor %.0f s)", floor), "%.2f", func(s step) float64 { return quantile(s.pay, 0.5) }, false)
	row("payment -> complete max, s", "%.2f", func(s step) float64 { return quantile(s.pay, 1) }, false)
	row("service database, MiB", "%.1f", func(s step) float64 { return float64(s.checkoutDB) / (1 << 20) }, true)
	row("Temporal databases, MiB", "%.1f", func(s step) float64 { return float64(s.temporalDB) / (1 << 20) }, true)
}

func perBlock(n int64, blocks uint64) float64 { return float64(n) / float64(max(blocks, 1)) }

// methods are the RPC methods any step counted, most called first.
func methods(steps []step) []string {
	total := map[string]int64{}
	for _, st := range steps {
		for m, n := range st.rpc.Methods {
			total[m] += n
		}
	}
	var out []string
	for m := range total {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b string) int { return int(total[b] - total[a]) })
	return out
}

// quantile of the durations, in seconds (q = 1: the largest).
func quantile(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*q))].Seconds()
}

// printFootprint prints, at the end, the Temporal history of a sample of open and of paid
// sessions and the service's largest tables with their rows.
func (s *stack) printFootprint(ctx context.Context) error {
	open := s.created[:0:0]
	for _, id := range s.created {
		if len(open) < 50 && !slices.Contains(s.paid, id) {
			open = append(open, id)
		}
	}
	fmt.Println("\nTemporal history per session (DescribeWorkflowExecution of the current run)")
	for _, g := range []struct {
		name string
		ids  []string
	}{{"open, address allocated", open}, {"paid, complete (monitoring)", s.paid}} {
		events, bytes, err := s.history(ctx, g.ids)
		if err != nil {
			return err
		}
		fmt.Printf("  %-30s n %3d   events %6.1f   bytes %8.0f\n", g.name, len(g.ids), events, bytes)
	}
	return s.printTables(ctx)
}

// history is the mean history length and size of the sessions' workflows.
func (s *stack) history(ctx context.Context, ids []string) (events, bytes float64, err error) {
	for _, id := range ids {
		d, err := s.temporal.DescribeWorkflowExecution(ctx, workflows.SessionWorkflowID(id), "")
		if err != nil {
			return 0, 0, fmt.Errorf("describe %s: %w", id, err)
		}
		events += float64(d.GetWorkflowExecutionInfo().GetHistoryLength())
		bytes += float64(d.GetWorkflowExecutionInfo().GetHistorySizeBytes())
	}
	n := float64(max(len(ids), 1))
	return events / n, bytes / n, nil
}

// printTables prints the service database's largest tables: rows, total size and size per row.
func (s *stack) printTables(ctx context.Context) error {
	var tables []struct {
		Name  string `db:"relname"`
		Bytes int64  `db:"bytes"`
	}
	if err := s.db.SelectContext(ctx, &tables, `SELECT relname, pg_total_relation_size(relid) AS bytes
		FROM pg_stat_user_tables ORDER BY bytes DESC LIMIT 8`); err != nil {
		return fmt.Errorf("table sizes: %w", err)
	}
	fmt.Println("\nthe service's largest tables (rows counted exactly; size with indexes and TOAST)")
	for _, t := range tables {
		var rows int64
		q := fmt.Sprintf(`SELECT count(*) FROM %q`, t.Name) // a name read from the catalog, quoted
		if err := s.db.GetContext(ctx, &rows, q); err != nil {
			return fmt.Errorf("rows of %s: %w", t.Name, err)
		}
		fmt.Printf("  %-28s rows %8d   %8.2f MiB   %6.0f bytes/row\n", t.Name, rows, float64(t.Bytes)/(1<<20),
			float64(t.Bytes)/float64(max(rows, 1)))
	}
	return nil
}
