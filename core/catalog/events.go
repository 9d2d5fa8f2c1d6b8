package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// ProductEventType names the event a change of a product from before (nil: it was just
// created) to after stands for, "" if none: an update that changes nothing the merchant sees
// but its updated time emits nothing.
func ProductEventType(before, after *Product) string {
	switch {
	case before == nil:
		return event.ProductCreated
	case before.Name != after.Name || before.Description != after.Description || before.Active != after.Active ||
		before.DefaultPrice != after.DefaultPrice || !slices.Equal(before.Images, after.Images) ||
		!maps.Equal(before.Metadata, after.Metadata):
		return event.ProductUpdated
	}
	return ""
}

// PriceEventType names the event a change of a price from before (nil: just created) to
// after stands for, "" if none.
func PriceEventType(before, after *Price) string {
	switch {
	case before == nil:
		return event.PriceCreated
	case before.Active != after.Active || before.LookupKey != after.LookupKey || !maps.Equal(before.Metadata, after.Metadata):
		return event.PriceUpdated
	}
	return ""
}

// snapshot copies a product deeply enough to compare before and after an update.
func (p Product) snapshot() *Product {
	p.Images, p.Metadata = slices.Clone(p.Images), maps.Clone(p.Metadata)
	return &p
}

func (p Price) snapshot() *Price {
	p.Metadata = maps.Clone(p.Metadata)
	return &p
}

// events builds the events of the library's changes, each with its object as the API shows it.
type events struct {
	ctx context.Context
	enc Encoder
	now time.Time
	out []event.Event
}

// add records the event of one change: obj as the object shows now, old as it showed before
// an update (nil otherwise).
func (e *events) add(typ, merchantID string, livemode bool, obj, old json.RawMessage) error {
	ev, err := event.OfChange(e.ctx, typ, merchantID, livemode, e.now, obj, old)
	if err != nil {
		return err
	}
	e.out = append(e.out, ev)
	return nil
}

// product adds the event of a product's change from before (nil: created) to after, if any.
func (e *events) product(before, after *Product) error {
	typ := ProductEventType(before, after)
	if typ == "" {
		return nil
	}
	obj, err := e.enc.EncodeProduct(e.ctx, *after)
	if err != nil {
		return fmt.Errorf("encode product %s: %w", after.ID, err)
	}
	var old json.RawMessage
	if before != nil {
		if old, err = e.enc.EncodeProduct(e.ctx, *before); err != nil {
			return fmt.Errorf("encode product %s: %w", before.ID, err)
		}
	}
	return e.add(typ, after.MerchantID, after.Livemode, obj, old)
}

// price adds the event of a price's change from before (nil: created) to after, if any.
func (e *events) price(before, after *Price) error {
	typ := PriceEventType(before, after)
	if typ == "" {
		return nil
	}
	obj, err := e.enc.EncodePrice(e.ctx, *after)
	if err != nil {
		return fmt.Errorf("encode price %s: %w", after.ID, err)
	}
	var old json.RawMessage
	if before != nil {
		if old, err = e.enc.EncodePrice(e.ctx, *before); err != nil {
			return fmt.Errorf("encode price %s: %w", before.ID, err)
		}
	}
	return e.add(typ, after.MerchantID, after.Livemode, obj, old)
}

// deleted adds product.deleted, with the product as it was when deleted.
func (e *events) deleted(p Product, prices []Price) error {
	for _, pr := range prices { // deleted with it: each says so, as it was
		obj, err := e.enc.EncodePrice(e.ctx, pr)
		if err != nil {
			return fmt.Errorf("encode price %s: %w", pr.ID, err)
		}
		if err := e.add(event.PriceDeleted, pr.MerchantID, pr.Livemode, obj, nil); err != nil {
			return err
		}
	}
	obj, err := e.enc.EncodeProduct(e.ctx, p)
	if err != nil {
		return fmt.Errorf("encode product %s: %w", p.ID, err)
	}
	return e.add(event.ProductDeleted, p.MerchantID, p.Livemode, obj, nil)
}
