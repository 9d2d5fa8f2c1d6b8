package chain

import (
	"fmt"
	"math/big"
	"strings"
)

// PaymentRequest is how a wallet pays an amount of an asset to an address: the EIP-681 URI
// that QR codes and wallet links carry, and the transaction fields an EIP-1193 wallet sends.
type PaymentRequest struct {
	URI        string // ethereum:… (EIP-681)
	ChainIDHex string // 0x-hex chain id, for wallet_switchEthereumChain
	To         string // the deposit address (native) or the token contract (ERC-20)
	ValueHex   string // wei in 0x-hex; 0x0 for a token transfer
	Data       string // ERC-20 transfer(address,uint256) calldata; empty for the native coin
}

// transferSelector is the first four bytes of keccak256("transfer(address,uint256)").
const transferSelector = "a9059cbb"

// RequestPayment builds the request to pay amount base units of a to the deposit address;
// addresses in it are EIP-55 checksummed.
func RequestPayment(a Asset, depositAddress string, amount *big.Int) PaymentRequest {
	if amount == nil {
		amount = new(big.Int)
	}
	depositAddress = Checksum(depositAddress)
	contract := Checksum(a.Contract)
	r := PaymentRequest{ChainIDHex: fmt.Sprintf("0x%x", a.ChainID)}
	if a.Native() {
		r.URI = fmt.Sprintf("ethereum:%s@%d?value=%s", depositAddress, a.ChainID, amount)
		r.To, r.ValueHex = depositAddress, fmt.Sprintf("0x%x", amount)
		return r
	}
	r.URI = fmt.Sprintf("ethereum:%s@%d/transfer?address=%s&uint256=%s", contract, a.ChainID, depositAddress, amount)
	r.To, r.ValueHex = contract, "0x0"
	r.Data = fmt.Sprintf("0x%s%064s%064x", transferSelector, strings.TrimPrefix(strings.ToLower(depositAddress), "0x"), amount)
	return r
}
