package webhook_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
)

func TestSubscribers(t *testing.T) {
	ev := event.Event{ID: "evt_1", Type: event.SessionExpired, MerchantID: "acct_1", Livemode: false}
	ep := func(id string, mutate func(*webhook.Endpoint)) webhook.Endpoint {
		e := webhook.Endpoint{ID: id, MerchantID: "acct_1", EnabledEvents: []string{"*"}}
		if mutate != nil {
			mutate(&e)
		}
		return e
	}
	endpoints := []webhook.Endpoint{
		ep("we_all", nil),
		ep("we_expired", func(e *webhook.Endpoint) { e.EnabledEvents = []string{event.SessionCompleted, event.SessionExpired} }),
		ep("we_completed_only", func(e *webhook.Endpoint) { e.EnabledEvents = []string{event.SessionCompleted} }),
		ep("we_disabled", func(e *webhook.Endpoint) { e.Disabled = true }),
		ep("we_live", func(e *webhook.Endpoint) { e.Livemode = true }),
		ep("we_other_merchant", func(e *webhook.Endpoint) { e.MerchantID = "acct_2" }),
	}
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, redelivery := range []bool{false, true} {
		ds := webhook.Subscribers(endpoints, ev, redelivery, at)
		var got []string
		ids := map[string]bool{}
		for _, d := range ds {
			got = append(got, d.EndpointID)
			ids[d.ID] = true
			if !strings.HasPrefix(d.ID, "whd_") || d.EventID != "evt_1" || d.EventType != event.SessionExpired ||
				d.MerchantID != "acct_1" || d.Status != webhook.DeliveryPending || !d.Created.Equal(at) || d.Redelivery != redelivery {
				t.Errorf("delivery %+v", d)
			}
		}
		if strings.Join(got, ",") != "we_all,we_expired" || len(ids) != 2 {
			t.Errorf("redelivery=%v: subscribers %v (ids %v)", redelivery, got, ids)
		}
	}
	if ds := webhook.Subscribers(nil, ev, false, at); len(ds) != 0 {
		t.Errorf("no endpoints: %v", ds)
	}
	// An endpoint's own change goes to the merchant's other endpoints only.
	for _, tc := range []struct {
		typ, object, want string
	}{
		{"webhook_endpoint.created", `{"id":"we_all"}`, "we_expired"},
		{"webhook_endpoint.updated", `{"id":"we_expired"}`, "we_all"},
		{"webhook_endpoint.updated", `{"id":"we_elsewhere"}`, "we_all,we_expired"},
	} {
		self := event.Event{ID: "evt_2", Type: tc.typ, MerchantID: "acct_1", Object: []byte(tc.object)}
		eps := []webhook.Endpoint{ep("we_all", nil), ep("we_expired", func(e *webhook.Endpoint) { e.EnabledEvents = []string{tc.typ} })}
		var got []string
		for _, d := range webhook.Subscribers(eps, self, false, at) {
			got = append(got, d.EndpointID)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s of %s: sent to %v, want %s", tc.typ, tc.object, got, tc.want)
		}
	}
}

func TestNextAttempt(t *testing.T) {
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		n        int
		first    time.Duration
		now      time.Time
		wantWait time.Duration
		giveUp   bool
	}{
		{"first failure waits the first retry", 1, 5 * time.Second, start, 5 * time.Second, false},
		{"default first retry", 1, 0, start, webhook.FirstRetry, false},
		{"then three times longer", 2, 5 * time.Second, start, 15 * time.Second, false},
		{"fourth", 4, 5 * time.Second, start, 135 * time.Second, false},
		{"at most an hour", 12, 5 * time.Second, start, time.Hour, false},
		{"configured first retry", 3, 100 * time.Millisecond, start, 900 * time.Millisecond, false},
		{"next attempt exactly at the window's end", 30, 5 * time.Second, start.Add(71 * time.Hour), time.Hour, false},
		{"next attempt past the window", 30, 5 * time.Second, start.Add(71*time.Hour + time.Second), time.Hour, true},
		{"long past the window", 3, 5 * time.Second, start.Add(100 * time.Hour), 45 * time.Second, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wait, giveUp := webhook.NextAttempt(tc.n, tc.first, start, tc.now)
			if wait != tc.wantWait || giveUp != tc.giveUp {
				t.Fatalf("NextAttempt(%d) = %v, %v; want %v, %v", tc.n, wait, giveUp, tc.wantWait, tc.giveUp)
			}
		})
	}
}

func TestOutcomeActions(t *testing.T) {
	cases := []struct {
		status int
		err    string
		want   webhook.Outcome
		acts   webhook.Actions
	}{
		{200, "", webhook.Delivered, webhook.Actions{Finish: true, Status: webhook.DeliverySucceeded}},
		{204, "", webhook.Delivered, webhook.Actions{Finish: true, Status: webhook.DeliverySucceeded}},
		{299, "", webhook.Delivered, webhook.Actions{Finish: true, Status: webhook.DeliverySucceeded}},
		{300, "", webhook.Retry, webhook.Actions{}},
		{404, "", webhook.Retry, webhook.Actions{}},
		{410, "", webhook.Gone, webhook.Actions{DisableEndpoint: true, Finish: true, Status: webhook.DeliveryFailed}},
		{500, "", webhook.Retry, webhook.Actions{}},
		{0, "connection refused", webhook.Retry, webhook.Actions{}},
		{200, "body read timed out", webhook.Retry, webhook.Actions{}}, // an error wins over a status
	}
	for _, tc := range cases {
		o := webhook.Attempt{StatusCode: tc.status, Error: tc.err}.Outcome()
		if o != tc.want || o.Actions() != tc.acts {
			t.Errorf("status %d err %q: outcome %v actions %+v; want %v %+v", tc.status, tc.err, o, o.Actions(), tc.want, tc.acts)
		}
	}
	if a := webhook.Stop.Actions(); a != (webhook.Actions{Finish: true, Status: webhook.DeliveryFailed}) {
		t.Errorf("Stop: %+v", a)
	}
}

func TestAttemptStorable(t *testing.T) {
	long := strings.Repeat("é", 300) // 600 bytes: a cut at 500 bytes must not split a character
	cases := []struct{ name, in, want string }{
		{"invalid bytes and NUL", "\xff\x00ok", "\uFFFDok"},
		{"plain", `{"received":true}`, `{"received":true}`},
		{"long", long, strings.Repeat("é", 250)},
	}
	for _, tc := range cases {
		a := webhook.Attempt{Excerpt: tc.in, Error: tc.in}.Storable()
		if a.Excerpt != tc.want || a.Error != tc.want || !utf8.ValidString(a.Excerpt) || len(a.Excerpt) > webhook.MaxExcerpt {
			t.Errorf("%s: Storable = %q / %q", tc.name, a.Excerpt, a.Error)
		}
	}
}

func TestRedeliveryLimits(t *testing.T) {
	cases := []struct {
		counts webhook.RedeliveryCounts
		ok     bool
	}{
		{webhook.RedeliveryCounts{}, true},
		{webhook.RedeliveryCounts{Event: webhook.MaxRedeliveriesPerEvent - 1, Merchant: webhook.MaxRedeliveriesPerMerchant - 1}, true},
		{webhook.RedeliveryCounts{Event: webhook.MaxRedeliveriesPerEvent}, false},
		{webhook.RedeliveryCounts{Merchant: webhook.MaxRedeliveriesPerMerchant}, false},
	}
	for _, tc := range cases {
		err := tc.counts.Allow()
		if (err == nil) != tc.ok {
			t.Errorf("%+v: Allow = %v, want ok=%v", tc.counts, err, tc.ok)
		}
		if e, isApp := apperr.As(err); err != nil && (!isApp || e.Kind != apperr.KindRateLimited || e.Code != "rate_limit") {
			t.Errorf("%+v: error %#v", tc.counts, err)
		}
	}
}

func TestPendingWebhooks(t *testing.T) {
	d := func(endpoint string, s webhook.DeliveryStatus) webhook.Delivery {
		return webhook.Delivery{EndpointID: endpoint, Status: s}
	}
	cases := []struct {
		name       string
		deliveries []webhook.Delivery
		want       int
	}{
		{"no endpoint subscribed", nil, 0},
		{"one pending", []webhook.Delivery{d("we_1", webhook.DeliveryPending)}, 1},
		{"one delivered", []webhook.Delivery{d("we_1", webhook.DeliverySucceeded)}, 0},
		{"given up still counts: never received", []webhook.Delivery{d("we_1", webhook.DeliveryFailed)}, 1},
		{"a redelivery that succeeded settles the endpoint",
			[]webhook.Delivery{d("we_1", webhook.DeliveryFailed), d("we_1", webhook.DeliverySucceeded)}, 0},
		{"a redelivery pending after a success does not reopen it",
			[]webhook.Delivery{d("we_1", webhook.DeliverySucceeded), d("we_1", webhook.DeliveryPending)}, 0},
		{"counted per endpoint",
			[]webhook.Delivery{d("we_1", webhook.DeliveryPending), d("we_2", webhook.DeliverySucceeded), d("we_3", webhook.DeliveryFailed), d("we_3", webhook.DeliveryPending)}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := webhook.PendingWebhooks(c.deliveries); got != c.want {
				t.Fatalf("PendingWebhooks = %d; want %d", got, c.want)
			}
		})
	}
}
