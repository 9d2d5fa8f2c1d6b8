package temporal

import (
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	contribtally "go.temporal.io/sdk/contrib/tally"
)

// metricsReportInterval is how often the SDK's figures reach the registry.
const metricsReportInterval = 2 * time.Second

// PrometheusMetrics is the SDK's metrics handler (for client.Options.MetricsHandler) that
// registers the SDK's counters, gauges and timers (as histograms) on reg. Close the returned
// closer after the client: it stops the reporting loop.
func PrometheusMetrics(reg prometheus.Registerer, log *slog.Logger) (client.MetricsHandler, io.Closer) {
	reporter := tallyprom.NewReporter(tallyprom.Options{Registerer: reg,
		DefaultTimerType: tallyprom.HistogramTimerType,
		OnRegisterError:  func(err error) { log.Warn("temporal sdk metric not registered", "err", err) }})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{CachedReporter: reporter, Separator: tallyprom.DefaultSeparator,
		SanitizeOptions: &contribtally.PrometheusSanitizeOptions}, metricsReportInterval)
	return contribtally.NewMetricsHandler(contribtally.NewPrometheusNamingScope(scope)), closer
}
