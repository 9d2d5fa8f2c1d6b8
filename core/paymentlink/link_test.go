package paymentlink

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
)

var (
	caller = merchant.Caller{MerchantID: "acct_1"}
	now    = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	assets = []string{"eth@dev", "tusd@dev"}
)

func listing() catalog.Listing {
	pr := func(id, cur string, active bool, typ catalog.PriceType) catalog.Price {
		return catalog.Price{ID: id, ProductID: "prod_1", Currency: cur, UnitAmountDecimal: decimal.NewFromInt(500), Active: active, Type: typ}
	}
	return catalog.Listing{Prices: map[string]catalog.Price{"price_a": pr("price_a", "usd", true, catalog.OneTime),
		"price_eur": pr("price_eur", "eur", true, catalog.OneTime), "price_off": pr("price_off", "usd", false, catalog.OneTime),
		"price_sub": monthly(pr("price_sub", "usd", true, catalog.Recurring), 1),
		"price_q":   monthly(pr("price_q", "usd", true, catalog.Recurring), 3)},
		Products: map[string]catalog.Product{"prod_1": {ID: "prod_1", Name: "Ticket", Active: true}}}
}

func monthly(p catalog.Price, n int64) catalog.Price {
	p.Recurring = &catalog.RecurringTerms{Interval: catalog.Month, IntervalCount: n}
	return p
}

func TestARecurringPriceMakesSubscriptionSessions(t *testing.T) {
	p := CreateParams{LineItems: []ItemParams{{Price: ptr("price_sub"), Quantity: ptr(int64(1))}, {Price: ptr("price_a"), Quantity: ptr(int64(1))}}}
	l, err := New(p, merchant.Caller{MerchantID: "acct_1"}, time.Now(), listing(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Subscription() || *l.sessionParams(Visit{}, time.Now()).Mode != "subscription" {
		t.Fatalf("a link with a monthly price makes mode=%s sessions", *l.sessionParams(Visit{}, time.Now()).Mode)
	}
	if _, err := l.SessionParams(checkout.CreateParams{Mode: ptr("payment")}, time.Now()); err == nil {
		t.Error("mode=payment was taken for a subscription link")
	}
}

func valid() CreateParams {
	return CreateParams{LineItems: []ItemParams{{Price: ptr("price_a"), Quantity: ptr(int64(2))}}}
}

func TestNewRefuses(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*CreateParams)
		param string
	}{
		{"no items", func(p *CreateParams) { p.LineItems = nil }, "line_items"},
		{"unknown price", func(p *CreateParams) { p.LineItems[0].Price = ptr("price_x") }, "line_items[0][price]"},
		{"inactive price", func(p *CreateParams) { p.LineItems[0].Price = ptr("price_off") }, "line_items[0][price]"},
		{"recurring prices of two periods", func(p *CreateParams) {
			p.LineItems = []ItemParams{{Price: ptr("price_sub"), Quantity: ptr(int64(1))}, {Price: ptr("price_q"), Quantity: ptr(int64(1))}}
		}, "line_items[1][price]"},
		{"two currencies", func(p *CreateParams) {
			p.LineItems = append(p.LineItems, ItemParams{Price: ptr("price_eur"), Quantity: ptr(int64(1))})
		}, "line_items[1][price]"},
		{"no quantity", func(p *CreateParams) { p.LineItems[0].Quantity = nil }, "line_items[0][quantity]"},
		{"quantity above adjustable max", func(p *CreateParams) {
			p.LineItems[0].AdjustableQuantity = &checkout.AdjustableQuantityParams{Enabled: ptr(true), Maximum: ptr(int64(1))}
		}, "line_items[0][adjustable_quantity]"},
		{"redirect without url", func(p *CreateParams) { p.AfterCompletion = &AfterCompletionParams{Type: ptr(Redirect)} }, "after_completion[redirect][url]"},
		{"bad after_completion", func(p *CreateParams) { p.AfterCompletion = &AfterCompletionParams{Type: ptr("email")} }, "after_completion[type]"},
		{"limit zero", func(p *CreateParams) {
			p.Restrictions = &RestrictionsParams{CompletedSessions: &struct {
				Limit *int64 `json:"limit"`
			}{ptr(int64(0))}}
		}, "restrictions[completed_sessions][limit]"},
		{"unknown asset", func(p *CreateParams) { p.Crypto = &CryptoParams{AcceptedAssets: []string{"doge@dev"}} }, "crypto[accepted_assets][0]"},
		{"expiry too short", func(p *CreateParams) { p.Crypto = &CryptoParams{ExpiresAfter: ptr(int64(60))} }, "crypto[expires_after]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.edit(&p)
			_, err := New(p, caller, now, listing(), assets)
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Param != tc.param {
				t.Fatalf("err = %#v, want invalid %s", err, tc.param)
			}
		})
	}
}

func TestCanOpen(t *testing.T) {
	cases := []struct {
		name string
		link Link
		code string
	}{
		{"open", Link{Active: true}, ""},
		{"open below the limit", Link{Active: true, CompletedLimit: 2, CompletedSessions: 1}, ""},
		{"inactive", Link{}, "payment_link_inactive"},
		{"sold out", Link{Active: true, CompletedLimit: 1, CompletedSessions: 1}, "payment_link_sold_out"},
		{"oversold stays sold out", Link{Active: true, CompletedLimit: 1, CompletedSessions: 2}, "payment_link_sold_out"},
	}
	for _, tc := range cases {
		err := tc.link.CanOpen()
		e, _ := apperr.As(err)
		if (tc.code == "" && err != nil) || (tc.code != "" && (e == nil || e.Code != tc.code)) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.code)
		}
	}
}

func TestSessionParamsLayerTheRequestOnTheLink(t *testing.T) {
	p := valid()
	p.Metadata = map[string]string{"campaign": "spring", "channel": "link"}
	p.AfterCompletion = &AfterCompletionParams{Type: ptr(Redirect), Redirect: &struct {
		URL *string `json:"url"`
	}{ptr("https://shop.example/thanks")}}
	p.Crypto = &CryptoParams{AcceptedAssets: []string{"TUSD@dev"}, ExpiresAfter: ptr(int64(7200))}
	l, err := New(p, caller, now, listing(), assets)
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.SessionParams(checkout.CreateParams{Metadata: map[string]string{"channel": "api"}, ClientReferenceID: ptr("r1")}, now)
	if err != nil {
		t.Fatal(err)
	}
	if *s.LineItems[0].Price != "price_a" || *s.LineItems[0].Quantity != 2 || s.Metadata["campaign"] != "spring" ||
		s.Metadata["channel"] != "api" || *s.SuccessURL != "https://shop.example/thanks" || *s.ClientReferenceID != "r1" ||
		s.Crypto.AcceptedAssets[0] != "tusd@dev" || *s.ExpiresAt != now.Add(2*time.Hour).Unix() {
		t.Fatalf("session params = %+v", s)
	}
	for name, req := range map[string]checkout.CreateParams{
		"line_items": {LineItems: []checkout.LineItemParams{{}}}, "crypto": {Crypto: &checkout.CryptoParams{}},
		"expires_at": {ExpiresAt: ptr(int64(1))}, "mode": {Mode: ptr("subscription")},
	} {
		if _, err := l.SessionParams(req, now); !apperr.IsKind(err, apperr.KindInvalid) {
			t.Errorf("%s with a link: err = %v", name, err)
		}
	}
}

func TestApply(t *testing.T) {
	l := Link{Active: true, Metadata: map[string]string{"a": "1"}}
	if err := l.Apply(UpdateParams{Active: ptr(false), Metadata: map[string]string{"a": "", "b": "2"}}, assets); err != nil ||
		l.Active || len(l.Metadata) != 1 || l.Metadata["b"] != "2" {
		t.Fatalf("link = %+v, %v", l, err)
	}
}
