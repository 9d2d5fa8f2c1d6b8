package idempotency

import (
	"context"
	"encoding/json"
	"testing"
)

func TestRedact(t *testing.T) {
	cases := []struct{ name, in, wantSecret string }{
		{"secret removed", `{"id":"we_1","secret":"whsec_abc","url":"https://x"}`, "null"},
		{"no secret: unchanged", `{"id":"cs_1"}`, ""},
		{"not JSON: unchanged", `not json`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := Redact([]byte(c.in))
			var obj map[string]json.RawMessage
			if json.Unmarshal(out, &obj) != nil {
				if string(out) != c.in {
					t.Fatalf("non-JSON body changed: %s", out)
				}
				return
			}
			if got := string(obj["secret"]); got != c.wantSecret {
				t.Fatalf("secret = %q, want %q (body %s)", got, c.wantSecret, out)
			}
			if string(obj["id"]) == "" {
				t.Fatalf("other fields lost: %s", out)
			}
		})
	}
}

func TestKeyTravelsInContext(t *testing.T) {
	if _, ok := KeyFrom(context.Background()); ok {
		t.Fatal("a plain context carries no key")
	}
	k := Key{Scope: Scope{MerchantID: "acct_1", Livemode: true}, Value: "order-1"}
	if got, ok := KeyFrom(WithKey(context.Background(), k)); !ok || got != k {
		t.Fatalf("KeyFrom = %v %v, want %v", got, ok, k)
	}
}

func TestKept(t *testing.T) {
	cases := []struct {
		status          int
		kept, succeeded bool
	}{
		{200, true, true},
		{201, true, true},
		{400, false, false}, // parameters failed validation: never executed
		{401, false, false},
		{403, false, false},
		{402, true, false},
		{404, true, false}, // executed: the object was looked up
		{409, true, false}, // executed: the object's state refused the call
		{429, false, false},
		{500, true, false}, // Stripe replays 500s too
		{503, false, false},
	}
	for _, c := range cases {
		r := Response{StatusCode: c.status}
		if r.Kept() != c.kept || r.Succeeded() != c.succeeded {
			t.Errorf("%d: Kept %v, Succeeded %v; want %v, %v", c.status, r.Kept(), r.Succeeded(), c.kept, c.succeeded)
		}
	}
}
