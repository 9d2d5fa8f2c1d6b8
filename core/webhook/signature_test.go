package webhook_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84"
	stripewebhook "github.com/stripe/stripe-go/v84/webhook"

	"github.com/chaincheckout/checkout/core/webhook"
)

func TestSignAndVerify(t *testing.T) {
	now := time.Now()
	body := []byte(`{"id":"evt_1","object":"event","type":"checkout.session.completed"}`)
	header := webhook.Sign(body, "whsec_right", now)
	cases := []struct {
		name    string
		payload []byte
		header  string
		secret  string
		at      time.Time
		want    error
	}{
		{"valid", body, header, "whsec_right", now, nil},
		{"wrong secret", body, header, "whsec_wrong", now, webhook.ErrBadSignature},
		{"modified body", []byte(`{"id":"evt_1","object":"event","type":"checkout.session.expired"}`), header, "whsec_right", now, webhook.ErrBadSignature},
		{"too old", body, header, "whsec_right", now.Add(6 * time.Minute), webhook.ErrTooOld},
		{"no header", body, "", "whsec_right", now, webhook.ErrNoSignature},
		{"rolled secret: either v1 matches", body, header + ",v1=" + "00ff", "whsec_right", now, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := webhook.VerifyAt(tc.payload, tc.header, tc.secret, webhook.DefaultTolerance, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifyAt = %v, want %v", err, tc.want)
			}
		})
	}
}

// Our signatures verify with the official library's default options.
func TestStripeLibraryVerifiesOurSignature(t *testing.T) {
	body := []byte(fmt.Sprintf(`{"id":"evt_1","object":"event","api_version":%q,"type":"checkout.session.completed",`+
		`"created":%d,"livemode":false,"data":{"object":{"id":"cs_test_1","object":"checkout.session"}}}`, stripe.APIVersion, time.Now().Unix()))
	header := webhook.Sign(body, "whsec_test", time.Now())
	ev, err := stripewebhook.ConstructEvent(body, header, "whsec_test")
	if err != nil || ev.Type != "checkout.session.completed" {
		t.Fatalf("ConstructEvent = %v, %v", ev.Type, err)
	}
	if _, err := stripewebhook.ConstructEvent(body, header, "whsec_other"); err == nil {
		t.Fatal("the library accepted a wrong secret")
	}
}
