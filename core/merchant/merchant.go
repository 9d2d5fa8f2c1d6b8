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
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/ttlcache"
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

// Scope is the merchant and mode the caller acts in (what event.Scope asks).
func (c Caller) Scope() (merchantID string, livemode bool) { return c.MerchantID, c.Livemode }

// APIKey is a secret key's stored form: only its hash is kept.
type APIKey struct {
	ID         string
	MerchantID string
	Livemode   bool
	Hash       string // hex SHA-256 of the full secret
	Hint       string // prefix and last four characters, for display
	CreatedAt  time.Time
	ExpiresAt  *time.Time // set when the key was rolled: it stops working then
	RevokedAt  *time.Time
}

// Last4 is the end of the secret, which operators compare with the key they hold.
func (k APIKey) Last4() string {
	r := []rune(k.Hint)
	return string(r[max(0, len(r)-4):])
}

// Credential is a stored key and who it acts for.
type Credential struct {
	Caller Caller
	Key    APIKey
}

// Secret is a freshly issued key with its secret, which is shown once and never stored.
type Secret struct {
	Value string
	Key   APIKey
}

// Secrets are the keys issued together, test first.
type Secrets []Secret

// Of returns the secret of the mode, or "" when none was issued in it.
func (s Secrets) Of(livemode bool) string {
	for _, k := range s {
		if k.Key.Livemode == livemode {
			return k.Value
		}
	}
	return ""
}

// Account is a merchant with its keys, for operators; never a secret.
type Account struct {
	Merchant Merchant
	Keys     []APIKey
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
	// CreateMerchant writes the merchant and its first keys in one transaction.
	CreateMerchant(ctx context.Context, m Merchant, keys []APIKey) error
	// KeyByHash returns the key with that hash, whatever its state, or apperr NotFound.
	KeyByHash(ctx context.Context, hash string) (Credential, error)
	// GetMerchant returns a merchant or apperr NotFound.
	GetMerchant(ctx context.Context, id string) (Merchant, error)
	// ListMerchants returns every merchant, oldest first.
	ListMerchants(ctx context.Context) ([]Merchant, error)
	// ListKeys returns every key of every merchant, oldest first.
	ListKeys(ctx context.Context) ([]APIKey, error)
	// RollKey locks the merchant's keys of fresh's mode, saves the expiry of those retire
	// returns, adds fresh and records retire's events, in one transaction (or returns retire's
	// error); apperr NotFound for an unknown merchant.
	RollKey(ctx context.Context, fresh APIKey, retire func(keys []APIKey) ([]APIKey, []event.Event, error)) error
	// MerchantKeys returns the merchant's keys of a mode, whatever their state, oldest first.
	MerchantKeys(ctx context.Context, merchantID string, livemode bool) ([]APIKey, error)
	// RevokeKey locks the merchant's keys of the mode, saves the revocation of the key revoke
	// returns and records revoke's events (or returns revoke's error), in one transaction.
	RevokeKey(ctx context.Context, merchantID string, livemode bool, revoke func(keys []APIKey) (APIKey, []event.Event, error)) error
}

// keyCacheLimit bounds the key cache's memory.
const keyCacheLimit = 10_000

// Service holds the merchant use cases.
type Service struct {
	store Store
	xpubs XPubValidator
	enc   Encoder
	now   func() time.Time
	keys  *ttlcache.Cache[string, Credential] // resolved keys by hash; a revoked key works at most its ttl longer
	live  bool                                // live keys are issued: a live chain is configured
}

// Option adjusts a Service.
type Option func(*Service)

// CacheKeys lets Authenticate reuse a resolved key for ttl: a revoked or deleted key then
// stops working within ttl. Without it (or with ttl <= 0) every request looks its key up.
func CacheKeys(ttl time.Duration) Option {
	return func(s *Service) { s.keys = ttlcache.New[string, Credential](ttl, keyCacheLimit) }
}

// IssueLiveKeys makes Create issue a live key beside the test key and lets live keys be
// rolled; the wiring sets it when a live chain is configured, since a live key without one
// could sell nothing.
func IssueLiveKeys(enabled bool) Option {
	return func(s *Service) { s.live = enabled }
}

// NewService wires the merchant use cases; enc renders the keys of the events that creating,
// rolling and revoking keys record.
func NewService(store Store, xpubs XPubValidator, enc Encoder, now func() time.Time, opts ...Option) (*Service, error) {
	if store == nil || xpubs == nil || enc == nil || now == nil {
		return nil, fmt.Errorf("merchant.NewService: nil dependency")
	}
	s := &Service{store: store, xpubs: xpubs, enc: enc, now: now, keys: ttlcache.New[string, Credential](0, keyCacheLimit)}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Create registers a merchant with a test key and, when live keys are issued, a live key;
// their secrets are returned once. A merchant's first keys make no event: it has no events
// (nor endpoints) before it exists.
func (s *Service) Create(ctx context.Context, name, xpub string) (Merchant, Secrets, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return Merchant{}, nil, apperr.Invalid("name", "parameter_invalid_string", "The merchant name must be 1 to 200 characters.")
	}
	if err := s.xpubs.ValidateXPub(xpub); err != nil {
		return Merchant{}, nil, apperr.Invalid("xpub", "parameter_invalid", "Invalid xpub: %v.", err)
	}
	now := s.now()
	m := Merchant{ID: ident.New("acct"), Name: name, XPub: xpub, CreatedAt: now}
	var secrets Secrets
	var keys []APIKey
	for _, live := range s.modes() {
		secret, key := NewSecretKey(m.ID, live, now)
		secrets, keys = append(secrets, Secret{Value: secret, Key: key}), append(keys, key)
	}
	if err := s.store.CreateMerchant(ctx, m, keys); err != nil {
		return Merchant{}, nil, fmt.Errorf("create merchant %q: %w", name, err)
	}
	return m, secrets, nil
}

// modes are the modes keys are issued in, test first.
func (s *Service) modes() []bool {
	if s.live {
		return []bool{false, true}
	}
	return []bool{false}
}

// Roll issues a new key of the mode and makes the merchant's current keys of that mode stop
// working after grace (0: at once; at most MaxRollGrace), as Stripe's roll does. It returns
// the new secret and the keys it retired, with their expiry. The new key's api_key.created and
// each retired key's api_key.updated are recorded with the change.
func (s *Service) Roll(ctx context.Context, merchantID string, livemode bool, grace time.Duration) (Secret, []APIKey, error) {
	if livemode && !s.live {
		return Secret{}, nil, apperr.Invalid("mode", "parameter_invalid",
			"No live chain is configured, so there are no live keys: configure a chain with \"livemode\": true first.")
	}
	now := s.now()
	deadline, err := RollDeadline(now, grace)
	if err != nil {
		return Secret{}, nil, err
	}
	value, fresh := NewSecretKey(merchantID, livemode, now)
	created, err := keyEvents(ctx, s.enc, now, nil, &fresh)
	if err != nil {
		return Secret{}, nil, err
	}
	var retired []APIKey
	err = s.store.RollKey(ctx, fresh, func(keys []APIKey) ([]APIKey, []event.Event, error) {
		var updated []event.Event
		var err error
		if retired, updated, err = retireEvents(ctx, s.enc, keys, now, deadline); err != nil {
			return nil, nil, err
		}
		return retired, append(append([]event.Event{}, created...), updated...), nil
	})
	if err != nil {
		return Secret{}, nil, fmt.Errorf("roll %s key of %s: %w", ModeName(livemode), merchantID, err)
	}
	for _, k := range retired { // this instance honours the new expiry at once, cached or not
		s.keys.Forget(k.Hash)
	}
	return Secret{Value: value, Key: fresh}, retired, nil
}

// Retire makes the keys still usable at now stop at deadline at the latest and returns them.
func Retire(keys []APIKey, now, deadline time.Time) []APIKey {
	var retired []APIKey
	for _, k := range keys {
		if k.Usable(now) {
			k.RetireBy(deadline)
			retired = append(retired, k)
		}
	}
	return retired
}

// Get returns a merchant, or apperr NotFound.
func (s *Service) Get(ctx context.Context, id string) (Merchant, error) {
	return s.store.GetMerchant(ctx, id)
}

// List returns every merchant with the keys that still work, oldest first.
func (s *Service) List(ctx context.Context) ([]Account, error) {
	ms, err := s.store.ListMerchants(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	now, byMerchant := s.now(), map[string][]APIKey{}
	for _, k := range keys {
		if k.Usable(now) {
			byMerchant[k.MerchantID] = append(byMerchant[k.MerchantID], k)
		}
	}
	accounts := make([]Account, len(ms))
	for i, m := range ms {
		accounts[i] = Account{Merchant: m, Keys: byMerchant[m.ID]}
	}
	return accounts, nil
}

// Authenticate resolves a presented secret key to its caller. A rolled key is refused from
// its expiry on, or at most the cache's bound after the roll when that is later.
func (s *Service) Authenticate(ctx context.Context, secret string) (Caller, error) {
	if !WellFormedSecret(secret) {
		return Caller{}, &apperr.Error{Kind: apperr.KindUnauthorized, Message: "Invalid API Key provided."}
	}
	hash, now := HashSecret(secret), s.now()
	cred, err := s.keys.Load(hash, now, func() (Credential, error) { return s.store.KeyByHash(ctx, hash) })
	if apperr.IsKind(err, apperr.KindNotFound) { // not remembered: a key added later works at once
		return Caller{}, refused("Invalid", secret)
	}
	if err != nil {
		return Caller{}, err
	}
	if cred.Key.Expired(now) {
		return Caller{}, refused("Expired", secret)
	}
	if !cred.Key.Usable(now) {
		return Caller{}, refused("Invalid", secret)
	}
	return cred.Caller, nil
}

// refused is Stripe's 401 for a key, showing only its prefix and last four characters.
func refused(what, secret string) error {
	return &apperr.Error{Kind: apperr.KindUnauthorized,
		Message: what + " API Key provided: " + secret[:8] + strings.Repeat("*", 8) + secret[len(secret)-4:]}
}

// KeyValid reports whether secret authenticates (used by the dev seeding to reuse a key).
func (s *Service) KeyValid(ctx context.Context, secret string) (bool, error) {
	_, err := s.Authenticate(ctx, secret)
	if apperr.IsKind(err, apperr.KindUnauthorized) {
		return false, nil
	}
	return err == nil, err
}
