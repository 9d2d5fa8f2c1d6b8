package settlement

import (
	"errors"
	"fmt"
	"math/big"
)

// ErrFeeCapReached is a replacement the chain's fee cap leaves no room for: the attempt before
// it, already at the cap, stays the transaction in flight until the chain takes it.
var ErrFeeCapReached = errors.New("the gas wallet's fee cap leaves no room for a replacement")

// ErrWouldRevert is a transaction the node's gas estimate shows reverting: it is not sent, so
// no gas is spent on a call that cannot succeed.
var ErrWouldRevert = errors.New("the transaction would revert")

// ErrNonceTaken is a transaction whose nonce the chain has already seen used by a transaction
// the gas wallet did not keep for its key (the key was used elsewhere): it can never be mined,
// so the key needs a new attempt at the nonce the chain expects now.
var ErrNonceTaken = errors.New("the transaction's nonce is taken by another transaction")

// GasFees are an EIP-1559 transaction's prices per gas, in the native coin's base units.
type GasFees struct {
	FeeCap *big.Int // the most paid per gas, base fee included
	TipCap *big.Int // the most of it that goes to the block's producer
}

// NextFees prices an attempt of a gas wallet transaction. A first attempt (prev nil) takes the
// chain's suggested tip and a fee cap of twice the base fee plus the tip, which survives a few
// full blocks of rising base fee. A replacement of prev (the earlier attempt with the same
// nonce) raises both caps by at least an eighth (12.5%; nodes refuse a replacement under 10%),
// and more when the chain's suggestion is higher. Both are capped by maxFee (nil: no cap); when
// the cap leaves a replacement too little raise, the answer is ErrFeeCapReached.
func NextFees(suggestedTip, baseFee *big.Int, prev *GasFees, maxFee *big.Int) (GasFees, error) {
	if suggestedTip == nil || baseFee == nil || suggestedTip.Sign() < 0 || baseFee.Sign() < 0 {
		return GasFees{}, fmt.Errorf("fees: the chain suggested no tip or base fee (tip %v, base fee %v)", suggestedTip, baseFee)
	}
	tip := new(big.Int).Set(suggestedTip)
	feeCap := new(big.Int).Add(new(big.Int).Mul(baseFee, big.NewInt(2)), tip)
	var minTip, minCap *big.Int
	if prev != nil {
		minTip, minCap = bumped(prev.TipCap), bumped(prev.FeeCap)
		tip, feeCap = maxOf(tip, minTip), maxOf(feeCap, minCap)
	}
	if maxFee != nil && feeCap.Cmp(maxFee) > 0 {
		feeCap = new(big.Int).Set(maxFee)
	}
	if tip.Cmp(feeCap) > 0 {
		tip = new(big.Int).Set(feeCap)
	}
	if prev != nil && (feeCap.Cmp(minCap) < 0 || tip.Cmp(minTip) < 0) {
		return GasFees{}, fmt.Errorf("replace fee cap %s, tip %s under the cap %s: %w", prev.FeeCap, prev.TipCap, maxFee, ErrFeeCapReached)
	}
	return GasFees{FeeCap: feeCap, TipCap: tip}, nil
}

// bumped is x raised by an eighth, rounded up, and by at least 1 (nodes want both caps higher).
func bumped(x *big.Int) *big.Int {
	raise := new(big.Int).Add(x, big.NewInt(7))
	raise.Rsh(raise, 3)
	if raise.Sign() == 0 {
		raise.SetInt64(1)
	}
	return raise.Add(raise, x)
}

func maxOf(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return new(big.Int).Set(b)
}
