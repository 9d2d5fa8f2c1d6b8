package metrics

import (
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The sample dashboard queries only series the service exports: each checkout_* name in
// grafana/checkout.json (less a histogram's _bucket, _count or _sum) is on a registry whose
// instruments have all been used once.
func TestDashboardQueriesExistingSeries(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "grafana", "checkout.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatal(err)
	}
	exported := usedRegistry(t)
	name := regexp.MustCompile(`checkout_[a-z_]+`)
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				for _, suffix := range []string{"_bucket", "_count", "_sum"} {
					if trimmed := strings.TrimSuffix(n, suffix); exported[trimmed] {
						n = trimmed
					}
				}
				if !exported[n] {
					t.Errorf("panel %q queries %s, which the service does not export", p.Title, n)
				}
			}
		}
	}
}

// usedRegistry is the names a registry gathers once every instrument has a sample.
func usedRegistry(t *testing.T) map[string]bool {
	t.Helper()
	m := New()
	log := slog.New(slog.DiscardHandler)
	if err := m.WatchCounts(fakeCounts{}, log); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchGasWallets(fakeFigures{}, []GasWalletChain{{ID: 8453, Key: "base", Symbol: "ETH", Decimals: 18}}, log); err != nil {
		t.Fatal(err)
	}
	m.ObserveRequest("GET", "/", 200, time.Millisecond)
	m.head.WithLabelValues("base").Set(1)
	m.scanned.WithLabelValues("base").Set(1)
	m.lag.WithLabelValues("base").Set(0)
	m.rpcErrors.WithLabelValues("base", "head").Inc()
	m.stale.WithLabelValues("base").Set(0)
	m.outages.WithLabelValues("base").Inc()
	m.providerErrors.WithLabelValues("base", "primary", "head").Inc()
	m.providerHead.WithLabelValues("base", "primary").Set(1)
	m.disagreements.WithLabelValues("base").Inc()
	m.attempts.WithLabelValues("2xx").Inc()
	m.attemptDur.WithLabelValues("2xx").Observe(1)
	m.gasSends.WithLabelValues("base", "sent").Inc()
	m.observeDelivered(time.Unix(0, 0), time.Unix(1, 0))
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{"checkout_payouts_by_status": true} // fakeCounts fails it on purpose
	for _, f := range fams {
		out[f.GetName()] = true
	}
	return out
}
