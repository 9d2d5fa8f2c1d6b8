// Package settlement holds how funds reach the merchant: the deposit-address rule of the
// forwarder contracts (CREATE2 addresses whose salt commits to the payout address), payout
// settings, and the choice between forwarder and xpub deposit addresses.
package settlement

import (
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/sha3"
)

// Address is a 20-byte EVM address.
type Address [20]byte

// ParseAddress reads a 0x-prefixed, 40-hex-digit address (any case; no checksum demanded).
func ParseAddress(s string) (Address, error) {
	var a Address
	rest, ok := strings.CutPrefix(s, "0x")
	if !ok || len(rest) != 40 {
		return a, fmt.Errorf("%q is not a 0x address of 40 hex digits", s)
	}
	if _, err := hex.Decode(a[:], []byte(rest)); err != nil {
		return a, fmt.Errorf("%q is not a 0x address of 40 hex digits", s)
	}
	return a, nil
}

// String is the lower-case hex form, as addresses are stored and compared.
func (a Address) String() string { return "0x" + hex.EncodeToString(a[:]) }

// IsZero reports the zero address, which can never be a destination.
func (a Address) IsZero() bool { return a == Address{} }

// Nonce tells apart the forwarders of one destination: each session has its own.
type Nonce [32]byte

// SessionNonce is a session's forwarder nonce: keccak256 of its ID, so the address follows
// from the session alone and no counter needs allocating.
func SessionNonce(sessionID string) Nonce {
	return Nonce(keccak([]byte(sessionID)))
}

// String is the 0x hex form the sweep passes to the factory.
func (n Nonce) String() string { return "0x" + hex.EncodeToString(n[:]) }

// ParseNonce reads the 0x form String writes (64 hex digits).
func ParseNonce(s string) (Nonce, error) {
	var n Nonce
	rest, ok := strings.CutPrefix(s, "0x")
	if !ok || len(rest) != 64 {
		return n, fmt.Errorf("%q is not a 0x nonce of 64 hex digits", s)
	}
	if _, err := hex.Decode(n[:], []byte(rest)); err != nil {
		return n, fmt.Errorf("%q is not a 0x nonce of 64 hex digits", s)
	}
	return n, nil
}

// Salt is the CREATE2 salt of a forwarder, as ForwarderFactory.saltOf computes it:
// keccak256(abi.encode(destination, nonce)). The destination is inside the salt, so no
// other destination can ever be deployed at the address.
func Salt(destination Address, nonce Nonce) [32]byte {
	var enc [64]byte
	copy(enc[12:32], destination[:]) // abi.encode left-pads an address to 32 bytes
	copy(enc[32:], nonce[:])
	return keccak(enc[:])
}

// Implementation is the DepositForwarder a factory made in its constructor: the first
// CREATE of a contract uses nonce 1, so its address is keccak256(rlp([factory, 1]))[12:].
func Implementation(factory Address) Address {
	rlp := append([]byte{0xd6, 0x94}, factory[:]...) // a list of 22 bytes: a 20-byte string, then 0x01
	rlp = append(rlp, 0x01)
	return lastTwenty(keccak(rlp))
}

// CloneInitCode is the creation code of OpenZeppelin Clones' minimal proxy (EIP-1167) with
// immutable arguments, as cloneDeterministicWithImmutableArgs builds it: the destination's
// 20 bytes follow the proxy, so the code itself fixes where the forwarder pays.
func CloneInitCode(implementation, destination Address) []byte {
	const proxyLen = 0x2d
	code := []byte{0x61, 0x00, byte(proxyLen + len(destination))} // PUSH2 runtime length
	head, _ := hex.DecodeString("3d81600a3d39f3363d3d373d3d3d363d73")
	tail, _ := hex.DecodeString("5af43d82803e903d91602b57fd5bf3")
	code = append(code, head...)
	code = append(code, implementation[:]...)
	code = append(code, tail...)
	return append(code, destination[:]...)
}

// ForwarderAddress is where the factory deploys (or will deploy) the forwarder of
// (destination, nonce): keccak256(0xff ++ factory ++ salt ++ keccak256(init code))[12:].
// Funds sent there before deployment wait for the deploying sweep.
func ForwarderAddress(factory, destination Address, nonce Nonce) Address {
	salt := Salt(destination, nonce)
	codeHash := keccak(CloneInitCode(Implementation(factory), destination))
	buf := make([]byte, 0, 85)
	buf = append(buf, 0xff)
	buf = append(buf, factory[:]...)
	buf = append(buf, salt[:]...)
	buf = append(buf, codeHash[:]...)
	return lastTwenty(keccak(buf))
}

func keccak(b []byte) [32]byte {
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func lastTwenty(h [32]byte) Address {
	var a Address
	copy(a[:], h[12:])
	return a
}

// Sweep is one forwarder of a batched sweep: deploy it if needed, flush these tokens and
// its native coin.
type Sweep struct {
	Destination Address
	Nonce       Nonce
	Tokens      []Address
}
