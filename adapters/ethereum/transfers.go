package ethereum

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/refund"
)

// Transfers implements refund.Transfers: it reads a refund's transaction from its chain's node.
type Transfers struct {
	clients map[int64]Client
	chains  chain.Config
}

var _ refund.Transfers = (*Transfers)(nil)

// NewTransfers reads transactions through the given clients, by chain ID, and the assets of chains.
func NewTransfers(clients map[int64]Client, chains chain.Config) *Transfers {
	return &Transfers{clients: clients, chains: chains}
}

// txReader is what a native transfer is read with beyond Client; *ethclient.Client and the
// simulated backend's client have it.
type txReader interface {
	TransactionByHash(ctx context.Context, hash common.Hash) (tx *types.Transaction, isPending bool, err error)
}

// Transfer reads hash on chainID: whether it is mined on the canonical chain (not found
// otherwise, a pending or reorged transaction too), whether it succeeded, how deep it is, and
// how much of assetID it moved to the address to.
func (t *Transfers) Transfer(ctx context.Context, chainID int64, assetID, hash, to string) (refund.Transfer, error) {
	c, ok := t.clients[chainID]
	if !ok {
		return refund.Transfer{}, fmt.Errorf("chain %d is not configured", chainID)
	}
	asset, ok := t.chains.Asset(assetID)
	if !ok || asset.ChainID != chainID {
		return refund.Transfer{}, fmt.Errorf("asset %s is not configured on chain %d", assetID, chainID)
	}
	r, header, found, err := canonicalReceipt(ctx, c, chainID, hash)
	if err != nil || !found {
		return refund.Transfer{}, err
	}
	head, err := c.BlockNumber(ctx)
	if err != nil {
		return refund.Transfer{}, fmt.Errorf("head of chain %d: %w", chainID, err)
	}
	out := refund.Transfer{Found: true, Succeeded: r.Status == types.ReceiptStatusSuccessful,
		BlockNumber: r.BlockNumber.Uint64(), BlockTime: time.Unix(int64(header.Time), 0).UTC(),
		Confirmations: chain.Depth(head, r.BlockNumber.Uint64()), Paid: new(big.Int)}
	switch dest := common.HexToAddress(to); {
	case !out.Succeeded: // a reverted transaction moved nothing
	case asset.Native():
		out.Paid, err = nativePaid(ctx, c, r.TxHash, dest)
	default:
		out.Paid = tokenPaid(r.Logs, common.HexToAddress(asset.Contract), dest)
	}
	return out, err
}

// tokenPaid sums the Transfer logs the token contract emitted to dest in a receipt.
func tokenPaid(logs []*types.Log, token, dest common.Address) *big.Int {
	var own []types.Log
	for _, l := range logs {
		if l.Address == token && len(l.Topics) > 0 && l.Topics[0] == TransferTopic {
			own = append(own, *l)
		}
	}
	paid := new(big.Int)
	for _, tr := range transfers(own) {
		if tr.To == lower(dest.Hex()) {
			paid.Add(paid, tr.Amount)
		}
	}
	return paid
}

// nativePaid is the transaction's value when it is sent straight to dest. Coins a contract
// forwards inside the call (an internal transfer, as smart wallets pay) leave no trace in the
// transaction or its receipt and are not counted: such a refund is refused as paying nothing,
// and the merchant pays it with a plain transfer.
func nativePaid(ctx context.Context, c Client, hash common.Hash, dest common.Address) (*big.Int, error) {
	reader, ok := c.(txReader)
	if !ok {
		return nil, fmt.Errorf("the node client cannot read transactions by hash")
	}
	tx, _, err := reader.TransactionByHash(ctx, hash)
	if err != nil {
		return nil, fmt.Errorf("transaction %s: %w", hash.Hex(), err)
	}
	if tx.To() == nil || *tx.To() != dest {
		return new(big.Int), nil
	}
	return new(big.Int).Set(tx.Value()), nil
}
