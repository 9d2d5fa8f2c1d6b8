package http

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
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
