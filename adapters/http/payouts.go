package http

import (
	"context"
	"encoding/json"
	"math/big"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// payoutJSON is Stripe's payout. Stripe's amount is fiat; a sweep moves crypto, so the crypto
// truth sits under "crypto" and amount is the fiat total of the payout's balance transactions
// (null, as currency, when they mix currencies). arrival_date is when the sweep was confirmed
// (null before).
type payoutJSON struct {
	ID                        string            `json:"id"`
	Object                    string            `json:"object"`
	Amount                    *int64            `json:"amount"`
	ArrivalDate               *int64            `json:"arrival_date"`
	Automatic                 bool              `json:"automatic"`
	BalanceTransaction        *string           `json:"balance_transaction"`
	Created                   int64             `json:"created"`
	Currency                  *string           `json:"currency"`
	Description               *string           `json:"description"`
	Destination               string            `json:"destination"`
	FailureBalanceTransaction *string           `json:"failure_balance_transaction"`
	FailureCode               *string           `json:"failure_code"`
	FailureMessage            *string           `json:"failure_message"`
	Livemode                  bool              `json:"livemode"`
	Metadata                  map[string]string `json:"metadata"`
	Method                    string            `json:"method"`
	SourceType                string            `json:"source_type"`
	StatementDescriptor       *string           `json:"statement_descriptor"`
	Status                    string            `json:"status"`
	Type                      string            `json:"type"`
	Crypto                    payoutCryptoJSON  `json:"crypto"`
}

// payoutCryptoJSON is our addition: what the sweep moved, where, in which transaction.
type payoutCryptoJSON struct {
	Chain       string            `json:"chain"`
	ChainID     int64             `json:"chain_id"`
	Destination string            `json:"destination"`
	TxHash      *string           `json:"tx_hash"`
	Amounts     []assetAmountJSON `json:"amounts"`
	NetworkFee  *string           `json:"network_fee"`
	Forwarders  int               `json:"forwarders"`
}

type assetAmountJSON struct {
	Asset         string `json:"asset"`
	Amount        string `json:"amount"`
	AmountDecimal string `json:"amount_decimal"`
}

// failureMessages explain the failure codes a payout may carry.
var failureMessages = map[string]string{
	"sweep_reverted": "The sweep transaction reverted on chain; its balance transactions wait for the next sweep.",
}

// EncodePayout implements settlement.Encoder: the payout as the API shows it, for its events.
func (s *Renderer) EncodePayout(_ context.Context, p settlement.Payout) ([]byte, error) {
	return json.Marshal(s.renderPayout(p))
}

func (s *Renderer) renderPayout(p settlement.Payout) payoutJSON {
	dest := chain.Checksum(p.Destination.String())
	out := payoutJSON{ID: p.ID, Object: "payout", Automatic: true, Created: p.Created.Unix(), Destination: dest,
		FailureCode: opt(p.FailureCode), Livemode: p.Livemode, Metadata: map[string]string{}, Method: "standard",
		SourceType: "crypto", Status: string(p.Status), Type: "crypto_wallet",
		Crypto: payoutCryptoJSON{ChainID: p.ChainID, Destination: dest, TxHash: opt(p.TxHash), Amounts: []assetAmountJSON{},
			Forwarders: p.Forwarders}}
	if p.Currency != "" {
		amount := p.Amount
		out.Amount, out.Currency = &amount, &p.Currency
	}
	if !p.ArrivalDate.IsZero() {
		at := p.ArrivalDate.Unix()
		out.ArrivalDate = &at
	}
	if msg, ok := failureMessages[p.FailureCode]; ok {
		out.FailureMessage = &msg
	}
	if ch, ok := s.chains.Chain(p.ChainID); ok {
		out.Crypto.Chain = ch.Key
	}
	for _, a := range p.Amounts {
		out.Crypto.Amounts = append(out.Crypto.Amounts, assetAmountJSON{Asset: a.AssetID, Amount: a.Amount.String(),
			AmountDecimal: s.unitsOf(a.AssetID, a.Amount)})
	}
	if p.NetworkFee != nil {
		fee := p.NetworkFee.String()
		out.Crypto.NetworkFee = &fee
	}
	return out
}

// unitsOf is amount of asset in whole units ("" for an asset no longer configured).
func (s *Renderer) unitsOf(assetID string, amount *big.Int) string {
	a, ok := s.chains.Asset(assetID)
	if !ok {
		return ""
	}
	return chain.FormatUnits(amount, a.Decimals)
}

// balanceTransactionJSON is Stripe's balance transaction: amount, fee and net in the session's
// fiat currency at its locked rate (fee 0: the sweep's gas is the operator's, shown for
// information under crypto.network_fee); source is the session. Our additions: payout, the
// session's client_reference_id and metadata (for reconciliation) and crypto.
type balanceTransactionJSON struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Amount            int64             `json:"amount"`
	AvailableOn       *int64            `json:"available_on"`
	Created           int64             `json:"created"`
	Currency          string            `json:"currency"`
	Description       *string           `json:"description"`
	ExchangeRate      *string           `json:"exchange_rate"`
	Fee               int64             `json:"fee"`
	FeeDetails        []struct{}        `json:"fee_details"`
	Net               int64             `json:"net"`
	ReportingCategory string            `json:"reporting_category"`
	Source            *string           `json:"source"`
	Status            string            `json:"status"`
	Type              string            `json:"type"`
	Payout            *string           `json:"payout"`
	ClientReferenceID *string           `json:"client_reference_id"`
	Metadata          map[string]string `json:"metadata"`
	Crypto            lineCryptoJSON    `json:"crypto"`
}

type lineCryptoJSON struct {
	Asset         string  `json:"asset"`
	ChainID       int64   `json:"chain_id"`
	Amount        string  `json:"amount"`
	AmountDecimal string  `json:"amount_decimal"`
	NetworkFee    string  `json:"network_fee"`
	Address       *string `json:"address"` // the forwarder; null for a refund, paid from the merchant's wallet
	Payment       *string `json:"payment"`
}

// reportingCategories are Stripe's reporting categories of our line types.
var reportingCategories = map[string]string{settlement.TypePayment: "charge", settlement.TypeAdjustment: "other_adjustment",
	settlement.TypeRefund: "refund"}

func (s *Renderer) renderLine(l settlement.Line) balanceTransactionJSON {
	out := balanceTransactionJSON{ID: l.ID, Object: "balance_transaction", Amount: l.FiatAmount, Created: l.Created.Unix(),
		Currency: l.Currency, FeeDetails: []struct{}{}, Net: l.FiatAmount, ReportingCategory: reportingCategories[l.Type],
		Source: opt(l.SessionID), Status: string(l.Status), Type: l.Type, Payout: opt(l.PayoutID),
		ClientReferenceID: opt(l.ClientReferenceID), Metadata: nonNilMap(l.Metadata),
		Crypto: lineCryptoJSON{Asset: l.AssetID, ChainID: l.ChainID, Amount: l.Amount.String(),
			AmountDecimal: s.unitsOf(l.AssetID, l.Amount), NetworkFee: "0", Payment: opt(l.PaymentID)}}
	if !l.Address.IsZero() {
		out.Crypto.Address = opt(chain.Checksum(l.Address.String()))
	}
	if l.NetworkFee != nil {
		out.Crypto.NetworkFee = l.NetworkFee.String()
	}
	if !l.AvailableOn.IsZero() {
		at := l.AvailableOn.Unix()
		out.AvailableOn = &at
	}
	return out
}

type listPayoutsParams struct {
	pageParams
	Status *string `json:"status"`
}

func (s *Server) listPayouts(c *gin.Context) {
	var p listPayoutsParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	f := settlement.PayoutFilter{Params: p.paging()}
	if p.Status != nil {
		f.Status = *p.Status
	}
	page, err := s.payouts.List(c.Request.Context(), callerOf(c), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList("/v1/payouts", page, s.renderPayout))
}

func (s *Server) getPayout(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	p, err := s.payouts.Retrieve(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderPayout(p))
}

type listLinesParams struct {
	pageParams
	Payout *string `json:"payout"`
	Type   *string `json:"type"`
}

func (s *Server) listBalanceTransactions(c *gin.Context) {
	var p listLinesParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	f := settlement.LineFilter{Params: p.paging()}
	if p.Payout != nil {
		f.PayoutID = *p.Payout
	}
	if p.Type != nil {
		f.Type = *p.Type
	}
	page, err := s.payouts.ListLines(c.Request.Context(), callerOf(c), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList("/v1/balance_transactions", page, s.renderLine))
}

func (s *Server) getBalanceTransaction(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	l, err := s.payouts.Line(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderLine(l))
}
