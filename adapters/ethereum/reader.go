package ethereum

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/core/chain"
)

// Client is the part of go-ethereum's client the scanner uses; *ethclient.Client and the
// simulated backend's client both satisfy it. A client that also offers its raw JSON-RPC
// connection (Client() *rpc.Client, as *ethclient.Client does) has blocks read leniently.
type Client interface {
	BlockNumber(ctx context.Context) (uint64, error)
	BlockByNumber(ctx context.Context, number *big.Int) (*types.Block, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q goeth.FilterQuery) ([]types.Log, error)
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	CallContract(ctx context.Context, call goeth.CallMsg, blockNumber *big.Int) ([]byte, error) // price feeds
	CodeAt(ctx context.Context, account common.Address, blockNumber *big.Int) ([]byte, error)
}

// RawCaller is a JSON-RPC connection; *rpc.Client is one.
type RawCaller interface {
	CallContext(ctx context.Context, result any, method string, args ...any) error
}

// TransferTopic is keccak256("Transfer(address,address,uint256)").
var TransferTopic = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))

// Reader implements chain.Reader.
type Reader struct {
	c      Client
	raw    RawCaller // nil: blocks are decoded by go-ethereum, which refuses unknown tx types
	signer types.Signer
}

// NewReader reads chainID through c, with raw JSON-RPC block reads when c offers them.
func NewReader(c Client, chainID int64) *Reader {
	r := &Reader{c: c, signer: types.LatestSignerForChainID(big.NewInt(chainID))}
	if rc, ok := c.(interface{ Client() *rpc.Client }); ok {
		r.raw = rc.Client()
	}
	return r
}

// Head is the latest block number.
func (r *Reader) Head(ctx context.Context) (uint64, error) { return r.c.BlockNumber(ctx) }

// Block reads a block and its candidate native-coin transfers (any transaction with a
// recipient and a value, whatever its type).
func (r *Reader) Block(ctx context.Context, number uint64) (chain.Block, error) {
	var (
		b   chain.Block
		err error
	)
	if r.raw != nil {
		b, err = r.rawBlock(ctx, number)
	} else {
		b, err = r.typedBlock(ctx, number)
	}
	if err != nil {
		return chain.Block{}, err
	}
	if b.Number != number {
		return chain.Block{}, fmt.Errorf("asked for block %d, node answered %d", number, b.Number)
	}
	return b, nil
}

// rpcBlock is the part of an eth_getBlockByNumber answer detection needs; OP-stack deposit
// transactions (type 0x7e) and any future type decode as well as the others.
type rpcBlock struct {
	Number       hexutil.Uint64 `json:"number"`
	Hash         common.Hash    `json:"hash"`
	ParentHash   common.Hash    `json:"parentHash"`
	Timestamp    hexutil.Uint64 `json:"timestamp"`
	LogsBloom    types.Bloom    `json:"logsBloom"`
	Transactions []rpcTx        `json:"transactions"`
}

type rpcTx struct {
	Hash  common.Hash     `json:"hash"`
	Type  hexutil.Uint64  `json:"type"`
	From  *common.Address `json:"from"`
	To    *common.Address `json:"to"`
	Value *hexutil.Big    `json:"value"`
}

func (r *Reader) rawBlock(ctx context.Context, number uint64) (chain.Block, error) {
	var raw json.RawMessage
	if err := r.raw.CallContext(ctx, &raw, "eth_getBlockByNumber", hexutil.EncodeUint64(number), true); err != nil {
		return chain.Block{}, err
	}
	if len(raw) == 0 || string(raw) == "null" {
		return chain.Block{}, fmt.Errorf("block %d: %w", number, chain.ErrBlockNotFound)
	}
	var rb rpcBlock
	if err := json.Unmarshal(raw, &rb); err != nil {
		return chain.Block{}, fmt.Errorf("decode block %d: %w", number, err)
	}
	out := chain.Block{BlockRef: chain.BlockRef{Number: uint64(rb.Number), Hash: hexOf(rb.Hash),
		ParentHash: hexOf(rb.ParentHash), Time: time.Unix(int64(rb.Timestamp), 0).UTC()}, Logs: bloomFilter(rb.LogsBloom)}
	for _, tx := range rb.Transactions {
		if tx.To == nil || tx.Value == nil || tx.Value.ToInt().Sign() <= 0 {
			continue
		}
		from := ""
		if tx.From != nil {
			from = lower(tx.From.Hex())
		}
		out.Native = append(out.Native, chain.Transfer{TxHash: hexOf(tx.Hash), LogIndex: chain.NativeLogIndex,
			BlockNumber: out.Number, BlockHash: out.Hash, From: from, To: lower(tx.To.Hex()),
			Amount: new(big.Int).Set(tx.Value.ToInt())})
	}
	return out, nil
}

// typedBlock reads through go-ethereum's types, for clients without a raw connection.
func (r *Reader) typedBlock(ctx context.Context, number uint64) (chain.Block, error) {
	b, err := r.c.BlockByNumber(ctx, new(big.Int).SetUint64(number))
	if errors.Is(err, goeth.NotFound) {
		return chain.Block{}, fmt.Errorf("block %d: %w", number, chain.ErrBlockNotFound)
	}
	if err != nil {
		return chain.Block{}, err
	}
	out := chain.Block{BlockRef: chain.BlockRef{Number: b.NumberU64(), Hash: hexOf(b.Hash()),
		ParentHash: hexOf(b.ParentHash()), Time: time.Unix(int64(b.Time()), 0).UTC()}, Logs: bloomFilter(b.Bloom())}
	for _, tx := range b.Transactions() {
		if tx.To() == nil || tx.Value() == nil || tx.Value().Sign() <= 0 {
			continue
		}
		from := ""
		if f, err := types.Sender(r.signer, tx); err == nil {
			from = lower(f.Hex())
		}
		out.Native = append(out.Native, chain.Transfer{TxHash: hexOf(tx.Hash()), LogIndex: chain.NativeLogIndex,
			BlockNumber: out.Number, BlockHash: out.Hash, From: from, To: lower(tx.To().Hex()), Amount: new(big.Int).Set(tx.Value())})
	}
	return out, nil
}

// bloomFilter answers whether a block may hold a token's Transfer: both the contract and
// the Transfer topic must be in its logs bloom.
type bloomFilter types.Bloom

func (b bloomFilter) MayHaveTransfer(contract string) bool {
	bl := types.Bloom(b)
	return bl.Test(TransferTopic.Bytes()) && bl.Test(common.HexToAddress(contract).Bytes())
}

// TokenTransfers reads ERC-20 Transfer logs of the given contracts over a block range; a
// provider's cap on the query becomes chain.ErrTooManyResults.
func (r *Reader) TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]chain.Transfer, error) {
	logs, err := r.c.FilterLogs(ctx, goeth.FilterQuery{FromBlock: new(big.Int).SetUint64(from),
		ToBlock: new(big.Int).SetUint64(to), Addresses: addresses(contracts), Topics: [][]common.Hash{{TransferTopic}}})
	if err != nil {
		if tooManyResults(err) {
			return nil, fmt.Errorf("logs %d..%d: %w: %v", from, to, chain.ErrTooManyResults, err)
		}
		return nil, err
	}
	return transfers(logs), nil
}

// BlockTokenTransfers reads the Transfer logs of one block by its hash: a node that lacks the
// block fails (chain.ErrBlockNotFound) instead of answering none.
func (r *Reader) BlockTokenTransfers(ctx context.Context, b chain.BlockRef, contracts []string) ([]chain.Transfer, error) {
	hash := common.HexToHash(b.Hash)
	logs, err := r.c.FilterLogs(ctx, goeth.FilterQuery{BlockHash: &hash, Addresses: addresses(contracts),
		Topics: [][]common.Hash{{TransferTopic}}})
	if err != nil {
		if unknownBlock(err) {
			return nil, fmt.Errorf("logs of block %d %s: %w: %v", b.Number, b.Hash, chain.ErrBlockNotFound, err)
		}
		return nil, err
	}
	return transfers(logs), nil
}

func addresses(contracts []string) []common.Address {
	out := make([]common.Address, 0, len(contracts))
	for _, c := range contracts {
		out = append(out, common.HexToAddress(c))
	}
	return out
}

func transfers(logs []types.Log) []chain.Transfer {
	out := make([]chain.Transfer, 0, len(logs))
	for _, l := range logs {
		// A standard Transfer has from and to indexed and the value as 32 bytes of data;
		// anything else (ERC-721 puts the id in a topic) is not a fungible payment.
		if l.Removed || len(l.Topics) != 3 || len(l.Data) != 32 {
			continue
		}
		out = append(out, chain.Transfer{TxHash: hexOf(l.TxHash), LogIndex: int64(l.Index),
			BlockNumber: l.BlockNumber, BlockHash: hexOf(l.BlockHash), Contract: lower(l.Address.Hex()),
			From: lower(common.BytesToAddress(l.Topics[1].Bytes()).Hex()), To: lower(common.BytesToAddress(l.Topics[2].Bytes()).Hex()),
			Amount: new(big.Int).SetBytes(l.Data)})
	}
	return out
}

// limitCode is the JSON-RPC error code providers use for "limit exceeded" (EIP-1474).
const limitCode = -32005

// tooManyResults recognises providers' refusals of a log query as too large.
func tooManyResults(err error) bool {
	var rpcErr rpc.Error
	if errors.As(err, &rpcErr) && rpcErr.ErrorCode() == limitCode {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"returned more than", "is limited to", "too large", "too many", "limit exceeded", "range is too", "exceed maximum block range",
		"response size"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// unknownBlock recognises a node's answer that it does not have a block.
func unknownBlock(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unknown block") || strings.Contains(msg, "block not found") || errors.Is(err, goeth.NotFound)
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

func hexOf(h common.Hash) string { return lower(h.Hex()) }
