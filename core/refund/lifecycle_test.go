package refund

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/settlement"
)

const hash = "0x" + "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"

func awaiting() Refund {
	return Refund{ID: "re_1", Status: StatusRequiresAction, ClaimExpiresAt: t0.Add(time.Hour), AssetID: "usdc",
		Decimals: 6, CryptoAmount: big.NewInt(5_000_000), Amount: 500, Currency: "usd"}
}

func claimed() Refund {
	r := awaiting()
	r.Status, r.Destination = StatusPending, dest
	return r
}

func sent() Refund {
	r := claimed()
	at := t0
	r.TxHash, r.SentAt = hash, &at
	return r
}

func TestLifecycle(t *testing.T) {
	cases := []struct {
		name   string
		from   Refund
		act    func(*Refund) error
		status Status
		code   string
	}{
		{"claim", awaiting(), func(r *Refund) error { return r.Claim(dest, t0) }, StatusPending, ""},
		{"claim with a bad address", awaiting(), func(r *Refund) error { return r.Claim("0x12", t0) }, StatusRequiresAction, "parameter_invalid"},
		{"claim after expiry", awaiting(), func(r *Refund) error { return r.Claim(dest, t0.Add(time.Hour)) }, StatusRequiresAction, "refund_claim_expired"},
		{"claim twice", claimed(), func(r *Refund) error { return r.Claim(dest, t0) }, StatusPending, "refund_already_claimed"},
		{"cancel awaiting", awaiting(), func(r *Refund) error { return r.Cancel(t0) }, StatusCanceled, ""},
		{"cancel pending", claimed(), func(r *Refund) error { return r.Cancel(t0) }, StatusCanceled, ""},
		{"cancel after sending", sent(), func(r *Refund) error { return r.Cancel(t0) }, StatusPending, "refund_not_cancelable"},
		{"cancel twice", func() Refund { r := claimed(); _ = r.Cancel(t0); return r }(), func(r *Refund) error { return r.Cancel(t0) }, StatusCanceled, ""},
		{"mark sent", claimed(), func(r *Refund) error { return r.MarkSent(hash, t0) }, StatusPending, ""},
		{"mark sent in upper case", claimed(), func(r *Refund) error {
			return r.MarkSent("0x"+"AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12AB12", t0)
		}, StatusPending, ""},
		{"mark sent again: a retry", sent(), func(r *Refund) error { return r.MarkSent(hash, t0) }, StatusPending, ""},
		{"another hash while verifying", sent(), func(r *Refund) error { return r.MarkSent("0x"+hash[4:]+"cd", t0) }, StatusPending, "refund_already_sent"},
		{"mark sent before a claim", awaiting(), func(r *Refund) error { return r.MarkSent(hash, t0) }, StatusRequiresAction, "refund_requires_destination"},
		{"malformed hash", claimed(), func(r *Refund) error { return r.MarkSent("0x1234", t0) }, StatusPending, "parameter_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.from
			err := c.act(&r)
			if codeOf(err) != c.code || r.Status != c.status {
				t.Fatalf("got %s %v, want %s %q", r.Status, err, c.status, c.code)
			}
		})
	}
}

func TestExpireClaim(t *testing.T) {
	r := awaiting()
	if r.ExpireClaim(t0.Add(59 * time.Minute)) {
		t.Fatal("a claim expired early")
	}
	if !r.ExpireClaim(t0.Add(time.Hour)) || r.Status != StatusFailed || r.FailureReason != FailureClaimExpired {
		t.Fatalf("expired claim = %s %q", r.Status, r.FailureReason)
	}
	c := claimed()
	if c.ExpireClaim(t0.Add(48 * time.Hour)) {
		t.Fatal("a claimed refund failed at its claim's expiry")
	}
}

func TestJudge(t *testing.T) {
	mined := func(paid int64, conf uint64) Transfer {
		return Transfer{Found: true, Succeeded: true, BlockNumber: 10, Confirmations: conf, Paid: big.NewInt(paid)}
	}
	cases := []struct {
		name string
		t    Transfer
		now  time.Time
		want Verdict
	}{
		{"not mined yet", Transfer{}, t0.Add(time.Minute), VerdictWait},
		{"not mined for a day", Transfer{}, t0.Add(NotMinedLimit), VerdictRefuse},
		{"reverted", Transfer{Found: true, Confirmations: 5, Paid: big.NewInt(5_000_000)}, t0, VerdictRefuse},
		{"pays someone else", mined(0, 5), t0, VerdictRefuse},
		{"pays too little", mined(4_999_999, 5), t0, VerdictRefuse},
		{"pays too little, shallow: a reorg may change it", mined(4_999_999, 1), t0, VerdictWait},
		{"mined before the refund was made", Transfer{Found: true, Succeeded: true, Confirmations: 9, Paid: big.NewInt(5_000_000),
			BlockTime: t0.Add(-time.Hour)}, t0, VerdictRefuse},
		{"mined after the refund was made", Transfer{Found: true, Succeeded: true, Confirmations: 9, Paid: big.NewInt(5_000_000),
			BlockTime: t0.Add(time.Minute)}, t0, VerdictConfirmed},
		{"pays exactly, shallow", mined(5_000_000, 2), t0, VerdictWait},
		{"pays exactly, deep", mined(5_000_000, 3), t0, VerdictConfirmed},
		{"pays more", mined(6_000_000, 3), t0, VerdictConfirmed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sent()
			r.Created = t0
			v, why := r.Judge(c.t, 3, c.now)
			if v != c.want || (v == VerdictRefuse) != (why != "") {
				t.Fatalf("Judge = %d %q, want %d", v, why, c.want)
			}
		})
	}
}

func TestSucceedWritesANegativeLine(t *testing.T) {
	r := sent()
	line, err := r.Succeed(Transfer{Found: true, Succeeded: true, BlockNumber: 42}, t0)
	if err != nil || r.Status != StatusSucceeded || r.TxBlock != 42 {
		t.Fatalf("Succeed = %v, %s block %d", err, r.Status, r.TxBlock)
	}
	if line.Type != settlement.TypeRefund || line.Amount.Int64() != -5_000_000 || line.FiatAmount != -500 || line.PayoutID != "" {
		t.Fatalf("line = %+v", line)
	}
	if _, err := r.Succeed(Transfer{Found: true}, t0); codeOf(err) != "refund_not_pending" {
		t.Fatalf("second Succeed = %v", err)
	}
	r = sent()
	r.RefuseTx("no")
	if r.Sent() || r.LastTxError != "no" || r.Status != StatusPending {
		t.Fatalf("refused = %+v", r)
	}
}

// overpaid is a session of $10 that received $15 in USDC: $5 is the excess.
func overpaid() (*checkout.Session, []chain.Payment) {
	s := &checkout.Session{ID: "cs_1", MerchantID: "acct_1", Status: checkout.StatusComplete, Currency: "usd",
		ExpiresAt: t0.Add(time.Hour), Crypto: checkout.Crypto{AssetID: "usdc", ChainID: 1, Decimals: 6,
			DepositAddress: "0x1111111111111111111111111111111111111111", Rate: decimal.NewFromInt(1), AmountDue: big.NewInt(10_000_000)}}
	return s, []chain.Payment{{AssetID: "usdc", Amount: big.NewInt(15_000_000), Status: chain.PaymentConfirmed, BlockTime: t0}}
}

func TestNew(t *testing.T) {
	minor := func(v int64) *int64 { return &v }
	cases := []struct {
		name    string
		p       CreateParams
		prior   []Refund
		status  Status
		base    int64
		code    string
		session func(*checkout.Session)
	}{
		{"whole, claimed by the shopper", CreateParams{}, nil, StatusRequiresAction, 15_000_000, "", nil},
		{"part, to the merchant's address", CreateParams{Amount: minor(500), Destination: dest}, nil, StatusPending, 5_000_000, "", nil},
		{"the rest after a refund", CreateParams{}, []Refund{{Status: StatusSucceeded, CryptoAmount: big.NewInt(5_000_000)}}, StatusRequiresAction, 10_000_000, "", nil},
		{"a canceled refund frees its amount", CreateParams{Amount: minor(1500)}, []Refund{{Status: StatusCanceled, CryptoAmount: big.NewInt(15_000_000)}}, StatusRequiresAction, 15_000_000, "", nil},
		{"too much", CreateParams{Amount: minor(1501)}, nil, "", 0, "amount_too_large", nil},
		{"to its own deposit address", CreateParams{Destination: "0x1111111111111111111111111111111111111111"}, nil, "", 0, "parameter_invalid", nil},
		{"an unknown reason", CreateParams{Reason: "because"}, nil, "", 0, "parameter_invalid", nil},
		{"claim too short", CreateParams{ClaimTTL: time.Minute}, nil, "", 0, "parameter_invalid", nil},
		{"an open session", CreateParams{}, nil, "", 0, "session_not_refundable", func(s *checkout.Session) { s.Status = checkout.StatusOpen }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, payments := overpaid()
			if c.session != nil {
				c.session(s)
			}
			r, err := New(c.p, s, payments, c.prior, t0)
			if codeOf(err) != c.code {
				t.Fatalf("New = %v, want %q", err, c.code)
			}
			if c.code != "" {
				return
			}
			if r.Status != c.status || r.CryptoAmount.Int64() != c.base || r.SessionID != s.ID || r.MerchantID != "acct_1" {
				t.Fatalf("New = %s %s", r.Status, r.CryptoAmount)
			}
			if (r.Status == StatusRequiresAction) != (r.ClaimSecret != "" && r.ClaimExpiresAt.Equal(t0.Add(DefaultClaimTTL))) {
				t.Fatalf("claim of a %s refund: %q until %s", r.Status, r.ClaimSecret, r.ClaimExpiresAt)
			}
		})
	}
}

func TestResolveRefundDefaultsToTheExcess(t *testing.T) {
	s, payments := overpaid()
	r, err := resolveRefund(CreateParams{}, s, payments, nil, t0)
	if err != nil || r.CryptoAmount.Int64() != 5_000_000 || r.Reason != ReasonOverpayment || s.Resolution != checkout.ResolutionRefunded {
		t.Fatalf("resolution refund = %v %s %q %q", err, r.CryptoAmount, r.Reason, s.Resolution)
	}
	exact, paid := overpaid()
	paid[0].Amount = big.NewInt(10_000_000)
	if _, err := resolveRefund(CreateParams{}, exact, paid, nil, t0); codeOf(err) != "session_not_resolvable" {
		t.Fatalf("resolving an exact payment = %v", err)
	}
	// After part of the excess was refunded, the default is what is left of it; then nothing.
	r, err = resolveRefund(CreateParams{}, s, payments, []Refund{{Status: StatusPending, CryptoAmount: big.NewInt(2_000_000)}}, t0)
	if err != nil || r.CryptoAmount.Int64() != 3_000_000 {
		t.Fatalf("second resolution refund = %v %s", err, r.CryptoAmount)
	}
	done := []Refund{{Status: StatusPending, CryptoAmount: big.NewInt(2_000_000)}, r}
	if _, err := resolveRefund(CreateParams{}, s, payments, done, t0); codeOf(err) != "session_not_resolvable" {
		t.Fatalf("resolving a refunded excess again = %v", err)
	}
}
