package webhook

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

func TestTestEvent(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		ep   Endpoint
		code string
	}{
		{"an endpoint that asked for other events still gets it", Endpoint{ID: "we_1", MerchantID: "acct_1", EnabledEvents: []string{event.SessionCompleted}}, ""},
		{"a disabled endpoint is refused", Endpoint{ID: "we_2", MerchantID: "acct_1", Disabled: true}, "endpoint_disabled"},
	}
	for _, tc := range cases {
		e, d, err := TestEvent(tc.ep, now, event.Request{ID: "req_1"})
		if tc.code != "" {
			if ae, ok := apperr.As(err); !ok || ae.Code != tc.code {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err != nil || e.Type != TestEventType || e.MerchantID != "acct_1" || d.EndpointID != tc.ep.ID || d.EventID != e.ID ||
			!d.Redelivery || d.Status != DeliveryPending || e.Request.ID != "req_1" || !e.Created.Equal(now) {
			t.Errorf("%s: %+v %+v %v", tc.name, e, d, err)
		}
	}
}
