package chain

import "testing"

// TestHasLive: live keys are issued only when some chain is live.
func TestHasLive(t *testing.T) {
	tests := []struct {
		name   string
		chains []Chain
		want   bool
	}{
		{"none", nil, false},
		{"test chains only", []Chain{{Key: "dev"}, {Key: "sepolia"}}, false},
		{"one live among test chains", []Chain{{Key: "dev"}, {Key: "base", Livemode: true}}, true},
	}
	for _, tt := range tests {
		if got := (Config{Chains: tt.chains}).HasLive(); got != tt.want {
			t.Errorf("%s: HasLive = %v, want %v", tt.name, got, tt.want)
		}
	}
}
