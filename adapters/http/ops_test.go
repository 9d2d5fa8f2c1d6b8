package http

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// recorded is what the latency middleware reported for one request.
type recorded struct {
	method, route string
	status        int
}

// opsEngine routes like the API does where secrets sit in the path.
func opsEngine(got *[]recorded) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	Ops{Observe: func(method, route string, status int, _ time.Duration) {
		*got = append(*got, recorded{method, route, status})
	}}.register(r)
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	r.GET("/refunds/claim/:secret", ok)
	r.POST("/refunds/claim/:secret", ok)
	r.GET("/dashboard/invite/:token", ok)
	r.GET("/c/:id", ok)
	r.GET("/static/*file", ok)
	r.NoRoute(func(c *gin.Context) { c.Status(http.StatusNotFound) })
	return r
}

func TestRouteLabelIsThePatternNeverThePath(t *testing.T) {
	for _, tc := range []struct {
		method, path, route string
		status              int
	}{
		{"GET", "/refunds/claim/rcl_s3cr3tT0ken", "/refunds/claim/:secret", 204},
		{"POST", "/refunds/claim/rcl_s3cr3tT0ken", "/refunds/claim/:secret", 204},
		{"GET", "/dashboard/invite/inv_s3cr3tT0ken", "/dashboard/invite/:token", 204},
		{"GET", "/c/cs_s3cr3tT0ken?x=1", "/c/:id", 204},
		{"GET", "/static/s3cr3tT0ken.css", "/static/*file", 204},
		{"GET", "/nowhere/s3cr3tT0ken", unmatchedRoute, 404},
		{"GET", "/healthz", "/healthz", 200},
	} {
		t.Run(tc.path, func(t *testing.T) {
			var got []recorded
			opsEngine(&got).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, tc.path, nil))
			want := recorded{tc.method, tc.route, tc.status}
			if len(got) != 1 || got[0] != want {
				t.Fatalf("recorded %+v, want %+v", got, want)
			}
			if strings.Contains(got[0].route, "s3cr3t") {
				t.Fatalf("a secret in the route label: %q", got[0].route)
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	up := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("connection refused") }
	slow := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	degraded := func(context.Context) error { return Degraded{Reason: "secondary RPC provider failing"} }
	for _, tc := range []struct {
		name   string
		checks map[string]func(context.Context) error
		status int
		failed []string
	}{
		{"all up", map[string]func(context.Context) error{"postgres": up, "temporal": up}, 200, nil},
		{"none configured", nil, 200, nil},
		{"postgres refuses", map[string]func(context.Context) error{"postgres": down, "temporal": up}, 503, []string{"postgres"}},
		{"temporal hangs", map[string]func(context.Context) error{"postgres": up, "temporal": slow}, 503, []string{"temporal"}},
		{"both", map[string]func(context.Context) error{"postgres": down, "chain:base": slow}, 503, []string{"chain:base", "postgres"}},
		{"one of two providers down", map[string]func(context.Context) error{"postgres": up, "chain:base": degraded}, 200, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewOpsHandler(Ops{Ready: tc.checks, ReadyTimeout: 50 * time.Millisecond})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
			var body struct {
				Checks []CheckResult `json:"checks"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != tc.status {
				t.Fatalf("%d %s (%v)", w.Code, w.Body, err)
			}
			var failed []string
			for _, c := range body.Checks {
				if c.Degraded != "" && (c.Name != "chain:base" || !c.OK) {
					t.Errorf("check %+v", c)
				}
				if !c.OK {
					if c.Error == "" {
						t.Errorf("check %s failed without saying why", c.Name)
					}
					failed = append(failed, c.Name)
				}
			}
			if strings.Contains(tc.name, "providers") != strings.Contains(w.Body.String(), `"degraded":"secondary RPC provider failing"`) {
				t.Errorf("degraded not named: %s", w.Body)
			}
			if strings.Join(failed, ",") != strings.Join(tc.failed, ",") || len(body.Checks) != len(tc.checks) {
				t.Fatalf("checks %+v, want failed %v", body.Checks, tc.failed)
			}
		})
	}
}
