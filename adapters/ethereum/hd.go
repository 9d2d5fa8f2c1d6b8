// Package ethereum holds the go-ethereum side: HD address derivation now, chain reads later.
package ethereum

import (
	"errors"
	"fmt"
	"strings"

	"github.com/btcsuite/btcd/btcutil/hdkeychain"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// AccountDepth is the depth of an account-level key, m/44'/60'/0'.
const AccountDepth = 3

// DemoXPub is the public account key (m/44'/60'/0') of the BIP-39 test mnemonic
// "abandon ×11 about"; its first address is 0x9858EfFD232B4033E47d90003D41EC34EcaEda94.
// Everyone knows its private key: it is for development only.
const DemoXPub = "xpub6DCoCpSuQZB2jawqnGMEPS63ePKWkwWPH4TU45Q7LPXWuNd8TMtVxRrgjtEshuqpK3mdhaWHPFsBngh5GFZaM6si3yZdUsT8ddYM3PwnATt"

// HD derives deposit addresses from merchants' account-level xpubs; it never sees a private key.
type HD struct{}

// ValidateXPub accepts only a public, account-level extended key.
func (HD) ValidateXPub(xpub string) error {
	k, err := hdkeychain.NewKeyFromString(xpub)
	if err != nil {
		return fmt.Errorf("not an extended public key (%v)", err)
	}
	if k.IsPrivate() {
		return errors.New("that is a private key; give the account's xpub, never its xprv")
	}
	if k.Depth() != AccountDepth {
		return fmt.Errorf("the key is at depth %d; export the account-level key (m/44'/60'/0', depth %d)", k.Depth(), AccountDepth)
	}
	return nil
}

// Address derives the address at .../branch/index (both non-hardened; branch 0 is the
// receiving branch wallets scan).
func (HD) Address(xpub string, branch, index uint32) (common.Address, error) {
	if index >= hdkeychain.HardenedKeyStart || branch >= hdkeychain.HardenedKeyStart {
		return common.Address{}, fmt.Errorf("%d/%d is in the hardened range", branch, index)
	}
	k, err := hdkeychain.NewKeyFromString(xpub)
	if err != nil {
		return common.Address{}, fmt.Errorf("parse xpub: %w", err)
	}
	parent, err := k.Derive(branch)
	if err != nil {
		return common.Address{}, fmt.Errorf("derive %d: %w", branch, err)
	}
	child, err := parent.Derive(index)
	if err != nil {
		return common.Address{}, fmt.Errorf("derive %d/%d: %w", branch, index, err)
	}
	pub, err := child.ECPubKey()
	if err != nil {
		return common.Address{}, fmt.Errorf("public key of %d/%d: %w", branch, index, err)
	}
	return crypto.PubkeyToAddress(*pub.ToECDSA()), nil
}

// DeriveAddress implements checkout.AddressDeriver (lower-case hex, as addresses are stored).
func (h HD) DeriveAddress(xpub string, branch, index uint32) (string, error) {
	a, err := h.Address(xpub, branch, index)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a.Hex()), nil
}
