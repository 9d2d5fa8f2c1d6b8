package http

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
	"rsc.io/qr"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/templates"
)

// contentSecurityPolicy allows only our own script and style; product images may be remote.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

type pageRenderer struct {
	session, notFound, gone *template.Template
	claim                   *template.Template // a refund's claim page
	static                  fs.FS
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
	gone, err := template.ParseFS(templates.FS, "layout.html", "gone.html")
	if err != nil {
		return nil, fmt.Errorf("parse gone page: %w", err)
	}
	claim, err := newClaimTemplate()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		return nil, err
	}
	return &pageRenderer{session: session, notFound: notFound, gone: gone, claim: claim, static: static}, nil
}

type pageItem struct {
	ID, Name, Description, Unit, Total string
	TotalValue                         string // the total as a plain decimal, for the browser's own number format
	Quantity, Min, Max                 int64
	Adjustable                         bool   // the shopper may change the quantity now
	Per                                string // a recurring item's period ("month", "3 months"); "" once only
}

type pageData struct {
	Title, MerchantName, ID, Status, Total string
	ChainStale                             bool   // the chain cannot be watched now: payments still count, the session waits
	Extended                               string // time given back to the session for such outages ("" none)
	TotalValue, Currency                   string // plain decimal and ISO code, for the browser's own number format
	ExpiresAtISO                           string
	Livemode                               bool
	Items                                  []pageItem
	ExpiresAtUnix                          int64
	ExpiresAtText, ExpiredAtText, TimeLeft string
	SuccessURL, CancelURL                  string
	AutoRefresh                            int
	Version                                string // changes whenever what the page shows changes
	Error, Notice                          string
	Embed, EmbedOrigin                     string // an embedded session's client secret and the origin framing it
	Pay                                    *payView
	Renewal                                string // a subscription: what each later period costs and how it is paid
	Choices                                []assetChoice
	CanChange                              bool
	Refunds                                []pageRefund // of a closed session that received funds
}

// pageRefund is a refund as the shopper sees it: one awaiting their address (with its claim
// link), or on its way.
type pageRefund struct {
	Amount, Fiat, State string
	ClaimURL            string // while the shopper's address is awaited
	ClaimUntil          string
	TxURL, TxHash       string
}

type assetChoice struct {
	ID, Label string
	Selected  bool
}

// payView is what the shopper needs to pay: the exact amount, where, and how far it got.
type payView struct {
	Symbol, ChainName, Address, Amount, Remaining, Seen string
	State                                               string
	QuoteLeft                                           string       // how long the price holds, for volatile assets
	Outstanding                                         bool         // something is still to send
	Partial                                             bool         // some has arrived (confirmed or not), not all
	URI                                                 template.URL // ethereum: scheme, built by us from validated parts
	QR                                                  template.URL // a data: URI, allowed by img-src
	ChainIDHex, TxTo, TxValueHex, TxData                string       // for the wallet button
	AddressURL                                          string       // the address on the chain's explorer, if configured
	PublicRPC, Explorer, NativeSymbol                   string       // for a wallet that lacks the chain (wallet_addEthereumChain)
	NativeDecimals                                      int32
	Payments                                            []pagePayment
	Mandate                                             *mandateView // a subscription that can renew from the wallet
}

// mandateView is the automatic renewal the wallet button can set up before it pays: the
// shopper approves the collector on the token and authorizes the mandate's terms.
type mandateView struct {
	Token, Collector, ApproveData, AuthorizeData string
	Amount, Allowance, Payee                     string
	Periods                                      int
}

type pagePayment struct {
	Amount, TxHash, TxURL, Status string
	Confirmations, Needed         int64
}

func securePage(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

// pageTarget is the page a form goes back to, still embedded when it was.
func pageTarget(id, embed string) string {
	if embed == "" {
		return "/c/" + url.PathEscape(id)
	}
	return "/c/" + url.PathEscape(id) + "?embed=" + url.QueryEscape(embed)
}

// withParam adds one query parameter to a page path.
func withParam(target, key, value string) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + key + "=" + url.QueryEscape(value)
}

// allowFraming lets origin (an embedded session's return_url's, checked by core) frame the
// page; every other page keeps frame-ancestors 'none'.
func allowFraming(c *gin.Context, origin string) {
	c.Header("Content-Security-Policy", strings.Replace(contentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors "+origin, 1))
}

// maxPageBody caps what the page's form may send; nothing is read past it.
const maxPageBody = 4 << 10

// capBody bounds every request body on the hosted page before anything parses it.
func capBody(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPageBody)
	c.Next()
}

// pageErrors are the only texts the page shows for ?error=: chosen by code, never taken
// from the URL, so a link cannot make a real checkout page say what a phisher wants.
var pageErrors = map[string]string{
	"payment_already_received":  "A payment was already received in the selected asset; it can no longer change.",
	"quantity_locked":           "The quantities can no longer change once a way to pay was chosen.",
	"quantity_invalid":          "That quantity is not available for this item.",
	"checkout_session_not_open": "This checkout is no longer open.",
	"asset_unavailable":         "That asset cannot be used for this checkout right now; please choose another.",
	"parameter_missing":         "Please choose how to pay.",
	"simulation_invalid":        "That test amount is not possible: enter a positive amount, at most the amount due.",
	"nothing_due":               "Nothing is due: the payments seen cover the amount.",
	"simulation_unavailable":    "Simulated payments need a test chain with a funded development account (such as geth --dev).",
}

// pageNotices are the confirmations a form may ask the page to show, chosen by code like errors.
var pageNotices = map[string]string{
	"simulated": "Test payment sent from the development account: it shows here once the chain has it.",
}

func pageErrorText(code string) string {
	if code == "" {
		return ""
	}
	if msg, ok := pageErrors[code]; ok {
		return msg
	}
	return "That did not work; please try again."
}

func (s *Server) hostedPage(c *gin.Context) {
	securePage(c)
	v, err := s.sessions.ShopperView(c.Request.Context(), c.Param("id"), true)
	if apperr.IsKind(err, apperr.KindNotFound) {
		c.Status(http.StatusNotFound)
		s.renderPage(c, s.page.notFound, pageData{Title: "Checkout not found", Livemode: true})
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	sess, now := v.Session, s.now()
	due := sess.Due()
	d := pageData{
		Title: pageTitle(v.MerchantName, sess.Livemode), MerchantName: v.MerchantName, ID: sess.ID, Status: string(sess.Status),
		Livemode: sess.Livemode, Total: formatMoney(sess.AmountTotal, sess.Currency),
		ExpiresAtUnix: due.Unix(), ExpiresAtText: due.UTC().Format(clockFormat),
		ExpiresAtISO: due.UTC().Format(time.RFC3339), Currency: strings.ToUpper(sess.Currency),
		TotalValue:    plainMoney(sess.AmountTotal, sess.Currency),
		TimeLeft:      timeLeft(due.Sub(now)),
		ExpiredAtText: due.UTC().Format(clockFormat),
		ChainStale:    v.ChainStale,
		Extended:      extendedBy(sess),
		SuccessURL:    sess.ReturnTo(),
		CancelURL:     sess.CancelURL,
		Error:         pageErrorText(c.Query("error")),
		Notice:        pageNotices[c.Query("notice")],
	}
	if sess.ExpiredAt != nil {
		d.ExpiredAtText = sess.ExpiredAt.Format(clockFormat)
	}
	if origin := sess.EmbedOrigin(c.Query("embed")); origin != "" { // its client secret: framed by its merchant's site only
		allowFraming(c, origin)
		d.Embed, d.EmbedOrigin = c.Query("embed"), origin
	}
	if sess.Open() {
		d.AutoRefresh = 15
	}
	adjustable := sess.QuantitiesAdjustable()
	for _, li := range v.LineItems {
		d.Items = append(d.Items, pageItem{ID: li.ID, Name: li.Name, Description: li.ProductDescription, Quantity: li.Quantity,
			Unit: formatUnit(li.UnitAmountDecimal, li.Currency), Total: formatMoney(li.AmountTotal, li.Currency),
			TotalValue: plainMoney(li.AmountTotal, li.Currency),
			Adjustable: adjustable && li.Adjustable.Enabled, Min: li.Adjustable.Minimum, Max: li.Adjustable.Maximum,
			Per: periodWords(li.Recurring)})
	}
	if plan, ok := checkout.PlanOf(v.LineItems); ok && sess.Mode == checkout.ModeSubscription {
		d.Renewal = fmt.Sprintf("Then %s every %s. Each renewal is an invoice the merchant sends you, paid on a page like this one.",
			formatMoney(checkout.RenewalAmount(v.LineItems), sess.Currency), periodWords(&plan))
	}
	if err := s.fillPay(&d, v, now); err != nil {
		s.pageError(c, err)
		return
	}
	s.offerMandate(&d, v)
	if d.Refunds, err = s.pageRefunds(c, sess, now); err != nil {
		s.pageError(c, err)
		return
	}
	d.Version = pageVersion(sess, d.Pay, v.ChainStale)
	if d.Pay != nil && d.Pay.Outstanding { // only the page shows it; the status poll does not need it
		if code, err := qr.Encode(string(d.Pay.URI), qr.M); err == nil {
			d.Pay.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
		}
	}
	s.renderPage(c, s.page.session, d)
}

// fillPay adds the asset choice or, once chosen, the payment instructions and progress.
func (s *Server) fillPay(d *pageData, v *checkout.ShopperView, now time.Time) error {
	sess := v.Session
	cr := sess.Crypto
	d.CanChange = !v.AssetLocked
	for _, a := range s.acceptedAssets(sess) {
		name := a.ChainKey
		if ch, ok := s.chains.Chain(a.ChainID); ok {
			name = ch.Name
		}
		d.Choices = append(d.Choices, assetChoice{ID: a.ID, Label: a.Symbol + " on " + name, Selected: a.ID == cr.AssetID})
	}
	if cr.AssetID == "" {
		return nil
	}
	asset, ok := s.chains.Asset(cr.AssetID)
	if !ok {
		return fmt.Errorf("session %s uses unconfigured asset %s", sess.ID, cr.AssetID)
	}
	ch, _ := s.chains.Chain(asset.ChainID)
	received := new(big.Int)
	if cr.AmountReceived != nil {
		received = cr.AmountReceived
	}
	ledger := v.Ledger
	seen := new(big.Int).Add(received, ledger.Pending)
	pay := ledger.Remaining
	if pay.Sign() == 0 {
		pay = cr.AmountDue
	}
	req := chain.RequestPayment(asset, cr.DepositAddress, pay)
	pv := &payView{Symbol: asset.Symbol, ChainName: ch.Name, Address: chain.Checksum(cr.DepositAddress), State: string(cr.State),
		Amount: chain.FormatUnits(cr.AmountDue, asset.Decimals), Seen: chain.FormatUnits(seen, asset.Decimals),
		Outstanding: ledger.Remaining.Sign() > 0, Partial: ledger.Remaining.Sign() > 0 && seen.Sign() > 0,
		Remaining: chain.FormatUnits(ledger.Remaining, asset.Decimals), URI: template.URL(req.URI),
		ChainIDHex: req.ChainIDHex, TxTo: req.To, TxValueHex: req.ValueHex, TxData: req.Data, AddressURL: ch.AddressURL(cr.DepositAddress),
		PublicRPC: ch.PublicRPCURL, Explorer: ch.ExplorerURL, NativeSymbol: ch.Native.Symbol, NativeDecimals: ch.Native.Decimals}
	if !cr.QuoteExpiresAt.IsZero() && ledger.Seen == 0 {
		pv.QuoteLeft = timeLeft(cr.QuoteExpiresAt.Sub(now))
	}
	for _, p := range cr.Payments {
		if p.AssetID != cr.AssetID || p.Dust {
			continue
		}
		pv.Payments = append(pv.Payments, pagePayment{Amount: chain.FormatUnits(p.Amount, asset.Decimals), TxHash: p.TxHash, TxURL: ch.TxURL(p.TxHash),
			Status: string(p.Status), Confirmations: min(int64(p.Confirmations(v.Heights[p.ChainID])), ch.Confirmations), Needed: ch.Confirmations})
	}
	d.Pay = pv
	return nil
}

// pageRefunds are the session's refunds the shopper has something to see of: awaiting their
// claim, or pending or succeeded (a failed or canceled one is the merchant's business).
func (s *Server) pageRefunds(c *gin.Context, sess *checkout.Session, now time.Time) ([]pageRefund, error) {
	if s.refunds == nil {
		return nil, nil
	}
	refunds, err := s.refunds.ShopperRefunds(c.Request.Context(), sess)
	if err != nil {
		return nil, err
	}
	var out []pageRefund
	for _, r := range refunds {
		pr := pageRefund{Amount: s.assetAmount(r.AssetID, r.CryptoAmount.String(), chain.FormatUnits(r.CryptoAmount, r.Decimals)),
			Fiat: formatMoney(r.Amount, r.Currency), State: string(r.Status), TxHash: r.TxHash}
		switch r.Status {
		case refund.StatusRequiresAction:
			if !now.Before(r.ClaimExpiresAt) {
				continue
			}
			pr.ClaimURL, pr.ClaimUntil = s.claimURL(r.ClaimSecret), r.ClaimExpiresAt.UTC().Format(clockFormat)
		case refund.StatusPending, refund.StatusSucceeded:
			if ch, ok := s.chains.Chain(r.ChainID); ok && r.TxHash != "" {
				pr.TxURL = ch.TxURL(r.TxHash)
			}
		default:
			continue
		}
		out = append(out, pr)
	}
	return out, nil
}

// offerMandate adds automatic renewal to the wallet button of a session that can have it
// (billing decides); any reason it cannot leaves it out.
func (s *Server) offerMandate(d *pageData, v *checkout.ShopperView) {
	sess := v.Session
	if s.billing == nil || d.Pay == nil {
		return
	}
	offer, err := s.billing.MandateOffer(sess, v.LineItems)
	if err != nil {
		return
	}
	if plan, ok := checkout.PlanOf(v.LineItems); ok {
		d.Renewal = fmt.Sprintf("Then %s every %s, paid from your wallet if you let it renew automatically below; otherwise each renewal is an invoice paid on a page like this one.",
			formatMoney(checkout.RenewalAmount(v.LineItems), sess.Currency), periodWords(&plan))
	}
	asset, _ := s.chains.Asset(offer.Terms.AssetID)
	d.Pay.Mandate = &mandateView{Token: chain.Checksum(offer.Terms.Token), Collector: chain.Checksum(offer.Terms.Collector),
		ApproveData: hexData(offer.ApproveData), AuthorizeData: hexData(offer.AuthorizeData),
		Amount: chain.FormatUnits(offer.Terms.Amount, asset.Decimals), Allowance: chain.FormatUnits(offer.Terms.Allowance(), asset.Decimals),
		Payee: chain.Checksum(offer.Terms.Payee), Periods: billing.AllowancePeriods}
}

func hexData(b []byte) string { return "0x" + hex.EncodeToString(b) }

// pageVersion changes whenever the page would show something new; the script reloads then.
func pageVersion(sess *checkout.Session, pv *payView, stale bool) string {
	v := string(sess.Status) + "|" + string(sess.Crypto.State) + "|" + sess.Crypto.AssetID +
		fmt.Sprintf("|%t|%d", stale, sess.Due().Unix()) // the delay notice and the countdown change the page
	if pv != nil {
		for _, p := range pv.Payments {
			v += fmt.Sprintf("|%s:%s:%d", p.TxHash, p.Status, p.Confirmations)
		}
	}
	return v
}

// hostedSelect is the page's asset form (POST, then redirect back: works without JavaScript).
func (s *Server) hostedSelect(c *gin.Context) {
	securePage(c)
	id := c.Param("id")
	target := pageTarget(id, c.Query("embed"))
	if err := c.Request.ParseForm(); err != nil {
		c.Redirect(http.StatusSeeOther, withParam(target, "error", "parameter_missing"))
		return
	}
	_, err := s.sessions.SelectAssetForShopper(c.Request.Context(), id, c.Request.PostForm.Get("asset"))
	s.backToPage(c, target, err, func(e *apperr.Error) string {
		if e.Param == "asset" && e.Code != "parameter_missing" {
			return "asset_unavailable"
		}
		return e.Code
	})
}

// hostedQuantity is the page's quantity form for adjustable items (POST, then back to the page).
func (s *Server) hostedQuantity(c *gin.Context) {
	securePage(c)
	id := c.Param("id")
	target := pageTarget(id, c.Query("embed"))
	if err := c.Request.ParseForm(); err != nil {
		c.Redirect(http.StatusSeeOther, withParam(target, "error", "quantity_invalid"))
		return
	}
	qty, err := strconv.ParseInt(c.Request.PostForm.Get("quantity"), 10, 64)
	if err != nil {
		c.Redirect(http.StatusSeeOther, withParam(target, "error", "quantity_invalid"))
		return
	}
	_, err = s.sessions.SetQuantity(c.Request.Context(), id, c.Request.PostForm.Get("item"), qty)
	s.backToPage(c, target, err, func(e *apperr.Error) string {
		if e.Kind == apperr.KindInvalid {
			return "quantity_invalid"
		}
		return e.Code
	})
}

// hostedSimulate is the test-mode "Simulate payment" form: it pays what is due, or the typed
// part, from the dev chain's funded account; live sessions are refused by core.
func (s *Server) hostedSimulate(c *gin.Context) {
	securePage(c)
	id := c.Param("id")
	target := pageTarget(id, c.Query("embed"))
	if err := c.Request.ParseForm(); err != nil {
		c.Redirect(http.StatusSeeOther, withParam(target, "error", "simulation_invalid"))
		return
	}
	_, err := s.sessions.SimulatePayment(c.Request.Context(), id, strings.TrimSpace(c.Request.PostForm.Get("amount")))
	if err == nil {
		c.Redirect(http.StatusSeeOther, withParam(target, "notice", "simulated"))
		return
	}
	s.backToPage(c, target, err, func(e *apperr.Error) string {
		if e.Param == "amount" && e.Code == "parameter_invalid" {
			return "simulation_invalid"
		}
		return e.Code
	})
}

// backToPage answers a page form: back to the page, with the error's code (chosen by code)
// when the shopper's choice was refused; a missing session is the not-found page.
func (s *Server) backToPage(c *gin.Context, target string, err error, code func(*apperr.Error) string) {
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.KindUnavailable || e.Kind == apperr.KindInternal {
			s.pageError(c, err)
			return
		}
		if e.Kind == apperr.KindNotFound {
			c.Status(http.StatusNotFound)
			s.renderPage(c, s.page.notFound, pageData{Title: "Checkout not found", Livemode: true})
			return
		}
		target = withParam(target, "error", code(e))
	}
	c.Redirect(http.StatusSeeOther, target)
}

// hostedStatus is what the page's script polls.
func (s *Server) hostedStatus(c *gin.Context) {
	securePage(c)
	v, err := s.sessions.ShopperView(c.Request.Context(), c.Param("id"), false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var d pageData
	if err := s.fillPay(&d, v, s.now()); err != nil {
		s.writeError(c, err)
		return
	}
	sess := v.Session
	c.JSON(http.StatusOK, gin.H{
		"status": sess.Status, "payment_status": sess.PaymentStatus, "expires_at": sess.Due().Unix(),
		"seconds_left": max(0, int64(sess.Due().Sub(s.now()).Seconds())), "chain_delayed": v.ChainStale,
		"crypto_state": sess.Crypto.State, "version": pageVersion(sess, d.Pay, v.ChainStale),
	})
}

// extendedBy says how much time outages of the chain's view gave back to an open session.
func extendedBy(sess *checkout.Session) string {
	if !sess.Open() || !sess.Due().After(sess.ExpiresAt) {
		return ""
	}
	return timeLeft(sess.Due().Sub(sess.ExpiresAt))
}

// pageTitle names the merchant, and the test mode where it applies (tabs show only the title).
func pageTitle(merchant string, livemode bool) string {
	if livemode {
		return "Pay " + merchant
	}
	return "Pay " + merchant + " (test mode)"
}

// favicon answers browsers that ask for /favicon.ico whatever the page says.
func (s *Server) favicon(c *gin.Context) {
	c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg")
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

// plainMoney is a minor-unit amount as a decimal string ("19.99").
func plainMoney(amount int64, cur string) string {
	exp, _ := money.Exponent(cur)
	return money.Format(amount, exp)
}

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

// periodWords names a recurring period for the shopper: "month", "3 months"; "" for none.
func periodWords(r *catalog.RecurringTerms) string {
	if r == nil {
		return ""
	}
	if r.IntervalCount == 1 {
		return string(r.Interval)
	}
	return fmt.Sprintf("%d %ss", r.IntervalCount, r.Interval)
}
