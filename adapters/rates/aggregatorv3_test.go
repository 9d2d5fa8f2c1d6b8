package rates

import (
	"encoding/hex"
	"testing"
)

// The binding must be Chainlink's AggregatorV3Interface itself, not a look-alike: every
// function a deployed feed answers, by its published selector.
func TestAggregatorV3BindingIsChainlinksInterface(t *testing.T) {
	parsed, err := AggregatorV3MetaData.GetAbi()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, signature, selector string }{
		{"decimals", "decimals()", "313ce567"},
		{"description", "description()", "7284e416"},
		{"version", "version()", "54fd4d50"},
		{"getRoundData", "getRoundData(uint80)", "9a6fc8f5"},
		{"latestRoundData", "latestRoundData()", "feaf968c"},
	} {
		m, ok := parsed.Methods[tc.name]
		if !ok || m.Sig != tc.signature || hex.EncodeToString(m.ID) != tc.selector {
			t.Errorf("%s: bound as %q with selector %x, want selector %s", tc.signature, m.Sig, m.ID, tc.selector)
		}
	}
	if len(parsed.Methods) != 5 {
		t.Errorf("the binding has %d methods, AggregatorV3Interface has 5", len(parsed.Methods))
	}
}
