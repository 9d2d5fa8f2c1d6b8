package billing

import (
	"math/big"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

const (
	tokenAddr     = "0x00000000000000000000000000000000000000aa"
	collectorAddr = "0x00000000000000000000000000000000000000cc"
	payoutAddr    = "0x00000000000000000000000000000000000000dd"
)

func mandateChains(collector string) chain.Config {
	return chain.Config{Chains: []chain.Chain{{Key: "dev", ID: 1337, Name: "Dev", Confirmations: 2, SubscriptionCollector: collector,
		GasWallet: &chain.GasWallet{KeyEnv: "GAS_KEY"},
		Native:    chain.Token{Symbol: "ETH", Decimals: 18},
		Tokens: []chain.Token{{Symbol: "tUSD", Contract: tokenAddr, Decimals: 6, Peg: "usd"},
			{Symbol: "tEUR", Contract: "0x00000000000000000000000000000000000000ee", Decimals: 6, Peg: "eur"}}}}}
}

func mandateSession(edit func(*checkout.Session, *[]checkout.LineItem)) (*checkout.Session, []checkout.LineItem) {
	s := &checkout.Session{ID: "cs_test_1", Mode: checkout.ModeSubscription, Currency: "usd",
		Crypto: checkout.Crypto{AssetID: "tusd@dev", SettlementDestination: payoutAddr}}
	items := []checkout.LineItem{
		{AmountTotal: 1500, Recurring: &catalog.RecurringTerms{Interval: catalog.Month, IntervalCount: 1}},
		{AmountTotal: 999}, // one-time: the first period only
	}
	if edit != nil {
		edit(s, &items)
	}
	return s, items
}

func TestMandateTermsOf(t *testing.T) {
	cases := []struct {
		name      string
		collector string
		edit      func(*checkout.Session, *[]checkout.LineItem)
		code      string
		amount    int64
		interval  uint64
	}{
		{"test mode: one period of recurring items, no interval", collectorAddr, nil, "", 15_000_000, 0},
		{"live mode: nine tenths of the shortest month", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Livemode = true },
			"", 15_000_000, 28 * 24 * 3600 * 9 / 10},
		{"quarterly live plan", collectorAddr, func(s *checkout.Session, it *[]checkout.LineItem) {
			s.Livemode = true
			(*it)[0].Recurring.IntervalCount = 3
		}, "", 15_000_000, 84 * 24 * 3600 * 9 / 10},
		{"payment mode", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Mode = checkout.ModePayment }, "not_a_subscription", 0, 0},
		{"no asset yet", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Crypto.AssetID = "" }, "asset_not_chosen", 0, 0},
		{"native coin", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Crypto.AssetID = "eth@dev" }, "asset_not_pegged", 0, 0},
		{"stablecoin of another currency", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Crypto.AssetID = "teur@dev" },
			"asset_not_pegged", 0, 0},
		{"chain without collector", "", nil, "no_collector", 0, 0},
		{"xpub address: no payout address", collectorAddr, func(s *checkout.Session, _ *[]checkout.LineItem) { s.Crypto.SettlementDestination = "" },
			"no_payout_address", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, items := mandateSession(tc.edit)
			got, err := MandateTermsOf(s, items, mandateChains(tc.collector))
			if tc.code != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tc.code {
					t.Fatalf("err = %v, want code %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Amount.Cmp(big.NewInt(tc.amount)) != 0 || got.MinInterval != tc.interval || got.Payee != payoutAddr ||
				got.Token != tokenAddr || got.Collector != collectorAddr || got.ID != MandateID(s.ID) || len(got.ID) != 66 {
				t.Fatalf("terms = %+v", got)
			}
			if got.Allowance().Cmp(big.NewInt(12*tc.amount)) != 0 {
				t.Fatalf("allowance = %s", got.Allowance())
			}
		})
	}
}

func TestMandateAccept(t *testing.T) {
	terms := MandateTerms{ID: MandateID("cs_test_1"), Token: tokenAddr, Payee: payoutAddr, Amount: big.NewInt(15_000_000), MinInterval: 100}
	good := Mandate{Payer: "0x00000000000000000000000000000000000000Bb", Token: "0x00000000000000000000000000000000000000AA",
		Payee: payoutAddr, MaxPerCollection: big.NewInt(15_000_000), MinInterval: 100}
	cases := []struct {
		name string
		edit func(*Mandate)
		code string
	}{
		{"the asked terms (addresses in any case)", nil, ""},
		{"a higher cap is the shopper's choice", func(m *Mandate) { m.MaxPerCollection = big.NewInt(20_000_000) }, ""},
		{"a shorter interval", func(m *Mandate) { m.MinInterval = 0 }, ""},
		{"none", func(m *Mandate) { *m = Mandate{} }, "no_mandate"},
		{"revoked", func(m *Mandate) { m.Revoked = true }, "no_mandate"},
		{"another token", func(m *Mandate) { m.Token = payoutAddr }, "mandate_mismatch"},
		{"another payee: someone front-ran the ID", func(m *Mandate) { m.Payee = tokenAddr }, "mandate_mismatch"},
		{"cap below a period", func(m *Mandate) { m.MaxPerCollection = big.NewInt(14_999_999) }, "amount_above_cap"},
		{"interval longer than the plan's", func(m *Mandate) { m.MinInterval = 101 }, "interval_too_long"},
		{"authorized by a wallet that did not pay", func(m *Mandate) { m.Payer = payoutAddr }, "mandate_payer_mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := good
			if tc.edit != nil {
				tc.edit(&m)
			}
			got, err := terms.Accept(m, []string{"0x00000000000000000000000000000000000000bb", tokenAddr})
			if tc.code != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tc.code {
					t.Fatalf("err = %v, want code %s", err, tc.code)
				}
				return
			}
			if err != nil || got.Payer != "0x00000000000000000000000000000000000000bb" {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestAutomaticCollection(t *testing.T) {
	now := day("2027-02-28 10:00:00")
	auto := func() (*Subscription, *Invoice) {
		s, _ := newSub("2027-01-28 10:00:00")
		s.CollectionMethod, s.Mandate = ChargeAutomatically, &MandateTerms{ID: MandateID("cs_test_1")}
		inv := s.Advance(&Invoice{ID: s.LatestInvoice, Status: InvoicePaid}, DefaultDunning, now).Renewed
		return s, inv
	}
	cases := []struct {
		name    string
		do      func(*Subscription, *Invoice) error
		want    CollectionStatus // "": never collected
		invoice InvoiceStatus
		method  CollectionMethod
		errCode string
	}{
		{"a renewal waits for its collection", func(*Subscription, *Invoice) error { return nil }, "", InvoiceOpen, SendInvoice, ""},
		{"started, then confirmed: paid", func(s *Subscription, inv *Invoice) error {
			if err := s.StartCollection(inv); err != nil {
				return err
			}
			return s.Collected(inv, "0xabc", now)
		}, CollectionSucceeded, InvoicePaid, ChargeAutomatically, ""},
		{"a second start changes nothing", func(s *Subscription, inv *Invoice) error {
			_ = s.StartCollection(inv)
			return s.StartCollection(inv)
		}, CollectionPending, InvoiceOpen, ChargeAutomatically, ""},
		{"refused by the collector: sent as an invoice", func(s *Subscription, inv *Invoice) error {
			s.FailCollection(inv, ReasonAllowance)
			return nil
		}, CollectionFailed, InvoiceOpen, SendInvoice, ""},
		{"a failure after success changes nothing", func(s *Subscription, inv *Invoice) error {
			_ = s.StartCollection(inv)
			_ = s.Collected(inv, "0xabc", now)
			s.FailCollection(inv, ReasonReverted)
			return nil
		}, CollectionSucceeded, InvoicePaid, ChargeAutomatically, ""},
		{"confirmed without a start", func(s *Subscription, inv *Invoice) error { return s.Collected(inv, "0xabc", now) },
			"", InvoiceOpen, SendInvoice, "invoice_not_collecting"},
		{"a send_invoice subscription never starts", func(s *Subscription, inv *Invoice) error {
			s.CollectionMethod = SendInvoice
			return s.StartCollection(inv)
		}, "", InvoiceOpen, SendInvoice, "invoice_not_collectable"},
		{"canceled while in flight: the take is recorded, the invoice stays void", func(s *Subscription, inv *Invoice) error {
			_ = s.StartCollection(inv)
			if err := s.Cancel(inv, now); err != nil {
				return err
			}
			return s.Collected(inv, "0xabc", now)
		}, CollectionSucceeded, InvoiceVoid, ChargeAutomatically, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, inv := auto()
			err := tc.do(s, inv)
			if tc.errCode != "" {
				if e, ok := apperr.As(err); !ok || e.Code != tc.errCode {
					t.Fatalf("err = %v, want %s", err, tc.errCode)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			got := CollectionStatus("")
			if inv.AutoCollection != nil {
				got = inv.AutoCollection.Status
			}
			if got != tc.want || inv.Status != tc.invoice || inv.CollectionMethod() != tc.method {
				t.Fatalf("collection %q, invoice %s, method %s", got, inv.Status, inv.CollectionMethod())
			}
		})
	}
}
