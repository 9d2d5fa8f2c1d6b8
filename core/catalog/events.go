package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
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

func (e *events) add(typ, merchantID string, livemode bool, obj, prev json.RawMessage) {
	if prev == nil {
		prev = json.RawMessage(`{}`)
	}
	e.out = append(e.out, event.Event{ID: ident.New("evt"), Type: typ, MerchantID: merchantID, Livemode: livemode,
		Created: e.now, Object: obj, PreviousAttributes: prev, Request: event.RequestFrom(e.ctx)})
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
	var prev json.RawMessage
	if before != nil {
		old, err := e.enc.EncodeProduct(e.ctx, *before)
		if err != nil {
			return fmt.Errorf("encode product %s: %w", before.ID, err)
		}
		if prev, err = event.PreviousAttributes(old, obj); err != nil {
			return err
		}
	}
	e.add(typ, after.MerchantID, after.Livemode, obj, prev)
	return nil
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
	var prev json.RawMessage
	if before != nil {
		old, err := e.enc.EncodePrice(e.ctx, *before)
		if err != nil {
			return fmt.Errorf("encode price %s: %w", before.ID, err)
		}
		if prev, err = event.PreviousAttributes(old, obj); err != nil {
			return err
		}
	}
	e.add(typ, after.MerchantID, after.Livemode, obj, prev)
	return nil
}

// deleted adds product.deleted, with the product as it was when deleted.
func (e *events) deleted(p Product, prices []Price) error {
	for _, pr := range prices { // deleted with it: each says so, as it was
		obj, err := e.enc.EncodePrice(e.ctx, pr)
		if err != nil {
			return fmt.Errorf("encode price %s: %w", pr.ID, err)
		}
		e.add(event.PriceDeleted, pr.MerchantID, pr.Livemode, obj, nil)
	}
	obj, err := e.enc.EncodeProduct(e.ctx, p)
	if err != nil {
		return fmt.Errorf("encode product %s: %w", p.ID, err)
	}
	e.add(event.ProductDeleted, p.MerchantID, p.Livemode, obj, nil)
	return nil
}
