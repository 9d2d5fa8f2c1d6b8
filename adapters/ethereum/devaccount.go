package ethereum

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

// ErrNoDevAccount is a node without an unlocked, funded account: not a development node.
var ErrNoDevAccount = errors.New("the node has no unlocked account (use a geth --dev node)")

// DevAccount is a development node's first account (geth --dev): funded and unlocked, so the
// node signs what it sends. `checkout dev pay` and the hosted page's simulated payment use it.
type DevAccount struct {
	RPC  *rpc.Client
	Eth  *ethclient.Client
	From common.Address
}

// DialDevAccount connects to the node at url and finds its dev account.
func DialDevAccount(ctx context.Context, url string) (*DevAccount, error) {
	c, err := rpc.DialContext(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	return DevAccountOf(ctx, c)
}

// DevAccountOf finds the dev account of the node behind c.
func DevAccountOf(ctx context.Context, c *rpc.Client) (*DevAccount, error) {
	var accounts []common.Address
	if err := c.CallContext(ctx, &accounts, "eth_accounts"); err != nil {
		return nil, fmt.Errorf("eth_accounts (is it a geth --dev node?): %w", err)
	}
	if len(accounts) == 0 {
		return nil, ErrNoDevAccount
	}
	return &DevAccount{RPC: c, Eth: ethclient.NewClient(c), From: accounts[0]}, nil
}

// Send submits a transaction from the dev account (the node signs it) and returns its hash.
func (n *DevAccount) Send(ctx context.Context, to *common.Address, value *big.Int, data []byte) (common.Hash, error) {
	tx := map[string]any{"from": n.From, "value": (*hexutil.Big)(value)}
	if to != nil {
		tx["to"] = to
	}
	if len(data) > 0 {
		tx["data"] = hexutil.Bytes(data)
	}
	var hash common.Hash
	if err := n.RPC.CallContext(ctx, &hash, "eth_sendTransaction", tx); err != nil {
		return hash, fmt.Errorf("eth_sendTransaction: %w", err)
	}
	return hash, nil
}

// Wait waits for hash's receipt; a reverted transaction is an error.
func (n *DevAccount) Wait(ctx context.Context, hash common.Hash) (*types.Receipt, error) {
	for {
		rc, err := n.Eth.TransactionReceipt(ctx, hash)
		if err == nil {
			if rc.Status != types.ReceiptStatusSuccessful {
				return rc, fmt.Errorf("transaction %s reverted", hash.Hex())
			}
			return rc, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s: %w", hash.Hex(), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// SendAndWait sends and waits for the receipt.
func (n *DevAccount) SendAndWait(ctx context.Context, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	hash, err := n.Send(ctx, to, value, data)
	if err != nil {
		return nil, err
	}
	return n.Wait(ctx, hash)
}

// PayAsset sends amount base units of asset to address: a native transfer or the token's
// transfer(address,uint256).
func (n *DevAccount) PayAsset(ctx context.Context, asset chain.Asset, address string, amount *big.Int) (common.Hash, error) {
	to := common.HexToAddress(address)
	if asset.Native() {
		return n.Send(ctx, &to, amount, nil)
	}
	parsed, err := contracts.TestTokenMetaData.GetAbi()
	if err != nil {
		return common.Hash{}, err
	}
	data, err := parsed.Pack("transfer", to, amount)
	if err != nil {
		return common.Hash{}, err
	}
	token := common.HexToAddress(asset.Contract)
	return n.Send(ctx, &token, new(big.Int), data)
}

// DevSimulator pays test sessions from the dev accounts of test chains' nodes (implements
// checkout.Simulator). Live chains are never in it.
type DevSimulator struct {
	nodes map[int64]*rpc.Client
}

// NewDevSimulator takes the RPC clients of the test chains whose nodes may have a dev account.
func NewDevSimulator(nodes map[int64]*rpc.Client) *DevSimulator { return &DevSimulator{nodes: nodes} }

// Pay sends the payment from the chain's dev account and returns its transaction hash.
func (s *DevSimulator) Pay(ctx context.Context, asset chain.Asset, address string, amount *big.Int) (string, error) {
	c, ok := s.nodes[asset.ChainID]
	if !ok {
		return "", fmt.Errorf("chain %d: %w", asset.ChainID, checkout.ErrNoSimulator)
	}
	acct, err := DevAccountOf(ctx, c)
	if errors.Is(err, ErrNoDevAccount) {
		return "", fmt.Errorf("%w: %w", checkout.ErrNoSimulator, err)
	}
	if err != nil {
		return "", err
	}
	hash, err := acct.PayAsset(ctx, asset, address, amount)
	if err != nil {
		return "", fmt.Errorf("simulated payment of %s: %w", asset.ID, err)
	}
	return hash.Hex(), nil
}
