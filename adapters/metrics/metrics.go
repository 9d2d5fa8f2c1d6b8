// Package metrics is the Prometheus adapter: the service's own metrics on a registry the
// caller creates (never the global one), decorators that count at the ports' edges, and a
// collector that asks Postgres for counts when scraped.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the service's instruments and the registry they live on.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec
	created   prometheus.Counter
	completed prometheus.Counter
	expired   prometheus.Counter
	head      *prometheus.GaugeVec
	scanned   *prometheus.GaugeVec
	lag       *prometheus.GaugeVec
	rpcErrors *prometheus.CounterVec
	stale     *prometheus.GaugeVec
	outages   *prometheus.CounterVec
	// A chain with two RPC providers: each one's failures and head, and their disagreements.
	providerErrors *prometheus.CounterVec
	providerHead   *prometheus.GaugeVec
	disagreements  *prometheus.CounterVec
	attempts       *prometheus.CounterVec
	attemptDur     *prometheus.HistogramVec
	delivered      prometheus.Histogram
	gasSends       *prometheus.CounterVec
}

// New makes a registry with the Go runtime and process collectors and the service's instruments.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "checkout_http_request_duration_seconds",
			Help: "HTTP request latency by method, route pattern and status code.", Buckets: prometheus.DefBuckets},
			[]string{"method", "route", "status"}),
		created:   prometheus.NewCounter(prometheus.CounterOpts{Name: "checkout_sessions_created_total", Help: "Checkout sessions created."}),
		completed: prometheus.NewCounter(prometheus.CounterOpts{Name: "checkout_sessions_completed_total", Help: "Checkout sessions that became complete."}),
		expired:   prometheus.NewCounter(prometheus.CounterOpts{Name: "checkout_sessions_expired_total", Help: "Checkout sessions that expired."}),
		head:      gauge("checkout_chain_head_block", "Latest block number the chain's RPC node reported to the scanner."),
		scanned:   gauge("checkout_chain_scanned_block", "Block number the chain's scanner has committed."),
		lag:       gauge("checkout_chain_lag_blocks", "Blocks between the node's head and the scanned block."),
		rpcErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_chain_rpc_errors_total",
			Help: "Failed RPC calls of the chain scanner, by chain and call."}, []string{"chain", "call"}),
		stale: gauge("checkout_chain_view_stale", "1 while the scanner's newest block is older than the chain's stale_after_seconds "+
			"(an outage: the chain's sessions do not expire), else 0."),
		outages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_chain_outages_total",
			Help: "Outages of the chain's view this process recorded as begun."}, []string{"chain"}),
		providerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_chain_rpc_provider_errors_total",
			Help: "Failed RPC calls of one provider of a chain with two, by chain, provider (primary, secondary) and call."},
			[]string{"chain", "provider", "call"}),
		providerHead: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "checkout_chain_rpc_provider_head_block",
			Help: "Latest block number each provider of a chain with two reported."}, []string{"chain", "provider"}),
		disagreements: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_chain_rpc_disagreements_total",
			Help: "Block reads the two providers of a chain answered with different hashes (the scanner waited)."}, []string{"chain"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_webhook_attempts_total",
			Help: "Webhook delivery attempts by outcome (2xx, 3xx, 4xx, 5xx, error)."}, []string{"outcome"}),
		attemptDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "checkout_webhook_attempt_duration_seconds",
			Help:    "Time one webhook POST took, until the receiver answered or the attempt failed.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"outcome"}),
		delivered: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "checkout_webhook_delivery_latency_seconds",
			Help: "Time from an event's creation to its successful delivery to an endpoint, retries included.",
			// from a prompt first attempt to the last retries, which come days later
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600}}),
		gasSends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "checkout_gas_wallet_sends_total",
			Help: "Gas wallet sends by chain and outcome (sent, would_revert, fee_cap, nonce_taken, error)."}, []string{"chain", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.created, m.completed, m.expired, m.head, m.scanned,
		m.lag, m.rpcErrors, m.stale, m.outages, m.providerErrors, m.providerHead, m.disagreements, m.attempts, m.attemptDur,
		m.delivered, m.gasSends} {
		f(c)
	}
	return m
}

func gauge(name, help string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, []string{"chain"})
}

// Registry is where other instruments (the Temporal SDK's, the scrape collectors) register.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRequest records one HTTP request; route is the pattern, never the raw path.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Observe(d.Seconds())
}
