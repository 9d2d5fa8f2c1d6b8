package http

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/shopspring/decimal"
	"rsc.io/qr"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
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
	Version                                string // changes whenever what the page shows changes
	Error                                  string
	Pay                                    *payView
	Choices                                []assetChoice
	CanChange                              bool
}

type assetChoice struct {
	ID, Label string
	Selected  bool
}

// payView is what the shopper needs to pay: the exact amount, where, and how far it got.
type payView struct {
	Symbol, ChainName, Address, Amount, Remaining, Seen string
	State                                               string
	Outstanding                                         bool         // something is still to send
	Partial                                             bool         // some has arrived (confirmed or not), not all
	URI                                                 template.URL // ethereum: scheme, built by us from validated parts
	QR                                                  template.URL // a data: URI, allowed by img-src
	ChainIDHex, TxTo, TxValueHex, TxData                string       // for the wallet button
	Payments                                            []pagePayment
}

type pagePayment struct {
	Amount, TxHash, Status string
	Confirmations, Needed  int64
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
	if sess.Crypto.Payments, err = s.read.ListPayments(ctx, sess.ID); err != nil {
		s.pageError(c, err)
		return
	}
	d.Error = c.Query("error")
	if err := s.fillPay(ctx, &d, sess); err != nil {
		s.pageError(c, err)
		return
	}
	d.Version = pageVersion(sess, d.Pay)
	if d.Pay != nil && d.Pay.Outstanding { // only the page shows it; the status poll does not need it
		if code, err := qr.Encode(string(d.Pay.URI), qr.M); err == nil {
			d.Pay.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
		}
	}
	s.renderPage(c, s.page.session, d)
}

// fillPay adds the asset choice or, once chosen, the payment instructions and progress.
func (s *Server) fillPay(ctx context.Context, d *pageData, sess *checkout.Session) error {
	cr := sess.Crypto
	d.CanChange = sess.Open()
	for _, p := range cr.Payments {
		if p.Status != chain.PaymentReverted {
			d.CanChange = false
		}
	}
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
	ledger := chain.Account(sess.Terms(), cr.Payments)
	seen := new(big.Int).Add(received, ledger.Pending)
	pv := &payView{Symbol: asset.Symbol, ChainName: ch.Name, Address: cr.DepositAddress, State: string(cr.State),
		Amount: chain.FormatUnits(cr.AmountDue, asset.Decimals), Seen: chain.FormatUnits(seen, asset.Decimals),
		Outstanding: ledger.Remaining.Sign() > 0, Partial: ledger.Remaining.Sign() > 0 && seen.Sign() > 0,
		Remaining: chain.FormatUnits(ledger.Remaining, asset.Decimals), URI: template.URL(eip681(asset, cr.DepositAddress, ledger.Remaining)),
		ChainIDHex: fmt.Sprintf("0x%x", asset.ChainID)}
	if ledger.Remaining.Sign() == 0 {
		pv.URI = template.URL(eip681(asset, cr.DepositAddress, cr.AmountDue))
	}
	pay := ledger.Remaining
	if pay.Sign() == 0 {
		pay = cr.AmountDue
	}
	if asset.Native() {
		pv.TxTo, pv.TxValueHex = cr.DepositAddress, fmt.Sprintf("0x%x", pay)
	} else { // ERC-20 transfer(address,uint256)
		pv.TxTo, pv.TxValueHex = asset.Contract, "0x0"
		pv.TxData = fmt.Sprintf("0xa9059cbb%064s%064x", strings.TrimPrefix(cr.DepositAddress, "0x"), pay)
	}
	var heights map[int64]uint64
	if len(cr.Payments) > 0 {
		heights = s.heights(ctx)
	}
	for _, p := range cr.Payments {
		if p.AssetID != cr.AssetID {
			continue
		}
		pv.Payments = append(pv.Payments, pagePayment{Amount: chain.FormatUnits(p.Amount, asset.Decimals), TxHash: p.TxHash,
			Status: string(p.Status), Confirmations: min(confirmations(p, heights[p.ChainID]), ch.Confirmations), Needed: ch.Confirmations})
	}
	d.Pay = pv
	return nil
}

// pageVersion changes whenever the page would show something new; the script reloads then.
func pageVersion(sess *checkout.Session, pv *payView) string {
	v := string(sess.Status) + "|" + string(sess.Crypto.State) + "|" + sess.Crypto.AssetID
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
	target := "/c/" + url.PathEscape(id)
	if _, err := s.sessions.SelectAssetForShopper(c.Request.Context(), id, c.PostForm("asset")); err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind == apperr.KindUnavailable || e.Kind == apperr.KindInternal {
			s.pageError(c, err)
			return
		}
		target += "?error=" + url.QueryEscape(e.Message)
	}
	c.Redirect(http.StatusSeeOther, target)
}

// hostedStatus is what the page's script polls.
func (s *Server) hostedStatus(c *gin.Context) {
	securePage(c)
	sess, err := s.read.LoadSession(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	if sess.Crypto.Payments, err = s.read.ListPayments(c.Request.Context(), sess.ID); err != nil {
		s.writeError(c, err)
		return
	}
	var d pageData
	if err := s.fillPay(c.Request.Context(), &d, sess); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{
		"status": sess.Status, "payment_status": sess.PaymentStatus, "expires_at": sess.ExpiresAt.Unix(),
		"seconds_left": max(0, int64(sess.ExpiresAt.Sub(s.now()).Seconds())),
		"crypto_state": sess.Crypto.State, "version": pageVersion(sess, d.Pay),
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
