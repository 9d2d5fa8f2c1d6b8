// Package merchant holds merchants and their API keys.
package merchant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ident"
)

// Merchant is an account that sells through the gateway.
type Merchant struct {
	ID        string
	Name      string
	XPub      string // account-level extended public key; addresses are derived from it
	CreatedAt time.Time
}

// Caller is who an authenticated API request acts for.
type Caller struct {
	MerchantID   string
	MerchantName string
	Livemode     bool
	KeyID        string
}

// APIKey is a secret key's stored form: only its hash is kept.
type APIKey struct {
	ID         string
	MerchantID string
	Livemode   bool
	Hash       string // hex SHA-256 of the full secret
	Hint       string // prefix and last four characters, for display
	CreatedAt  time.Time
}

// NewSecretKey makes a fresh secret key and its stored form. The secret is shown once.
// SHA-256 suffices as the hash: the secret has ~190 bits of entropy, so no stretching is needed.
func NewSecretKey(merchantID string, livemode bool, now time.Time) (secret string, key APIKey) {
	prefix := "sk_test_"
	if livemode {
		prefix = "sk_live_"
	}
	secret = prefix + ident.Random(32)
	return secret, APIKey{
		ID:         ident.New("key"),
		MerchantID: merchantID,
		Livemode:   livemode,
		Hash:       HashSecret(secret),
		Hint:       prefix + "…" + secret[len(secret)-4:],
		CreatedAt:  now,
	}
}

// HashSecret is how a presented key is looked up.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// WellFormedSecret rejects strings that cannot be keys before any lookup.
func WellFormedSecret(s string) bool {
	return (strings.HasPrefix(s, "sk_test_") || strings.HasPrefix(s, "sk_live_")) && len(s) <= 128
}

// XPubValidator checks an extended public key; the HD adapter implements it.
type XPubValidator interface {
	ValidateXPub(xpub string) error
}

// Store persists merchants and keys.
type Store interface {
	CreateMerchant(ctx context.Context, m Merchant, key APIKey) error
	// CallerByKeyHash returns the caller for an active key, or apperr NotFound.
	CallerByKeyHash(ctx context.Context, hash string) (Caller, error)
	GetMerchant(ctx context.Context, id string) (Merchant, error)
	AddKey(ctx context.Context, key APIKey) error
}

// Service holds the merchant use cases.
type Service struct {
	store Store
	xpubs XPubValidator
	now   func() time.Time
	keys  *keyCache
}

// Option adjusts a Service.
type Option func(*Service)

// CacheKeys lets Authenticate reuse a resolved key for ttl: a revoked or deleted key then
// stops working within ttl. Without it (or with ttl <= 0) every request looks its key up.
func CacheKeys(ttl time.Duration) Option {
	return func(s *Service) { s.keys = newKeyCache(ttl) }
}

// NewService wires the merchant use cases.
func NewService(store Store, xpubs XPubValidator, now func() time.Time, opts ...Option) (*Service, error) {
	if store == nil || xpubs == nil || now == nil {
		return nil, fmt.Errorf("merchant.NewService: nil dependency")
	}
	s := &Service{store: store, xpubs: xpubs, now: now, keys: newKeyCache(0)}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Create registers a merchant with a test-mode key and returns the key's secret once.
func (s *Service) Create(ctx context.Context, name, xpub string) (Merchant, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return Merchant{}, "", apperr.Invalid("name", "parameter_invalid_string", "The merchant name must be 1 to 200 characters.")
	}
	if err := s.xpubs.ValidateXPub(xpub); err != nil {
		return Merchant{}, "", apperr.Invalid("xpub", "parameter_invalid", "Invalid xpub: %v.", err)
	}
	now := s.now()
	m := Merchant{ID: ident.New("acct"), Name: name, XPub: xpub, CreatedAt: now}
	secret, key := NewSecretKey(m.ID, false, now)
	if err := s.store.CreateMerchant(ctx, m, key); err != nil {
		return Merchant{}, "", fmt.Errorf("create merchant %q: %w", name, err)
	}
	return m, secret, nil
}

// Authenticate resolves a presented secret key to its caller.
func (s *Service) Authenticate(ctx context.Context, secret string) (Caller, error) {
	if !WellFormedSecret(secret) {
		return Caller{}, &apperr.Error{Kind: apperr.KindUnauthorized, Message: "Invalid API Key provided."}
	}
	hash, now := HashSecret(secret), s.now()
	if c, ok := s.keys.get(hash, now); ok {
		return c, nil
	}
	c, err := s.store.CallerByKeyHash(ctx, hash)
	if apperr.IsKind(err, apperr.KindNotFound) { // not remembered: a key added later works at once
		return Caller{}, &apperr.Error{Kind: apperr.KindUnauthorized,
			Message: "Invalid API Key provided: " + secret[:8] + strings.Repeat("*", 8) + secret[len(secret)-4:]}
	}
	if err != nil {
		return Caller{}, err
	}
	s.keys.put(hash, c, now)
	return c, nil
}

// KeyValid reports whether secret authenticates (used by the dev seeding to reuse a key).
func (s *Service) KeyValid(ctx context.Context, secret string) (bool, error) {
	_, err := s.Authenticate(ctx, secret)
	if apperr.IsKind(err, apperr.KindUnauthorized) {
		return false, nil
	}
	return err == nil, err
}
