package http

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Ops are the operator's routes beside the API: metrics, liveness and readiness.
type Ops struct {
	// Metrics serves GET /metrics (nil: the route is absent).
	Metrics http.Handler
	// Observe records each request's latency by route pattern (nil: nothing is recorded).
	Observe func(method, route string, status int, d time.Duration)
	// Ready are the readiness checks of GET /readyz, by name; none: always ready.
	Ready map[string]func(context.Context) error
	// ReadyTimeout bounds each check (0: 2 s).
	ReadyTimeout time.Duration
}

// unmatchedRoute labels requests no route matched: their raw paths are unbounded (and may
// carry anything a client typed), so they share one label.
const unmatchedRoute = "unmatched"

// routeLabel is the route's pattern ("/refunds/claim/:secret"), never the request's path:
// claim and invitation URLs carry secrets in the path.
func routeLabel(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return unmatchedRoute
}

// observe is the latency middleware.
func (o Ops) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	o.Observe(c.Request.Method, routeLabel(c), c.Writer.Status(), time.Since(start))
}

// register adds the ops routes (and the latency middleware, before any other route).
func (o Ops) register(r *gin.Engine) {
	if o.Observe != nil {
		r.Use(o.observe)
	}
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", o.readyz)
	if o.Metrics != nil {
		r.GET("/metrics", gin.WrapH(o.Metrics))
	}
}

// CheckResult is one readiness check's outcome in the /readyz body.
type CheckResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Degraded says why a passing check works with less than it should (one of a chain's two
	// RPC providers failing).
	Degraded string `json:"degraded,omitempty"`
}

// Degraded is the error a readiness check returns to pass with a reservation: the check
// stays ok and the body names the reservation.
type Degraded struct{ Reason string }

func (d Degraded) Error() string { return d.Reason }

// readyz runs every check at once, each under its timeout: 200 when all pass, else 503;
// the body names each check and why a failing one failed.
func (o Ops) readyz(c *gin.Context) {
	results := o.check(c.Request.Context())
	status, word := http.StatusOK, "ready"
	for _, r := range results {
		if !r.OK {
			status, word = http.StatusServiceUnavailable, "not ready"
		}
	}
	c.JSON(status, gin.H{"status": word, "checks": results})
}

func (o Ops) check(ctx context.Context) []CheckResult {
	timeout := o.ReadyTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	results := make([]CheckResult, 0, len(o.Ready))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, fn := range o.Ready {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			r := CheckResult{Name: name, OK: true}
			var degraded Degraded
			switch err := fn(cctx); {
			case errors.As(err, &degraded):
				r.Degraded = degraded.Reason
			case err != nil:
				r.OK, r.Error = false, err.Error()
			}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	return results
}

// NewOpsHandler serves only the ops routes: a worker-only process's listener.
func NewOpsHandler(o Ops) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = false
	r.Use(gin.Recovery())
	o.register(r)
	return r
}
