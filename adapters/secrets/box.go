// Package secrets encrypts webhook signing secrets at rest with AES-256-GCM under a keyring,
// so keys can be rotated: new values are sealed under the first key, any listed key opens.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// prefix marks a sealed value: v1:<key id>:<base64(nonce || ciphertext)>.
const prefix = "v1:"

// Box implements webhook.SecretBox.
type Box struct {
	current string // key id new values are sealed under
	aeads   map[string]cipher.AEAD
}

// ParseKeyring reads "id1:base64,id2:base64" (each key 32 bytes, standard base64); the first
// key seals, every key opens. Key ids are letters, digits, '-' or '_'.
func ParseKeyring(spec string) (*Box, error) {
	b := &Box{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		id, key, ok := strings.Cut(entry, ":")
		if !ok || !validID(id) {
			return nil, fmt.Errorf("secrets keyring entry %d: want <id>:<base64 32-byte key> with an id of letters, digits, - or _", i+1)
		}
		raw, err := base64.StdEncoding.DecodeString(key)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secrets key %q: want 32 bytes in standard base64", id)
		}
		if _, dup := b.aeads[id]; dup {
			return nil, fmt.Errorf("secrets key %q is listed twice", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("secrets key %q: %w", id, err)
		}
		if b.aeads[id], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("secrets key %q: %w", id, err)
		}
		if i == 0 {
			b.current = id
		}
	}
	return b, nil
}

func validID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// NewKey returns a fresh random key in the keyring's base64 form.
func NewKey() (string, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", fmt.Errorf("generate secrets key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(k), nil
}

// Seal encrypts secret under the current key; the endpoint ID is authenticated with it.
func (b *Box) Seal(endpointID, secret string) (string, error) {
	aead := b.aeads[b.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal secret: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(secret), []byte(endpointID))
	return prefix + b.current + ":" + base64.StdEncoding.EncodeToString(sealed), nil
}

// ErrUnknownKey is a value sealed under a key the keyring no longer lists.
var ErrUnknownKey = errors.New("secrets: sealed under a key not in the keyring")

// Open decrypts a sealed value; a value without the prefix is a secret stored before
// encryption, returned as is and reported not current.
func (b *Box) Open(endpointID, stored string) (string, bool, error) {
	rest, sealed := strings.CutPrefix(stored, prefix)
	if !sealed {
		return stored, false, nil
	}
	id, data, ok := strings.Cut(rest, ":")
	if !ok {
		return "", false, fmt.Errorf("secrets: malformed sealed value of %s", endpointID)
	}
	aead, known := b.aeads[id]
	if !known {
		return "", false, fmt.Errorf("open secret of %s (key %q): %w", endpointID, id, ErrUnknownKey)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize() {
		return "", false, fmt.Errorf("secrets: malformed sealed value of %s", endpointID)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(endpointID))
	if err != nil {
		return "", false, fmt.Errorf("open secret of %s: %w", endpointID, err)
	}
	return string(plain), id == b.current, nil
}
