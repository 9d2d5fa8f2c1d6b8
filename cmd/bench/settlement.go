package main

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/settlement"
)

// sweepBench is a simulated chain with a ForwarderFactory, a test token and a funded operator.
type sweepBench struct {
	ctx      context.Context
	backend  *simulated.Backend
	client   simulated.Client
	key      *ecdsa.PrivateKey
	auth     *bind.TransactOpts
	factory  *contracts.ForwarderFactory
	at       settlement.Address // the factory
	tokenAt  common.Address
	token    *contracts.TestToken
	merchant common.Address
	deposits int // deposit addresses made so far, for fresh nonces and keys
}

// benchSettlement prints the gas per swept deposit of batched forwarder sweeps beside the
// naive path (fund each deposit address with gas, then transfer its tokens from it), both
// measured in the same run on the simulated EVM.
func benchSettlement(ctx context.Context) error {
	b, err := newSweepBench(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = b.backend.Close() }()
	naive, err := b.naiveGas(20)
	if err != nil {
		return fmt.Errorf("naive sweep: %w", err)
	}
	fmt.Printf("\nsettlement: gas per swept token deposit (simulated EVM, fresh addresses, the payout address already holds the token)\n")
	fmt.Printf("naive path (fund with gas, then transfer from the deposit address): %d gas per deposit (2 transactions each)\n\n", naive)
	fmt.Printf("%-8s %14s %14s %8s\n", "batch", "sweep gas", "per deposit", "÷ naive")
	for _, n := range []int{1, 20, 100} {
		total, err := b.batchGas(n)
		if err != nil {
			return fmt.Errorf("batch of %d: %w", n, err)
		}
		per := total / uint64(n)
		fmt.Printf("%-8d %14d %14d %8.2f\n", n, total, per, float64(per)/float64(naive))
	}
	return nil
}

func newSweepBench(ctx context.Context) (*sweepBench, error) {
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{from: {Balance: new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil)}},
		simulated.WithBlockGasLimit(60_000_000))
	b := &sweepBench{ctx: ctx, backend: backend, client: backend.Client(), key: key,
		merchant: common.HexToAddress("0x000000000000000000000000000000000000beef")}
	b.auth, _ = bind.NewKeyedTransactorWithChainID(key, big.NewInt(1337))
	factoryAt, _, factory, err := contracts.DeployForwarderFactory(b.auth, b.client)
	if err != nil {
		return nil, err
	}
	b.at, b.factory = settlement.Address(factoryAt), factory
	if b.tokenAt, _, b.token, err = contracts.DeployTestToken(b.auth, b.client, "Test USD", "tUSD", 6, big.NewInt(0)); err != nil {
		return nil, err
	}
	backend.Commit()
	// The payout address already holds the token, as it does after its first payout.
	if _, err := b.receipt(b.token.Mint(b.auth, b.merchant, big.NewInt(1))); err != nil {
		return nil, err
	}
	return b, nil
}

// receipt mines tx and returns its receipt, or an error if it failed.
func (b *sweepBench) receipt(tx *types.Transaction, err error) (*types.Receipt, error) {
	if err != nil {
		return nil, err
	}
	b.backend.Commit()
	r, err := b.client.TransactionReceipt(b.ctx, tx.Hash())
	if err != nil {
		return nil, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return nil, fmt.Errorf("transaction %s reverted", tx.Hash())
	}
	return r, nil
}

// batchGas pays n fresh forwarder addresses in the token and sweeps them in one transaction.
func (b *sweepBench) batchGas(n int) (uint64, error) {
	sweeps := make([]settlement.Sweep, n)
	for i := range sweeps {
		b.deposits++
		nonce := settlement.SessionNonce(fmt.Sprintf("cs_bench_%d", b.deposits))
		dest := settlement.Address(b.merchant)
		deposit := settlement.ForwarderAddress(b.at, dest, nonce)
		if _, err := b.receipt(b.token.Mint(b.auth, common.Address(deposit), big.NewInt(1_000_000))); err != nil {
			return 0, err
		}
		sweeps[i] = settlement.Sweep{Destination: dest, Nonce: nonce, Tokens: []settlement.Address{settlement.Address(b.tokenAt)}}
	}
	auth := *b.auth
	auth.GasLimit = 0
	r, err := b.receipt(b.factory.Sweep(&auth, ethereum.SweepBatch(sweeps)))
	if err != nil {
		return 0, err
	}
	return r.GasUsed, nil
}

// naiveGas averages, over n deposit addresses holding the token, the gas of funding each
// with enough coin for one transfer and of that transfer to the payout address.
func (b *sweepBench) naiveGas(n int) (uint64, error) {
	var total uint64
	for range n {
		key, _ := crypto.GenerateKey()
		deposit := crypto.PubkeyToAddress(key.PublicKey)
		if _, err := b.receipt(b.token.Mint(b.auth, deposit, big.NewInt(1_000_000))); err != nil {
			return 0, err
		}
		r, err := b.receipt(b.sendCoin(deposit, big.NewInt(1e16)))
		if err != nil {
			return 0, fmt.Errorf("fund with gas: %w", err)
		}
		total += r.GasUsed
		auth, _ := bind.NewKeyedTransactorWithChainID(key, big.NewInt(1337))
		if r, err = b.receipt(b.token.Transfer(auth, b.merchant, big.NewInt(1_000_000))); err != nil {
			return 0, fmt.Errorf("transfer from the deposit address: %w", err)
		}
		total += r.GasUsed
	}
	return total / uint64(n), nil
}

// sendCoin pays wei from the operator to an address (an EOA: 21,000 gas).
func (b *sweepBench) sendCoin(to common.Address, wei *big.Int) (*types.Transaction, error) {
	from := crypto.PubkeyToAddress(b.key.PublicKey)
	nonce, err := b.client.PendingNonceAt(b.ctx, from)
	if err != nil {
		return nil, err
	}
	head, err := b.client.HeaderByNumber(b.ctx, nil)
	if err != nil {
		return nil, err
	}
	tip := big.NewInt(1e9)
	tx, err := types.SignNewTx(b.key, types.LatestSignerForChainID(big.NewInt(1337)), &types.DynamicFeeTx{
		ChainID: big.NewInt(1337), Nonce: nonce, GasTipCap: tip, Gas: 21_000, To: &to, Value: wei,
		GasFeeCap: new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))})
	if err != nil {
		return nil, err
	}
	return tx, b.client.SendTransaction(b.ctx, tx)
}
