package http

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
)

func decode(t *testing.T, ctype, body string) (checkout.CreateParams, []string, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/v1/checkout/sessions", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	var p checkout.CreateParams
	tree, err := readParams(r)
	if err != nil {
		return p, nil, err
	}
	expand, err := takeExpand(tree)
	if err != nil {
		return p, nil, err
	}
	return p, expand, bindParams(tree, &p)
}

func TestFormBracketNotation(t *testing.T) {
	body := "mode=payment&line_items[1][quantity]=3&line_items[0][quantity]=1" +
		"&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1999" +
		"&line_items[0][price_data][product_data][images][0]=https%3A%2F%2Fa.example%2F1.png" +
		"&metadata[order_id]=42&metadata[note]=a%26b%3Dc&expand[]=line_items&expand[]=payment_link"
	p, expand, err := decode(t, "application/x-www-form-urlencoded", body)
	if err != nil {
		t.Fatal(err)
	}
	if *p.Mode != "payment" || len(p.LineItems) != 2 || *p.LineItems[1].Quantity != 3 || *p.LineItems[0].PriceData.UnitAmount != 1999 {
		t.Fatalf("params = %+v", p)
	}
	if p.LineItems[0].PriceData.ProductData.Images[0] != "https://a.example/1.png" || p.Metadata["note"] != "a&b=c" {
		t.Fatalf("nested values = %+v %v", p.LineItems[0].PriceData.ProductData, p.Metadata)
	}
	if strings.Join(expand, ",") != "line_items,payment_link" {
		t.Fatalf("expand = %v", expand)
	}
}

func TestDecodeErrorsNameTheParameter(t *testing.T) {
	cases := []struct {
		name, ctype, body, code, param string
	}{
		{"unknown nested", "application/x-www-form-urlencoded", "line_items[0][bogus]=1", "parameter_unknown", "line_items[0][bogus]"},
		{"unclosed bracket", "application/x-www-form-urlencoded", "metadata[a=1", "parameter_invalid", "metadata[a"},
		{"object given a scalar", "application/json", `{"line_items":[{"price_data":"x"}]}`, "parameter_invalid", "line_items[0][price_data]"},
		{"string given a number", "application/json", `{"mode":5}`, "parameter_invalid_string", "mode"},
		{"metadata value not a string", "application/json", `{"metadata":{"n":1}}`, "parameter_invalid_string", "metadata[n]"},
		{"list given an object with names", "application/x-www-form-urlencoded", "line_items[first][quantity]=1", "parameter_invalid", "line_items[first]"},
		{"two JSON values", "application/json", `{}{}`, "parameter_invalid", ""},
		{"unsupported type", "text/plain", "mode=payment", "parameter_invalid", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decode(t, tc.ctype, tc.body)
			e, ok := apperr.As(err)
			if !ok || e.Code != tc.code || e.Param != tc.param {
				t.Fatalf("err = %#v, want %s %q", err, tc.code, tc.param)
			}
		})
	}
}

func TestEmptyFormValueUnsetsNonStrings(t *testing.T) {
	p, _, err := decode(t, "application/x-www-form-urlencoded", "expires_at=&client_reference_id=")
	if err != nil || p.ExpiresAt != nil || p.ClientReferenceID == nil || *p.ClientReferenceID != "" {
		t.Fatalf("p = %+v, err %v", p, err)
	}
}

// bindSample has a parameter of every kind bind decodes.
type bindSample struct {
	Name   string            `json:"name"`
	Count  *int64            `json:"count"`
	Live   bool              `json:"live"`
	Tags   map[string]string `json:"tags"`
	Items  []sampleItem      `json:"items"`
	Extras struct{}          `json:"extras"`
}

type sampleItem struct {
	N int `json:"n"`
}

// Each kind takes what the form and JSON encodings send for it, and refuses the rest by name.
func TestBindEveryKind(t *testing.T) {
	cases := []struct {
		name, ctype, body string
		want              string // the bound value as %+v; "" when refused
		code, param       string
	}{
		{"form values", "application/x-www-form-urlencoded", "name=a&count=7&live=true&tags[k]=v&extras[anything]=1&items[1][n]=2&items[0][n]=1",
			"{Name:a Count:7 Live:true Tags:map[k:v] Items:[{N:1} {N:2}] Extras:{}}", "", ""},
		{"json values", "application/json", `{"name":"a","count":7,"live":false,"tags":{"k":"v"},"extras":[1,2],"items":[{"n":1}]}`,
			"{Name:a Count:7 Live:false Tags:map[k:v] Items:[{N:1}] Extras:{}}", "", ""},
		{"json nulls leave unset", "application/json", `{"name":null,"count":null,"tags":null}`,
			"{Name: Count:<nil> Live:false Tags:map[] Items:[] Extras:{}}", "", ""},
		{"empty form values", "application/x-www-form-urlencoded", "count=&tags=&items=",
			"{Name: Count:<nil> Live:false Tags:map[] Items:[] Extras:{}}", "", ""},
		{"integer given words", "application/x-www-form-urlencoded", "count=seven", "", "parameter_invalid_integer", "count"},
		{"integer given a fraction", "application/json", `{"count":1.5}`, "", "parameter_invalid_integer", "count"},
		{"boolean given yes", "application/x-www-form-urlencoded", "live=yes", "", "parameter_invalid", "live"},
		{"boolean given a number", "application/json", `{"live":1}`, "", "parameter_invalid", "live"},
		{"map given a scalar", "application/json", `{"tags":"k"}`, "", "parameter_invalid", "tags"},
		{"list given a scalar", "application/json", `{"items":"x"}`, "", "parameter_invalid", "items"},
		{"list with a gap", "application/x-www-form-urlencoded", "items[1][n]=1", "", "parameter_invalid", "items[0]"},
		{"list item unknown field", "application/json", `{"items":[{"n":1},{"m":2}]}`, "", "parameter_unknown", "items[1][m]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ctype)
			tree, err := readParams(r)
			if err != nil {
				t.Fatal(err)
			}
			var got bindSample
			err = bindParams(tree, &got)
			if tc.code == "" {
				if s := fmt.Sprintf("%+v", printable(got)); err != nil || s != tc.want {
					t.Fatalf("bound %s (err %v), want %s", s, err, tc.want)
				}
				return
			}
			if e, ok := apperr.As(err); !ok || e.Code != tc.code || e.Param != tc.param {
				t.Fatalf("err = %#v, want %s %q", err, tc.code, tc.param)
			}
		})
	}
}

// printable shows the pointer's value rather than its address.
func printable(s bindSample) any {
	type shown struct {
		Name   string
		Count  any
		Live   bool
		Tags   map[string]string
		Items  []sampleItem
		Extras struct{}
	}
	var count any
	if s.Count != nil {
		count = *s.Count
	}
	if s.Items == nil {
		s.Items = []sampleItem{}
	}
	return shown{s.Name, count, s.Live, s.Tags, s.Items, s.Extras}
}

func TestAccessScopeNamesIDsNeverSecrets(t *testing.T) {
	gin.SetMode(gin.TestMode)
	cases := []struct {
		route, path string
		caller      *merchant.Caller
		want        string
	}{
		{"/v1/checkout/sessions/:id", "/v1/checkout/sessions/cs_test_1", &merchant.Caller{MerchantID: "acct_1"}, "[merchant acct_1 livemode false session cs_test_1]"},
		{"/v1/refunds/:id/cancel", "/v1/refunds/re_1/cancel", &merchant.Caller{MerchantID: "acct_1", Livemode: true}, "[merchant acct_1 livemode true refund re_1]"},
		{"/c/:id", "/c/cs_test_2", nil, "[session cs_test_2]"},
		{"/refunds/claim/:secret", "/refunds/claim/re_1_claim_s3cr3t", nil, "[]"},
		{"/v1/products/:id", "/v1/products/prod_1", &merchant.Caller{MerchantID: "acct_1"}, "[merchant acct_1 livemode false]"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			r := gin.New()
			var got []any
			r.GET(tc.route, func(c *gin.Context) {
				if tc.caller != nil {
					c.Set(ctxCaller, *tc.caller)
				}
				got = accessScope(c)
			})
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tc.path, nil))
			if fmt.Sprint(got) != tc.want {
				t.Fatalf("accessScope = %v, want %s", got, tc.want)
			}
		})
	}
}
