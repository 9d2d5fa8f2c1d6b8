package settlement

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
)

// policyReads counts the store's policy reads.
type policyReads struct {
	settingsMemory
	reads int
}

func (p *policyReads) Policy(ctx context.Context, merchantID string, livemode bool) (ResolutionPolicy, error) {
	p.reads++
	return p.settingsMemory.Policy(ctx, merchantID, livemode)
}

// TestCreationPolicy: a create reuses the policy within the cache's bound; a change through
// the service is seen by the next create; one made elsewhere once the bound has passed.
func TestCreationPolicy(t *testing.T) {
	type step struct {
		at             time.Duration // since the start
		do             string        // "create", "update" (through the service), "elsewhere" (straight in the store)
		tolerance      string        // update/elsewhere: the new default; create: the one wanted
		wantReadsSofar int
	}
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"no cache: every create reads", 0, []step{
			{0, "create", "0", 1}, {time.Second, "create", "0", 2}}},
		{"cached within the bound", 5 * time.Second, []step{
			{0, "create", "0", 1}, {4 * time.Second, "create", "0", 1}, {5 * time.Second, "create", "0", 2}}},
		{"a change through the service is seen at once", 5 * time.Second, []step{
			{0, "create", "0", 1}, {time.Second, "update", "2.5", 1}, {time.Second, "create", "2.5", 2}}},
		{"a change elsewhere is seen once the bound has passed", 5 * time.Second, []step{
			{0, "create", "0", 1}, {time.Second, "elsewhere", "1", 1}, {4 * time.Second, "create", "0", 1},
			{5 * time.Second, "create", "1", 2}}},
		{"modes are cached apart", 5 * time.Second, []step{
			{0, "create", "0", 1}, {0, "create-live", "0", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			now := start
			store := &policyReads{settingsMemory: settingsMemory{set: map[bool]Settings{}}}
			svc, err := NewService(store, chain.Config{}, settingsEncoder{}, func() time.Time { return now }, CachePolicies(tt.ttl))
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				now = start.Add(s.at)
				switch s.do {
				case "update":
					tol := s.tolerance
					if _, err := svc.Update(context.Background(), merchant.Caller{MerchantID: "acct_1"},
						Change{Policy: &PolicyChange{Tolerance: &tol}}); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				case "elsewhere":
					set, _ := store.Settings(context.Background(), "acct_1", false)
					if err := set.SetTolerance(s.tolerance); err != nil {
						t.Fatal(err)
					}
					store.set[false] = set
				case "create", "create-live":
					pol, err := svc.CreationPolicy(context.Background(), "acct_1", s.do == "create-live")
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if got := pol.UnderpaymentTolerancePercent.String(); got != s.tolerance {
						t.Errorf("step %d at %v: tolerance %s, want %s", i, s.at, got, s.tolerance)
					}
				}
				if store.reads != s.wantReadsSofar {
					t.Errorf("step %d at %v: %d policy reads so far, want %d", i, s.at, store.reads, s.wantReadsSofar)
				}
			}
		})
	}
}
