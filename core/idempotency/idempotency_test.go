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
