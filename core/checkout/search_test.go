package checkout

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
)

func TestClassifySearch(t *testing.T) {
	addr := "0x52908400098527886E0F7030069857D2E4169EE7" // EIP-55 mixed case
	hash := "0x" + strings.Repeat("Ab", 32)
	tests := []struct {
		name, q string
		kind    SearchKind
		value   string
	}{
		{"session ID", "cs_test_abc123", SearchSessionID, "cs_test_abc123"},
		{"session ID with spaces around", "  cs_live_XYZ  ", SearchSessionID, "cs_live_XYZ"},
		{"prefix alone", "cs_", SearchNothing, "cs_"},
		{"session ID with a quote", "cs_test_'or'1", SearchNothing, "cs_test_'or'1"},
		{"checksummed address", addr, SearchAddress, strings.ToLower(addr)},
		{"upper-case 0X address", "0X" + strings.ToUpper(addr[2:]), SearchAddress, strings.ToLower(addr)},
		{"transaction hash", hash, SearchTxHash, strings.ToLower(hash)},
		{"39 hex digits", addr[:41], SearchNothing, addr[:41]},
		{"not hex", "0x" + strings.Repeat("zz", 20), SearchNothing, "0x" + strings.Repeat("zz", 20)},
		{"63 hex digits", hash[:65], SearchNothing, hash[:65]},
		{"a word", "coffee", SearchNothing, "coffee"},
		{"empty", "", SearchNothing, ""},
		{"too long", "cs_" + strings.Repeat("a", 300), SearchNothing, "cs_" + strings.Repeat("a", 300)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind, v := ClassifySearch(tc.q)
			if kind != tc.kind || v != tc.value {
				t.Fatalf("ClassifySearch(%q) = %q, %q; want %q, %q", tc.q, kind, v, tc.kind, tc.value)
			}
		})
	}
}

func TestTimeline(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	ev := func(id, typ, session string, min int) event.Event {
		return event.Event{ID: id, Type: typ, SessionID: session, Created: at(min)}
	}
	base := func() *Session { return &Session{ID: "cs_1", CreatedAt: at(0)} }
	quoted := func() *Session {
		s := base()
		s.Crypto.AssetID, s.Crypto.QuotedAt = "tusd@sim", at(1)
		return s
	}
	paid := func() *Session {
		s := quoted()
		s.Crypto.Payments = []chain.Payment{
			{TxHash: "0xa", DetectedAt: at(2), ConfirmedAt: at(4)},
			{TxHash: "0xdust", Dust: true, DetectedAt: at(2), ConfirmedAt: at(4)},
			{TxHash: "0xb", DetectedAt: at(3)}, // not confirmed yet
		}
		return s
	}
	tests := []struct {
		name   string
		sess   *Session
		events []event.Event
		want   string
	}{
		{"just created", base(), nil, "created@0"},
		{"quote without an asset is no step", func() *Session { s := base(); s.Crypto.QuotedAt = at(1); return s }(), nil, "created@0"},
		{"quoted then expired", quoted(), []event.Event{ev("evt_x", event.SessionExpired, "cs_1", 60)},
			"created@0 quoted(tusd@sim)@1 checkout.session.expired[evt_x]@60"},
		{"paid: confirmed payments between the events, dust left out", paid(), []event.Event{
			ev("evt_d", event.SessionPaymentDetected, "cs_1", 2),
			ev("evt_c", event.SessionCompleted, "cs_1", 4),
			ev("evt_other", event.SessionCompleted, "cs_2", 3)},
			"created@0 quoted(tusd@sim)@1 checkout.session.payment_detected[evt_d]@2 payment_confirmed(0xa)@4 checkout.session.completed[evt_c]@4"},
		{"events at one moment keep their order", base(), []event.Event{
			ev("evt_1", event.SessionPaymentReverted, "cs_1", 5), ev("evt_2", event.SessionPaidLate, "cs_1", 5)},
			"created@0 checkout.session.payment_reverted[evt_1]@5 checkout.session.paid_late[evt_2]@5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range Timeline(tc.sess, tc.events) {
				w := string(s.Kind)
				switch {
				case s.AssetID != "":
					w += "(" + s.AssetID + ")"
				case s.TxHash != "":
					w += "(" + s.TxHash + ")"
				case s.EventID != "":
					w += "[" + s.EventID + "]"
				}
				got = append(got, fmt.Sprintf("%s@%d", w, int(s.At.Sub(t0).Minutes())))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Fatalf("timeline:\n got %s\nwant %s", g, tc.want)
			}
		})
	}
}
