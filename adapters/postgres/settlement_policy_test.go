package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/settlement"
)

// The resolution policy is stored with the settings of its mode: the other mode keeps its own,
// and a merchant that never set one reads the defaults.
func TestResolutionPolicyStoredPerMode(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	m := newMerchant(t, st)
	repo := NewSettlement(st.db)
	if set, err := repo.Settings(ctx, m, false); err != nil || !set.Policy.Equal(settlement.DefaultResolutionPolicy()) {
		t.Fatalf("never set: %+v %v", set.Policy, err)
	}
	_, err := repo.UpdateSettings(ctx, m, false, func(s *settlement.Settings) ([]event.Event, error) {
		s.UpdatedAt = time.Now()
		if err := s.SetTolerance("2.5"); err != nil {
			return nil, err
		}
		return nil, s.SetLatePayments("refund")
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := repo.Settings(ctx, m, false)
	if err != nil || got.Policy.UnderpaymentTolerancePercent.String() != "2.5" || got.Policy.LatePayments != settlement.LateRefund {
		t.Fatalf("test mode's policy: %+v %v", got.Policy, err)
	}
	if live, err := repo.Settings(ctx, m, true); err != nil || !live.Policy.Equal(settlement.DefaultResolutionPolicy()) {
		t.Fatalf("live mode's policy: %+v %v", live.Policy, err)
	}
	// Policy, which every session creation reads, reads the same as the whole settings do.
	for _, live := range []bool{false, true} {
		set, err1 := repo.Settings(ctx, m, live)
		pol, err2 := repo.Policy(ctx, m, live)
		if err1 != nil || err2 != nil || !pol.Equal(set.Policy) {
			t.Fatalf("livemode %t: Policy %+v, Settings' %+v (%v, %v)", live, pol, set.Policy, err1, err2)
		}
	}
	// A row written before the policy existed (late_payments NULL) reads as manual.
	if _, err := st.db.pool.ExecContext(ctx, `UPDATE merchant_settlement SET late_payments = NULL WHERE merchant_id = $1`, m); err != nil {
		t.Fatal(err)
	}
	if got, err := repo.Settings(ctx, m, false); err != nil || got.Policy.LatePayments != settlement.LateManual {
		t.Fatalf("a NULL late_payments: %+v %v", got.Policy, err)
	}
}
