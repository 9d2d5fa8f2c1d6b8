package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/settlement"
)

const (
	exportToken   = "0x00000000000000000000000000000000000c0ffe"
	exportFactory = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
	exportDest    = "0x00000000000000000000000000000000000000a1"
)

// forwarderChains points CHECKOUT_CHAINS_FILE at a test chain with a token and a forwarder factory.
func forwarderChains(t *testing.T) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "chains.json")
	raw := `{"chains": [
	  {"key": "dev", "id": 1337, "name": "Dev", "rpc_url": "http://127.0.0.1:1", "livemode": false, "confirmations": 3,
	   "native": {"symbol": "ETH", "decimals": 18}, "forwarder_factory": "` + exportFactory + `",
	   "tokens": [{"symbol": "tUSD", "contract": "` + exportToken + `", "decimals": 6, "peg": "usd"}]}],
	 "rates": {"eth": {"usd": "3000"}}}`
	if err := os.WriteFile(file, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHECKOUT_CHAINS_FILE", file)
}

// paidForwarderSession stores a 39.98 USD session paid in tUSD into its forwarder address: the
// rows the API, the scanner and the session workflow would have written.
func paidForwarderSession(t *testing.T, db *postgres.DB, chains chain.Config, merchantID, ref string, meta map[string]string) string {
	t.Helper()
	ctx := context.Background()
	p := checkout.CreateParams{Mode: ptr("payment"), Metadata: meta, LineItems: []checkout.LineItemParams{{Quantity: ptr[int64](1),
		PriceData: &checkout.PriceDataParams{PriceDataParams: catalog.PriceDataParams{Currency: ptr("usd"), UnitAmount: ptr[int64](3998)},
			ProductData: &checkout.ProductDataParams{Name: ptr("Mug")}}}}}
	if ref != "" {
		p.ClientReferenceID = &ref
	}
	now := time.Now().UTC()
	sess, err := checkout.Build(p, merchant.Caller{MerchantID: merchantID}, now, chains.Assets(false), catalog.Listing{})
	if err != nil {
		t.Fatal(err)
	}
	sessions := postgres.NewSessions(db)
	if err := sessions.CreateSession(ctx, sess, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Update(ctx, sess.ID, func(s *checkout.Session, _ []chain.Payment) error {
		s.Crypto.AssetID, s.Crypto.ChainID, s.Crypto.Decimals = "tusd@dev", 1337, 6
		s.Crypto.AmountDue, s.Crypto.Rate, s.Crypto.QuotedAt = big.NewInt(39_980_000), decimal.NewFromInt(1), now
		return nil
	}, func(_, _ *checkout.Session) ([]event.Event, error) { return nil, nil }); err != nil {
		t.Fatal(err)
	}
	factory, _ := settlement.ParseAddress(exportFactory)
	dest, _ := settlement.ParseAddress(exportDest)
	nonce := settlement.SessionNonce(sess.ID)
	address, err := sessions.EnsureForwarderAddress(ctx, sess.ID, settlement.Binding{ChainID: 1337, Factory: factory,
		Destination: dest, Nonce: nonce, Address: settlement.ForwarderAddress(factory, dest, nonce)}, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(`INSERT INTO payments (id, chain_id, tx_hash, log_index, session_id, asset_id, from_address,
		to_address, amount, block_number, block_hash, block_time, status, was_confirmed, detected_at, confirmed_at)
		VALUES ($1, 1337, $2, 0, $3, 'tusd@dev', '0xpayer', $4, 39980000, 10, '0xb', $5, $6, true, $5, $5)`,
		ident.New("pay"), "0x"+sess.ID, sess.ID, address, now, string(chain.PaymentConfirmed)); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

// paidPayout sweeps the merchant's test deposits into one payout through the ledger, paid with
// a fee and native coin nobody recorded at the first forwarder (an adjustment).
func paidPayout(t *testing.T, db *postgres.DB, chains chain.Config, merchantID string) settlement.Payout {
	t.Helper()
	ctx := context.Background()
	ledger := postgres.NewPayouts(db, chains)
	deposits, err := ledger.RecordDeposits(ctx, settlement.SweepKey{MerchantID: merchantID, ChainID: 1337},
		func(d settlement.Deposit) (settlement.BalanceTransaction, error) {
			return settlement.NewBalanceTransaction(ident.New("txn"), d, time.Now().UTC())
		})
	if err != nil {
		t.Fatal(err)
	}
	sweeps, covered := settlement.Policy{}.Plan(deposits)
	p, err := settlement.NewPayout(ident.New("po"), sweeps, covered, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.CreatePayout(ctx, p, covered); err != nil {
		t.Fatal(err)
	}
	flushed := []settlement.Flushed{{Address: covered[0].Address, AssetID: "eth@dev", Amount: big.NewInt(7)}}
	for _, d := range covered {
		flushed = append(flushed, settlement.Flushed{Address: d.Address, Token: d.Token, AssetID: d.AssetID, Amount: d.Amount})
	}
	paid, err := ledger.UpdatePayout(ctx, p.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error) {
		if err := p.Sent("0xsweep"); err != nil {
			return nil, nil, err
		}
		out, err := p.Paid(settlement.Receipt{TxHash: "0xsweep", Flushed: flushed, NetworkFee: big.NewInt(3000), At: time.Now().UTC()}, lines)
		return out, nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paid
}

// payouts export prints a payout's lines oldest first, as a table or as CSV that any CSV
// reader parses back (metadata with commas and quotes included); wrong or foreign IDs are refused.
func TestPayoutsExport(t *testing.T) {
	cliDatabase(t)
	forwarderChains(t)
	ctx := context.Background()
	var m, other createdJSON
	_ = json.Unmarshal([]byte(cli(t, time.Time{}, "merchant", "create", "--name", "Exporter", "--xpub", ethereum.DemoXPub, "--json")), &m)
	_ = json.Unmarshal([]byte(cli(t, time.Time{}, "merchant", "create", "--name", "Other", "--xpub", ethereum.DemoXPub, "--json")), &other)
	file, err := chainconfig.Load(os.Getenv("CHECKOUT_CHAINS_FILE"), nil)
	if err != nil {
		t.Fatal(err)
	}
	chains := file.Config()
	db, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	note := map[string]string{"note": `a, "quoted" value`, "order": "1001"}
	first := paidForwarderSession(t, db, chains, m.ID, "order-1001", note)
	second := paidForwarderSession(t, db, chains, m.ID, "", nil)
	p := paidPayout(t, db, chains, m.ID)
	paidForwarderSession(t, db, chains, other.ID, "x", nil)
	otherPayout := paidPayout(t, db, chains, other.ID)

	rows, err := csv.NewReader(strings.NewReader(cli(t, time.Time{}, "payouts", "export", "--merchant", m.ID, "--payout", p.ID, "--csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], csvHeader) {
		t.Fatalf("csv rows %q", rows)
	}
	col := func(row []string, name string) string { return row[slices.Index(csvHeader, name)] }
	sessions, fees := map[string][]string{}, new(big.Int)
	for _, row := range rows[1:] {
		sessions[col(row, "session")+"/"+col(row, "type")] = row
		fee, _ := new(big.Int).SetString(col(row, "network_fee"), 10)
		fees.Add(fees, fee)
		if col(row, "payout") != p.ID || col(row, "tx_hash") != "0xsweep" || col(row, "status") != "available" ||
			col(row, "currency") != "usd" || !strings.HasPrefix(col(row, "forwarder"), "0x") || col(row, "available_on") == "" {
			t.Fatalf("row %q", row)
		}
	}
	if fees.Int64() != 3000 {
		t.Fatalf("the rows bear a fee of %s, want 3000", fees)
	}
	a, b, adj := sessions[first+"/payment"], sessions[second+"/payment"], sessions[first+"/adjustment"]
	if a == nil || b == nil || adj == nil {
		t.Fatalf("rows by session %v", sessions)
	}
	var meta map[string]string
	if err := json.Unmarshal([]byte(col(a, "metadata")), &meta); err != nil || meta["note"] != note["note"] || meta["order"] != "1001" {
		t.Fatalf("metadata %q: %v", col(a, "metadata"), err)
	}
	for _, check := range [][3]string{
		{col(a, "client_reference_id"), "order-1001", "reference"}, {col(a, "asset"), "tusd@dev", "asset"},
		{col(a, "amount"), "39980000", "amount"}, {col(a, "amount_decimal"), "39.98", "decimal amount"},
		{col(a, "fiat_amount"), "39.98", "fiat amount"}, {col(a, "type"), "payment", "type"},
		{col(b, "client_reference_id"), "", "no reference"}, {col(b, "metadata"), "{}", "no metadata"},
		{col(adj, "asset"), "eth@dev", "adjustment asset"}, {col(adj, "amount"), "7", "adjustment amount"},
		{col(adj, "amount_decimal"), "0.000000000000000007", "adjustment decimal"}, {col(adj, "fiat_amount"), "0.00", "adjustment fiat"},
		{col(adj, "payment"), "", "adjustment payment"}, {col(adj, "client_reference_id"), "order-1001", "adjustment reference"},
	} {
		if check[0] != check[1] {
			t.Errorf("%s: %q, want %q", check[2], check[0], check[1])
		}
	}

	table := cli(t, time.Time{}, "payouts", "export", "--merchant", m.ID, "--payout", p.ID)
	if !strings.Contains(table, "payout "+p.ID+": paid, 79.96 USD to "+exportDest+", tx 0xsweep, 3 balance transactions") ||
		!strings.Contains(table, first) || !strings.Contains(table, "order-1001") || !strings.Contains(table, "39.98 tusd@dev") {
		t.Fatalf("table:\n%s", table)
	}

	for _, tc := range []struct {
		args    []string
		refused string
	}{
		{[]string{"--merchant", m.ID}, "needs --merchant and --payout"},
		{[]string{"--payout", p.ID}, "needs --merchant and --payout"},
		{[]string{"--merchant", m.ID, "--payout", "po_nope", "--csv"}, "no payout po_nope"},
		{[]string{"--merchant", m.ID, "--payout", otherPayout.ID}, "no payout " + otherPayout.ID},
		{[]string{"--merchant", "acct_nobody", "--payout", p.ID}, "acct_nobody"},
	} {
		var out bytes.Buffer
		err := run(ctx, append([]string{"payouts", "export"}, tc.args...), &out)
		if err == nil || !strings.Contains(err.Error(), tc.refused) {
			t.Errorf("%v: %v, want refusal %q", tc.args, err, tc.refused)
		}
	}
}
