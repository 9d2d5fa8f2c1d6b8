package ethereum

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chaincheckout/checkout/core/chain"
)

// Client is the part of go-ethereum's client the scanner uses; *ethclient.Client and the
// simulated backend's client both satisfy it.
type Client interface {
	BlockNumber(ctx context.Context) (uint64, error)
	BlockByNumber(ctx context.Context, number *big.Int) (*types.Block, error)
	FilterLogs(ctx context.Context, q goeth.FilterQuery) ([]types.Log, error)
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	CallContract(ctx context.Context, call goeth.CallMsg, blockNumber *big.Int) ([]byte, error) // price feeds
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// TransferTopic is keccak256("Transfer(address,address,uint256)").
var TransferTopic = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))

// Reader implements chain.Reader.
type Reader struct {
	c      Client
	signer types.Signer
}

// NewReader reads chainID through c.
func NewReader(c Client, chainID int64) *Reader {
	return &Reader{c: c, signer: types.LatestSignerForChainID(big.NewInt(chainID))}
}

// Head is the latest block number.
func (r *Reader) Head(ctx context.Context) (uint64, error) { return r.c.BlockNumber(ctx) }

// Block reads a block and its native-coin transfers to contract or account addresses.
func (r *Reader) Block(ctx context.Context, number uint64) (chain.Block, error) {
	b, err := r.c.BlockByNumber(ctx, new(big.Int).SetUint64(number))
	if err != nil {
		return chain.Block{}, err
	}
	if b.NumberU64() != number {
		return chain.Block{}, fmt.Errorf("asked for block %d, node answered %d", number, b.NumberU64())
	}
	out := chain.Block{BlockRef: chain.BlockRef{Number: number, Hash: lower(b.Hash().Hex()),
		ParentHash: lower(b.ParentHash().Hex()), Time: time.Unix(int64(b.Time()), 0).UTC()}}
	for _, tx := range b.Transactions() {
		if tx.To() == nil || tx.Value() == nil || tx.Value().Sign() <= 0 {
			continue
		}
		from := ""
		if f, err := types.Sender(r.signer, tx); err == nil {
			from = lower(f.Hex())
		}
		out.Native = append(out.Native, chain.Transfer{TxHash: lower(tx.Hash().Hex()), LogIndex: chain.NativeLogIndex,
			BlockNumber: number, BlockHash: out.Hash, From: from, To: lower(tx.To().Hex()), Amount: new(big.Int).Set(tx.Value())})
	}
	return out, nil
}

// TokenTransfers reads ERC-20 Transfer logs of the given contracts over a block range.
func (r *Reader) TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]chain.Transfer, error) {
	addrs := make([]common.Address, 0, len(contracts))
	for _, c := range contracts {
		addrs = append(addrs, common.HexToAddress(c))
	}
	logs, err := r.c.FilterLogs(ctx, goeth.FilterQuery{FromBlock: new(big.Int).SetUint64(from),
		ToBlock: new(big.Int).SetUint64(to), Addresses: addrs, Topics: [][]common.Hash{{TransferTopic}}})
	if err != nil {
		return nil, err
	}
	out := make([]chain.Transfer, 0, len(logs))
	for _, l := range logs {
		// A standard Transfer has from and to indexed and the value as 32 bytes of data;
		// anything else (ERC-721 puts the id in a topic) is not a fungible payment.
		if l.Removed || len(l.Topics) != 3 || len(l.Data) != 32 {
			continue
		}
		out = append(out, chain.Transfer{TxHash: lower(l.TxHash.Hex()), LogIndex: int64(l.Index),
			BlockNumber: l.BlockNumber, BlockHash: lower(l.BlockHash.Hex()), Contract: lower(l.Address.Hex()),
			From: lower(common.BytesToAddress(l.Topics[1].Bytes()).Hex()), To: lower(common.BytesToAddress(l.Topics[2].Bytes()).Hex()),
			Amount: new(big.Int).SetBytes(l.Data)})
	}
	return out, nil
}

// Succeeded reports whether a transaction's receipt says it did not revert.
func (r *Reader) Succeeded(ctx context.Context, txHash string) (bool, error) {
	rc, err := r.c.TransactionReceipt(ctx, common.HexToHash(txHash))
	if err != nil {
		return false, err
	}
	return rc.Status == types.ReceiptStatusSuccessful, nil
}

func lower(s string) string { return strings.ToLower(s) }
