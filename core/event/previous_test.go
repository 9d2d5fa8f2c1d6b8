package event_test

import (
	"encoding/json"
	"testing"

	"github.com/chaincheckout/checkout/core/event"
)

func TestPreviousAttributes(t *testing.T) {
	cases := []struct {
		name, before, after, want string
	}{
		{"nothing changed", `{"id":"prod_1","name":"A","metadata":{"k":"v"}}`, `{"id":"prod_1","name":"A","metadata":{"k":"v"}}`, `{}`},
		{"a field changed", `{"name":"A","active":true}`, `{"name":"B","active":true}`, `{"name":"A"}`},
		{"null to a value", `{"description":null}`, `{"description":"new"}`, `{"description":null}`},
		{"a value to null", `{"description":"old"}`, `{"description":null}`, `{"description":"old"}`},
		{"metadata lists changed keys only", `{"metadata":{"a":"1","b":"2","c":"3"}}`, `{"metadata":{"a":"1","b":"9","d":"4"}}`,
			`{"metadata":{"b":"2","c":"3","d":null}}`},
		{"an array is shown whole", `{"images":["x","y"]}`, `{"images":["x"]}`, `{"images":["x","y"]}`},
		{"an object replacing null", `{"restrictions":null}`, `{"restrictions":{"completed_sessions":{"count":0,"limit":5}}}`,
			`{"restrictions":null}`},
		{"nested objects", `{"restrictions":{"completed_sessions":{"count":0,"limit":5}}}`,
			`{"restrictions":{"completed_sessions":{"count":0,"limit":7}}}`, `{"restrictions":{"completed_sessions":{"limit":5}}}`},
		{"big numbers stay exact", `{"n":12345678901234567890}`, `{"n":1}`, `{"n":12345678901234567890}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := event.PreviousAttributes(json.RawMessage(c.before), json.RawMessage(c.after))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("PreviousAttributes(%s, %s) = %s, want %s", c.before, c.after, got, c.want)
			}
		})
	}
}

func TestPreviousAttributesRefusesNonObjects(t *testing.T) {
	if _, err := event.PreviousAttributes(json.RawMessage(`[1]`), json.RawMessage(`{}`)); err == nil {
		t.Error("an array was taken for an object")
	}
}
