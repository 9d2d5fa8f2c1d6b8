package http

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chaincheckout/checkout/core/merchant"
)

// apiKeyJSON is a secret key as its events show it (our addition: Stripe has no such object):
// never the secret, which is not stored, nor its hash.
type apiKeyJSON struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Livemode  bool   `json:"livemode"`
	Created   int64  `json:"created"`
	ExpiresAt *int64 `json:"expires_at"`
	RevokedAt *int64 `json:"revoked_at"`
	Last4     string `json:"last4"`
}

func renderAPIKey(k merchant.APIKey) apiKeyJSON {
	unix := func(t *time.Time) *int64 {
		if t == nil {
			return nil
		}
		u := t.Unix()
		return &u
	}
	return apiKeyJSON{ID: k.ID, Object: "api_key", Livemode: k.Livemode, Created: k.CreatedAt.Unix(),
		ExpiresAt: unix(k.ExpiresAt), RevokedAt: unix(k.RevokedAt), Last4: k.Last4()}
}

// EncodeAPIKey implements merchant.Encoder.
func (s *Renderer) EncodeAPIKey(_ context.Context, k merchant.APIKey) ([]byte, error) {
	return json.Marshal(renderAPIKey(k))
}
