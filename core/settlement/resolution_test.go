package settlement

import (
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

// The resolution policy's defaults and what a change may set.
func TestResolutionPolicyRules(t *testing.T) {
	ptr := func(s string) *string { return &s }
	for _, tc := range []struct {
		name      string
		change    *PolicyChange
		param     string // of the refusal, "" when accepted
		tolerance string // afterwards
		late      LatePayments
	}{
		{"nothing given: the defaults", nil, "", "0", LateManual},
		{"an empty change", &PolicyChange{}, "", "0", LateManual},
		{"a tolerance", &PolicyChange{Tolerance: ptr("2")}, "", "2", LateManual},
		{"the largest tolerance", &PolicyChange{Tolerance: ptr("10")}, "", "10", LateManual},
		{"a fine tolerance", &PolicyChange{Tolerance: ptr("0.0125")}, "", "0.0125", LateManual},
		{"a tolerance past 10", &PolicyChange{Tolerance: ptr("10.5")}, ParamTolerance, "0", LateManual},
		{"a negative tolerance", &PolicyChange{Tolerance: ptr("-1")}, ParamTolerance, "0", LateManual},
		{"too many decimals", &PolicyChange{Tolerance: ptr("1.00001")}, ParamTolerance, "0", LateManual},
		{"not a number", &PolicyChange{Tolerance: ptr("two")}, ParamTolerance, "0", LateManual},
		{"accept late payments", &PolicyChange{LatePayments: ptr("accept")}, "", "0", LateAccept},
		{"refund late payments", &PolicyChange{LatePayments: ptr("refund")}, "", "0", LateRefund},
		{"back to manual", &PolicyChange{LatePayments: ptr("manual")}, "", "0", LateManual},
		{"an unknown choice", &PolicyChange{LatePayments: ptr("ignore")}, ParamLatePayments, "0", LateManual},
		{"both", &PolicyChange{Tolerance: ptr("1.5"), LatePayments: ptr("refund")}, "", "1.5", LateRefund},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSettings("m", false)
			err := tc.change.apply(&s)
			if e, ok := apperr.As(err); (tc.param == "" && err != nil) || (tc.param != "" && (!ok || e.Param != tc.param)) {
				t.Fatalf("err = %v, want param %q", err, tc.param)
			}
			if tc.param != "" {
				return // a refused change is rolled back by the store; what it set does not matter
			}
			if got := s.Policy.UnderpaymentTolerancePercent.String(); got != tc.tolerance || s.Policy.LatePayments != tc.late {
				t.Fatalf("policy %s / %s, want %s / %s", got, s.Policy.LatePayments, tc.tolerance, tc.late)
			}
		})
	}
}

// A change of the policy is an update of the settings; the same value written otherwise ("2.0"
// for "2") is not.
func TestResolutionPolicyEvent(t *testing.T) {
	base := NewSettings("acct_1", false)
	_ = base.SetTolerance("2")
	with := func(f func(*Settings)) *Settings { c := base.snapshot(); f(c); return c }
	for _, tc := range []struct {
		name  string
		after *Settings
		want  string
	}{
		{"the same tolerance written otherwise", with(func(s *Settings) { _ = s.SetTolerance("2.00") }), ""},
		{"another tolerance", with(func(s *Settings) { _ = s.SetTolerance("1") }), event.SettlementSettingsUpdated},
		{"late payments refunded", with(func(s *Settings) { _ = s.SetLatePayments("refund") }), event.SettlementSettingsUpdated},
		{"late payments manual again", with(func(s *Settings) { _ = s.SetLatePayments("manual") }), ""},
	} {
		if got := SettingsEventType(&base, tc.after); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
