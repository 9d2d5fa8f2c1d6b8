package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Counts answers, on each scrape, how many rows each status has; the Postgres adapter
// implements it with a GROUP BY on the status column.
type Counts interface {
	SessionsByStatus(ctx context.Context) (map[string]int64, error)
	PayoutsByStatus(ctx context.Context) (map[string]int64, error)
}

// scrapeTimeout bounds the queries of one scrape: a slow database makes a gap, not a pile-up.
const scrapeTimeout = 2 * time.Second

// WatchCounts registers a collector that queries c on every scrape; a failed query leaves
// its series out of that scrape and is logged.
func (m *Metrics) WatchCounts(c Counts, log *slog.Logger) error {
	return m.reg.Register(&countsCollector{c: c, log: log,
		sessions: prometheus.NewDesc("checkout_sessions_by_status", "Checkout sessions in the database by status.", []string{"status"}, nil),
		payouts:  prometheus.NewDesc("checkout_payouts_by_status", "Payouts in the database by status.", []string{"status"}, nil)})
}

type countsCollector struct {
	c                 Counts
	log               *slog.Logger
	sessions, payouts *prometheus.Desc
}

func (k *countsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- k.sessions; ch <- k.payouts }

func (k *countsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, q := range []struct {
		what  string
		desc  *prometheus.Desc
		query func(context.Context) (map[string]int64, error)
	}{{"sessions", k.sessions, k.c.SessionsByStatus}, {"payouts", k.payouts, k.c.PayoutsByStatus}} {
		counts, err := q.query(ctx)
		if err != nil {
			k.log.Warn("metrics: count by status", "table", q.what, "err", err)
			continue
		}
		for status, n := range counts {
			ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), status)
		}
	}
}
