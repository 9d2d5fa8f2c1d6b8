package checkout

import (
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
)

func ptr[T any](v T) *T { return &v }

func item(cur string, unit, qty int64) LineItemParams {
	return LineItemParams{Quantity: ptr(qty), PriceData: &PriceDataParams{
		PriceDataParams: catalog.PriceDataParams{Currency: ptr(cur), UnitAmount: ptr(unit)}, ProductData: &ProductDataParams{Name: ptr("Thing")}}}
}

// monthly is an ad-hoc monthly price of unit minor units.
func monthly(cur string, unit, qty int64) LineItemParams {
	it := item(cur, unit, qty)
	it.PriceData.Recurring = &catalog.RecurringParams{Interval: ptr("month")}
	return it
}

func TestBuildSubscriptionSession(t *testing.T) {
	p := CreateParams{Mode: ptr("subscription"), LineItems: []LineItemParams{monthly("usd", 1500, 2), item("usd", 999, 1)},
		SubscriptionData: &SubscriptionDataParams{Description: ptr("Pro plan"), Metadata: map[string]string{"plan": "pro"}}}
	s, err := Build(p, caller, now, testAssets, catalog.Listing{})
	if err != nil {
		t.Fatal(err)
	}
	plan, ok := s.Plan()
	if s.Mode != ModeSubscription || !ok || plan != (catalog.RecurringTerms{Interval: catalog.Month, IntervalCount: 1}) {
		t.Fatalf("mode %s plan %+v %v", s.Mode, plan, ok)
	}
	if s.AmountTotal != 3999 || s.LineItems[1].Recurring != nil || RenewalAmount(s.LineItems) != 3000 {
		t.Errorf("first period charges the one-time item too: total %d, one-time item %+v", s.AmountTotal, s.LineItems[1].Recurring)
	}
	if s.Subscription.Description != "Pro plan" || s.Subscription.Metadata["plan"] != "pro" {
		t.Errorf("subscription_data %+v", s.Subscription)
	}
}

var (
	testAssets = []chain.Asset{{ID: "eth@dev", ChainID: 1337, Decimals: 18}, {ID: "tusd@dev", ChainID: 1337, Decimals: 6, Peg: "usd"},
		{ID: "usdc@base", ChainID: 8453, Decimals: 6, Livemode: true}}
	caller = merchant.Caller{MerchantID: "acct_1"}
	now    = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
)

func TestBuildComputesTheSession(t *testing.T) {
	s, err := Build(CreateParams{
		Mode: ptr("payment"), LineItems: []LineItemParams{item("USD", 1999, 2), item("usd", 1, 1)},
		SuccessURL: ptr("https://shop.example/ok?id={CHECKOUT_SESSION_ID}"), Metadata: map[string]string{"a": "1", "gone": ""},
	}, caller, now, testAssets, catalog.Listing{})
	if err != nil {
		t.Fatal(err)
	}
	if s.AmountTotal != 3999 || s.Currency != "usd" || s.Status != StatusOpen || s.PaymentStatus != PaymentUnpaid {
		t.Fatalf("session = %+v", s)
	}
	if !strings.HasPrefix(s.ID, "cs_test_") || !s.ExpiresAt.Equal(now.Add(DefaultExpiry)) {
		t.Fatalf("id %s expires %s", s.ID, s.ExpiresAt)
	}
	if len(s.Metadata) != 1 || s.Metadata["a"] != "1" {
		t.Fatalf("metadata = %v (empty values are dropped)", s.Metadata)
	}
	if s.LineItems[1].Position != 1 || s.LineItems[0].PriceID == s.LineItems[1].PriceID {
		t.Fatalf("items = %+v", s.LineItems)
	}
}

func TestBuildRefuses(t *testing.T) {
	valid := func() CreateParams {
		return CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)}}
	}
	cases := []struct {
		name  string
		edit  func(*CreateParams)
		param string
	}{
		{"no mode", func(p *CreateParams) { p.Mode = nil }, "mode"},
		{"bad mode", func(p *CreateParams) { p.Mode = ptr("setup") }, "mode"},
		{"subscription without a recurring price", func(p *CreateParams) { p.Mode = ptr("subscription") }, "line_items"},
		{"subscription of two periods", func(p *CreateParams) {
			p.Mode = ptr("subscription")
			p.LineItems = []LineItemParams{monthly("usd", 500, 1), monthly("usd", 100, 1)}
			p.LineItems[1].PriceData.Recurring.IntervalCount = ptr(int64(3))
		}, "line_items[1]"},
		{"recurring price in payment mode", func(p *CreateParams) { p.LineItems = []LineItemParams{monthly("usd", 500, 1)} },
			"line_items[0][price_data]"},
		{"subscription_data in payment mode", func(p *CreateParams) {
			p.SubscriptionData = &SubscriptionDataParams{Description: ptr("x")}
		}, "subscription_data"},
		{"expires 29 min", func(p *CreateParams) { p.ExpiresAt = ptr(now.Add(28 * time.Minute).Unix()) }, "expires_at"},
		{"expires 25 h", func(p *CreateParams) { p.ExpiresAt = ptr(now.Add(25 * time.Hour).Unix()) }, "expires_at"},
		{"both amounts", func(p *CreateParams) { p.LineItems[0].PriceData.UnitAmountDecimal = ptr("1.5") }, "line_items[0][price_data][unit_amount]"},
		{"decimal too precise", func(p *CreateParams) {
			p.LineItems[0].PriceData.UnitAmount = nil
			p.LineItems[0].PriceData.UnitAmountDecimal = ptr("1.0000000000001")
		}, "line_items[0][price_data][unit_amount_decimal]"},
		{"total over max", func(p *CreateParams) {
			p.LineItems = []LineItemParams{item("usd", 60_000_000, 1), item("usd", 60_000_000, 1)}
		}, "line_items"},
		{"line over max", func(p *CreateParams) {
			p.LineItems[0].Quantity = ptr(int64(2))
			*p.LineItems[0].PriceData.UnitAmount = 99_999_999
		}, "line_items[0]"},
		{"client ref too long", func(p *CreateParams) { p.ClientReferenceID = ptr(strings.Repeat("r", 201)) }, "client_reference_id"},
		{"metadata bracket key", func(p *CreateParams) { p.Metadata = map[string]string{"a[b]": "x"} }, "metadata"},
		{"unknown asset", func(p *CreateParams) { p.Crypto = &CryptoParams{AcceptedAssets: []string{"eth@dev", "doge@dev"}} }, "crypto[accepted_assets][1]"},
		{"live asset with a test key", func(p *CreateParams) { p.Crypto = &CryptoParams{AcceptedAssets: []string{"usdc@base"}} }, "crypto[accepted_assets][0]"},
		{"preselect not accepted", func(p *CreateParams) {
			p.Crypto = &CryptoParams{AcceptedAssets: []string{"eth@dev"}, Asset: ptr("tusd@dev")}
		}, "crypto[asset]"},
		{"tolerance too high", func(p *CreateParams) { p.Crypto = &CryptoParams{PaymentTolerancePercent: ptr("11")} }, "crypto[payment_tolerance_percent]"},
		{"image not a url", func(p *CreateParams) { p.LineItems[0].PriceData.ProductData.Images = []string{"x"} }, "line_items[0][price_data][product_data][images][0]"},
		// A NUL byte reached Postgres and came back as "database unavailable" (503) before.
		{"NUL in a name", func(p *CreateParams) { p.LineItems[0].PriceData.ProductData.Name = ptr("T\x00shirt") }, "line_items[0][price_data][product_data][name]"},
		{"NUL in a description", func(p *CreateParams) { p.LineItems[0].PriceData.ProductData.Description = ptr("a\x00") }, "line_items[0][price_data][product_data][description]"},
		{"NUL in a metadata value", func(p *CreateParams) { p.Metadata = map[string]string{"order": "1\x00"} }, "metadata[order]"},
		{"NUL in a metadata key", func(p *CreateParams) { p.Metadata = map[string]string{"or\x00der": "1"} }, "metadata"},
		{"NUL in client_reference_id", func(p *CreateParams) { p.ClientReferenceID = ptr("ref\x00") }, "client_reference_id"},
		{"invalid UTF-8 in client_reference_id", func(p *CreateParams) { p.ClientReferenceID = ptr("ref\xff") }, "client_reference_id"},
		{"escape sequence in a name", func(p *CreateParams) { p.LineItems[0].PriceData.ProductData.Name = ptr("\x1b[31mred") }, "line_items[0][price_data][product_data][name]"},
		{"NUL in customer_email", func(p *CreateParams) { p.CustomerEmail = ptr("a\x00@b.example") }, "customer_email"},
		{"NUL in success_url", func(p *CreateParams) { p.SuccessURL = ptr("https://shop.example/\x00") }, "success_url"},
		{"NUL in a product's metadata", func(p *CreateParams) {
			p.LineItems[0].PriceData.ProductData.Metadata = map[string]string{"k": "\x00"}
		}, "line_items[0][price_data][product_data][metadata][k]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.edit(&p)
			_, err := Build(p, caller, now, testAssets, catalog.Listing{})
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || e.Param != tc.param || e.Message == "" {
				t.Fatalf("err = %#v, want invalid %s", err, tc.param)
			}
		})
	}
}

func TestExpiresAtBoundsAreInclusive(t *testing.T) {
	for _, d := range []time.Duration{MinExpiry, MaxExpiry} {
		p := CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)}, ExpiresAt: ptr(now.Add(d).Unix())}
		if _, err := Build(p, caller, now, testAssets, catalog.Listing{}); err != nil {
			t.Errorf("expires in %s refused: %v", d, err)
		}
	}
}

// An operator's shortest lifetime moves the lower bound of expires_at, and the refusal says it.
func TestLifetimesBoundExpiresAt(t *testing.T) {
	cases := []struct {
		name    string
		l       Lifetimes
		in      time.Duration
		ok      bool
		message string
	}{
		{"Stripe's 30 minutes by default", Lifetimes{}, 30 * time.Minute, true, ""},
		{"29 minutes within the skew", Lifetimes{}, 29 * time.Minute, true, ""},
		{"28 minutes refused by default", Lifetimes{}, 28 * time.Minute, false, "between 30 minutes and 24 hours"},
		{"2 minutes with a 2-minute floor", Lifetimes{Min: 2 * time.Minute}, 2 * time.Minute, true, ""},
		{"1 minute with a 2-minute floor, within the skew", Lifetimes{Min: 2 * time.Minute}, time.Minute, true, ""},
		{"50 seconds with a 2-minute floor", Lifetimes{Min: 2 * time.Minute}, 50 * time.Second, false, "between 2 minutes and 24 hours"},
		{"1 minute floor: the skew is half of it", Lifetimes{Min: time.Minute}, 30 * time.Second, true, ""},
		{"1 minute floor: less than half refused", Lifetimes{Min: time.Minute}, 29 * time.Second, false, "between 1 minute and 24 hours"},
		{"the upper bound stays 24 hours", Lifetimes{Min: time.Minute}, 25 * time.Hour, false, "between 1 minute and 24 hours"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)}, ExpiresAt: ptr(now.Add(tc.in).Unix())}
			s, err := tc.l.Build(p, caller, now, testAssets, catalog.Listing{})
			if tc.ok {
				if err != nil || !s.ExpiresAt.Equal(now.Add(tc.in).Truncate(time.Second)) {
					t.Fatalf("Build = %v, %v; want expiry in %s", s, err, tc.in)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Param != "expires_at" || !strings.Contains(e.Message, tc.message) {
				t.Fatalf("err = %v, want expires_at refused with %q", err, tc.message)
			}
		})
	}
}

func TestLifetimesValidate(t *testing.T) {
	for _, tc := range []struct {
		min time.Duration
		ok  bool
	}{{0, true}, {time.Minute, true}, {30 * time.Minute, true}, {59 * time.Second, false}, {31 * time.Minute, false}, {-time.Minute, false}} {
		if err := (Lifetimes{Min: tc.min}).Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%s) = %v, want ok %v", tc.min, err, tc.ok)
		}
	}
}

func TestMetadataCountsCharactersNotBytes(t *testing.T) {
	if _, err := ValidateMetadata("metadata", map[string]string{strings.Repeat("é", 40): strings.Repeat("ü", 500)}); err != nil {
		t.Fatalf("40-character key / 500-character value refused: %v", err)
	}
}

func TestBuildCryptoDefaultsToEveryAssetOfTheMode(t *testing.T) {
	s, err := Build(CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)}}, caller, now, testAssets, catalog.Listing{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Crypto.AcceptedAssets, ",") != "eth@dev,tusd@dev" || s.Crypto.State != chain.StateAwaitingAsset {
		t.Fatalf("crypto = %+v", s.Crypto)
	}
	s, err = Build(CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{item("usd", 100, 1)},
		Crypto: &CryptoParams{AcceptedAssets: []string{"TUSD@dev"}, Asset: ptr("tusd@dev"), PaymentTolerancePercent: ptr("0.5")}}, caller, now, testAssets, catalog.Listing{})
	if err != nil || s.Crypto.PreselectAsset != "tusd@dev" || s.Crypto.TolerancePercent.String() != "0.5" {
		t.Fatalf("crypto = %+v, %v", s.Crypto, err)
	}
}
