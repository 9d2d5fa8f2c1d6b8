package refund

import (
	"fmt"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// Payment is the transaction the merchant's wallet sends to pay the refund: its amount of its
// asset to its destination, encoded as any payment request is (a token's transfer call, or
// the native coin's value). a must be the refund's asset. Only a pending refund with a
// destination and no transaction being verified can be paid: paying one twice would give the
// money twice.
func (r Refund) Payment(a chain.Asset) (chain.PaymentRequest, error) {
	switch {
	case a.ID != r.AssetID || a.ChainID != r.ChainID:
		return chain.PaymentRequest{}, fmt.Errorf("refund %s is paid in %s on chain %d, not in %s on chain %d",
			r.ID, r.AssetID, r.ChainID, a.ID, a.ChainID)
	case r.Status == StatusRequiresAction || r.Destination == "":
		return chain.PaymentRequest{}, apperr.Conflict("refund_requires_destination",
			"Refund %s has no destination yet: the shopper has not claimed it.", r.ID)
	case r.Status != StatusPending:
		return chain.PaymentRequest{}, apperr.Conflict("refund_not_pending", "Refund %s is %s; only a pending refund can be paid.", r.ID, r.Status)
	case r.Sent():
		return chain.PaymentRequest{}, apperr.Conflict("refund_already_sent",
			"Refund %s is already verifying transaction %s.", r.ID, r.TxHash)
	case r.CryptoAmount == nil || r.CryptoAmount.Sign() <= 0:
		return chain.PaymentRequest{}, fmt.Errorf("refund %s has no amount to pay", r.ID)
	}
	return chain.RequestPayment(a, r.Destination, r.CryptoAmount), nil
}
