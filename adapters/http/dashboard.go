package http

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/ratelimit"
	"github.com/chaincheckout/checkout/templates"
)

// The merchant dashboard: server-rendered pages at /dashboard over the same use cases as the
// API, signed in with a session cookie, every form carrying the session's CSRF token.

const (
	dashCookie       = "checkout_dashboard"
	dashPrincipalKey = "dashboard.principal"
)

// dashRenderer holds one template set per dashboard page: the layout, the shared partials
// (dashboard/_*.html) and the page.
type dashRenderer struct{ pages map[string]*template.Template }

func newDashRenderer() (*dashRenderer, error) {
	files, err := fs.Glob(templates.FS, "dashboard/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(templates.FS, "dashboard/_*.html")
	if err != nil {
		return nil, err
	}
	r := &dashRenderer{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t := template.New(name).Funcs(dashFuncs)
		if t, err = t.ParseFS(templates.FS, append([]string{"dashboard/layout.html", f}, partials...)...); err != nil {
			return nil, fmt.Errorf("parse dashboard page %s: %w", name, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// dashFuncs are the helpers every dashboard template may call.
var dashFuncs = template.FuncMap{
	"money": formatMoney,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2 Jan 2006 15:04 MST")
	},
	"unix": func(u int64) string {
		if u == 0 {
			return "—"
		}
		return time.Unix(u, 0).UTC().Format("2 Jan 2006 15:04 MST")
	},
}

// dashData is what every dashboard page gets; Body is the page's own.
type dashData struct {
	Title, Nav          string
	Email, MerchantName string
	Livemode, CanWrite  bool
	HasLive             bool // a live chain is configured: the mode switch is offered
	CSRF                string
	Notice, Error       string
	Body                any
}

// principal is the signed-in user of a dashboard request.
func principal(c *gin.Context) account.Principal {
	p, _ := c.Get(dashPrincipalKey)
	pr, _ := p.(account.Principal)
	return pr
}

// dashCaller is who the dashboard's calls to the use cases act as: the user's merchant, in
// the mode the session shows.
func dashCaller(c *gin.Context) merchant.Caller {
	p := principal(c)
	return merchant.Caller{MerchantID: p.User.MerchantID, Livemode: p.Session.Livemode}
}

func (s *Server) dashboardRoutes(r *gin.Engine) {
	d := r.Group("/dashboard", securePage, capBody)
	d.GET("/login", s.dashLoginPage)
	d.POST("/login", sameOrigin, s.dashLogin)
	d.GET("/invite/:token", s.dashInvitePage)
	d.POST("/invite/:token", sameOrigin, s.dashAcceptInvite)
	in := d.Group("", s.dashAuth)
	in.GET("", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/dashboard/payments") })
	in.POST("/logout", s.dashLogout)
	in.POST("/logout_everywhere", s.dashLogoutEverywhere)
	in.POST("/mode", s.dashMode)
	owner := in.Group("", s.dashOwner)
	s.dashPaymentRoutes(in, owner)
	s.dashRefundRoutes(in, owner)
	s.dashCatalogRoutes(in, owner)
	s.dashDeveloperRoutes(in, owner)
	s.dashMoneyRoutes(in, owner)
	s.dashAccountRoutes(in, owner)
}

// asUserError is err's message when the user can act on it (invalid input, a conflict).
func asUserError(err error) (string, bool) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal || e.Kind == apperr.KindUnavailable || e.Kind == apperr.KindNotFound {
		return "", false
	}
	return e.Message, true
}

// dashAuth signs the request in from its cookie (or sends the browser to the sign-in page),
// and refuses a POST whose form does not carry the session's CSRF token.
func (s *Server) dashAuth(c *gin.Context) {
	token, _ := c.Cookie(dashCookie)
	p, err := s.accounts.Authenticate(c.Request.Context(), token)
	if apperr.IsKind(err, apperr.KindUnauthorized) {
		if c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/dashboard/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		} else {
			s.dashFail(c, http.StatusUnauthorized, "Your session ended: sign in again.")
		}
		c.Abort()
		return
	}
	if err != nil {
		s.dashFail(c, http.StatusServiceUnavailable, "The dashboard is unavailable for a moment: retry in a few seconds.")
		s.log.Error("dashboard sign-in check failed", "err", err)
		c.Abort()
		return
	}
	c.Set(dashPrincipalKey, p)
	if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
		return
	}
	token, mode, _ := strings.Cut(c.PostForm("csrf"), ".")
	if !p.Session.CSRFMatches(token) {
		s.dashFail(c, http.StatusForbidden, "This form expired or did not come from the dashboard: reload the page and try again.")
		c.Abort()
		return
	}
	c.Set(dashFormModeKey, mode)
}

// dashFormModeKey holds the mode a submitted form was shown in (its CSRF token says).
const dashFormModeKey = "dashboard.form_mode"

// dashCSRF is the token a page's forms carry: the session's, and the mode the page shows, so a
// form from a tab left in test mode cannot change live data after another tab switched.
func dashCSRF(p account.Principal) string {
	return p.Session.CSRF + "." + merchant.ModeName(p.Session.Livemode)
}

// sameOrigin refuses a sign-in or invitation form posted from another site (login CSRF).
func sameOrigin(c *gin.Context) {
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		c.AbortWithStatus(http.StatusForbidden)
		return
	}
	if o := c.GetHeader("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != c.Request.Host {
			c.AbortWithStatus(http.StatusForbidden)
		}
	}
}

// dashOwner refuses a change to a read-only user (the check is the server's, not a hidden
// button), and a change from a page shown in the other mode.
func (s *Server) dashOwner(c *gin.Context) {
	p := principal(c)
	if !p.User.CanWrite() {
		s.dashFail(c, http.StatusForbidden, "Your role is read-only: ask an owner to make this change.")
		c.Abort()
		return
	}
	if mode := c.GetString(dashFormModeKey); c.Request.Method == http.MethodPost && mode != merchant.ModeName(p.Session.Livemode) {
		s.dashFail(c, http.StatusConflict, fmt.Sprintf("This page showed %s data, but you have switched to %s mode since: "+
			"nothing was changed. Reload the page and try again.", mode, merchant.ModeName(p.Session.Livemode)))
		c.Abort()
	}
}

// dashRender writes page with the layout's data filled from the signed-in user.
func (s *Server) dashRender(c *gin.Context, status int, page, title, nav string, body any) {
	t, ok := s.dash.pages[page]
	if !ok {
		s.log.Error("no dashboard template", "page", page)
		c.Status(http.StatusInternalServerError)
		return
	}
	p := principal(c)
	d := dashData{Title: title, Nav: nav, Email: p.User.Email, Livemode: p.Session.Livemode, CanWrite: p.User.CanWrite(),
		HasLive: s.chains.HasLive(), CSRF: dashCSRF(p), Notice: dashNotices[c.Query("notice")], Body: body}
	if p.User.MerchantID != "" {
		if m, err := s.merchants.Get(c.Request.Context(), p.User.MerchantID); err == nil {
			d.MerchantName = m.Name
		}
	}
	if e, ok := body.(interface{ FormError() string }); ok {
		d.Error = e.FormError()
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(status)
	if err := t.ExecuteTemplate(c.Writer, "layout", d); err != nil {
		s.log.Error("render dashboard page", "page", page, "err", err)
	}
}

// dashNotices are the messages a redirect may ask the next page to show.
var dashNotices = map[string]string{
	"saved":            "Saved.",
	"mode":             "Mode switched.",
	"signedout":        "Every other session of yours is signed out.",
	"product_created":  "Product created. Add a price to sell it.",
	"product_saved":    "Product saved.",
	"product_archived": "Product archived: no new sale can use its prices.",
	"product_restored": "Product active again.",
	"price_created":    "Price added.",
	"price_archived":   "Price archived: new sales can no longer use it.",
	"price_restored":   "Price active again.",
	"link_created":     "Payment link created: share its URL or QR code.",
	"link_deactivated": "Payment link deactivated: its URL no longer opens new checkouts.",
	"link_activated":   "Payment link active again.",
	"redelivered":      "Redelivery queued: each endpoint that wants the event gets it again.",
	"redelivered_none": "No webhook endpoint wants this event now: nothing was sent.",
	"dev_revoked":      "The key is revoked: it no longer works.",
	"dev_enabled":      "The endpoint is enabled: new events are sent to it.",
	"dev_disabled":     "The endpoint is disabled: no event is sent to it until you enable it.",
	"dev_deleted":      "The endpoint is deleted.",
	"dev_redelivered":  "The event is queued again for every endpoint that wants it.",
	"refund_created":   "Refund created. It is paid only when you send it from your wallet.",
	"refund_sent":      "Transaction recorded: the refund succeeds once the transfer is confirmed on chain.",
	"refund_canceled":  "Refund canceled: nothing is to be sent.",
	"session_accepted": "Accepted: the session is complete with what it received.",
}

// dashFail shows a page with one message and status.
func (s *Server) dashFail(c *gin.Context, status int, msg string) {
	s.dashRender(c, status, "message", "Dashboard", "", msg)
}

// dashError shows err as the API would explain it: invalid input and missing objects in
// words, anything else as unavailable.
func (s *Server) dashError(c *gin.Context, err error) {
	var e *apperr.Error
	switch {
	case errors.As(err, &e) && e.Kind == apperr.KindNotFound:
		s.dashFail(c, http.StatusNotFound, "Nothing here: it does not exist, or belongs to another account or mode.")
	case errors.As(err, &e) && e.Kind != apperr.KindInternal && e.Kind != apperr.KindUnavailable:
		s.dashFail(c, kindStatus(e.Kind), e.Message)
	default:
		s.log.Error("dashboard request failed", "path", c.Request.URL.Path, "err", err)
		s.dashFail(c, http.StatusServiceUnavailable, "The dashboard is unavailable for a moment: retry in a few seconds.")
	}
}

// kindStatus is the HTTP status of an error kind, as the API answers it.
func kindStatus(k apperr.Kind) int {
	status, _ := statusOf(&apperr.Error{Kind: k})
	return status
}

// setDashCookie stores (or, with "", clears) the session token: HttpOnly, SameSite=Lax,
// Secure whenever the service is reached over https.
func (s *Server) setDashCookie(c *gin.Context, token string, maxAge int) {
	secure := c.Request.TLS != nil || strings.HasPrefix(s.publicURL, "https://")
	http.SetCookie(c.Writer, &http.Cookie{Name: dashCookie, Value: token, Path: "/dashboard", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// overSignInBudget takes one try from the client IP's sign-in budget; when none is left it
// says when the next one is (Retry-After) and reports true.
func (s *Server) overSignInBudget(c *gin.Context) bool {
	ok, wait := s.loginLimit.allow(c.ClientIP())
	if !ok {
		c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfter(wait)))
	}
	return !ok
}

type loginBody struct {
	Email, Next, Err string
	AskCode          bool // the account has two-factor sign-in: the code field is shown first
}

func (b loginBody) FormError() string { return b.Err }

func (s *Server) dashLoginPage(c *gin.Context) {
	s.dashRender(c, http.StatusOK, "login", "Sign in", "", loginBody{Email: c.Query("email"), Next: safeNext(c.Query("next"))})
}

// safeNext keeps a post-sign-in destination inside the dashboard (no open redirect).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/dashboard") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/dashboard/payments"
	}
	return next
}

func (s *Server) dashLogin(c *gin.Context) {
	body := loginBody{Email: c.PostForm("email"), Next: safeNext(c.PostForm("next"))}
	if s.overSignInBudget(c) {
		body.Err = "Too many sign-in attempts from your network: wait a moment and try again."
		s.dashRender(c, http.StatusTooManyRequests, "login", "Sign in", "", body)
		return
	}
	token, _, err := s.accounts.SignIn(c.Request.Context(), body.Email, c.PostForm("password"), strings.TrimSpace(c.PostForm("code")))
	if err != nil {
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind == apperr.KindUnavailable || e.Kind == apperr.KindInternal {
			s.dashError(c, err)
			return
		}
		body.Err, body.AskCode = e.Message, e.Param == "code"
		s.dashRender(c, kindStatus(e.Kind), "login", "Sign in", "", body)
		return
	}
	s.setDashCookie(c, token, int(s.accounts.Policy().SessionMax/time.Second))
	c.Redirect(http.StatusSeeOther, body.Next)
}

type inviteBody struct {
	Token, Err string
}

func (b inviteBody) FormError() string { return b.Err }

func (s *Server) dashInvitePage(c *gin.Context) {
	s.dashRender(c, http.StatusOK, "invite", "Join the dashboard", "", inviteBody{Token: c.Param("token")})
}

func (s *Server) dashAcceptInvite(c *gin.Context) {
	body := inviteBody{Token: c.Param("token")}
	if s.overSignInBudget(c) { // each try hashes a password: budgeted like sign-ins
		body.Err = "Too many attempts from your network: wait a moment and try again."
		s.dashRender(c, http.StatusTooManyRequests, "invite", "Join the dashboard", "", body)
		return
	}
	if c.PostForm("password") != c.PostForm("password_again") {
		body.Err = "The two passwords differ."
		s.dashRender(c, http.StatusBadRequest, "invite", "Join the dashboard", "", body)
		return
	}
	u, err := s.accounts.Accept(c.Request.Context(), body.Token, c.PostForm("password"))
	if err != nil {
		if e, ok := apperr.As(err); ok && e.Kind != apperr.KindUnavailable && e.Kind != apperr.KindInternal {
			body.Err = e.Message
			s.dashRender(c, kindStatus(e.Kind), "invite", "Join the dashboard", "", body)
			return
		}
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/login?next=/dashboard/payments&email="+url.QueryEscape(u.Email))
}

func (s *Server) dashLogout(c *gin.Context) {
	if err := s.accounts.SignOut(c.Request.Context(), principal(c)); err != nil {
		s.dashError(c, err)
		return
	}
	s.setDashCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/dashboard/login")
}

func (s *Server) dashLogoutEverywhere(c *gin.Context) {
	if err := s.accounts.SignOutEverywhere(c.Request.Context(), principal(c)); err != nil {
		s.dashError(c, err)
		return
	}
	s.setDashCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/dashboard/login")
}

func (s *Server) dashMode(c *gin.Context) {
	live := c.PostForm("livemode") == "true"
	if live && !s.chains.HasLive() {
		s.dashFail(c, http.StatusBadRequest, "No live chain is configured: there is no live data to show.")
		return
	}
	if err := s.accounts.SetMode(c.Request.Context(), principal(c), live); err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/payments?notice=mode")
}
