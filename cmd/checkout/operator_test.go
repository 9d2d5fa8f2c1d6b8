package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
)

var liveSecretKey = regexp.MustCompile(`sk_live_[A-Za-z0-9]+`)

// liveChains points CHECKOUT_CHAINS_FILE at a file with a test chain and a live chain.
func liveChains(t *testing.T) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "chains.json")
	raw := `{"chains": [
	  {"key": "dev", "id": 1337, "name": "Dev", "rpc_url": "http://127.0.0.1:1", "livemode": false, "confirmations": 3,
	   "native": {"symbol": "ETH", "decimals": 18}},
	  {"key": "base", "id": 8453, "name": "Base", "rpc_url": "http://127.0.0.1:1", "livemode": true, "confirmations": 10,
	   "native": {"symbol": "ETH", "decimals": 18}}],
	 "rates": {"eth": {"usd": "3000"}}}`
	if err := os.WriteFile(file, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHECKOUT_CHAINS_FILE", file)
}

// cli runs a command line with the clock at now (zero: the system clock) and returns what it printed.
func cli(t *testing.T, now time.Time, args ...string) string {
	t.Helper()
	cfg := wiring.FromEnv()
	if !now.IsZero() {
		cfg.Now = func() time.Time { return now }
	}
	var out bytes.Buffer
	if err := dispatch(context.Background(), cfg, args, &out); err != nil {
		t.Fatalf("checkout %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

// merchant create issues a live key beside the test key exactly when a live chain is configured.
func TestMerchantCreateIssuesLiveKeyWhereLiveChainsAre(t *testing.T) {
	cases := []struct {
		name     string
		live     bool
		wantLive int
	}{
		{"test chains only", false, 0},
		{"a live chain configured", true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cliDatabase(t)
			t.Setenv("CHECKOUT_CHAINS_FILE", "")
			if tc.live {
				liveChains(t)
			}
			out := cli(t, time.Time{}, "merchant", "create", "--name", "Two Modes", "--xpub", ethereum.DemoXPub)
			tests, lives := secretKey.FindAllString(out, -1), liveSecretKey.FindAllString(out, -1)
			if len(tests) != 1 || len(lives) != tc.wantLive || !strings.Contains(out, "test secret key: "+tests[0]) {
				t.Fatalf("merchant create printed %q: want one test key and %d live keys", out, tc.wantLive)
			}
			if tc.live && !strings.Contains(out, "live secret key: "+lives[0]) || !tc.live && !strings.Contains(out, "no live key: no live chain is configured") {
				t.Fatalf("merchant create printed %q", out)
			}
			for _, k := range append(tests, lives...) {
				if !keyValid(t, k) {
					t.Fatalf("printed key %s does not authenticate", k)
				}
			}
			if !tc.live {
				_, err := runRoll(t, "--merchant", regexp.MustCompile(`acct_\w+`).FindString(out), "--mode", "live")
				if err == nil || !strings.Contains(err.Error(), "No live chain is configured") {
					t.Fatalf("rolling a live key without live chains: %v", err)
				}
			}
		})
	}
}

func runRoll(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"merchant", "keys", "roll"}, args...), &out)
	return out.String(), err
}

type createdJSON struct {
	ID   string `json:"id"`
	Keys []struct {
		ID, Mode, Secret, Last4 string
		ExpiresAt               *time.Time `json:"expires_at"`
	} `json:"keys"`
}

// A rolled key keeps working through its grace period and is refused from its end on; the new
// key works at once; the other mode's key is untouched. Time is the injected clock's.
func TestRolledKeyWorksDuringGraceThenNot(t *testing.T) {
	cliDatabase(t)
	liveChains(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var m createdJSON
	if err := json.Unmarshal([]byte(cli(t, t0, "merchant", "create", "--name", "Roller", "--xpub", ethereum.DemoXPub, "--json")), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Keys) != 2 || m.Keys[0].Mode != "test" || m.Keys[1].Mode != "live" || m.Keys[1].Last4 != m.Keys[1].Secret[len(m.Keys[1].Secret)-4:] {
		t.Fatalf("merchant create --json: %+v", m)
	}
	oldTest, oldLive := m.Keys[0].Secret, m.Keys[1].Secret

	out := cli(t, t0, "merchant", "keys", "roll", "--merchant", m.ID, "--mode", "live", "--expires-in", "1h")
	newLive := liveSecretKey.FindString(out)
	if newLive == "" || newLive == oldLive || !strings.Contains(out, "…"+m.Keys[1].Last4+") works until 2026-03-01T13:00:00Z, then is refused") {
		t.Fatalf("roll printed %q", out)
	}
	steps := []struct {
		at        time.Duration
		key       string
		wantValid bool
	}{
		{0, oldLive, true}, {0, newLive, true},
		{59 * time.Minute, oldLive, true},
		{time.Hour, oldLive, false}, {time.Hour, newLive, true},
		{30 * 24 * time.Hour, oldTest, true}, // the test key was not rolled
	}
	for _, s := range steps {
		if got := keyValidAt(t, s.key, t0.Add(s.at)); got != s.wantValid {
			t.Fatalf("at +%v key …%s valid = %v, want %v", s.at, s.key[len(s.key)-4:], got, s.wantValid)
		}
	}

	// Rolling again to expire now stops the new key at once and never lengthens the old one's life.
	later := t0.Add(10 * time.Minute)
	var rolled struct {
		Key     struct{ Secret string }
		Retired []struct {
			Last4     string
			ExpiresAt time.Time `json:"expires_at"`
		}
	}
	if err := json.Unmarshal([]byte(cli(t, later, "merchant", "keys", "roll", "--merchant", m.ID, "--mode", "live", "--expires-in", "0", "--json")), &rolled); err != nil {
		t.Fatal(err)
	}
	if len(rolled.Retired) != 2 || !rolled.Retired[0].ExpiresAt.Equal(later) || !rolled.Retired[1].ExpiresAt.Equal(later) {
		t.Fatalf("second roll retired %+v, want both live keys at %v", rolled.Retired, later)
	}
	if keyValidAt(t, newLive, later) || keyValidAt(t, oldLive, later) || !keyValidAt(t, rolled.Key.Secret, later) {
		t.Fatal("after a roll to expire now only the newest live key works")
	}

	for _, bad := range [][]string{{"--mode", "test", "--expires-in", "169h"}, {"--mode", "test", "--expires-in", "-1s"}} {
		_, err := runRoll(t, append([]string{"--merchant", m.ID}, bad...)...)
		if err == nil || !strings.Contains(err.Error(), "--expires-in: The grace period must be between 0") {
			t.Fatalf("roll %v: %v", bad, err)
		}
	}
	if _, err := runRoll(t, "--merchant", "acct_nobody", "--mode", "test"); err == nil || !strings.Contains(err.Error(), "acct_nobody") {
		t.Fatalf("roll of an unknown merchant: %v", err)
	}
}

// merchant list shows each merchant with its working keys per mode (last four, expiry), never a secret.
func TestMerchantList(t *testing.T) {
	cliDatabase(t)
	liveChains(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if out := cli(t, t0, "merchant", "list"); out != "ID  NAME  CREATED  TEST KEYS  LIVE KEYS\n" {
		t.Fatalf("empty list: %q", out)
	}
	var a, b createdJSON
	_ = json.Unmarshal([]byte(cli(t, t0, "merchant", "create", "--name", "Alpha Shop", "--xpub", ethereum.DemoXPub, "--json")), &a)
	_ = json.Unmarshal([]byte(cli(t, t0.Add(time.Minute), "merchant", "create", "--name", "Beta", "--xpub", ethereum.DemoXPub, "--json")), &b)
	rolled := cli(t, t0.Add(2*time.Minute), "merchant", "keys", "roll", "--merchant", b.ID, "--mode", "test")
	newTest := secretKey.FindString(rolled)

	out := cli(t, t0.Add(3*time.Minute), "merchant", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "TEST KEYS") {
		t.Fatalf("merchant list:\n%s", out)
	}
	wantA := []string{a.ID, "Alpha Shop", "2026-03-01T12:00:00Z", "…" + a.Keys[0].Last4, "…" + a.Keys[1].Last4}
	wantB := []string{b.ID, "Beta", "2026-03-01T12:01:00Z",
		"…" + b.Keys[0].Last4 + " (expires 2026-03-02T12:02:00Z), …" + newTest[len(newTest)-4:], "…" + b.Keys[1].Last4}
	for i, want := range [][]string{wantA, wantB} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Fatalf("merchant list line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	if secretKey.MatchString(out) || liveSecretKey.MatchString(out) {
		t.Fatalf("merchant list printed a secret:\n%s", out)
	}
	// A day later the rolled key is gone from the list; --json says the same for machines.
	var listed []struct {
		ID   string
		Keys []struct{ Mode, Last4, Secret string }
	}
	if err := json.Unmarshal([]byte(cli(t, t0.Add(25*time.Hour), "merchant", "list", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[1].ID != b.ID || len(listed[1].Keys) != 2 || listed[1].Keys[0].Mode != "live" ||
		listed[1].Keys[1].Last4 != newTest[len(newTest)-4:] || listed[1].Keys[1].Secret != "" {
		t.Fatalf("merchant list --json a day later: %+v", listed)
	}
}

// Every command and group answers --help with its synopsis and flags, and exits 0.
func TestHelp(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable") // never reached
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"usage:", "checkout merchant keys roll --merchant ID --mode test|live", "checkout sessions list --merchant ID"}},
		{[]string{"merchant", "--help"}, []string{"checkout merchant create", "checkout merchant list", "checkout merchant keys roll"}},
		{[]string{"merchant", "create", "--help"}, []string{"usage: checkout merchant create --name NAME --xpub XPUB [--json]", "-name string", "-xpub string", "-json", "a live key when a live chain is"}},
		{[]string{"merchant", "list", "-h"}, []string{"usage: checkout merchant list [--json]", "never a secret", "-json"}},
		{[]string{"merchant", "keys", "roll", "--help"}, []string{"-merchant string", "-mode string", "-expires-in duration", "(default 24h0m0s)", "then are refused with 401"}},
		{[]string{"sessions", "list", "--help"}, []string{"-merchant string", "-status string", "-limit int", "(default 20)", "-mode string", `(default "all")`}},
		{[]string{"dev", "pay", "--help"}, []string{"usage: checkout dev pay <session id>", "-amount string"}},
		{[]string{"serve", "--help"}, []string{"-role string"}},
		{[]string{"migrate", "--help"}, []string{"usage: checkout migrate"}},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), tc.args, &out); err != nil {
				t.Fatalf("run %q: %v", tc.args, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Fatalf("%q printed\n%s\nwithout %q", tc.args, out.String(), w)
				}
			}
		})
	}
}

// seedSession stores a session built by core from Stripe's parameters, as the API would.
func seedSession(t *testing.T, merchantID string, live bool, created time.Time, amount int64, ref string) string {
	t.Helper()
	ctx := context.Background()
	chains, err := chainconfig.Load(os.Getenv("CHECKOUT_CHAINS_FILE"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := checkout.CreateParams{Mode: ptr("payment"), LineItems: []checkout.LineItemParams{{Quantity: ptr[int64](1),
		PriceData: &checkout.PriceDataParams{PriceDataParams: catalog.PriceDataParams{Currency: ptr("usd"), UnitAmount: ptr(amount)},
			ProductData: &checkout.ProductDataParams{Name: ptr("Mug")}}}}}
	if ref != "" {
		p.ClientReferenceID = &ref
	}
	sess, err := checkout.Build(p, merchant.Caller{MerchantID: merchantID, Livemode: live}, created, chains.Config().Assets(live), catalog.Listing{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := postgres.NewSessions(db).CreateSession(ctx, sess, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

func ptr[T any](v T) *T { return &v }

// sessions list is the operator's view of one merchant's sessions in both modes, newest
// first, filtered by mode and status and cut at --limit.
func TestSessionsList(t *testing.T) {
	cliDatabase(t)
	liveChains(t)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var m, other createdJSON
	_ = json.Unmarshal([]byte(cli(t, t0, "merchant", "create", "--name", "Seller", "--xpub", ethereum.DemoXPub, "--json")), &m)
	_ = json.Unmarshal([]byte(cli(t, t0, "merchant", "create", "--name", "Other", "--xpub", ethereum.DemoXPub, "--json")), &other)
	oldest := seedSession(t, m.ID, false, t0.Add(time.Minute), 1999, "order-1")
	live := seedSession(t, m.ID, true, t0.Add(2*time.Minute), 500, "")
	newest := seedSession(t, m.ID, false, t0.Add(3*time.Minute), 4200, "order-3")
	seedSession(t, other.ID, false, t0.Add(4*time.Minute), 100, "not-mine")

	out := cli(t, time.Time{}, "sessions", "list", "--merchant", m.ID)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID ") || strings.Contains(out, "not-mine") {
		t.Fatalf("sessions list:\n%s", out)
	}
	for i, want := range [][]string{
		{newest, "test", "open", "unpaid", "42.00 USD", "awaiting_asset", "2026-03-01T12:03:00Z", "order-3"},
		{live, "live", "5.00 USD"},
		{oldest, "test", "19.99 USD", "order-1"},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Fatalf("line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}
	cases := []struct {
		name     string
		args     []string
		wantIDs  []string
		wantMore bool
	}{
		{"test mode", []string{"--mode", "test"}, []string{newest, oldest}, false},
		{"live mode", []string{"--mode", "live"}, []string{live}, false},
		{"limit", []string{"--limit", "2"}, []string{newest, live}, true},
		{"status", []string{"--status", "complete"}, []string{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var res struct {
				Data []struct {
					ID       string
					Livemode bool
				}
				HasMore bool `json:"has_more"`
			}
			args := append([]string{"sessions", "list", "--merchant", m.ID, "--json"}, tc.args...)
			if err := json.Unmarshal([]byte(cli(t, time.Time{}, args...)), &res); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range res.Data {
				ids = append(ids, d.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.wantIDs, ",") || res.HasMore != tc.wantMore {
				t.Fatalf("sessions list %v = %v (more %v), want %v (more %v)", tc.args, ids, res.HasMore, tc.wantIDs, tc.wantMore)
			}
		})
	}
	if out := cli(t, time.Time{}, "sessions", "list", "--merchant", m.ID, "--limit", "1"); !strings.Contains(out, "raise --limit") {
		t.Fatalf("a cut list does not say so:\n%s", out)
	}
	for _, bad := range []struct {
		args  []string
		want  string
		usage bool
	}{
		{[]string{"--status", "paid"}, "--status: Invalid status: must be one of open, complete or expired.", true},
		{[]string{"--limit", "101"}, "--limit: Invalid limit: must be between 1 and 100.", true},
		{[]string{"--limit", "-3", "--merchant", "acct_nobody"}, "--limit: Invalid limit", true}, // said before the merchant is looked up
		{[]string{"--merchant", "acct_nobody"}, "merchant acct_nobody: No such account", false},
	} {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"sessions", "list", "--merchant", m.ID}, bad.args...), &out)
		if err == nil || !strings.Contains(err.Error(), bad.want) || errors.As(err, new(usageError)) != bad.usage {
			t.Fatalf("sessions list %v = %v, want %q (usage error %v)", bad.args, err, bad.want, bad.usage)
		}
	}
}
