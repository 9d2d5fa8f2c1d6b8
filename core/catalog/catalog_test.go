package catalog

import (
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
)

func ptr[T any](v T) *T { return &v }

var (
	caller = merchant.Caller{MerchantID: "acct_1"}
	now    = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
)

// wantInvalid fails unless err is a 400 naming param.
func wantInvalid(t *testing.T, err error, param string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || e.Param != param || e.Message == "" {
		t.Fatalf("err = %#v, want invalid %q", err, param)
	}
}

func TestNewProductWithDefaultPrice(t *testing.T) {
	p, pr, err := NewProduct(ProductCreateParams{Name: ptr("Mug"), Images: []string{"https://img.example/m.png"},
		Metadata:         map[string]string{"sku": "M1", "gone": ""},
		DefaultPriceData: &DefaultPriceDataParams{PriceDataParams: PriceDataParams{Currency: ptr("USD"), UnitAmount: ptr(int64(1500))}}},
		caller, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.ID, "prod_") || !p.Active || p.DefaultPrice != pr.ID || len(p.Metadata) != 1 {
		t.Fatalf("product = %+v", p)
	}
	if pr.ProductID != p.ID || pr.Currency != "usd" || *pr.UnitAmount != 1500 || pr.Type != OneTime || !pr.Active {
		t.Fatalf("price = %+v", pr)
	}
}

func TestNewProductRefuses(t *testing.T) {
	dpd := func(d PriceDataParams) *DefaultPriceDataParams { return &DefaultPriceDataParams{PriceDataParams: d} }
	cases := []struct {
		name  string
		p     ProductCreateParams
		param string
	}{
		{"no name", ProductCreateParams{}, "name"},
		{"blank name", ProductCreateParams{Name: ptr("  ")}, "name"},
		{"name too long", ProductCreateParams{Name: ptr(strings.Repeat("n", 251))}, "name"},
		{"NUL in description", ProductCreateParams{Name: ptr("a"), Description: ptr("x\x00")}, "description"},
		{"image not http", ProductCreateParams{Name: ptr("a"), Images: []string{"https://ok.example/a.png", "javascript:alert(1)"}}, "images[1]"},
		{"ftp image", ProductCreateParams{Name: ptr("a"), Images: []string{"ftp://x.example/a.png"}}, "images[0]"},
		{"nine images", ProductCreateParams{Name: ptr("a"), Images: make([]string, 9)}, "images"},
		{"bad metadata", ProductCreateParams{Name: ptr("a"), Metadata: map[string]string{"a[b]": "x"}}, "metadata"},
		{"default price without currency", ProductCreateParams{Name: ptr("a"), DefaultPriceData: dpd(PriceDataParams{UnitAmount: ptr(int64(1))})}, "default_price_data[currency]"},
		{"default price without amount", ProductCreateParams{Name: ptr("a"), DefaultPriceData: dpd(PriceDataParams{Currency: ptr("usd")})}, "default_price_data[unit_amount]"},
		{"default price zero", ProductCreateParams{Name: ptr("a"), DefaultPriceData: dpd(PriceDataParams{Currency: ptr("usd"), UnitAmount: ptr(int64(0))})}, "default_price_data[unit_amount]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := NewProduct(tc.p, caller, now)
			wantInvalid(t, err, tc.param)
		})
	}
}

func validPrice() PriceCreateParams {
	return PriceCreateParams{Product: ptr("prod_1"), PriceDataParams: PriceDataParams{Currency: ptr("eur"), UnitAmount: ptr(int64(999))}}
}

func TestNewPrice(t *testing.T) {
	prod := &Product{ID: "prod_1", Active: true}
	p := validPrice()
	p.UnitAmount, p.UnitAmountDecimal = nil, ptr("12.5")
	p.Recurring = &RecurringParams{Interval: ptr("month"), IntervalCount: ptr(int64(3))}
	p.LookupKey = ptr("gold_quarterly")
	pr, made, err := NewPrice(p, caller, now, prod)
	if err != nil || made != nil {
		t.Fatal(err, made)
	}
	if pr.ProductID != "prod_1" || pr.UnitAmount != nil || pr.UnitAmountDecimal.String() != "12.5" || pr.Type != Recurring ||
		*pr.Recurring != (RecurringTerms{Month, 3}) || pr.LookupKey != "gold_quarterly" || !strings.HasPrefix(pr.ID, "price_") {
		t.Fatalf("price = %+v", pr)
	}
	p = validPrice()
	p.Product, p.ProductData = nil, &PriceProductDataParams{Name: ptr("Ticket")}
	pr, made, err = NewPrice(p, caller, now, nil)
	if err != nil || made == nil || made.Name != "Ticket" || pr.ProductID != made.ID || !made.Active {
		t.Fatalf("with product_data: %+v %+v %v", pr, made, err)
	}
}

func TestNewPriceRefuses(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*PriceCreateParams)
		param string
	}{
		{"no product", func(p *PriceCreateParams) { p.Product = nil }, "product"},
		{"product and product_data", func(p *PriceCreateParams) { p.ProductData = &PriceProductDataParams{Name: ptr("x")} }, "product"},
		{"product_data without name", func(p *PriceCreateParams) { p.Product, p.ProductData = nil, &PriceProductDataParams{} }, "product_data[name]"},
		{"unknown currency", func(p *PriceCreateParams) { p.Currency = ptr("xyz") }, "currency"},
		{"both amounts", func(p *PriceCreateParams) { p.UnitAmountDecimal = ptr("1") }, "unit_amount"},
		{"amount too large", func(p *PriceCreateParams) { p.UnitAmount = ptr(int64(100_000_000)) }, "unit_amount"},
		{"decimal too precise", func(p *PriceCreateParams) { p.UnitAmount, p.UnitAmountDecimal = nil, ptr("0.0000000000001") }, "unit_amount_decimal"},
		{"decimal negative", func(p *PriceCreateParams) { p.UnitAmount, p.UnitAmountDecimal = nil, ptr("-1") }, "unit_amount_decimal"},
		{"interval missing", func(p *PriceCreateParams) { p.Recurring = &RecurringParams{} }, "recurring[interval]"},
		{"interval hour", func(p *PriceCreateParams) { p.Recurring = &RecurringParams{Interval: ptr("hour")} }, "recurring[interval]"},
		{"count zero", func(p *PriceCreateParams) {
			p.Recurring = &RecurringParams{Interval: ptr("week"), IntervalCount: ptr(int64(0))}
		}, "recurring[interval_count]"},
		{"37 months", func(p *PriceCreateParams) {
			p.Recurring = &RecurringParams{Interval: ptr("month"), IntervalCount: ptr(int64(37))}
		}, "recurring[interval_count]"},
		{"4 years", func(p *PriceCreateParams) {
			p.Recurring = &RecurringParams{Interval: ptr("year"), IntervalCount: ptr(int64(4))}
		}, "recurring[interval_count]"},
		{"lookup key too long", func(p *PriceCreateParams) { p.LookupKey = ptr(strings.Repeat("k", 201)) }, "lookup_key"},
		{"tax behavior", func(p *PriceCreateParams) { p.TaxBehavior = ptr("exclusive") }, "tax_behavior"},
		{"bad metadata", func(p *PriceCreateParams) { p.Metadata = map[string]string{"": "x"} }, "metadata"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validPrice()
			tc.edit(&p)
			var prod *Product
			if p.Product != nil {
				prod = &Product{ID: *p.Product, Active: true}
			}
			_, _, err := NewPrice(p, caller, now, prod)
			wantInvalid(t, err, tc.param)
		})
	}
}

func TestThreeYearPeriodsAreAllowed(t *testing.T) {
	for _, r := range []RecurringParams{{Interval: ptr("year"), IntervalCount: ptr(int64(3))},
		{Interval: ptr("month"), IntervalCount: ptr(int64(36))}, {Interval: ptr("week"), IntervalCount: ptr(int64(156))},
		{Interval: ptr("day"), IntervalCount: ptr(int64(1095))}} {
		p := validPrice()
		p.Recurring = &r
		if _, _, err := NewPrice(p, caller, now, &Product{ID: "prod_1"}); err != nil {
			t.Errorf("%s x %d refused: %v", *r.Interval, *r.IntervalCount, err)
		}
	}
}

func TestPriceApply(t *testing.T) {
	base := func() Price {
		return Price{ID: "price_1", Active: true, LookupKey: "old", Metadata: map[string]string{"a": "1", "b": "2"}}
	}
	cases := []struct {
		name  string
		u     PriceUpdateParams
		param string // "" when accepted
		check func(Price) bool
	}{
		{"deactivate", PriceUpdateParams{Active: ptr(false)}, "", func(p Price) bool { return !p.Active }},
		{"metadata merge", PriceUpdateParams{Metadata: map[string]string{"a": "", "c": "3"}}, "",
			func(p Price) bool { return len(p.Metadata) == 2 && p.Metadata["b"] == "2" && p.Metadata["c"] == "3" }},
		{"lookup key cleared", PriceUpdateParams{LookupKey: ptr("")}, "", func(p Price) bool { return p.LookupKey == "" }},
		{"amount is immutable", PriceUpdateParams{UnitAmount: &Present{}}, "unit_amount", nil},
		{"decimal is immutable", PriceUpdateParams{UnitAmountDecimal: &Present{}}, "unit_amount_decimal", nil},
		{"currency is immutable", PriceUpdateParams{Currency: &Present{}}, "currency", nil},
		{"period is immutable", PriceUpdateParams{Recurring: &Present{}}, "recurring", nil},
		{"lookup key NUL", PriceUpdateParams{LookupKey: ptr("a\x00")}, "lookup_key", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			err := p.Apply(tc.u)
			if tc.param != "" {
				wantInvalid(t, err, tc.param)
				return
			}
			if err != nil || !tc.check(p) {
				t.Fatalf("price = %+v, err %v", p, err)
			}
		})
	}
}

func TestProductApply(t *testing.T) {
	own := &Price{ID: "price_own", ProductID: "prod_1", Active: true}
	cases := []struct {
		name  string
		u     ProductUpdateParams
		dp    *Price
		param string
		check func(Product) bool
	}{
		{"rename", ProductUpdateParams{Name: ptr("New")}, nil, "", func(p Product) bool { return p.Name == "New" && p.Updated.Equal(now) }},
		{"clear images", ProductUpdateParams{Images: []string{}}, nil, "", func(p Product) bool { return len(p.Images) == 0 }},
		{"own default price", ProductUpdateParams{DefaultPrice: ptr("price_own")}, own, "", func(p Product) bool { return p.DefaultPrice == "price_own" }},
		{"unset default price", ProductUpdateParams{DefaultPrice: ptr("")}, nil, "", func(p Product) bool { return p.DefaultPrice == "" }},
		{"empty name", ProductUpdateParams{Name: ptr("")}, nil, "name", nil},
		{"bad image", ProductUpdateParams{Images: []string{"data:x"}}, nil, "images[0]", nil},
		{"unknown default price", ProductUpdateParams{DefaultPrice: ptr("price_x")}, nil, "default_price", nil},
		{"another product's price", ProductUpdateParams{DefaultPrice: ptr("price_o")}, &Price{ID: "price_o", ProductID: "prod_2", Active: true}, "default_price", nil},
		{"inactive default price", ProductUpdateParams{DefaultPrice: ptr("price_i")}, &Price{ID: "price_i", ProductID: "prod_1"}, "default_price", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Product{ID: "prod_1", Name: "Old", Images: []string{"https://a.example/x.png"}, DefaultPrice: "price_d", Active: true}
			err := p.Apply(tc.u, tc.dp, now)
			if tc.param != "" {
				wantInvalid(t, err, tc.param)
				return
			}
			if err != nil || !tc.check(p) {
				t.Fatalf("product = %+v, err %v", p, err)
			}
		})
	}
}

func TestProductCheckDelete(t *testing.T) {
	cases := []struct {
		name string
		u    Usage
		ok   bool
	}{
		{"never used", Usage{}, true},
		{"sold", Usage{Sold: true}, false},
		{"on a payment link", Usage{Links: 1}, false},
	}
	for _, tc := range cases {
		err := Product{ID: "prod_1"}.CheckDelete(tc.u)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if err != nil && (!apperr.IsKind(err, apperr.KindInvalid) || !strings.Contains(err.Error(), "deactivate")) {
			t.Errorf("%s: err = %v, want a 400 telling to deactivate", tc.name, err)
		}
	}
}

func TestPriceCheckSellable(t *testing.T) {
	active := Product{ID: "prod_1", Active: true}
	cases := []struct {
		name         string
		price        Price
		prod         Product
		subscription bool
		ok           bool
	}{
		{"one-time in payment", Price{ID: "p", Active: true, Type: OneTime}, active, false, true},
		{"inactive price", Price{ID: "p", Type: OneTime}, active, false, false},
		{"inactive product", Price{ID: "p", Active: true, Type: OneTime}, Product{ID: "prod_1"}, false, false},
		{"recurring in payment", Price{ID: "p", Active: true, Type: Recurring}, active, false, false},
		{"recurring in subscription", Price{ID: "p", Active: true, Type: Recurring}, active, true, true},
		{"one-time in subscription (first period only)", Price{ID: "p", Active: true, Type: OneTime}, active, true, true},
	}
	for _, tc := range cases {
		err := tc.price.CheckSellable("line_items[1][price]", tc.prod, tc.subscription)
		if tc.ok != (err == nil) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		if err != nil {
			wantInvalid(t, err, "line_items[1][price]")
		}
	}
}
