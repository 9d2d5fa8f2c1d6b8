package http

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// settingsJSON is the merchant's settlement settings of the key's mode (an addition to Stripe's API).
type settingsJSON struct {
	Object           string            `json:"object"`
	Livemode         bool              `json:"livemode"`
	DepositAddresses string            `json:"deposit_addresses"`
	PayoutAddress    *string           `json:"payout_address"`
	PayoutAddresses  map[string]string `json:"payout_addresses"` // by chain key
	ResolutionPolicy policyJSON        `json:"resolution_policy"`
	Updated          *int64            `json:"updated"`
}

// policyJSON is the resolution policy of the settings' mode.
type policyJSON struct {
	Tolerance    string `json:"underpayment_tolerance_percent"`
	LatePayments string `json:"late_payments"`
}

// EncodeSettings implements settlement.SettingsEncoder: the settings as GET
// /v1/settlement_settings shows them, for their events.
func (s *Renderer) EncodeSettings(_ context.Context, set settlement.Settings) ([]byte, error) {
	return json.Marshal(s.renderSettings(set))
}

// chainKey names a configured chain by ID ("" for AllChains or an unknown chain).
func (s *Renderer) chainKey(id int64) string {
	for _, ch := range s.chains.Chains {
		if ch.ID == id {
			return ch.Key
		}
	}
	return ""
}

func (s *Renderer) renderSettings(set settlement.Settings) settingsJSON {
	out := settingsJSON{Object: "settlement_settings", Livemode: set.Livemode, DepositAddresses: string(set.Mode), PayoutAddresses: map[string]string{},
		ResolutionPolicy: policyJSON{Tolerance: set.Policy.UnderpaymentTolerancePercent.String(), LatePayments: string(set.Policy.LatePayments)}}
	ids := make([]int64, 0, len(set.Payouts))
	for id := range set.Payouts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		addr := chain.Checksum(set.Payouts[id].String())
		if id == settlement.AllChains {
			out.PayoutAddress = &addr
		} else if key := s.chainKey(id); key != "" {
			out.PayoutAddresses[key] = addr
		}
	}
	if !set.UpdatedAt.IsZero() {
		u := set.UpdatedAt.Unix()
		out.Updated = &u
	}
	return out
}

func (s *Server) getSettlementSettings(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	set, err := s.settlement.Settings(c.Request.Context(), callerOf(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderSettings(set))
}

func (s *Server) updateSettlementSettings(c *gin.Context) {
	var p settlement.Change
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	set, err := s.settlement.Update(c.Request.Context(), callerOf(c), p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderSettings(set))
}
