package chain

import (
	"encoding/hex"
	"strings"

	"golang.org/x/crypto/sha3"
)

// Checksum renders a 0x address in its EIP-55 mixed-case form, so a wallet can catch a
// mistyped character. Anything that is not a 40-hex-digit 0x address comes back as it is:
// addresses are stored and compared in lower case, only shown checksummed.
func Checksum(address string) string {
	rest, ok := strings.CutPrefix(address, "0x")
	if !ok || len(rest) != 40 {
		return address
	}
	lower := strings.ToLower(rest)
	if _, err := hex.DecodeString(lower); err != nil {
		return address
	}
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	digest := hex.EncodeToString(h.Sum(nil))
	out := []byte(lower)
	for i, c := range out {
		if c >= 'a' && c <= 'f' && digest[i] >= '8' {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}
