package http

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/money"
)

// fuzzAssets are the assets a fuzzed session may accept.
var fuzzAssets = []chain.Asset{{ID: "eth@dev", ChainID: 1337, Decimals: 18}, {ID: "tusd@dev", ChainID: 1337, Decimals: 6, Peg: "usd"}}

// decodeAndBuild runs a body through the decoder and the session rules, as a create request
// does. Whatever the body, the answer is a session or a 400 naming what is wrong: never a
// panic, never another kind of error; a built session's total is within Stripe's limits.
func decodeAndBuild(t *testing.T, ctype, body string) {
	r := httptest.NewRequest(http.MethodPost, "/v1/checkout/sessions?expand[]=line_items", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	tree, err := readParams(r)
	if err == nil {
		_, err = takeExpand(tree)
	}
	var p checkout.CreateParams
	if err == nil {
		err = bindParams(tree, &p)
	}
	if err == nil {
		var s *checkout.Session
		s, err = checkout.Build(p, merchant.Caller{MerchantID: "acct_fuzz"}, time.Unix(1_800_000_000, 0).UTC(), fuzzAssets, catalog.Listing{})
		if err == nil {
			checkBuilt(t, s)
			return
		}
	}
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Message == "" {
		t.Fatalf("body %q: error %v (%T) is not a 400 with a message", body, err, err)
	}
}

func checkBuilt(t *testing.T, s *checkout.Session) {
	var sum int64
	for _, li := range s.LineItems {
		if li.AmountTotal <= 0 || li.Quantity <= 0 {
			t.Fatalf("line item %+v has no positive amount and quantity", li)
		}
		sum += li.AmountTotal
	}
	if s.AmountTotal != sum || s.AmountTotal <= 0 || s.AmountTotal > money.MaxAmount {
		t.Fatalf("total %d of lines summing to %d (max %d)", s.AmountTotal, sum, money.MaxAmount)
	}
}

func FuzzFormParams(f *testing.F) {
	for _, seed := range []string{
		"mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1999" +
			"&line_items[0][price_data][product_data][name]=T-shirt&line_items[0][quantity]=2&metadata[order]=1",
		"line_items[][price_data][unit_amount_decimal]=0.5&line_items[][quantity]=3",
		"a[b][c][d]=1&a[b][]=2&a=3",
		"metadata[x]=%ZZ&expand[]=line_items",
		"line_items[99999999999][quantity]=1",
		"crypto[accepted_assets][]=eth@dev&crypto[payment_tolerance_percent]=1.5",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) { decodeAndBuild(t, "application/x-www-form-urlencoded", body) })
}

func FuzzJSONParams(f *testing.F) {
	for _, seed := range []string{
		`{"mode":"payment","line_items":[{"price_data":{"currency":"usd","unit_amount":1999,"product_data":{"name":"T"}},"quantity":2}]}`,
		`{"line_items":[{"price_data":{"unit_amount":1e400}}]}`,
		`{"metadata":{"k":null},"expires_at":-1}`,
		`{"line_items":{"0":{"quantity":"1"}}}`,
		`[1,2]`,
		`{"a":1}{"b":2}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) { decodeAndBuild(t, "application/json", body) })
}
