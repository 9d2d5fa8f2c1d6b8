package http

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// HeightReader tells how far each chain's scanner has read: confirmations are counted from it.
type HeightReader interface {
	ScannedHeights(ctx context.Context) (map[int64]uint64, error)
}

type assetJSON struct {
	ID       string  `json:"id"`
	Object   string  `json:"object"`
	Symbol   string  `json:"symbol"`
	Chain    string  `json:"chain"`
	ChainID  int64   `json:"chain_id"`
	Decimals int32   `json:"decimals"`
	Contract *string `json:"contract"`
	Peg      *string `json:"peg"`
	Livemode bool    `json:"livemode"`
}

func renderAsset(a chain.Asset) assetJSON {
	return assetJSON{ID: a.ID, Object: "crypto.asset", Symbol: a.Symbol, Chain: a.ChainKey, ChainID: a.ChainID,
		Decimals: a.Decimals, Contract: opt(a.Contract), Peg: opt(a.Peg), Livemode: a.Livemode}
}

func (s *Server) listAssets(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	assets := s.sessions.Assets(callerOf(c))
	c.JSON(http.StatusOK, newList("/v1/crypto/assets", paging.Page[chain.Asset]{Data: assets}, renderAsset))
}

func (s *Server) selectAsset(c *gin.Context) {
	var p checkout.SelectAssetParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	asset := ""
	if p.Asset != nil {
		asset = *p.Asset
	}
	sess, err := s.sessions.SelectAsset(c.Request.Context(), callerOf(c), c.Param("id"), asset)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if sess.Crypto.Payments == nil {
		sess.Crypto.Payments = []chain.Payment{}
	}
	c.JSON(http.StatusOK, s.renderSession(c.Request.Context(), sess))
}

type paymentJSON struct {
	ID                    string `json:"id"`
	Object                string `json:"object"`
	ChainID               int64  `json:"chain_id"`
	Asset                 string `json:"asset"`
	TxHash                string `json:"tx_hash"`
	LogIndex              int64  `json:"log_index"`
	BlockNumber           uint64 `json:"block_number"`
	From                  string `json:"from"`
	Amount                string `json:"amount"`
	AmountDecimal         string `json:"amount_decimal"`
	Confirmations         int64  `json:"confirmations"`
	ConfirmationsRequired int64  `json:"confirmations_required"`
	Status                string `json:"status"`
	Created               int64  `json:"created"`
}

// fillCrypto renders the crypto object; heights may be nil when the caller has none.
func (s *Renderer) fillCrypto(o *cryptoJSON, sess *checkout.Session, heights map[int64]uint64) {
	cr := sess.Crypto
	o.State = string(cr.State)
	if cr.AssetID != "" {
		o.Asset, o.DepositAddress = opt(cr.AssetID), opt(chain.Checksum(cr.DepositAddress))
		o.SettlementDestination = opt(chain.Checksum(cr.SettlementDestination))
		id := cr.ChainID
		o.ChainID = &id
		rate := cr.Rate.String()
		o.Rate = &rate
		if cr.AmountDue != nil {
			due, dueDec := cr.AmountDue.String(), chain.FormatUnits(cr.AmountDue, cr.Decimals)
			o.AmountDue, o.AmountDueDecimal = &due, &dueDec
		}
		if !cr.QuoteExpiresAt.IsZero() {
			at := cr.QuoteExpiresAt.Unix()
			o.QuoteExpiresAt = &at
		}
		if due := sess.Due(); due.After(sess.ExpiresAt) {
			at := due.Unix()
			o.DeadlineExtendedTo = &at
		}
		received := chain.FormatUnits(cr.AmountReceived, cr.Decimals)
		o.AmountReceivedDecimal = &received
	}
	o.AmountReceived = "0" // base units, never an empty string, before anything arrived
	if cr.AmountReceived != nil {
		o.AmountReceived = cr.AmountReceived.String()
	}
	o.AcceptedAssets = cr.AcceptedAssets
	o.PaymentTolerancePercent = cr.TolerancePercent.String()
	o.Payments = []paymentJSON{}
	for _, p := range cr.Payments {
		required := int64(0)
		if ch, ok := s.chains.Chain(p.ChainID); ok {
			required = ch.Confirmations
		}
		decimals := cr.Decimals
		if a, ok := s.chains.Asset(p.AssetID); ok {
			decimals = a.Decimals
		}
		o.Payments = append(o.Payments, paymentJSON{ID: p.ID, Object: "crypto.payment", ChainID: p.ChainID,
			Asset: p.AssetID, TxHash: p.TxHash, LogIndex: p.LogIndex, BlockNumber: p.BlockNumber, From: chain.Checksum(p.From),
			Amount: p.Amount.String(), AmountDecimal: chain.FormatUnits(p.Amount, decimals),
			Confirmations: int64(p.Confirmations(heights[p.ChainID])), ConfirmationsRequired: required,
			Status: string(p.Status), Created: p.DetectedAt.Unix()})
	}
}

func (s *Renderer) heights(ctx context.Context) map[int64]uint64 {
	if s.heightSource == nil {
		return nil
	}
	h, err := s.heightSource.ScannedHeights(ctx)
	if err != nil {
		s.log.Warn("scanner heights unavailable; confirmations shown as 0", "err", err)
		return nil
	}
	return h
}

// acceptedAssets lists the session's assets in its order, for the page.
func (s *Server) acceptedAssets(sess *checkout.Session) []chain.Asset {
	var out []chain.Asset
	for _, id := range sess.Crypto.AcceptedAssets {
		if a, ok := s.chains.Asset(id); ok {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b chain.Asset) int { return strings.Compare(a.ChainKey, b.ChainKey) })
	return out
}
