package http

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/refund"
)

// claimPageText renders the claim page of r at now as the shopper sees it.
func claimPageText(t *testing.T, r refund.Refund, now time.Time, errText string) string {
	t.Helper()
	page, err := newPageRenderer()
	if err != nil {
		t.Fatal(err)
	}
	rd := testRenderer()
	s := &Server{Renderer: rd, page: page, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	v := refund.ClaimView{Refund: r, Merchant: "Mug Shop"}
	v.Asset, _ = rd.chains.Asset(r.AssetID)
	v.Chain, _ = rd.chains.Chain(r.ChainID)
	d := s.claimView(v, now)
	d.Action, d.Error = claimAction(r.ClaimSecret), errText
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	s.renderClaim(c, d)
	return w.Body.String()
}

// Each state of a refund reads plainly on its claim page, with only the page's own script.
func TestClaimPageStates(t *testing.T) {
	now := time.Unix(1_750_000_000, 0)
	open := sampleRefund()
	claimed := open
	claimed.Status, claimed.Destination, claimed.DestinationBy = refund.StatusPending, testDest, refund.DestinationByCustomer
	sent := claimed
	sent.TxHash = "0x" + strings.Repeat("ab", 32)
	done := sent
	done.Status = refund.StatusSucceeded
	lapsed := open
	lapsed.ClaimExpiresAt = now.Add(-time.Minute)
	failed := open
	failed.Status, failed.FailureReason = refund.StatusFailed, refund.FailureClaimExpired
	canceled := open
	canceled.Status = refund.StatusCanceled
	cases := []struct {
		name  string
		r     refund.Refund
		want  []string
		never []string
	}{
		{"open", open, []string{"Refund from Mug Shop", "5.000001 tUSD", "Dev chain", "$5.00", `action="/refunds/claim/re_1_claim_abc"`,
			`name="address"`, "The address must be on Dev chain and able to receive tUSD", "exchange deposit address",
			"Use my wallet's address", `<script src="/static/refund_claim.js" defer></script>`, "(test mode)"},
			[]string{"/static/page.js", "<script>"}},
		{"claimed", claimed, []string{"Claimed: the merchant will send <strong>5.000001 tUSD</strong> to",
			"0x52908400098527886E0F7030069857D2E4169EE7", "https://explorer.example/address/0x52908400098527886E0F7030069857D2E4169EE7",
			`data-live="30"`}, []string{`name="address"`}},
		{"sent", sent, []string{"Sent: the merchant", "https://explorer.example/tx/" + sent.TxHash}, []string{`name="address"`}},
		{"succeeded", done, []string{"Refunded", "is confirmed", "https://explorer.example/tx/" + sent.TxHash}, []string{"data-live"}},
		{"lapsed before the workflow failed it", lapsed, []string{"This refund link has expired"}, []string{`name="address"`}},
		{"failed as expired", failed, []string{"This refund link has expired"}, []string{`name="address"`}},
		{"canceled", canceled, []string{"The merchant canceled this refund"}, []string{`name="address"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page := claimPageText(t, tc.r, now, "")
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q:\n%s", w, page)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(page, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
	if page := claimPageText(t, open, now, "The text you entered is bad."); !strings.Contains(page, `role="alert">The text you entered is bad.<`) {
		t.Errorf("a refused address is not explained:\n%s", page)
	}
}

// A refused address is explained in the shopper's words, never by a parameter's name.
func TestClaimErrorText(t *testing.T) {
	for _, tc := range []struct {
		address, want string
	}{
		{"", "Enter the address that should receive the refund."},
		{"0x123", "The text you entered is not an address: it must be 0x followed by 40 hex digits."},
		{"0x52908400098527886E0F7030069857D2E4169Ee7", "The text you entered fails its EIP-55 checksum"},
		{"0x0000000000000000000000000000000000000000", "The zero address cannot receive a refund."},
	} {
		_, err := refund.ParseDestination("address", tc.address)
		e, ok := apperr.As(err)
		if !ok || !strings.HasPrefix(claimErrorText(e), tc.want) {
			t.Errorf("%q: %v → %q, want %q…", tc.address, err, claimErrorText(e), tc.want)
		}
	}
}
