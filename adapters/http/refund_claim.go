package http

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/templates"
)

// The public claim page of a refund: the shopper names the address the merchant will send the
// refund to. The secret in its URL is the only credential, as with the hosted page's ID.

func newClaimTemplate() (*template.Template, error) {
	t, err := template.ParseFS(templates.FS, "layout.html", "refund_claim.html")
	if err != nil {
		return nil, fmt.Errorf("parse refund claim page: %w", err)
	}
	return t, nil
}

// Where the claim page stands, for the shopper.
const (
	claimOpen      = "claim"   // the form: no destination yet, the link still valid
	claimExpired   = "expired" // the link lapsed unclaimed
	claimPending   = "pending" // claimed; the merchant has not sent it, or it is confirming
	claimSucceeded = "succeeded"
	claimFailed    = "failed"
	claimCanceled  = "canceled"
)

// claimData is what refund_claim.html shows; Title, Livemode and AutoRefresh are the layout's.
type claimData struct {
	Title                       string
	Livemode                    bool
	AutoRefresh                 int
	NotFound                    bool
	State                       string
	Merchant                    string
	Fiat, FiatValue, Currency   string // the refund's worth at the session's locked rate
	Crypto, Symbol, ChainName   string // what the destination receives
	RoundedUp                   bool
	Action                      string // the form's target
	Address                     string // what the shopper typed, kept when it was refused
	Destination, DestinationURL string
	TxHash, TxURL               string
	ExpiresAtText, ExpiresAtISO string
	Error                       string
	LiveReload                  bool // the state can still change by itself: the script reloads the page
}

// claimAction is the claim page's path: the one place that spells it (its form posts there,
// the API's claim_url and the dashboard's claim link are built from it).
func claimAction(secret string) string { return "/refunds/claim/" + url.PathEscape(secret) }

// claimPage shows the refund behind the secret: the form while it awaits its destination,
// then where it stands.
func (s *Server) claimPage(c *gin.Context) {
	securePage(c)
	s.showClaim(c, c.Param("secret"), http.StatusOK, "", "")
}

// claimRefund takes the shopper's address (typed, or filled from their wallet by the page's
// script); a refused one re-renders the form with the reason.
func (s *Server) claimRefund(c *gin.Context) {
	securePage(c)
	secret := c.Param("secret")
	if err := c.Request.ParseForm(); err != nil {
		s.showClaim(c, secret, http.StatusBadRequest, "The form could not be read; please enter the address again.", "")
		return
	}
	address := strings.TrimSpace(c.Request.PostForm.Get("address"))
	_, err := s.refunds.Claim(c.Request.Context(), secret, address)
	if err == nil {
		c.Redirect(http.StatusSeeOther, claimAction(secret))
		return
	}
	e, ok := apperr.As(err)
	switch {
	case !ok || e.Kind == apperr.KindInternal || e.Kind == apperr.KindUnavailable:
		s.claimUnavailable(c, err)
	case e.Kind == apperr.KindNotFound:
		s.claimNotFound(c)
	case e.Kind == apperr.KindInvalid:
		s.showClaim(c, secret, http.StatusBadRequest, claimErrorText(e), address)
	default: // already claimed or expired meanwhile: the page as it stands now, with why
		s.showClaim(c, secret, http.StatusConflict, e.Message, "")
	}
}

// claimErrorText is the reason an address was refused, in the page's words: core names the
// form's field by its parameter name, which the shopper never sees.
func claimErrorText(e *apperr.Error) string {
	if e.Code == "parameter_missing" {
		return "Enter the address that should receive the refund."
	}
	if rest, ok := strings.CutPrefix(e.Message, e.Param+" "); ok && e.Param != "" {
		return "The text you entered " + rest
	}
	return e.Message
}

func (s *Server) showClaim(c *gin.Context, secret string, status int, errText, typed string) {
	ctx := c.Request.Context()
	v, err := s.refunds.ClaimPage(ctx, secret)
	if apperr.IsKind(err, apperr.KindNotFound) {
		s.claimNotFound(c)
		return
	}
	if err != nil {
		s.claimUnavailable(c, err)
		return
	}
	if v.Merchant == "" {
		v.Merchant = s.merchantName(ctx, v.Refund.MerchantID)
	}
	d := s.claimView(v, s.now())
	d.Error, d.Address, d.Action = errText, typed, claimAction(secret)
	if d.State == claimExpired && status == http.StatusOK {
		status = http.StatusGone
	}
	c.Status(status)
	s.renderClaim(c, d)
}

// merchantName names the merchant on the page; without it the page names none.
func (s *Server) merchantName(ctx context.Context, merchantID string) string {
	m, err := s.merchants.Get(ctx, merchantID)
	if err != nil {
		s.log.WarnContext(ctx, "refund claim page: merchant name unavailable", "merchant", merchantID, "err", err)
		return ""
	}
	return m.Name
}

// claimView is the page's view of the refund at now.
func (s *Server) claimView(v refund.ClaimView, now time.Time) claimData {
	r := v.Refund
	d := claimData{Livemode: r.Livemode, Merchant: v.Merchant, State: claimStateOf(r, now),
		Fiat: formatMoney(r.Amount, r.Currency), FiatValue: plainMoney(r.Amount, r.Currency), Currency: strings.ToUpper(r.Currency),
		Crypto: chain.FormatUnits(r.CryptoAmount, r.Decimals), Symbol: v.Asset.Symbol, ChainName: v.Chain.Name,
		RoundedUp: r.RoundedUp, TxHash: r.TxHash, TxURL: v.Chain.TxURL(r.TxHash),
		ExpiresAtText: r.ClaimExpiresAt.UTC().Format(clockFormat), ExpiresAtISO: r.ClaimExpiresAt.UTC().Format(time.RFC3339)}
	if d.Symbol == "" { // an asset no longer configured: its ID still says what it is
		d.Symbol = r.AssetID
	}
	if d.ChainName == "" {
		d.ChainName = fmt.Sprintf("chain %d", r.ChainID)
	}
	if r.Destination != "" {
		d.Destination = chain.Checksum(r.Destination)
		d.DestinationURL = v.Chain.AddressURL(d.Destination)
	}
	d.Title = "Refund"
	if v.Merchant != "" {
		d.Title = "Refund from " + v.Merchant
	}
	if !r.Livemode {
		d.Title += " (test mode)"
	}
	if d.State == claimPending {
		d.LiveReload, d.AutoRefresh = true, 30
	}
	return d
}

// claimStateOf is where the refund stands for the shopper. An unclaimed refund whose link
// lapsed shows as expired at once, before its workflow records the failure.
func claimStateOf(r refund.Refund, now time.Time) string {
	probe := r
	switch {
	case probe.ExpireClaim(now):
		return claimExpired
	case r.Status == refund.StatusRequiresAction:
		return claimOpen
	case r.Status == refund.StatusFailed && r.FailureReason == refund.FailureClaimExpired:
		return claimExpired
	case r.Status == refund.StatusPending:
		return claimPending
	case r.Status == refund.StatusSucceeded:
		return claimSucceeded
	case r.Status == refund.StatusCanceled:
		return claimCanceled
	}
	return claimFailed
}

func (s *Server) renderClaim(c *gin.Context, d claimData) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := s.page.claim.ExecuteTemplate(c.Writer, "layout", d); err != nil {
		s.log.Error("render refund claim page", "err", err)
	}
}

func (s *Server) claimNotFound(c *gin.Context) {
	c.Status(http.StatusNotFound)
	s.renderClaim(c, claimData{Title: "Refund link not found", Livemode: true, NotFound: true})
}

// claimUnavailable answers a failure of the service itself; the log names the route, never
// the secret in the path.
func (s *Server) claimUnavailable(c *gin.Context, err error) {
	s.log.Error("refund claim page failed", "route", c.FullPath(), "request_id", c.GetString(ctxRequestID), "err", err)
	c.Header("Retry-After", "5")
	c.Header("Content-Type", "text/plain; charset=utf-8")
	c.Status(http.StatusServiceUnavailable)
	_, _ = c.Writer.WriteString("The refund page is temporarily unavailable. Please retry in a few seconds.\n")
}
