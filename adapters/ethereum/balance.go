package ethereum

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// Balances implements chain.BalanceReader over each chain's client.
type Balances struct {
	clients map[int64]Client
}

// NewBalances reads balances through the given clients, by chain ID.
func NewBalances(clients map[int64]Client) *Balances { return &Balances{clients: clients} }

// NativeBalance returns the balance of address at block, and that block's time.
func (b *Balances) NativeBalance(ctx context.Context, chainID int64, address string, block uint64) (*big.Int, time.Time, error) {
	c, ok := b.clients[chainID]
	if !ok {
		return nil, time.Time{}, fmt.Errorf("chain %d is not configured", chainID)
	}
	n := new(big.Int).SetUint64(block)
	// The header is enough, and unlike a full block it decodes on every chain (OP-stack too).
	h, err := c.HeaderByNumber(ctx, n)
	if err != nil {
		return nil, time.Time{}, err
	}
	bal, err := c.BalanceAt(ctx, common.HexToAddress(address), n)
	if err != nil {
		return nil, time.Time{}, err
	}
	return bal, time.Unix(int64(h.Time), 0).UTC(), nil
}
