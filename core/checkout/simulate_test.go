package checkout

import (
	"math/big"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

func TestSimulationAmount(t *testing.T) {
	open := func() *Session {
		return &Session{ID: "cs_test_1", Status: StatusOpen, Crypto: Crypto{AssetID: "tusd@dev", DepositAddress: "0xabc",
			Decimals: 6, AmountDue: big.NewInt(39_980_000)}}
	}
	due := chain.Ledger{Remaining: big.NewInt(9_980_000)}
	for _, tc := range []struct {
		name   string
		change func(*Session)
		ledger chain.Ledger
		part   string
		want   int64  // base units, when accepted
		code   string // of the refusal
	}{
		{"what is still due", func(*Session) {}, due, "", 9_980_000, ""},
		{"a part, to try an underpayment", func(*Session) {}, due, "10", 10_000_000, ""},
		{"the whole amount due", func(*Session) {}, due, "39.98", 39_980_000, ""},
		{"more than due", func(*Session) {}, due, "39.981", 0, "parameter_invalid"},
		{"too precise", func(*Session) {}, due, "1.0000001", 0, "parameter_invalid"},
		{"not a number", func(*Session) {}, due, "ten", 0, "parameter_invalid"},
		{"zero", func(*Session) {}, due, "0", 0, "parameter_invalid"},
		{"nothing due", func(*Session) {}, chain.Ledger{Remaining: new(big.Int)}, "", 0, "nothing_due"},
		{"live session", func(s *Session) { s.Livemode = true }, due, "", 0, "simulation_live_mode"},
		{"no asset yet", func(s *Session) { s.Crypto.AssetID, s.Crypto.DepositAddress = "", "" }, due, "", 0, "asset_missing"},
		{"expired", func(s *Session) { s.Status = StatusExpired }, due, "", 0, "checkout_session_not_open"},
	} {
		s := open()
		tc.change(s)
		got, err := s.SimulationAmount(tc.ledger, tc.part)
		if tc.code != "" {
			if e, ok := apperr.As(err); !ok || e.Code != tc.code {
				t.Errorf("%s: %v, want refusal %s", tc.name, err, tc.code)
			}
			continue
		}
		if err != nil || got.Int64() != tc.want {
			t.Errorf("%s: %v, %v; want %d", tc.name, got, err, tc.want)
		}
	}
}
