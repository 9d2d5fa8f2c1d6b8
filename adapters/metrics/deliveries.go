package metrics

import (
	"context"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

// Deliveries times each webhook delivery that succeeds, from its event's creation (the
// commit that emitted it) to the success, observed once the store has recorded the end.
func (m *Metrics) Deliveries(st webhook.DeliveryStore) webhook.DeliveryStore {
	return &deliveries{DeliveryStore: st, m: m}
}

type deliveries struct {
	webhook.DeliveryStore
	m *Metrics
}

// ClaimUnstarted observes the first attempts that succeeded once the claim has committed;
// of a handle called again (a claim retried), only the last call's ends are committed.
func (d *deliveries) ClaimUnstarted(ctx context.Context, n int,
	handle func(context.Context, []webhook.Claimed) (map[string]webhook.End, error)) (int, error) {
	var created map[string]time.Time
	var ends map[string]webhook.End
	counted := func(ctx context.Context, cs []webhook.Claimed) (map[string]webhook.End, error) {
		created = make(map[string]time.Time, len(cs))
		for _, c := range cs {
			created[c.Delivery.ID] = c.Event.Created
		}
		var err error
		ends, err = handle(ctx, cs)
		return ends, err
	}
	got, err := d.DeliveryStore.ClaimUnstarted(ctx, n, counted)
	if err != nil {
		return got, err
	}
	for id, end := range ends {
		if end.Status == webhook.DeliverySucceeded {
			d.m.observeDelivered(created[id], end.At)
		}
	}
	return got, nil
}

// FinishDelivery observes a later attempt's success; the event's creation is read back (one
// query per delivery that needed a retry), and a failed read only leaves the figure out.
func (d *deliveries) FinishDelivery(ctx context.Context, id string, status webhook.DeliveryStatus, at time.Time) error {
	if err := d.DeliveryStore.FinishDelivery(ctx, id, status, at); err != nil || status != webhook.DeliverySucceeded {
		return err
	}
	if _, _, ev, err := d.DeliveryStore.LoadDelivery(ctx, id); err == nil {
		d.m.observeDelivered(ev.Created, at)
	}
	return nil
}

func (m *Metrics) observeDelivered(created, at time.Time) {
	if !created.IsZero() && !at.IsZero() {
		m.delivered.Observe(max(at.Sub(created), 0).Seconds())
	}
}
