package http

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/refund"
)

func decodeRefund(t *testing.T, ctype, body string) (createRefundParams, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/refunds", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	var p createRefundParams
	tree, err := readParams(r)
	if err != nil {
		return p, err
	}
	return p, bindParams(tree, &p)
}

// crypto[amount] is an exact number of base units: digits only, in either encoding.
func TestRefundCryptoAmount(t *testing.T) {
	cases := []struct {
		name, ctype, body string
		want              string // the amount bound; "" when refused or unset
		code              string
	}{
		{"form digits", "application/x-www-form-urlencoded", "crypto[amount]=1500000", "1500000", ""},
		{"beyond int64", "application/x-www-form-urlencoded", "crypto[amount]=123456789012345678901234567890", "123456789012345678901234567890", ""},
		{"json string", "application/json", `{"crypto":{"amount":"1000000000000000000"}}`, "1000000000000000000", ""},
		{"json number", "application/json", `{"crypto":{"amount":1000000000000000000000}}`, "1000000000000000000000", ""},
		{"zero is left to the refund's rules", "application/x-www-form-urlencoded", "crypto[amount]=0", "0", ""},
		{"empty form value leaves it unset", "application/x-www-form-urlencoded", "crypto[amount]=", "", ""},
		{"negative", "application/x-www-form-urlencoded", "crypto[amount]=-5", "", "parameter_invalid_integer"},
		{"plus sign", "application/x-www-form-urlencoded", "crypto[amount]=%2B5", "", "parameter_invalid_integer"},
		{"decimal point", "application/x-www-form-urlencoded", "crypto[amount]=1.5", "", "parameter_invalid_integer"},
		{"json fraction", "application/json", `{"crypto":{"amount":1.5}}`, "", "parameter_invalid_integer"},
		{"json exponent", "application/json", `{"crypto":{"amount":1e18}}`, "", "parameter_invalid_integer"},
		{"hex", "application/x-www-form-urlencoded", "crypto[amount]=0x10", "", "parameter_invalid_integer"},
		{"spaces", "application/x-www-form-urlencoded", "crypto[amount]=+10", "", "parameter_invalid_integer"},
		{"words", "application/x-www-form-urlencoded", "crypto[amount]=ten", "", "parameter_invalid_integer"},
		{"json boolean", "application/json", `{"crypto":{"amount":true}}`, "", "parameter_invalid_integer"},
		{"longer than any uint256", "application/x-www-form-urlencoded", "crypto[amount]=" + strings.Repeat("9", 79), "", "parameter_invalid_integer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := decodeRefund(t, tc.ctype, tc.body)
			if tc.code != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tc.code || e.Param != "crypto[amount]" {
					t.Fatalf("err = %#v, want %s on crypto[amount]", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := p.params("cs_1").CryptoAmount
			if (tc.want == "") != (got == nil) || (got != nil && got.String() != tc.want) {
				t.Fatalf("crypto[amount] = %v, want %q", got, tc.want)
			}
		})
	}
}

// Every parameter of POST /v1/refunds reaches the use case; others are refused by name.
func TestRefundParams(t *testing.T) {
	p, err := decodeRefund(t, "application/x-www-form-urlencoded", "checkout_session=cs_1&amount=250&reason=duplicate"+
		"&metadata[order]=42&crypto[destination]=0xabc&crypto[claim_expires_in]=7200")
	if err != nil {
		t.Fatal(err)
	}
	got := p.params(*p.CheckoutSession)
	if got.Session != "cs_1" || got.Amount == nil || *got.Amount != 250 || got.Reason != "duplicate" ||
		got.Metadata["order"] != "42" || got.Destination != "0xabc" || got.ClaimTTL != 2*time.Hour || got.CryptoAmount != nil {
		t.Fatalf("params = %+v", got)
	}
	for _, tc := range []struct{ body, code, param string }{
		{"charge=ch_1", "parameter_unknown", "charge"},
		{"crypto[asset]=eth", "parameter_unknown", "crypto[asset]"},
		{"amount=1.5", "parameter_invalid_integer", "amount"},
		{"crypto[claim_expires_in]=soon", "parameter_invalid_integer", "crypto[claim_expires_in]"},
	} {
		if _, err := decodeRefund(t, "application/x-www-form-urlencoded", tc.body); !isParamErr(err, tc.code, tc.param) {
			t.Errorf("%s: err = %#v, want %s on %s", tc.body, err, tc.code, tc.param)
		}
	}
}

func isParamErr(err error, code, param string) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == code && e.Param == param
}

// crypto[claim_expires_in] never wraps around: what no duration holds stays out of range.
func TestClaimTTL(t *testing.T) {
	for _, tc := range []struct {
		secs    int64
		inRange bool
	}{
		{3600, true}, {30 * 24 * 3600, true}, {0, false}, {-1, false}, {1 << 62, false}, {9223372036854775807, false},
	} {
		d := claimTTL(tc.secs)
		if got := d >= refund.MinClaimTTL && d <= refund.MaxClaimTTL; got != tc.inRange {
			t.Errorf("claimTTL(%d) = %s, in range %v, want %v", tc.secs, d, got, tc.inRange)
		}
	}
}

func testRenderer() *Renderer {
	cfg := chain.Config{Chains: []chain.Chain{{Key: "dev", ID: 1337, Name: "Dev chain", ExplorerURL: "https://explorer.example",
		Confirmations: 3, Native: chain.Token{Symbol: "ETH", Decimals: 18},
		Tokens: []chain.Token{{Symbol: "tUSD", Contract: "0x00000000000000000000000000000000000000c0", Decimals: 6}}}}}
	return NewRenderer("https://pay.example/", cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

const testDest = "0x52908400098527886e0f7030069857d2e4169ee7" // EIP-55: 0x52908400098527886E0F7030069857D2E4169EE7

func sampleRefund() refund.Refund {
	return refund.Refund{ID: "re_1", SessionID: "cs_test_1", Status: refund.StatusRequiresAction, Amount: 500, Currency: "usd",
		AssetID: "tusd@dev", ChainID: 1337, Decimals: 6, CryptoAmount: big.NewInt(5_000_001), RoundedUp: true,
		ClaimSecret: "re_1_claim_abc", ClaimExpiresAt: time.Unix(1_800_000_000, 0), Created: time.Unix(1_700_000_000, 0)}
}

// The refund renders as Stripe's object with its crypto additions, nulls where nothing is known.
func TestRenderRefund(t *testing.T) {
	rd := testRenderer()
	raw, err := rd.EncodeRefund(t.Context(), sampleRefund())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"re_1","object":"refund","amount":500,"balance_transaction":null,"charge":null,"checkout_session":"cs_test_1",` +
		`"created":1700000000,"currency":"usd","failure_reason":null,"livemode":false,"metadata":{},` +
		`"next_action":{"type":"claim","claim":{"url":"https://pay.example/refunds/claim/re_1_claim_abc","expires_at":1800000000}},` +
		`"payment_intent":null,"reason":null,"status":"requires_action",` +
		`"crypto":{"asset":"tusd@dev","chain_id":1337,"amount":"5000001","amount_decimal":"5.000001","rounded_up":true,` +
		`"destination":null,"destination_source":null,"claim_url":"https://pay.example/refunds/claim/re_1_claim_abc",` +
		`"claim_expires_at":1800000000,"transaction_hash":null,"last_transaction_error":null,"block_number":null}}`
	if !bytes.Equal(raw, []byte(want)) {
		t.Fatalf("refund JSON\n got %s\nwant %s", raw, want)
	}

	r := sampleRefund()
	r.Status, r.Destination, r.DestinationBy, r.TxHash, r.TxBlock = refund.StatusSucceeded, testDest, refund.DestinationByCustomer, "0xabc", 42
	var o map[string]any
	if err := json.Unmarshal(mustJSON(t, rd, r), &o); err != nil {
		t.Fatal(err)
	}
	c := o["crypto"].(map[string]any)
	if o["next_action"] != nil || c["claim_url"] != nil || c["destination"] != "0x52908400098527886E0F7030069857D2E4169EE7" ||
		c["destination_source"] != "customer" || c["transaction_hash"] != "0xabc" || c["block_number"] != float64(42) {
		t.Fatalf("succeeded refund: %v", o)
	}
	r.Status, r.FailureReason = refund.StatusFailed, refund.FailureClaimExpired
	if err := json.Unmarshal(mustJSON(t, rd, r), &o); err != nil || o["failure_reason"] != "claim_expired" {
		t.Fatalf("failed refund: %v %v", o, err)
	}
}

func mustJSON(t *testing.T, rd *Renderer, r refund.Refund) []byte {
	t.Helper()
	raw, err := rd.EncodeRefund(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
