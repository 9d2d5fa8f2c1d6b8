package wiring_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84"
)

// Webhook endpoints through the official client, unchanged.
func TestWebhookEndpointsWithTheStripeClient(t *testing.T) {
	ctx := context.Background()
	key, _ := newMerchant(t, "Hooks Store")
	sc := stripeClient(key)
	we, err := sc.V1WebhookEndpoints.Create(ctx, &stripe.WebhookEndpointCreateParams{
		URL:           stripe.String("http://127.0.0.1:9/hooks"),
		EnabledEvents: []*string{stripe.String("checkout.session.completed"), stripe.String("checkout.session.expired")},
		Description:   stripe.String("fulfilment"),
		Metadata:      map[string]string{"team": "ops"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(we.ID, "we_") || !strings.HasPrefix(we.Secret, "whsec_") || we.Status != "enabled" ||
		len(we.EnabledEvents) != 2 || we.Metadata["team"] != "ops" {
		t.Fatalf("created: %+v", we)
	}
	got, err := sc.V1WebhookEndpoints.Retrieve(ctx, we.ID, nil)
	if err != nil || got.Secret != "" || got.URL != "http://127.0.0.1:9/hooks" {
		t.Fatalf("retrieve (the secret is shown once): %+v %v", got, err)
	}
	upd, err := sc.V1WebhookEndpoints.Update(ctx, we.ID, &stripe.WebhookEndpointUpdateParams{
		Disabled: stripe.Bool(true), EnabledEvents: []*string{stripe.String("*")}})
	if err != nil || upd.Status != "disabled" || upd.EnabledEvents[0] != "*" {
		t.Fatalf("update: %+v %v", upd, err)
	}
	n := 0
	for e, err := range sc.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{}) {
		if err != nil || e.ID != we.ID {
			t.Fatalf("list: %v %v", e, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("listed %d", n)
	}
	del, err := sc.V1WebhookEndpoints.Delete(ctx, we.ID, nil)
	if err != nil || !del.Deleted {
		t.Fatalf("delete: %+v %v", del, err)
	}
	_, err = sc.V1WebhookEndpoints.Retrieve(ctx, we.ID, nil)
	var serr *stripe.Error
	if !errors.As(err, &serr) || serr.HTTPStatusCode != 404 {
		t.Fatalf("after delete: %v", err)
	}
}

func TestWebhookEndpointBadInput(t *testing.T) {
	key, _ := newMerchant(t, "Bad Hooks Store")
	ok := url.Values{"url": {"http://127.0.0.1:9/h"}, "enabled_events[0]": {"checkout.session.completed"}}
	cases := []struct {
		name        string
		form        url.Values
		code, param string
	}{
		{"missing url", without(ok, "url"), "parameter_missing", "url"},
		{"invalid url", with(ok, "url", "not a url"), "url_invalid", "url"},
		{"ftp url", with(ok, "url", "ftp://127.0.0.1/h"), "url_invalid", "url"},
		{"no events", without(ok, "enabled_events[0]"), "parameter_missing", "enabled_events"},
		{"unknown event", with(ok, "enabled_events[0]", "charge.succeeded"), "parameter_invalid", "enabled_events[0]"},
		{"unknown parameter", with(ok, "connect", "true"), "parameter_unknown", "connect"},
	}
	for _, tc := range cases {
		r := postForm(t, "/v1/webhook_endpoints", key, tc.form, nil)
		if r.status != 400 || r.errField("code") != tc.code || r.errField("param") != tc.param {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	for i := 0; i < 16; i++ {
		if r := postForm(t, "/v1/webhook_endpoints", key, with(ok, "url", fmt.Sprintf("http://127.0.0.1:9/h%d", i)), nil); r.status != 200 {
			t.Fatalf("endpoint %d: %s", i, r.raw)
		}
	}
	if r := postForm(t, "/v1/webhook_endpoints", key, ok, nil); r.status != 400 || !strings.Contains(r.errField("message"), "maximum") {
		t.Fatalf("the 17th endpoint: %d %s", r.status, r.raw)
	}
	list := get(t, "/v1/webhook_endpoints?limit=100", key)
	first := list.body["data"].([]any)[0].(map[string]any)["id"].(string)
	other, _ := newMerchant(t, "Other Hooks Store")
	if r := get(t, "/v1/webhook_endpoints/"+first, other); r.status != 404 {
		t.Fatalf("another merchant's endpoint: %d", r.status)
	}
}
