package http

import (
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/templates"
)

// contentSecurityPolicy allows only our own script and style; product images may be remote.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type pageRenderer struct {
	session, notFound *template.Template
	static            fs.FS
}

func newPageRenderer() (*pageRenderer, error) {
	session, err := template.ParseFS(templates.FS, "layout.html", "session.html")
	if err != nil {
		return nil, fmt.Errorf("parse session page: %w", err)
	}
	notFound, err := template.ParseFS(templates.FS, "layout.html", "notfound.html")
	if err != nil {
		return nil, fmt.Errorf("parse not-found page: %w", err)
	}
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return nil, err
	}
	return &pageRenderer{session: session, notFound: notFound, static: static}, nil
}

type pageItem struct {
	Name, Description, Unit, Total string
	Quantity                       int64
}

type pageData struct {
	Title, MerchantName, ID, Status, Total string
	Livemode                               bool
	Items                                  []pageItem
	ExpiresAtUnix                          int64
	ExpiresAtText, ExpiredAtText, TimeLeft string
	SuccessURL, CancelURL                  string
	AutoRefresh                            int
}

func securePage(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) hostedPage(c *gin.Context) {
	securePage(c)
	ctx := c.Request.Context()
	sess, err := s.read.LoadSession(ctx, c.Param("id"))
	if apperr.IsKind(err, apperr.KindNotFound) {
		c.Status(http.StatusNotFound)
		s.renderPage(c, s.page.notFound, pageData{Title: "Checkout not found", Livemode: true})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	m, err := s.mdb.GetMerchant(ctx, sess.MerchantID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	items, err := s.read.LoadLineItems(ctx, sess.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	now := s.now()
	d := pageData{
		Title: "Pay " + m.Name, MerchantName: m.Name, ID: sess.ID, Status: string(sess.Status),
		Livemode: sess.Livemode, Total: formatMoney(sess.AmountTotal, sess.Currency),
		ExpiresAtUnix: sess.ExpiresAt.Unix(), ExpiresAtText: sess.ExpiresAt.UTC().Format(clockFormat),
		TimeLeft:      timeLeft(sess.ExpiresAt.Sub(now)),
		ExpiredAtText: sess.ExpiresAt.UTC().Format(clockFormat),
		SuccessURL:    strings.ReplaceAll(sess.SuccessURL, "{CHECKOUT_SESSION_ID}", sess.ID),
		CancelURL:     sess.CancelURL,
	}
	if sess.ExpiredAt != nil {
		d.ExpiredAtText = sess.ExpiredAt.Format(clockFormat)
	}
	if sess.Open() {
		d.AutoRefresh = 15
	}
	for _, li := range items {
		d.Items = append(d.Items, pageItem{Name: li.Name, Description: li.ProductDescription, Quantity: li.Quantity,
			Unit: formatUnit(li.UnitAmountDecimal, li.Currency), Total: formatMoney(li.AmountTotal, li.Currency)})
	}
	s.renderPage(c, s.page.session, d)
}

// hostedStatus is what the page's script polls.
func (s *Server) hostedStatus(c *gin.Context) {
	securePage(c)
	sess, err := s.read.LoadSession(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"status": sess.Status, "payment_status": sess.PaymentStatus, "expires_at": sess.ExpiresAt.Unix(),
		"seconds_left": max(0, int64(sess.ExpiresAt.Sub(s.now()).Seconds())),
	})
}

func (s *Server) static(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Header("X-Content-Type-Options", "nosniff")
	c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(s.page.static))
}

func (s *Server) renderPage(c *gin.Context, t *template.Template, d pageData) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	if c.Writer.Status() == 0 {
		c.Status(http.StatusOK)
	}
	if err := t.ExecuteTemplate(c.Writer, "layout", d); err != nil {
		s.log.Error("render page", "err", err)
	}
}

func (s *Server) pageError(c *gin.Context, err error) {
	s.log.Error("hosted page failed", "path", c.Request.URL.Path, "err", err)
	c.Header("Retry-After", "5")
	c.Status(http.StatusServiceUnavailable)
	c.Header("Content-Type", "text/plain; charset=utf-8")
	_, _ = c.Writer.WriteString("The checkout is temporarily unavailable. Please retry in a few seconds.\n")
}

const clockFormat = "15:04 MST, 2 Jan 2006"

var symbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "krw": "₩"}

func formatMoney(amount int64, cur string) string {
	exp, _ := money.Exponent(cur)
	return withSymbol(money.Format(amount, exp), cur)
}

// formatUnit shows a unit price, keeping sub-minor precision when the price has it.
func formatUnit(unitMinor decimal.Decimal, cur string) string {
	exp, _ := money.Exponent(cur)
	major := unitMinor.Shift(-exp)
	places := max(exp, -major.Exponent())
	return withSymbol(major.StringFixed(places), cur)
}

func withSymbol(num, cur string) string {
	if sym, ok := symbols[cur]; ok {
		return sym + num
	}
	return num + " " + strings.ToUpper(cur)
}

// timeLeft renders a remaining duration for people: "59 min", "1 h 5 min", "45 s".
func timeLeft(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 s"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	default:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
}
