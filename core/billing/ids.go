package billing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// digest is a short, stable hash of parts: IDs derived from business IDs make every create
// idempotent (a retried activity finds what it made instead of making another).
func digest(parts ...any) string {
	h := sha256.Sum256(fmt.Append(nil, parts...))
	return hex.EncodeToString(h[:12])
}

// SubscriptionID is the subscription a paid subscription-mode session creates.
func SubscriptionID(sessionID string) string { return "sub_" + digest("subscription/", sessionID) }

// InvoiceID is the invoice of a subscription's period n.
func InvoiceID(subscriptionID string, period int) string {
	return "in_" + digest("invoice/", subscriptionID, "/", period)
}

// InvoiceSessionID is the k-th checkout session (from 1) that collects an invoice.
func InvoiceSessionID(invoiceID string, k int, livemode bool) string {
	mode := "test_"
	if livemode {
		mode = "live_"
	}
	return "cs_" + mode + digest("invoice-session/", invoiceID, "/", k)
}

// TestClockID is the test clock of a test-mode subscription.
func TestClockID(subscriptionID string) string {
	return "clock_" + strings.TrimPrefix(subscriptionID, "sub_")
}

// SubscriptionOfClock inverts TestClockID.
func SubscriptionOfClock(clockID string) (string, bool) {
	rest, ok := strings.CutPrefix(clockID, "clock_")
	return "sub_" + rest, ok && rest != ""
}
