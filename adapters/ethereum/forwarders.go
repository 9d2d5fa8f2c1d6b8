package ethereum

import (
	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/settlement"
)

// SweepBatch turns the core's sweeps into ForwarderFactory.sweep's argument.
func SweepBatch(sweeps []settlement.Sweep) []contracts.ForwarderFactorySweep {
	out := make([]contracts.ForwarderFactorySweep, len(sweeps))
	for i, s := range sweeps {
		tokens := make([]common.Address, len(s.Tokens))
		for j, t := range s.Tokens {
			tokens[j] = common.Address(t)
		}
		out[i] = contracts.ForwarderFactorySweep{Destination: common.Address(s.Destination), Nonce: s.Nonce, Tokens: tokens}
	}
	return out
}
