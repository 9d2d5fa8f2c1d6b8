package wiring_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/workflows"
)

func stripeClient(key string) *stripe.Client {
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(it.base), MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	})))
}

// The official client, unchanged, drives the whole lifecycle.
func TestStripeClientLifecycle(t *testing.T) {
	ctx := context.Background()
	key, merchantID := newMerchant(t, "Stripe Client Store")
	sc := stripeClient(key)

	created, err := sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String("https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"),
		CancelURL:         stripe.String("https://shop.example/cart"),
		ClientReferenceID: stripe.String("order-1001"),
		CustomerEmail:     stripe.String("shopper@example.com"),
		Metadata:          map[string]string{"order_id": "1001", "channel": "web"},
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(3),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:   stripe.String("usd"),
				UnitAmount: stripe.Int64(1250),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{
					Name: stripe.String("Sticker pack"), Description: stripe.String("Holographic"),
				},
			},
		}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(created.ID, "cs_test_") || created.Object != "checkout.session" {
		t.Fatalf("created id/object = %q/%q", created.ID, created.Object)
	}
	if created.AmountTotal != 3750 || created.AmountSubtotal != 3750 || created.Currency != "usd" {
		t.Fatalf("amounts = %d/%d %s, want 3750 usd", created.AmountSubtotal, created.AmountTotal, created.Currency)
	}
	if created.Status != stripe.CheckoutSessionStatusOpen || created.PaymentStatus != stripe.CheckoutSessionPaymentStatusUnpaid {
		t.Fatalf("status = %s/%s", created.Status, created.PaymentStatus)
	}
	if created.Metadata["order_id"] != "1001" || created.ClientReferenceID != "order-1001" || created.Livemode {
		t.Fatalf("metadata/ref/livemode = %v/%q/%v", created.Metadata, created.ClientReferenceID, created.Livemode)
	}
	if created.URL != it.base+"/c/"+created.ID {
		t.Fatalf("url = %q", created.URL)
	}
	if left := time.Until(time.Unix(created.ExpiresAt, 0)); left < 59*time.Minute || left > 61*time.Minute {
		t.Fatalf("default expiry in %s, want 60 min", left)
	}

	params := &stripe.CheckoutSessionRetrieveParams{}
	params.AddExpand("line_items")
	got, err := sc.V1CheckoutSessions.Retrieve(ctx, created.ID, params)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	if got.ID != created.ID || got.LineItems == nil || len(got.LineItems.Data) != 1 {
		t.Fatalf("retrieve with expanded line items = %+v", got)
	}
	li := got.LineItems.Data[0]
	if li.Quantity != 3 || li.AmountTotal != 3750 || li.Description != "Sticker pack" || li.Price.UnitAmount != 1250 {
		t.Fatalf("line item = %+v price %+v", li, li.Price)
	}

	var items int
	for item, err := range sc.V1CheckoutSessions.ListLineItems(ctx, &stripe.CheckoutSessionListLineItemsParams{Session: stripe.String(created.ID)}) {
		if err != nil {
			t.Fatalf("list line items: %v", err)
		}
		if item.ID != li.ID {
			t.Fatalf("line item id %s, want %s", item.ID, li.ID)
		}
		items++
	}
	if items != 1 {
		t.Fatalf("listed %d line items, want 1", items)
	}

	// A second session, so the list must page and order newest first.
	second, err := sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{
		Mode: stripe.String("payment"),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{Currency: stripe.String("eur"),
				UnitAmount: stripe.Int64(500), ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String("Mug")}}}},
	})
	if err != nil {
		t.Fatalf("create second: %v", err)
	}
	var ids []string
	lp := &stripe.CheckoutSessionListParams{}
	lp.Limit = stripe.Int64(1) // forces the iterator to follow has_more with starting_after
	for s, err := range sc.V1CheckoutSessions.List(ctx, lp) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		ids = append(ids, s.ID)
	}
	if len(ids) != 2 || ids[0] != second.ID || ids[1] != created.ID {
		t.Fatalf("list = %v, want [%s %s]", ids, second.ID, created.ID)
	}

	expired, err := sc.V1CheckoutSessions.Expire(ctx, created.ID, &stripe.CheckoutSessionExpireParams{})
	if err != nil {
		t.Fatalf("expire: %v", err)
	}
	if expired.Status != stripe.CheckoutSessionStatusExpired || expired.URL != "" {
		t.Fatalf("after expire status=%s url=%q", expired.Status, expired.URL)
	}
	_, err = sc.V1CheckoutSessions.Expire(ctx, created.ID, &stripe.CheckoutSessionExpireParams{})
	var serr *stripe.Error
	if !errors.As(err, &serr) || serr.HTTPStatusCode != 400 || serr.Type != stripe.ErrorTypeInvalidRequest {
		t.Fatalf("second expire error = %v, want 400 invalid_request_error", err)
	}

	// The workflow moved with the row: its state and its search attribute say expired. It stays
	// running for the monitoring window, so late payments to the address are still recorded.
	final, err := it.app.Orch.QueryState(ctx, created.ID)
	if err != nil || final.Status != "expired" || final.ExpiredBy != "request" {
		t.Fatalf("workflow state after expire = %+v, %v", final, err)
	}
	eventually(t, "CheckoutStatus=expired in visibility", func() (bool, error) {
		res, err := it.temporal.ListWorkflow(ctx, listReq(`CheckoutStatus="expired" AND MerchantID="`+merchantID+`"`))
		if err != nil {
			return false, err
		}
		return len(res.Executions) == 1 && res.Executions[0].Execution.WorkflowId == workflows.SessionWorkflowID(created.ID), nil
	})
	// The open one is still running and answers the state query.
	st, err := it.app.Orch.QueryState(ctx, second.ID)
	if err != nil || st.Status != "open" || st.SessionID != second.ID {
		t.Fatalf("state query = %+v, %v", st, err)
	}
	eventually(t, "ClientReferenceID search attribute", func() (bool, error) {
		res, err := it.temporal.ListWorkflow(ctx, listReq(`ClientReferenceID="order-1001" AND MerchantID="`+merchantID+`"`))
		return err == nil && len(res.Executions) == 1, err
	})
}
