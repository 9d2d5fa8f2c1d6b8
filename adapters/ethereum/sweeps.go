package ethereum

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/settlement"
)

// SweepChain implements settlement.SweepChain: it packs ForwarderFactory.sweep calls and reads
// their receipts on each chain's node.
type SweepChain struct {
	clients       map[int64]TxClient
	factory       *abi.ABI
	nativeFlushed common.Hash
}

var _ settlement.SweepChain = (*SweepChain)(nil)

// NewSweepChain reads sweeps through the given clients, by chain ID.
func NewSweepChain(clients map[int64]TxClient) (*SweepChain, error) {
	factory, err := contracts.ForwarderFactoryMetaData.GetAbi()
	if err != nil {
		return nil, fmt.Errorf("ForwarderFactory ABI: %w", err)
	}
	forwarder, err := contracts.DepositForwarderMetaData.GetAbi()
	if err != nil {
		return nil, fmt.Errorf("DepositForwarder ABI: %w", err)
	}
	ev, ok := forwarder.Events["NativeFlushed"]
	if !ok {
		return nil, errors.New("DepositForwarder ABI has no NativeFlushed event")
	}
	for id, c := range clients {
		if c == nil {
			return nil, fmt.Errorf("sweep chain %d: no client", id)
		}
	}
	return &SweepChain{clients: clients, factory: factory, nativeFlushed: ev.ID}, nil
}

func (s *SweepChain) client(chainID int64) (TxClient, error) {
	c, ok := s.clients[chainID]
	if !ok {
		return nil, fmt.Errorf("chain %d is not configured for sweeps", chainID)
	}
	return c, nil
}

// SweepCall is the calldata of factory.sweep(sweeps) (the factory is the call's recipient).
func (s *SweepChain) SweepCall(_ settlement.Address, sweeps []settlement.Sweep) ([]byte, error) {
	if len(sweeps) == 0 {
		return nil, errors.New("sweep call: an empty batch")
	}
	data, err := s.factory.Pack("sweep", SweepBatch(sweeps))
	if err != nil {
		return nil, fmt.Errorf("pack sweep of %d forwarders: %w", len(sweeps), err)
	}
	return data, nil
}

// Head is the chain's latest block number.
func (s *SweepChain) Head(ctx context.Context, chainID int64) (uint64, error) {
	c, err := s.client(chainID)
	if err != nil {
		return 0, err
	}
	n, err := c.BlockNumber(ctx)
	if err != nil {
		return 0, fmt.Errorf("head of chain %d: %w", chainID, err)
	}
	return n, nil
}

// SweepReceipt reads the first of hashes mined in a block of the canonical chain (a receipt
// whose block is no longer the one at its height was reorged away, and is skipped). What each
// forwarder paid comes from the receipt's logs, counted only for the forwarders the call
// itself names: ERC-20 Transfer logs from a forwarder, and forwarders' NativeFlushed logs.
func (s *SweepChain) SweepReceipt(ctx context.Context, chainID int64, hashes []string) (settlement.MinedSweep, bool, error) {
	c, r, head, found, err := s.canonical(ctx, chainID, hashes)
	if err != nil || !found {
		return settlement.MinedSweep{}, false, err
	}
	tx, _, err := c.TransactionByHash(ctx, r.TxHash)
	if err != nil {
		return settlement.MinedSweep{}, false, fmt.Errorf("transaction %s on chain %d: %w", r.TxHash.Hex(), chainID, err)
	}
	forwarders, err := s.forwardersOf(tx)
	if err != nil {
		return settlement.MinedSweep{}, false, err
	}
	return settlement.MinedSweep{
		Hash: r.TxHash.Hex(), BlockNumber: r.BlockNumber.Uint64(), BlockTime: time.Unix(int64(head.Time), 0).UTC(),
		Succeeded: r.Status == types.ReceiptStatusSuccessful, NetworkFee: networkFee(r, tx, head),
		Flushed: s.flushed(r.Logs, forwarders),
	}, true, nil
}

// Mined finds which of hashes is mined on the canonical chain, whatever it calls: its block
// and whether it succeeded (Flushed and NetworkFee stay empty).
func (s *SweepChain) Mined(ctx context.Context, chainID int64, hashes []string) (settlement.MinedSweep, bool, error) {
	_, r, head, found, err := s.canonical(ctx, chainID, hashes)
	if err != nil || !found {
		return settlement.MinedSweep{}, false, err
	}
	return settlement.MinedSweep{Hash: r.TxHash.Hex(), BlockNumber: r.BlockNumber.Uint64(),
		BlockTime: time.Unix(int64(head.Time), 0).UTC(), Succeeded: r.Status == types.ReceiptStatusSuccessful}, true, nil
}

// canonical is the receipt of the first of hashes mined in a block of the canonical chain.
func (s *SweepChain) canonical(ctx context.Context, chainID int64, hashes []string) (TxClient, *types.Receipt, *types.Header, bool, error) {
	c, err := s.client(chainID)
	if err != nil {
		return nil, nil, nil, false, err
	}
	for _, h := range hashes {
		r, head, found, err := canonicalReceipt(ctx, c, chainID, h)
		if err != nil || found {
			return c, r, head, found, err
		}
	}
	return c, nil, nil, false, nil
}

// canonicalReceipt is the receipt of hash and the header of its block, when it was mined in
// a block still on the canonical chain: a receipt whose block is no longer the one at its
// height was reorged away, and is not found.
func canonicalReceipt(ctx context.Context, c Client, chainID int64, hash string) (*types.Receipt, *types.Header, bool, error) {
	r, err := c.TransactionReceipt(ctx, common.HexToHash(hash))
	if errors.Is(err, goeth.NotFound) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("receipt of %s on chain %d: %w", hash, chainID, err)
	}
	block, err := c.HeaderByNumber(ctx, r.BlockNumber)
	if errors.Is(err, goeth.NotFound) {
		return nil, nil, false, nil // the chain is shorter than the receipt's block: reorged
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("block %s of chain %d: %w", r.BlockNumber, chainID, err)
	}
	if block.Hash() != r.BlockHash {
		return nil, nil, false, nil
	}
	return r, block, true, nil
}

// forwardersOf decodes a sweep transaction's call: the forwarders it names, at the addresses
// its factory (the recipient) gives them.
func (s *SweepChain) forwardersOf(tx *types.Transaction) (map[common.Address]bool, error) {
	data := tx.Data()
	if tx.To() == nil || len(data) < 4 {
		return nil, fmt.Errorf("transaction %s is not a ForwarderFactory.sweep call", tx.Hash().Hex())
	}
	method, err := s.factory.MethodById(data[:4])
	if err != nil || method.Name != "sweep" {
		return nil, fmt.Errorf("transaction %s is not a ForwarderFactory.sweep call", tx.Hash().Hex())
	}
	args, err := method.Inputs.Unpack(data[4:])
	if err != nil || len(args) != 1 {
		return nil, fmt.Errorf("decode sweep call %s: %v", tx.Hash().Hex(), err)
	}
	batch := *abi.ConvertType(args[0], new([]contracts.ForwarderFactorySweep)).(*[]contracts.ForwarderFactorySweep)
	factory := settlement.Address(*tx.To())
	out := make(map[common.Address]bool, len(batch))
	for _, b := range batch {
		out[common.Address(settlement.ForwarderAddress(factory, settlement.Address(b.Destination), b.Nonce))] = true
	}
	return out, nil
}

// flushed reads what the batch's forwarders paid from a receipt's logs, in log order.
func (s *SweepChain) flushed(logs []*types.Log, forwarders map[common.Address]bool) []settlement.Flushed {
	var out []settlement.Flushed
	for _, l := range logs {
		if l.Removed || len(l.Topics) == 0 || len(l.Data) != 32 {
			continue
		}
		amount := new(big.Int).SetBytes(l.Data)
		switch {
		case l.Topics[0] == TransferTopic && len(l.Topics) == 3 && isAddressWord(l.Topics[1]):
			from := common.BytesToAddress(l.Topics[1][12:])
			if forwarders[from] {
				out = append(out, settlement.Flushed{Address: settlement.Address(from), Token: settlement.Address(l.Address), Amount: amount})
			}
		case l.Topics[0] == s.nativeFlushed && len(l.Topics) == 1 && forwarders[l.Address]:
			out = append(out, settlement.Flushed{Address: settlement.Address(l.Address), Amount: amount})
		}
	}
	return out
}

func isAddressWord(w common.Hash) bool { return bytes.Equal(w[:12], make([]byte, 12)) }

// networkFee is what the sender paid for gas: gas used × the effective price the receipt
// states, or (a node that omits it) the base fee plus the tip the fee cap allowed. An L2's
// separate L1 data fee is not part of it.
func networkFee(r *types.Receipt, tx *types.Transaction, head *types.Header) *big.Int {
	price := r.EffectiveGasPrice
	if price == nil || price.Sign() == 0 {
		price = tx.GasPrice()
		if head.BaseFee != nil {
			price = tx.EffectiveGasTipValue(head.BaseFee)
			price.Add(price, head.BaseFee)
		}
	}
	return new(big.Int).Mul(price, new(big.Int).SetUint64(r.GasUsed))
}
