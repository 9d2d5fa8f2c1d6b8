package checkout

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
)

func testListing() catalog.Listing {
	one := func(id, prod string, amount int64, active bool) catalog.Price {
		return catalog.Price{ID: id, ProductID: prod, Currency: "usd", UnitAmount: ptr(amount),
			UnitAmountDecimal: decFrom(amount), Type: catalog.OneTime, Active: active}
	}
	monthly := one("price_monthly", "prod_mug", 300, true)
	monthly.Type, monthly.Recurring = catalog.Recurring, &catalog.RecurringTerms{Interval: catalog.Month, IntervalCount: 1}
	eur := one("price_eur", "prod_mug", 900, true)
	eur.Currency = "eur"
	return catalog.Listing{
		Prices: map[string]catalog.Price{"price_mug": one("price_mug", "prod_mug", 1500, true),
			"price_old": one("price_old", "prod_mug", 1200, false), "price_monthly": monthly, "price_eur": eur,
			"price_gone": one("price_gone", "prod_gone", 100, true)},
		Products: map[string]catalog.Product{
			"prod_mug":     {ID: "prod_mug", Name: "Mug", Description: "Blue", Images: []string{"https://img.example/mug.png"}, Active: true, DefaultPrice: "price_mug"},
			"prod_gone":    {ID: "prod_gone", Name: "Retired", Active: false, DefaultPrice: "price_gone"},
			"prod_noprice": {ID: "prod_noprice", Name: "Bare", Active: true},
		},
	}
}

func TestBuildMixesLibraryAndAdHocItems(t *testing.T) {
	p := CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{
		{Price: ptr("price_mug"), Quantity: ptr(int64(2))},
		item("usd", 250, 1),
		{Product: ptr("prod_mug"), Quantity: ptr(int64(1))},
	}}
	s, err := Build(p, caller, now, testAssets, testListing())
	if err != nil {
		t.Fatal(err)
	}
	if s.AmountTotal != 2*1500+250+1500 || s.Currency != "usd" {
		t.Fatalf("total %d %s", s.AmountTotal, s.Currency)
	}
	lib := s.LineItems[0]
	if lib.PriceID != "price_mug" || lib.ProductID != "prod_mug" || lib.Name != "Mug" || lib.ProductDescription != "Blue" ||
		len(lib.Images) != 1 || !lib.LibraryPrice || lib.AmountTotal != 3000 {
		t.Fatalf("library item = %+v", lib)
	}
	if s.LineItems[1].LibraryPrice || s.LineItems[2].PriceID != "price_mug" {
		t.Fatalf("items = %+v", s.LineItems)
	}
	prices, products := p.LibraryIDs()
	if len(prices) != 1 || len(products) != 1 {
		t.Fatalf("library ids %v %v", prices, products)
	}
}

func TestBuildRefusesLibraryItems(t *testing.T) {
	cases := []struct {
		name  string
		items []LineItemParams
		param string
	}{
		{"unknown price", []LineItemParams{item("usd", 1, 1), {Price: ptr("price_x"), Quantity: ptr(int64(1))}}, "line_items[1][price]"},
		{"inactive price", []LineItemParams{item("usd", 1, 1), {Price: ptr("price_old"), Quantity: ptr(int64(1))}}, "line_items[1][price]"},
		{"inactive product", []LineItemParams{{Price: ptr("price_gone"), Quantity: ptr(int64(1))}}, "line_items[0][price]"},
		{"recurring in payment mode", []LineItemParams{{Price: ptr("price_monthly"), Quantity: ptr(int64(1))}}, "line_items[0][price]"},
		{"unknown product", []LineItemParams{{Product: ptr("prod_x"), Quantity: ptr(int64(1))}}, "line_items[0][product]"},
		{"product without default price", []LineItemParams{{Product: ptr("prod_noprice"), Quantity: ptr(int64(1))}}, "line_items[0][product]"},
		{"inactive product by product", []LineItemParams{{Product: ptr("prod_gone"), Quantity: ptr(int64(1))}}, "line_items[0][product]"},
		{"currencies differ", []LineItemParams{item("usd", 1, 1), {Price: ptr("price_eur"), Quantity: ptr(int64(1))}}, "line_items[1][price]"},
		{"price and product", []LineItemParams{{Price: ptr("price_mug"), Product: ptr("prod_mug"), Quantity: ptr(int64(1))}}, "line_items[0]"},
		{"adjustable without enabled", []LineItemParams{{Price: ptr("price_mug"), Quantity: ptr(int64(1)),
			AdjustableQuantity: &AdjustableQuantityParams{Maximum: ptr(int64(5))}}}, "line_items[0][adjustable_quantity][enabled]"},
		{"adjustable max below min", []LineItemParams{{Price: ptr("price_mug"), Quantity: ptr(int64(2)),
			AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(true), Minimum: ptr(int64(3)), Maximum: ptr(int64(2))}}}, "line_items[0][adjustable_quantity][maximum]"},
		{"adjustable max too large", []LineItemParams{{Price: ptr("price_mug"), Quantity: ptr(int64(2)),
			AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(true), Maximum: ptr(int64(1_000_000))}}}, "line_items[0][adjustable_quantity][maximum]"},
		{"quantity above adjustable max", []LineItemParams{{Price: ptr("price_mug"), Quantity: ptr(int64(100)),
			AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(true)}}}, "line_items[0][adjustable_quantity]"},
		{"bounds without enabled", []LineItemParams{{Price: ptr("price_mug"), Quantity: ptr(int64(1)),
			AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(false), Minimum: ptr(int64(1))}}}, "line_items[0][adjustable_quantity][enabled]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(CreateParams{Mode: ptr("payment"), LineItems: tc.items}, caller, now, testAssets, testListing())
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || e.Param != tc.param {
				t.Fatalf("err = %#v, want invalid %s", err, tc.param)
			}
		})
	}
}

func adjustableSession(t *testing.T) *Session {
	t.Helper()
	s, err := Build(CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{
		{Price: ptr("price_mug"), Quantity: ptr(int64(2)), AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(true), Maximum: ptr(int64(5))}},
		item("usd", 100, 1),
	}}, caller, now, testAssets, testListing())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSetQuantity(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Session)
		item  int
		qty   int64
		total int64 // 0: refused
		kind  apperr.Kind
	}{
		{"up", nil, 0, 5, 5*1500 + 100, 0},
		{"down to zero (another item remains)", nil, 0, 0, 100, 0},
		{"above maximum", nil, 0, 6, 0, apperr.KindInvalid},
		{"fixed item", nil, 1, 2, 0, apperr.KindInvalid},
		{"asset already picked", func(s *Session) { s.Crypto.AssetID = "eth@dev" }, 0, 3, 0, apperr.KindConflict},
		{"session expired", func(s *Session) { s.Status = StatusExpired }, 0, 3, 0, apperr.KindConflict},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := adjustableSession(t)
			if tc.edit != nil {
				tc.edit(s)
			}
			err := s.SetQuantity(s.LineItems[tc.item].ID, tc.qty)
			if tc.total == 0 {
				if !apperr.IsKind(err, tc.kind) || s.AmountTotal != 3100 {
					t.Fatalf("err = %v, total %d: want refused, unchanged", err, s.AmountTotal)
				}
				return
			}
			if err != nil || s.AmountTotal != tc.total || s.AmountSubtotal != tc.total || s.LineItems[tc.item].Quantity != tc.qty {
				t.Fatalf("err = %v, total %d, want %d", err, s.AmountTotal, tc.total)
			}
		})
	}
}

func TestOnlyItemCannotGoToZero(t *testing.T) {
	s, err := Build(CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{
		{Price: ptr("price_mug"), Quantity: ptr(int64(1)), AdjustableQuantity: &AdjustableQuantityParams{Enabled: ptr(true)}}}},
		caller, now, testAssets, testListing())
	if err != nil {
		t.Fatal(err)
	}
	if a := s.LineItems[0].Adjustable; a.Minimum != 1 || a.Maximum != 99 {
		t.Fatalf("defaults = %+v, want 1..99", a)
	}
	if err := s.SetQuantity(s.LineItems[0].ID, 0); err == nil {
		t.Fatal("quantity 0 of the only item accepted")
	}
}

func decFrom(v int64) decimal.Decimal { return decimal.NewFromInt(v) }
