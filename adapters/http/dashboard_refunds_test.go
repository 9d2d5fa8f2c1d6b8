package http

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/refund"
)

// The refund pages as the dashboard renders them, from refunds and sessions built here: what
// each state offers an owner and a read-only user, and that every value reaches the HTML (no
// html/template ZgotmplZ). The HTTP round trips are adapters/wiring/dashboard_refunds_test.go.

var refundPageT0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

const (
	refundPageUSDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
	refundPageDest = "0x8ba1f109551bD432803012645Ac136ddd64DBA72"
	refundPageHash = "0x" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"
)

func refundPageServer(t *testing.T) *Server {
	t.Helper()
	cfg := chain.Config{Chains: []chain.Chain{{Key: "base", ID: 8453, Name: "Base", Confirmations: 3,
		ExplorerURL: "https://scan.example", PublicRPCURL: "https://rpc.example", Native: chain.Token{Symbol: "ETH", Decimals: 18},
		Tokens: []chain.Token{{Symbol: "USDC", Contract: refundPageUSDC, Decimals: 6, Peg: "usd"}}}}}
	dash, err := newDashRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Renderer: NewRenderer("https://pay.example/", cfg, slog.New(slog.NewTextHandler(io.Discard, nil))),
		dash: dash, now: func() time.Time { return refundPageT0 }}
}

// refundPageRender executes a dashboard page as dashRender would for a signed-in user.
func refundPageRender(t *testing.T, s *Server, page string, owner bool, body any) string {
	t.Helper()
	var buf bytes.Buffer
	d := dashData{Title: "Test", Nav: "refunds", Email: "someone@shop.example", CanWrite: owner, CSRF: "token.test", Body: body}
	if err := s.dash.pages[page].ExecuteTemplate(&buf, "layout", d); err != nil {
		t.Fatalf("render %s: %v", page, err)
	}
	if strings.Contains(buf.String(), "ZgotmplZ") {
		t.Fatalf("%s rendered an unsafe value as ZgotmplZ:\n%s", page, buf.String())
	}
	return buf.String()
}

func refundPageRefund(change func(*refund.Refund)) refund.Refund {
	r := refund.Refund{ID: "re_1", SessionID: "cs_1", Status: refund.StatusPending, Reason: refund.ReasonOverpayment,
		Amount: 500, Currency: "usd", AssetID: "usdc@base", ChainID: 8453, Decimals: 6, CryptoAmount: big.NewInt(5_000_000),
		Destination: strings.ToLower(refundPageDest), DestinationBy: refund.DestinationByMerchant, Created: refundPageT0}
	if change != nil {
		change(&r)
	}
	return r
}

func TestRefundPageOffersWhatTheStateAllows(t *testing.T) {
	s := refundPageServer(t)
	sentAt := refundPageT0.Add(time.Minute)
	cases := []struct {
		name      string
		refund    refund.Refund
		owner     bool
		want, not []string
	}{
		{"pending, owner: pay with the wallet, record a hash, cancel", refundPageRefund(nil), true,
			[]string{`id="refund-wallet"`, `data-chain="0x2105"`, `data-to="` + refundPageUSDC + `"`, `data-value="0x0"`,
				`data-data="0xa9059cbb000000000000000000000000` + strings.ToLower(refundPageDest[2:]),
				`href="ethereum:` + refundPageUSDC + `@8453/transfer?address=` + refundPageDest + `&amp;uint256=5000000"`,
				`data-rpc="https://rpc.example"`, `action="/dashboard/refunds/re_1/mark_sent"`, `name="transaction_hash"`,
				`action="/dashboard/refunds/re_1/cancel"`, `src="/static/dashboard_refund.js"`, "$5.00", "5 USDC",
				`href="https://scan.example/address/` + refundPageDest + `"`, "given by the merchant"},
			[]string{"Verifying"}},
		{"pending, read-only: sees, cannot act", refundPageRefund(nil), false,
			[]string{"$5.00", refundPageDest},
			[]string{`id="refund-wallet"`, "mark_sent", "/cancel", "dashboard_refund.js"}},
		{"awaiting the claim, owner: the claim link to copy, cancel, nothing to pay",
			refundPageRefund(func(r *refund.Refund) {
				r.Status, r.Destination, r.DestinationBy = refund.StatusRequiresAction, "", ""
				r.ClaimSecret, r.ClaimExpiresAt = "re_1_claim_secret", refundPageT0.Add(7*24*time.Hour)
			}), true,
			[]string{"https://pay.example/refunds/claim/re_1_claim_secret", `data-copy="refund-claim-url"`, "13 Dec 2026 12:00 UTC",
				`action="/dashboard/refunds/re_1/cancel"`},
			[]string{`id="refund-wallet"`, "mark_sent"}},
		{"awaiting the claim, read-only: no claim link", refundPageRefund(func(r *refund.Refund) {
			r.Status, r.Destination, r.ClaimSecret = refund.StatusRequiresAction, "", "re_1_claim_secret"
		}), false, []string{"Only owners see the claim link"}, []string{"claim_secret"}},
		{"sent: verifying, nothing more to do", refundPageRefund(func(r *refund.Refund) { r.TxHash, r.SentAt = refundPageHash, &sentAt }), true,
			[]string{"Verifying the transaction", `href="https://scan.example/tx/` + refundPageHash + `"`},
			[]string{`id="refund-wallet"`, "mark_sent", "/cancel"}},
		{"a refused transaction: said, and the refund can be paid again",
			refundPageRefund(func(r *refund.Refund) { r.LastTxError = "transaction 0xab reverted" }), true,
			[]string{"The last transaction named was refused: transaction 0xab reverted", `id="refund-wallet"`}, nil},
		{"native coin: the value, no data", refundPageRefund(func(r *refund.Refund) {
			r.AssetID, r.Decimals, r.CryptoAmount = "eth@base", 18, big.NewInt(10_000_000_000_000_000)
		}), true, []string{`data-to="` + refundPageDest + `"`, `data-value="0x2386f26fc10000"`, `data-data=""`, "0.01 ETH"}, nil},
		{"succeeded", refundPageRefund(func(r *refund.Refund) {
			r.Status, r.TxHash, r.TxBlock, r.SucceededAt = refund.StatusSucceeded, refundPageHash, 42, &sentAt
		}), true, []string{"in block 42", "Succeeded"}, []string{`id="refund-wallet"`, "mark_sent", "/cancel"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			page := refundPageRender(t, s, "refund", c.owner, s.refundPageDetailOf(c.refund, c.owner))
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(page, n) {
					t.Errorf("the page has %q", n)
				}
			}
		})
	}
}

// refundPageSessionOfTest is a $10 session paid in USDC with received (base units) at t0; expired
// sessions expired at t0+1h.
func refundPageSessionOfTest(status checkout.Status, received int64) *checkout.Session {
	return &checkout.Session{ID: "cs_1", Status: status, Currency: "usd", ExpiresAt: refundPageT0.Add(time.Hour),
		Crypto: checkout.Crypto{AssetID: "usdc@base", ChainID: 8453, Decimals: 6, Rate: decimal.NewFromInt(1),
			DepositAddress: "0x1111111111111111111111111111111111111111", AmountDue: big.NewInt(10_000_000),
			Payments: []chain.Payment{{AssetID: "usdc@base", ChainID: 8453, Amount: big.NewInt(received),
				Status: chain.PaymentConfirmed, BlockTime: refundPageT0}}}}
}

func TestRefundPageSessionSection(t *testing.T) {
	s := refundPageServer(t)
	resolved := refundPageSessionOfTest(checkout.StatusComplete, 15_000_000)
	resolved.Resolution, resolved.AmountRefunded = checkout.ResolutionRefunded, 500
	const resolve, create = `action="/dashboard/payments/cs_1/resolve"`, `action="/dashboard/payments/cs_1/refunds"`
	cases := []struct {
		name      string
		sess      *checkout.Session
		refunds   []refund.Refund
		owner     bool
		want, not []string
	}{
		{"overpaid: resolve by a refund, no accept", refundPageSessionOfTest(checkout.StatusComplete, 15_000_000), nil, true,
			[]string{resolve, `value="refund"`, "Overpaid: 5 USDC arrived beyond the amount due.", "15 USDC", "No refund of this payment."},
			[]string{`value="accept"`, create}},
		{"underpaid at expiry: accept or refund", refundPageSessionOfTest(checkout.StatusExpired, 3_000_000), nil, true,
			[]string{resolve, `value="accept"`, "Accept as paid", `value="refund"`, "Underpaid: 3 USDC"}, []string{create}},
		{"paid exactly: a plain refund with a reason", refundPageSessionOfTest(checkout.StatusComplete, 10_000_000), nil, true,
			[]string{create, `<option value="requested_by_customer">`, "Left to refund"}, []string{resolve, "To resolve"}},
		{"resolved by a refund: listed, and the rest can still be refunded", resolved, []refund.Refund{refundPageRefund(nil)}, true,
			[]string{"refunded", "Resolved by a refund.", "$5.00", `href="/dashboard/refunds/re_1"`, create, "10 USDC", "<dt>Outcome</dt>"}, []string{resolve, "To resolve"}},
		{"read-only: the facts, no form", refundPageSessionOfTest(checkout.StatusExpired, 3_000_000), nil, false,
			[]string{"Underpaid: 3 USDC"}, []string{resolve, create}},
		{"fully refunded: nothing left to offer", refundPageSessionOfTest(checkout.StatusComplete, 5_000_000),
			[]refund.Refund{refundPageRefund(nil)}, true, nil, []string{resolve, create, "Left to refund"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := paymentPage{ID: "cs_1", Status: string(c.sess.Status), Refunds: s.refundPageSessionFrom(c.sess, c.refunds, c.owner)}
			page := refundPageRender(t, s, "payment", c.owner, b)
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(page, n) {
					t.Errorf("the page has %q", n)
				}
			}
		})
	}
}

func TestRefundPageListRendersBothTables(t *testing.T) {
	s := refundPageServer(t)
	waiting := refundPageRefund(func(r *refund.Refund) {
		r.ID, r.Status, r.Destination, r.ClaimSecret = "re_2", refund.StatusRequiresAction, "", "re_2_claim_x"
	})
	rows := s.refundPageRows([]refund.Refund{waiting, refundPageRefund(nil)}, true)
	b := refundPageList{ToPay: refundPageTable{Key: "topay", Rows: rows}, All: refundPageTable{Key: "all", Rows: rows},
		Next: "starting_after=re_1"}
	page := refundPageRender(t, s, "refunds", true, b)
	for _, w := range []string{"Refunds to pay", `id="topay-claim-re_2"`, `id="all-claim-re_2"`, "waiting for the shopper's claim",
		"https://pay.example/refunds/claim/re_2_claim_x", `href="/dashboard/refunds?starting_after=re_1"`, `href="/dashboard/payments/cs_1"`} {
		if !strings.Contains(page, w) {
			t.Errorf("the list lacks %q", w)
		}
	}
	b.Paged = true
	if page := refundPageRender(t, s, "refunds", true, b); strings.Contains(page, "Refunds to pay") {
		t.Error("a later page repeats the refunds to pay")
	}
}

func TestRefundPageFormParams(t *testing.T) {
	p, err := refundPageForm{Amount: " 12.50 ", Destination: " " + refundPageDest + " "}.params("cs_1", "usd")
	if err != nil || p.Amount == nil || *p.Amount != 1250 || p.Destination != refundPageDest || p.Session != "cs_1" {
		t.Fatalf("params = %+v, %v", p, err)
	}
	if p, err := (refundPageForm{}).params("cs_1", "jpy"); err != nil || p.Amount != nil || p.Destination != "" {
		t.Fatalf("empty form = %+v, %v: want the use case's defaults", p, err)
	}
	if _, err := (refundPageForm{Amount: "1.005"}).params("cs_1", "usd"); err == nil {
		t.Fatal("a third decimal of USD was accepted")
	}
}

func TestRefundPageEventObjectHidesClaimLinksFromReadOnlyUsers(t *testing.T) {
	refundObj := json.RawMessage(`{"object":"refund","id":"re_1","next_action":{"type":"claim","claim":{"url":"http://x/refunds/claim/re_1_claim_s"}},"crypto":{"claim_url":"http://x/refunds/claim/re_1_claim_s","amount":"5"}}`)
	cases := []struct {
		name   string
		obj    json.RawMessage
		owner  bool
		secret bool // the claim secret still shows
	}{
		{"owner sees the link", refundObj, true, true},
		{"read-only does not", refundObj, false, false},
		{"other objects unchanged", json.RawMessage(`{"object":"checkout.session","url":"http://x/c/cs_1_claim_s"}`), false, true},
		{"not JSON unchanged", json.RawMessage(`_claim_s`), false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := refundPageEventObject(c.obj, c.owner)
			if strings.Contains(got, "_claim_s") != c.secret {
				t.Fatalf("shown %q", got)
			}
		})
	}
}
