// Package passwords hashes dashboard passwords with argon2id (RFC 9106), in the PHC string
// format, so parameters can rise later without invalidating stored hashes.
package passwords

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/chaincheckout/checkout/core/account"
)

// Params are argon2id's costs.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultParams follow RFC 9106's second recommendation (64 MiB, 3 passes), on 2 lanes.
var DefaultParams = Params{MemoryKiB: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// Argon2id implements account.Hasher.
type Argon2id struct{ p Params }

var _ account.Hasher = Argon2id{}

// New hashes with p (zero fields take DefaultParams').
func New(p Params) Argon2id {
	if p.MemoryKiB == 0 {
		p.MemoryKiB = DefaultParams.MemoryKiB
	}
	if p.Time == 0 {
		p.Time = DefaultParams.Time
	}
	if p.Threads == 0 {
		p.Threads = DefaultParams.Threads
	}
	return Argon2id{p: p}
}

// Hash encodes a fresh salt and the derived key with the parameters used.
func (a Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, a.p.Time, a.p.MemoryKiB, a.p.Threads, keyLen)
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, a.p.MemoryKiB, a.p.Time, a.p.Threads,
		b64(salt), b64(key)), nil
}

// Verify derives the key again with the encoded parameters and compares in constant time.
func (a Argon2id) Verify(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("not an argon2id hash")
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("argon2id version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("argon2id parameters %q: %w", parts[3], err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("argon2id salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, fmt.Errorf("argon2id key: %v", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
