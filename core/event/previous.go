package event

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/chaincheckout/checkout/core/ident"
	"reflect"
	"time"
)

// PreviousAttributes is Stripe's data.previous_attributes of an update: of the object as the
// API rendered it before and after, the fields whose value changed, with their old values. A
// field that is an object on both sides (metadata, after_completion) lists only its changed
// keys the same way; a key that was added shows as null. No change is {}.
func PreviousAttributes(before, after json.RawMessage) (json.RawMessage, error) {
	var b, a map[string]any
	if err := decode(before, &b); err != nil {
		return nil, fmt.Errorf("previous attributes: decode before: %w", err)
	}
	if err := decode(after, &a); err != nil {
		return nil, fmt.Errorf("previous attributes: decode after: %w", err)
	}
	return json.Marshal(changed(b, a))
}

func decode(raw json.RawMessage, v *map[string]any) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber() // amounts stay exact
	return d.Decode(v)
}

// changed maps each key whose value differs between before and after to its old value.
func changed(before, after map[string]any) map[string]any {
	out := map[string]any{}
	for k, old := range before {
		now, ok := after[k]
		if ok && reflect.DeepEqual(old, now) {
			continue
		}
		ob, oIsObj := old.(map[string]any)
		nb, nIsObj := now.(map[string]any)
		if oIsObj && nIsObj {
			out[k] = changed(ob, nb)
			continue
		}
		out[k] = old
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			out[k] = nil
		}
	}
	return out
}

// OfChange is the event of one object's change: typ, with obj as the API shows the object now
// and, for an update, old as it showed it before (its changed fields become
// previous_attributes; nil: {}).
func OfChange(ctx context.Context, typ, merchantID string, livemode bool, now time.Time, obj, old json.RawMessage) (Event, error) {
	prev := json.RawMessage(`{}`)
	if old != nil {
		var err error
		if prev, err = PreviousAttributes(old, obj); err != nil {
			return Event{}, err
		}
	}
	return Event{ID: ident.New("evt"), Type: typ, MerchantID: merchantID, Livemode: livemode, Created: now, Object: obj,
		PreviousAttributes: prev, Request: RequestFrom(ctx)}, nil
}
