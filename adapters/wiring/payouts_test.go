package wiring_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stripe/stripe-go/v84"
	stripewebhook "github.com/stripe/stripe-go/v84/webhook"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/settlement"
)

// freshPayout is a payout address no other test pays.
func freshPayout(t *testing.T) string {
	t.Helper()
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "0x" + hex.EncodeToString(b)
}

// swept is a payout driven through the ledger and the sessions it paid out, oldest first.
type swept struct {
	payoutID string
	sessions []string
	due      *big.Int // each session's amount due, in tUSD base units
	txHash   string
	fee      *big.Int
}

// sweptPayout pays n forwarder sessions of the merchant (test mode, bound to payout) in tUSD,
// sweeps their forwarders on chain with the factory (anyone may), and drives the payout
// through the ledger with the core's rules, as the settlement workflow does: deposits
// recorded, payout opened, sent, paid with the sweep's receipt, payout.paid recorded.
func sweptPayout(t *testing.T, key, merchantID, payout string, n int) swept {
	t.Helper()
	ctx := context.Background()
	if r := setSettlement(t, key, url.Values{"payout_address": {payout}}); r.status != 200 {
		t.Fatalf("payout address: %d %s", r.status, r.raw)
	}
	out := swept{}
	for i := range n {
		sel := openSession(t, key, "tusd@sim", "client_reference_id", fmt.Sprintf("order-%d", i), "metadata[order]", fmt.Sprint(i))
		if cryptoOf(sel)["settlement_destination"] != chain.Checksum(payout) {
			t.Fatalf("session not bound to %s: %s", payout, sel.raw)
		}
		out.due = dueOf(t, sel)
		it.chain.payToken(t, addressOf(sel), out.due)
		out.sessions = append(out.sessions, sel.str("id"))
	}
	it.chain.mine(3)
	for _, id := range out.sessions {
		waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	}

	ledger := it.app.API.Payouts
	k := settlement.SweepKey{MerchantID: merchantID, ChainID: simChainID}
	deposits, err := ledger.RecordDeposits(ctx, k, func(d settlement.Deposit) (settlement.BalanceTransaction, error) {
		return settlement.NewBalanceTransaction(ident.New("txn"), d, time.Now().UTC())
	})
	if err != nil || len(deposits) != n {
		t.Fatalf("%d deposits (%v), want %d", len(deposits), err, n)
	}
	sweeps, covered := settlement.Policy{}.Plan(deposits)
	p, err := settlement.NewPayout(ident.New("po"), sweeps, covered, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.CreatePayout(ctx, p, covered); err != nil {
		t.Fatal(err)
	}
	out.payoutID = p.ID

	auth, err := it.chain.auth()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.mu.Lock()
	tx, err := it.chain.factory.Sweep(auth, ethereum.SweepBatch(sweeps))
	if err == nil {
		it.chain.awaitPooled(t, tx)
	}
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	it.chain.mine(1)
	receipt, err := it.chain.client.TransactionReceipt(ctx, tx.Hash())
	if err != nil || receipt.Status != 1 {
		t.Fatalf("sweep receipt: %v %+v", err, receipt)
	}
	block, err := it.chain.client.HeaderByNumber(ctx, receipt.BlockNumber)
	if err != nil {
		t.Fatal(err)
	}
	out.txHash, out.fee = tx.Hash().Hex(), new(big.Int).Mul(new(big.Int).SetUint64(receipt.GasUsed), receipt.EffectiveGasPrice)
	var flushed []settlement.Flushed
	for _, d := range covered {
		flushed = append(flushed, settlement.Flushed{Address: d.Address, Token: d.Token, AssetID: d.AssetID, Amount: d.Amount})
	}
	enc := httpapi.NewRenderer(it.base, it.cfg.Chains.Config(), slog.New(slog.NewTextHandler(os.Stderr, nil)))
	step := func(apply func(*settlement.Payout, []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error)) {
		t.Helper()
		_, err := ledger.UpdatePayout(ctx, p.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error) {
			before := *p
			changed, err := apply(p, lines)
			if err != nil {
				return nil, nil, err
			}
			evs, err := settlement.PayoutEvents(ctx, enc, before, *p, time.Now().UTC())
			return changed, evs, err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	step(func(p *settlement.Payout, _ []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return nil, p.Sent(out.txHash)
	})
	step(func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return p.Paid(settlement.Receipt{TxHash: out.txHash, Flushed: flushed, NetworkFee: out.fee,
			At: time.Unix(int64(block.Time), 0).UTC()}, lines)
	})
	return out
}

// A sweep's payout and balance transactions over the API, in Stripe's shapes (read by the
// official client too): each line carries its session's reference and metadata; payout.paid
// reaches a subscribed endpoint, signed.
func TestPayoutsAndBalanceTransactionsOverHTTP(t *testing.T) {
	ctx := context.Background()
	key, merchantID := newMerchant(t, "Payout Store")
	rcv := newReceiver(t, func(int) int { return 200 })
	we := endpoint(t, key, rcv.URL, event.PayoutPaid)
	payout := freshPayout(t)
	s := sweptPayout(t, key, merchantID, payout, 3)
	total := new(big.Int).Mul(s.due, big.NewInt(3))
	if got, _ := it.chain.token.BalanceOf(nil, common.HexToAddress(payout)); got.Cmp(total) != 0 {
		t.Fatalf("the payout address holds %s, want %s", got, total)
	}

	po := get(t, "/v1/payouts/"+s.payoutID, key)
	var pj struct {
		ID, Object, Status, Destination, Method, Type, Currency string
		Amount                                                  int64
		ArrivalDate                                             *int64 `json:"arrival_date"`
		Crypto                                                  struct {
			Chain, Destination string
			TxHash             string `json:"tx_hash"`
			NetworkFee         string `json:"network_fee"`
			Forwarders         int
			Amounts            []struct{ Asset, Amount string }
		}
	}
	if po.status != 200 || jsonInto(po.raw, &pj) != nil {
		t.Fatalf("retrieve payout: %d %s", po.status, po.raw)
	}
	if pj.Object != "payout" || pj.Status != "paid" || pj.Destination != chain.Checksum(payout) || pj.Method != "standard" || pj.Type != "crypto_wallet" ||
		pj.Amount != 3*3998 || pj.Currency != "usd" || pj.ArrivalDate == nil || pj.Crypto.Chain != "sim" ||
		pj.Crypto.TxHash != s.txHash || pj.Crypto.NetworkFee != s.fee.String() || pj.Crypto.Forwarders != 3 ||
		len(pj.Crypto.Amounts) != 1 || pj.Crypto.Amounts[0].Asset != "tusd@sim" || pj.Crypto.Amounts[0].Amount != total.String() {
		t.Fatalf("payout: %s", po.raw)
	}
	if l := get(t, "/v1/payouts?status=paid&limit=100", key); l.status != 200 || !strings.Contains(string(l.raw), s.payoutID) {
		t.Fatalf("list paid payouts: %d %s", l.status, l.raw)
	}
	if l := get(t, "/v1/payouts?status=in_transit", key); l.status != 200 || strings.Contains(string(l.raw), s.payoutID) {
		t.Fatalf("list payouts in transit: %d %s", l.status, l.raw)
	}

	// The reconciliation view, read with the official client.
	sc := stripeClient(key)
	var lines []*stripe.BalanceTransaction
	for bt, err := range sc.V1BalanceTransactions.List(ctx, &stripe.BalanceTransactionListParams{Payout: stripe.String(s.payoutID)}) {
		if err != nil {
			t.Fatalf("stripe-go list: %v", err)
		}
		lines = append(lines, bt)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines in the payout", len(lines))
	}
	order := map[string]int{} // session -> its index, which its reference and metadata name
	for i, id := range s.sessions {
		order[id] = i
	}
	for i, bt := range lines {
		if _, ours := order[bt.Source.ID]; bt.Amount != 3998 || bt.Net != 3998 || bt.Fee != 0 || bt.Currency != "usd" ||
			bt.Type != "payment" || bt.Status != "available" || !ours || bt.AvailableOn == 0 || bt.ReportingCategory != "charge" {
			t.Fatalf("line %d: %+v", i, bt)
		}
		delete(order, bt.Source.ID)
	}
	raw := get(t, "/v1/balance_transactions?payout="+s.payoutID, key)
	var list struct {
		Data []struct {
			ID                string            `json:"id"`
			Source            string            `json:"source"`
			Payout            string            `json:"payout"`
			ClientReferenceID string            `json:"client_reference_id"`
			Metadata          map[string]string `json:"metadata"`
			Crypto            struct {
				Asset, Amount, Address, Payment string
				NetworkFee                      string `json:"network_fee"`
			}
		}
	}
	if raw.status != 200 || jsonInto(raw.raw, &list) != nil || len(list.Data) != 3 {
		t.Fatalf("lines: %d %s", raw.status, raw.raw)
	}
	fees := new(big.Int)
	for i, l := range list.Data {
		n := slices.Index(s.sessions, l.Source)
		fee, _ := new(big.Int).SetString(l.Crypto.NetworkFee, 10)
		fees.Add(fees, fee)
		if l.Payout != s.payoutID || l.ClientReferenceID != fmt.Sprintf("order-%d", n) || l.Metadata["order"] != fmt.Sprint(n) ||
			l.Crypto.Asset != "tusd@sim" || l.Crypto.Amount != s.due.String() || !strings.HasPrefix(l.Crypto.Payment, "pay_") ||
			!strings.HasPrefix(l.Crypto.Address, "0x") {
			t.Fatalf("line %d: %s", i, raw.raw)
		}
	}
	if fees.Cmp(s.fee) != 0 {
		t.Fatalf("the lines bear %s of the sweep's fee %s", fees, s.fee)
	}
	one := get(t, "/v1/balance_transactions/"+list.Data[0].ID, key)
	if one.status != 200 || one.str("object") != "balance_transaction" || one.str("source") != list.Data[0].Source || one.str("payout") != s.payoutID {
		t.Fatalf("retrieve line: %d %s", one.status, one.raw)
	}
	if l := get(t, "/v1/balance_transactions?type=adjustment&payout="+s.payoutID, key); l.status != 200 || len(l.body["data"].([]any)) != 0 {
		t.Fatalf("adjustments: %d %s", l.status, l.raw)
	}

	for _, tc := range []struct{ path, param, code string }{
		{"/v1/payouts?status=sent", "status", "parameter_invalid"},
		{"/v1/payouts?limit=101", "limit", "parameter_invalid_integer"},
		{"/v1/payouts?destination=0x1", "destination", "parameter_unknown"},
		{"/v1/balance_transactions?type=charge", "type", "parameter_invalid"},
		{"/v1/balance_transactions?payout=po_nope", "payout", "resource_missing"},
		{"/v1/balance_transactions?starting_after=txn_nope", "starting_after", "resource_missing"},
	} {
		if r := get(t, tc.path, key); r.status != 400 || r.errField("param") != tc.param || r.errField("code") != tc.code {
			t.Errorf("%s: %d %s", tc.path, r.status, r.raw)
		}
	}
	for _, path := range []string{"/v1/payouts/po_nope", "/v1/balance_transactions/txn_nope"} {
		if r := get(t, path, key); r.status != 404 || r.errField("code") != "resource_missing" {
			t.Errorf("%s: %d %s", path, r.status, r.raw)
		}
	}

	// payout.paid: listed, about no session, and delivered signed to the endpoint that asked for it.
	evs := get(t, "/v1/events?type=payout.paid&limit=100", key)
	var evList struct {
		Data []struct {
			ID, Type string
			Session  *string `json:"checkout_session"`
			Data     struct {
				Object struct{ ID, Object, Status string }
			}
		}
	}
	if evs.status != 200 || jsonInto(evs.raw, &evList) != nil || len(evList.Data) != 1 {
		t.Fatalf("payout events: %d %s", evs.status, evs.raw)
	}
	if e := evList.Data[0]; e.Session != nil || e.Data.Object.ID != s.payoutID || e.Data.Object.Object != "payout" || e.Data.Object.Status != "paid" {
		t.Fatalf("payout.paid: %s", evs.raw)
	}
	eventually(t, "payout.paid delivered", func() (bool, error) { return rcv.count() > 0, nil })
	rcv.mu.Lock()
	body, sig := rcv.bodies[0], rcv.headers[0].Get("Stripe-Signature")
	rcv.mu.Unlock()
	ev, err := stripewebhook.ConstructEvent(body, sig, we.Secret)
	if err != nil || ev.Type != stripe.EventType(event.PayoutPaid) {
		t.Fatalf("delivered: %v %s", err, body)
	}
	var delivered stripe.Payout
	if err := json.Unmarshal(ev.Data.Raw, &delivered); err != nil || delivered.ID != s.payoutID || delivered.Amount != 3*3998 ||
		delivered.Status != stripe.PayoutStatusPaid || delivered.Destination == nil || delivered.Destination.ID != chain.Checksum(payout) {
		t.Fatalf("delivered payout %+v: %v", delivered, err)
	}
	if r := get(t, "/v1/payouts/"+s.payoutID, key); r.status != 200 {
		t.Fatal(r.status)
	}
	if _, err := sc.V1Payouts.Retrieve(ctx, s.payoutID, nil); err != nil {
		t.Fatalf("stripe-go retrieve payout: %v", err)
	}
}
