package http

import (
	"bytes"
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/settlement"
)

// The money section: the balance still to pay out, the payouts with their balance transactions
// (and a payout's CSV, the same file as the CLI's export), and the settlement settings of the
// session's mode, over the same use cases as the API (settlement.Payouts and Service).

// dashMoneyRoutes registers the dashboard's money pages: read for every user, write for owners.
func (s *Server) dashMoneyRoutes(read, write *gin.RouterGroup) {
	read.GET("/money", s.dashMoney)
	read.GET("/money/payouts/:id", s.dashPayout)
	read.GET("/money/payouts/:id/export.csv", s.dashPayoutCSV)
	write.POST("/money/settings", s.dashSaveSettlement)
}

type balanceRow struct{ Asset, Amount string }

type payoutRow struct {
	ID, Status, Amount, Destination, Chain string
	Created, Arrival                       time.Time
}

// chainPayout is one per-chain payout address field of the settings form.
type chainPayout struct{ Key, Name, Address string }

// settingsForm is the settlement settings form, as stored or as the user typed it.
type settingsForm struct {
	Mode, PayoutAddress     string
	Chains                  []chainPayout
	Tolerance, LatePayments string // the resolution policy
	Updated                 time.Time
}

type moneyBody struct {
	Balance    []balanceRow
	BalanceFor []balanceRow // the same balance in fiat, per currency
	Lines      int
	Payouts    []payoutRow
	Status     string
	Next, Prev template.URL
	Settings   settingsForm
	Err        string
}

func (b moneyBody) FormError() string { return b.Err }

// moneyPage reads the balance, a page of payouts and the settings; form, when not nil, is
// shown instead of the stored settings (the user's input with an error).
func (s *Server) moneyPage(c *gin.Context, form *settingsForm) (moneyBody, error) {
	ctx, caller := c.Request.Context(), dashCaller(c)
	b := moneyBody{Status: c.Query("status")}
	bal, err := s.payouts.Balance(ctx, caller)
	if err != nil {
		return b, err
	}
	for _, a := range bal.Assets {
		b.Balance = append(b.Balance, balanceRow{Asset: a.AssetID, Amount: s.assetAmount(a.AssetID, a.Amount.String(), UnitsOf(s.chains, a.AssetID, a.Amount))})
	}
	for _, f := range bal.Fiat {
		b.BalanceFor = append(b.BalanceFor, balanceRow{Asset: strings.ToUpper(f.Currency), Amount: formatMoney(f.Amount, f.Currency)})
	}
	b.Lines = bal.Lines
	f := settlement.PayoutFilter{Status: b.Status, Params: paging.Params{Limit: dashPageSize,
		StartingAfter: c.Query("starting_after"), EndingBefore: c.Query("ending_before")}}
	page, err := s.payouts.List(ctx, caller, f)
	if err != nil {
		return b, err
	}
	for _, p := range page.Data {
		b.Payouts = append(b.Payouts, s.payoutRowOf(p))
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, f.Params, func(r payoutRow) string { return r.ID }, b.Payouts)
	if form != nil {
		b.Settings = *form
		return b, nil
	}
	set, err := s.settlement.Settings(ctx, caller)
	if err != nil {
		return b, err
	}
	b.Settings = settingsForm{Mode: string(set.Mode), Updated: set.UpdatedAt,
		Tolerance: set.Policy.UnderpaymentTolerancePercent.String(), LatePayments: string(set.Policy.LatePayments)}
	if a, ok := set.Payouts[settlement.AllChains]; ok {
		b.Settings.PayoutAddress = chain.Checksum(a.String())
	}
	for _, ch := range s.modeChains(caller.Livemode) {
		cp := chainPayout{Key: ch.Key, Name: ch.Name}
		if a, ok := set.Payouts[ch.ID]; ok {
			cp.Address = chain.Checksum(a.String())
		}
		b.Settings.Chains = append(b.Settings.Chains, cp)
	}
	return b, nil
}

// assetAmount shows an amount of an asset in whole units with its symbol.
func (s *Server) assetAmount(assetID, base, units string) string {
	a, ok := s.chains.Asset(assetID)
	if !ok {
		return base + " (base units of " + assetID + ")"
	}
	return units + " " + a.Symbol
}

// modeChains are the configured chains of the session's mode, in the chains file's order.
func (s *Server) modeChains(livemode bool) []chain.Chain {
	var out []chain.Chain
	for _, ch := range s.chains.Chains {
		if ch.Livemode == livemode {
			out = append(out, ch)
		}
	}
	return out
}

func (s *Server) payoutRowOf(p settlement.Payout) payoutRow {
	row := payoutRow{ID: p.ID, Status: string(p.Status), Amount: "—", Destination: chain.Checksum(p.Destination.String()),
		Created: p.Created, Arrival: p.ArrivalDate}
	if p.Currency != "" {
		row.Amount = formatMoney(p.Amount, p.Currency)
	}
	if ch, ok := s.chains.Chain(p.ChainID); ok {
		row.Chain = ch.Name
	}
	return row
}

func (s *Server) dashMoney(c *gin.Context) {
	b, err := s.moneyPage(c, nil)
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, http.StatusOK, "money", "Balance & payouts", "money", b)
}

func (s *Server) dashSaveSettlement(c *gin.Context) {
	caller := dashCaller(c)
	form := settingsForm{Mode: c.PostForm("deposit_addresses"), PayoutAddress: strings.TrimSpace(c.PostForm("payout_address"))}
	change := settlement.Change{Mode: &form.Mode, PayoutAddress: &form.PayoutAddress, ChainPayouts: map[string]string{},
		Policy: policyOfForm(c, &form)}
	for _, ch := range s.modeChains(caller.Livemode) {
		addr := strings.TrimSpace(c.PostForm("chain_" + ch.Key))
		form.Chains = append(form.Chains, chainPayout{Key: ch.Key, Name: ch.Name, Address: addr})
		change.ChainPayouts[ch.Key] = addr
	}
	_, err := s.settlement.Update(c.Request.Context(), caller, change)
	if msg, ok := asUserError(err); ok {
		b, err := s.moneyPage(c, &form)
		if err != nil {
			s.dashError(c, err)
			return
		}
		b.Err = msg
		s.dashRender(c, http.StatusBadRequest, "money", "Balance & payouts", "money", b)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/money?notice=saved#settings")
}

// policyOfForm reads the resolution policy's fields the form sent (an absent one is unchanged;
// an emptied tolerance is none, 0).
func policyOfForm(c *gin.Context, form *settingsForm) *settlement.PolicyChange {
	var p settlement.PolicyChange
	if v, ok := c.GetPostForm("underpayment_tolerance_percent"); ok {
		form.Tolerance = cmp.Or(strings.TrimSpace(v), "0")
		p.Tolerance = &form.Tolerance
	}
	if v, ok := c.GetPostForm("late_payments"); ok {
		form.LatePayments = v
		p.LatePayments = &form.LatePayments
	}
	return &p
}

type lineRow struct {
	ID, Type, Session, Reference, Amount, Fiat, Fee string
	Created                                         time.Time
}

type payoutBody struct {
	Payout               payoutRow
	TxHash, Fee, Explore string
	Forwarders           int
	Amounts              []balanceRow
	Lines                []lineRow
	Next, Prev           template.URL
}

func (s *Server) dashPayout(c *gin.Context) {
	ctx, caller := c.Request.Context(), dashCaller(c)
	p, err := s.payouts.Retrieve(ctx, caller, c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	f := settlement.LineFilter{PayoutID: p.ID, Params: paging.Params{Limit: dashPageSize,
		StartingAfter: c.Query("starting_after"), EndingBefore: c.Query("ending_before")}}
	page, err := s.payouts.ListLines(ctx, caller, f)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := payoutBody{Payout: s.payoutRowOf(p), TxHash: p.TxHash, Forwarders: p.Forwarders}
	if ch, ok := s.chains.Chain(p.ChainID); ok && ch.ExplorerURL != "" && p.TxHash != "" {
		b.Explore = strings.TrimRight(ch.ExplorerURL, "/") + "/tx/" + p.TxHash
	}
	if p.NetworkFee != nil {
		b.Fee = p.NetworkFee.String() + " (base units of the chain's native coin)"
		if ch, ok := s.chains.Chain(p.ChainID); ok {
			b.Fee = chain.FormatUnits(p.NetworkFee, ch.Native.Decimals) + " " + ch.Native.Symbol
		}
	}
	for _, a := range p.Amounts {
		b.Amounts = append(b.Amounts, balanceRow{Asset: a.AssetID, Amount: s.assetAmount(a.AssetID, a.Amount.String(), UnitsOf(s.chains, a.AssetID, a.Amount))})
	}
	for _, l := range page.Data {
		row := lineRow{ID: l.ID, Type: l.Type, Session: l.SessionID, Reference: l.ClientReferenceID, Fiat: "—", Created: l.Created,
			Amount: s.assetAmount(l.AssetID, l.Amount.String(), UnitsOf(s.chains, l.AssetID, l.Amount))}
		if l.Currency != "" && (l.FiatAmount != 0 || l.Type == settlement.TypePayment) {
			row.Fiat = formatMoney(l.FiatAmount, l.Currency)
		}
		b.Lines = append(b.Lines, row)
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, f.Params, func(r lineRow) string { return r.ID }, b.Lines)
	s.dashRender(c, http.StatusOK, "payout", "Payout "+p.ID, "money", b)
}

// dashPayoutCSV downloads a payout's balance transactions, oldest first, as the CLI's
// 'payouts export --csv' writes them. The file is built whole before anything is sent, so a
// failure midway answers an error page, never half a file.
func (s *Server) dashPayoutCSV(c *gin.Context) {
	p, lines, err := s.payouts.Export(c.Request.Context(), dashCaller(c), c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	slices.Reverse(lines) // listed newest first; a ledger reads oldest first
	var buf bytes.Buffer
	if err := WritePayoutCSV(&buf, s.chains, p, lines); err != nil {
		s.dashError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="payout-`+p.ID+`.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
