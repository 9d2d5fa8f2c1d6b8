// Package http is the Gin adapter: the Stripe-compatible REST API and the hosted payment page.
package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paymentlink"
	"github.com/chaincheckout/checkout/core/ratelimit"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/settlement"
	"github.com/chaincheckout/checkout/core/webhook"
)

// Context keys set by the middleware.
const (
	ctxRequestID = "request_id"
	ctxCaller    = "caller"
	ctxParams    = "params"
)

// Deps are what the HTTP adapter needs.
type Deps struct {
	Sessions    *checkout.Service
	Catalog     *catalog.Service
	Links       *paymentlink.Service
	Merchants   *merchant.Service
	Settlement  *settlement.Service
	Payouts     *settlement.Payouts
	Billing     *billing.Service
	Refunds     *refund.Service
	Idempotency idempotency.Store // transport infrastructure, see idempotent
	Renderer    *Renderer         // the API's JSON shapes
	Events      *event.Service
	Endpoints   *webhook.Endpoints
	Deliveries  *webhook.Deliveries
	Accounts    *account.Service // the dashboard's users
	Logger      *slog.Logger
	Now         func() time.Time
	// RateLimits are the request budgets (the zero Policy limits nothing).
	RateLimits ratelimit.Policy
	// TrustedProxies are the addresses (IPs or CIDRs) whose X-Forwarded-For names the client;
	// empty: none, the connection's address is the client's.
	TrustedProxies []string
	// TemporalUIURL is the Temporal UI's page of the service's namespace
	// (<ui>/namespaces/<namespace>); "": the dashboard links no workflow.
	TemporalUIURL string
	// Ops are the metrics, liveness and readiness routes.
	Ops Ops
}

// Server holds the routes' dependencies.
type Server struct {
	*Renderer
	events     *event.Service
	endpoints  *webhook.Endpoints
	delivs     *webhook.Deliveries
	sessions   *checkout.Service
	catalog    *catalog.Service
	links      *paymentlink.Service
	merchants  *merchant.Service
	settlement *settlement.Service
	payouts    *settlement.Payouts
	billing    *billing.Service
	refunds    *refund.Service
	idem       idempotency.Store
	log        *slog.Logger
	now        func() time.Time
	page       *pageRenderer
	keyLimits  keyLimiters
	ipLimit    *keyedLimiter
	linkLimit  *keyedLimiter
	accounts   *account.Service
	dash       *dashRenderer
	loginLimit *keyedLimiter
	temporalUI string
}

// NewHandler builds the Gin engine with every route.
func NewHandler(d Deps) (http.Handler, error) {
	if d.Sessions == nil || d.Catalog == nil || d.Links == nil || d.Merchants == nil || d.Settlement == nil ||
		d.Payouts == nil || d.Billing == nil || d.Refunds == nil || d.Idempotency == nil || d.Renderer == nil || d.Events == nil || d.Endpoints == nil || d.Deliveries == nil || d.Accounts == nil || d.Logger == nil || d.Now == nil {
		return nil, fmt.Errorf("http.NewHandler: missing dependency")
	}
	page, err := newPageRenderer()
	if err != nil {
		return nil, err
	}
	dash, err := newDashRenderer()
	if err != nil {
		return nil, err
	}
	s := &Server{Renderer: d.Renderer, events: d.Events, endpoints: d.Endpoints, delivs: d.Deliveries, sessions: d.Sessions, catalog: d.Catalog, links: d.Links, merchants: d.Merchants,
		settlement: d.Settlement, payouts: d.Payouts, billing: d.Billing, refunds: d.Refunds, idem: d.Idempotency, log: d.Logger, now: d.Now, page: page,
		keyLimits: keyLimiters{live: newKeyedLimiter(d.RateLimits.Live, d.Now), test: newKeyedLimiter(d.RateLimits.Test, d.Now)},
		ipLimit:   newKeyedLimiter(d.RateLimits.PublicIP, d.Now), linkLimit: newKeyedLimiter(d.RateLimits.Link, d.Now),
		accounts: d.Accounts, dash: dash, loginLimit: newKeyedLimiter(d.RateLimits.SignIn, d.Now),
		temporalUI: d.TemporalUIURL}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.HandleMethodNotAllowed = false
	d.Ops.register(r) // first: the latency middleware sees every request
	r.Use(s.requestID, s.accessLog, s.recover, deadline)
	r.NoRoute(func(c *gin.Context) {
		s.writeError(c, &apperr.Error{Kind: apperr.KindNotFound,
			Message: fmt.Sprintf("Unrecognized request URL (%s: %s).", c.Request.Method, c.Request.URL.Path)})
	})

	v1 := r.Group("/v1", s.authenticate, s.limitKey, s.parseParams, s.idempotent)
	v1.POST("/checkout/sessions", s.createSession)
	v1.GET("/checkout/sessions", s.listSessions)
	v1.GET("/checkout/sessions/:id", s.getSession)
	v1.POST("/checkout/sessions/:id/expire", s.expireSession)
	v1.GET("/checkout/sessions/:id/line_items", s.listLineItems)
	v1.POST("/checkout/sessions/:id/select_asset", s.selectAsset)
	v1.POST("/checkout/sessions/:id/resolve", s.resolveSession)
	v1.POST("/refunds", s.createRefund)
	v1.GET("/refunds", s.listRefunds)
	v1.GET("/refunds/:id", s.getRefund)
	v1.POST("/refunds/:id/cancel", s.cancelRefund)
	v1.POST("/refunds/:id/mark_sent", s.markRefundSent)
	v1.GET("/crypto/assets", s.listAssets)
	v1.GET("/settlement_settings", s.getSettlementSettings)
	v1.POST("/settlement_settings", s.updateSettlementSettings)
	s.billingRoutes(v1)
	v1.GET("/payouts", s.listPayouts)
	v1.GET("/payouts/:id", s.getPayout)
	v1.GET("/balance_transactions", s.listBalanceTransactions)
	v1.GET("/balance_transactions/:id", s.getBalanceTransaction)
	v1.POST("/products", s.createProduct)
	v1.GET("/products", s.listProducts)
	v1.GET("/products/:id", s.getProduct)
	v1.POST("/products/:id", s.updateProduct)
	v1.DELETE("/products/:id", s.deleteProduct)
	v1.POST("/prices", s.createPrice)
	v1.GET("/prices", s.listPrices)
	v1.GET("/prices/:id", s.getPrice)
	v1.POST("/prices/:id", s.updatePrice)
	v1.POST("/payment_links", s.createLink)
	v1.GET("/payment_links", s.listLinks)
	v1.GET("/payment_links/:id", s.getLink)
	v1.POST("/payment_links/:id", s.updateLink)
	v1.GET("/payment_links/:id/line_items", s.listLinkItems)
	v1.GET("/events", s.listEvents)
	v1.GET("/events/:id", s.getEvent)
	v1.GET("/events/:id/deliveries", s.listDeliveries)
	v1.POST("/events/:id/redeliver", s.redeliver)
	v1.POST("/webhook_endpoints", s.createEndpoint)
	v1.GET("/webhook_endpoints", s.listEndpoints)
	v1.GET("/webhook_endpoints/:id", s.getEndpoint)
	v1.POST("/webhook_endpoints/:id", s.updateEndpoint)
	v1.DELETE("/webhook_endpoints/:id", s.deleteEndpoint)
	v1.POST("/webhook_endpoints/:id/roll_secret", s.rollSecret)

	hosted := r.Group("/c", s.limitIP, capBody)
	hosted.GET("/:id", s.hostedPage)
	hosted.GET("/:id/status", s.hostedStatus)
	hosted.POST("/:id/select", s.hostedSelect)
	hosted.POST("/:id/quantity", s.hostedQuantity)
	hosted.POST("/:id/simulate", s.hostedSimulate)
	r.GET("/l/:id", s.limitIP, s.limitLink, capBody, s.openLink)
	r.GET("/i/:id", s.limitIP, capBody, s.hostedInvoice)
	claim := r.Group("/refunds/claim", s.limitIP, capBody)
	claim.GET("/:secret", s.claimPage)
	claim.POST("/:secret", sameOrigin, s.claimRefund)
	r.GET("/static/*file", s.static)
	s.dashboardRoutes(r)
	r.GET("/favicon.ico", s.favicon)
	return r, nil
}

// requestTimeout bounds every request: no client can hold a connection, a transaction or a
// workflow call open longer.
const requestTimeout = 30 * time.Second

func deadline(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), requestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// callsWorkflow lists the routes that wait on a workflow (or the chain) or wake one: their
// Idempotency-Key is claimed in a transaction of its own, and the call is idempotent by the key
// or by itself (a refund's cancel, or mark_sent with the same hash, repeats harmlessly), so no
// database transaction stays open while the workflow or the chain answers, and a workflow
// woken by the change reads it committed.
var callsWorkflow = map[string]bool{
	"/v1/checkout/sessions/:id/expire":       true,
	"/v1/checkout/sessions/:id/select_asset": true,
	"/v1/checkout/sessions/:id/resolve":      true,
	"/v1/refunds/:id/cancel":                 true,
	"/v1/refunds/:id/mark_sent":              true,
}

// requestID names every request (Stripe's Request-Id header); the events its changes cause
// carry the ID and the Idempotency-Key it sent (event.request).
func (s *Server) requestID(c *gin.Context) {
	id := ident.New("req")
	c.Set(ctxRequestID, id)
	c.Header("Request-Id", id)
	req := event.Request{ID: id}
	if c.Request.Method == http.MethodPost {
		req.IdempotencyKey = c.GetHeader("Idempotency-Key")
	}
	c.Request = c.Request.WithContext(event.WithRequest(c.Request.Context(), req))
	c.Next()
}

func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	path := c.Request.URL.Path
	if strings.HasPrefix(path, "/dashboard/invite/") || strings.HasPrefix(path, "/refunds/claim/") {
		path = c.FullPath() // the path holds a secret: the invitation's token, the refund's claim
	}
	attrs := []any{"method", c.Request.Method, "path", path, "status", c.Writer.Status(),
		"ms", time.Since(start).Milliseconds(), "request_id", c.GetString(ctxRequestID)}
	s.log.Info("http", append(attrs, accessScope(c)...)...)
}

// accessScope names whom a request acted for and on: the merchant and mode of its API key or
// dashboard sign-in, and the session or refund its route names (an ID, never a secret).
func accessScope(c *gin.Context) []any {
	var out []any
	if v, ok := c.Get(ctxCaller); ok {
		if caller, ok := v.(merchant.Caller); ok {
			out = append(out, "merchant", caller.MerchantID, "livemode", caller.Livemode)
		}
	} else if p := principal(c); p.User.MerchantID != "" {
		out = append(out, "merchant", p.User.MerchantID, "livemode", p.Session.Livemode, "user", p.User.ID)
	}
	id := c.Param("id")
	switch route := c.FullPath(); {
	case id == "":
	case strings.HasPrefix(route, "/v1/checkout/sessions/"), strings.HasPrefix(route, "/c/"),
		strings.HasPrefix(route, "/dashboard/payments/"):
		out = append(out, "session", id)
	case strings.HasPrefix(route, "/v1/refunds/"), strings.HasPrefix(route, "/dashboard/refunds/"):
		out = append(out, "refund", id)
	}
	return out
}

// recover turns a panic into Stripe's api_error; the stack goes to the log only.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			s.writeError(c, fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}

func (s *Server) authenticate(c *gin.Context) {
	secret := ""
	auth := c.GetHeader("Authorization")
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		secret = strings.TrimSpace(strings.TrimPrefix(auth, "Bearer "))
	case strings.HasPrefix(auth, "Basic "):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
		if err == nil {
			secret, _, _ = strings.Cut(string(raw), ":")
		}
	}
	if secret == "" {
		s.writeError(c, &apperr.Error{Kind: apperr.KindUnauthorized, Message: "You did not provide an API key. " +
			"Provide your secret key in the Authorization header as 'Authorization: Bearer sk_test_...'."})
		return
	}
	caller, err := s.merchants.Authenticate(c.Request.Context(), secret)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(ctxCaller, caller)
	c.Next()
}

func callerOf(c *gin.Context) merchant.Caller { return c.MustGet(ctxCaller).(merchant.Caller) }

func (s *Server) parseParams(c *gin.Context) {
	tree, err := readParams(c.Request)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(ctxParams, tree)
	c.Next()
}

// params binds the request's parameters into dst and returns the expand paths.
func params(c *gin.Context, dst any) ([]string, error) {
	tree := c.MustGet(ctxParams).(map[string]any)
	expand, err := takeExpand(tree)
	if err != nil {
		return nil, err
	}
	if dst != nil {
		if err := bindParams(tree, dst); err != nil {
			return nil, err
		}
	} else if len(tree) > 0 {
		k := sortedKeys(tree)[0]
		return nil, apperr.Invalid(k, "parameter_unknown", "Received unknown parameter: %s", k)
	}
	return expand, nil
}

// bufferWriter holds a response back until the transaction it depends on has committed.
type bufferWriter struct {
	gin.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *bufferWriter) WriteHeader(code int)              { w.status = code }
func (w *bufferWriter) WriteHeaderNow()                   {}
func (w *bufferWriter) Write(b []byte) (int, error)       { return w.buf.Write(b) }
func (w *bufferWriter) WriteString(s string) (int, error) { return w.buf.WriteString(s) }
func (w *bufferWriter) Status() int                       { return w.status }
func (w *bufferWriter) Size() int                         { return w.buf.Len() }
func (w *bufferWriter) Written() bool                     { return false }

// idempotent applies Idempotency-Key to POSTs. The key's claim, the request's writes and its
// response commit in one transaction; the client gets the response only once that is done.
// The first response is kept whatever its status, as Stripe does, except for a request refused
// before it executed (idempotency.Response.Kept): that one leaves the key free to use again
// once corrected. Only a successful request's writes stay.
// It calls the idempotency.Store port directly, the one store a handler may hold: replaying a
// kept HTTP response is transport infrastructure wrapped around every use case (its
// transaction spans the whole request), not a use case a service could own.
func (s *Server) idempotent(c *gin.Context) {
	key := c.GetHeader("Idempotency-Key")
	if c.Request.Method != http.MethodPost || key == "" {
		c.Next()
		return
	}
	if len(key) > 255 {
		s.writeError(c, apperr.Invalid("", "idempotency_key_too_long", "Idempotency-Key must be at most 255 characters."))
		return
	}
	caller := callerOf(c)
	scope := idempotency.Scope{MerchantID: caller.MerchantID, Livemode: caller.Livemode}
	orig, req := c.Writer, c.Request
	mode := idempotency.InTransaction
	if callsWorkflow[c.FullPath()] {
		mode = idempotency.AroundCall
	}
	outcome, res, err := s.idem.Run(req.Context(), scope, key, fingerprint(c), s.now(), mode,
		func(ctx context.Context) idempotency.Response {
			w := &bufferWriter{ResponseWriter: orig, status: http.StatusOK}
			c.Writer, c.Request = w, req.WithContext(ctx)
			c.Next()
			c.Writer, c.Request = orig, req
			return idempotency.Response{StatusCode: w.status, Body: w.buf.Bytes()}
		})
	c.Writer, c.Request = orig, req
	if err != nil {
		// The request's writes were rolled back (or their commit failed): report that, not the buffer.
		c.Header("Content-Type", "")
		s.writeError(c, err)
		return
	}
	c.Header("Idempotency-Key", key)
	switch outcome {
	case idempotency.Replay:
		c.Header("Idempotent-Replayed", "true")
	case idempotency.Mismatch:
		s.writeError(c, &apperr.Error{Kind: apperr.KindIdempotency, Code: "idempotency_key_in_use",
			Message: "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
				"Try using a key other than '" + key + "' if you meant to execute a different request."})
		return
	case idempotency.InProgress:
		s.writeError(c, &apperr.Error{Kind: apperr.KindInProgress, Code: "idempotency_key_in_use",
			Message: "There is currently another in-progress request using this Idempotency-Key; retry later."})
		return
	}
	c.Data(res.StatusCode, "application/json", res.Body)
	c.Abort()
}

// fingerprint identifies a request by method, path and canonical parameters, so a form and
// a JSON encoding of the same call match.
func fingerprint(c *gin.Context) string {
	canon, _ := json.Marshal(c.MustGet(ctxParams)) // map keys are sorted by encoding/json
	h := sha256.New()
	h.Write([]byte(c.Request.Method + " " + c.Request.URL.Path + "\n"))
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}
