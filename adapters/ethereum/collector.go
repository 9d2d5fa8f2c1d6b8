package ethereum

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// erc20Approve is the one ERC-20 function the shopper's wallet is asked to call.
const erc20Approve = `[{"type":"function","name":"approve","stateMutability":"nonpayable",
"inputs":[{"name":"spender","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]}]`

// Collectors implements billing.Collectors over each chain's SubscriptionCollector.
type Collectors struct {
	clients   map[int64]Client
	collector *abi.ABI
	erc20     abi.ABI
}

var _ billing.Collectors = (*Collectors)(nil)

// collectorReasons maps the contract's REASON_* codes (their order in collectable) to billing's.
var collectorReasons = []string{"", billing.ReasonNoMandate, billing.ReasonRevoked, billing.ReasonAboveCap,
	billing.ReasonTooEarly, billing.ReasonAllowance, billing.ReasonBalance}

// NewCollectors reads and packs collector calls through the given clients, by chain ID.
func NewCollectors(clients map[int64]Client) (*Collectors, error) {
	c, err := contracts.SubscriptionCollectorMetaData.GetAbi()
	if err != nil {
		return nil, fmt.Errorf("SubscriptionCollector ABI: %w", err)
	}
	erc20, err := abi.JSON(strings.NewReader(erc20Approve))
	if err != nil {
		return nil, fmt.Errorf("ERC-20 approve ABI: %w", err)
	}
	return &Collectors{clients: clients, collector: c, erc20: erc20}, nil
}

func (c *Collectors) caller(chainID int64, collector string) (*contracts.SubscriptionCollectorCaller, error) {
	cl, ok := c.clients[chainID]
	if !ok {
		return nil, fmt.Errorf("chain %d is not configured for collections", chainID)
	}
	if !common.IsHexAddress(collector) {
		return nil, fmt.Errorf("collector %q is not an address", collector)
	}
	return contracts.NewSubscriptionCollectorCaller(common.HexToAddress(collector), cl)
}

func mandateID(id string) ([32]byte, error) {
	var out [32]byte
	b, err := hexutil.Decode(id)
	if err != nil || len(b) != 32 {
		return out, fmt.Errorf("mandate id %q is not 32 bytes of hex", id)
	}
	copy(out[:], b)
	return out, nil
}

// Mandate reads a mandate at the latest block.
func (c *Collectors) Mandate(ctx context.Context, chainID int64, collector, id string) (billing.Mandate, error) {
	caller, err := c.caller(chainID, collector)
	if err != nil {
		return billing.Mandate{}, err
	}
	key, err := mandateID(id)
	if err != nil {
		return billing.Mandate{}, err
	}
	m, err := caller.Mandate(&bind.CallOpts{Context: ctx}, key)
	if err != nil {
		return billing.Mandate{}, fmt.Errorf("read mandate %s: %w", id, err)
	}
	if m.Payer == (common.Address{}) {
		return billing.Mandate{}, nil
	}
	return billing.Mandate{Payer: strings.ToLower(m.Payer.Hex()), Token: strings.ToLower(m.Token.Hex()),
		Payee: strings.ToLower(m.Payee.Hex()), MaxPerCollection: m.MaxPerCollection, MinInterval: m.MinInterval,
		Revoked: m.Revoked, Count: m.Count}, nil
}

// Collectable asks the collector whether collect(id, amount) would succeed now.
func (c *Collectors) Collectable(ctx context.Context, chainID int64, collector, id string, amount *big.Int) (string, error) {
	caller, err := c.caller(chainID, collector)
	if err != nil {
		return "", err
	}
	key, err := mandateID(id)
	if err != nil {
		return "", err
	}
	r, err := caller.Collectable(&bind.CallOpts{Context: ctx}, key, amount)
	if err != nil {
		return "", fmt.Errorf("collectable %s: %w", id, err)
	}
	if r.Ok {
		return "", nil
	}
	if int(r.Reason) >= len(collectorReasons) || r.Reason == 0 {
		return "", fmt.Errorf("collectable %s: unknown reason %d", id, r.Reason)
	}
	return collectorReasons[r.Reason], nil
}

// CollectCall packs collect(id, amount).
func (c *Collectors) CollectCall(id string, amount *big.Int) ([]byte, error) {
	key, err := mandateID(id)
	if err != nil {
		return nil, err
	}
	return c.collector.Pack("collect", key, amount)
}

// AuthorizeCalls packs the shopper's approve and authorize calls.
func (c *Collectors) AuthorizeCalls(t billing.MandateTerms) (approve, authorize []byte, err error) {
	key, err := mandateID(t.ID)
	if err != nil {
		return nil, nil, err
	}
	if !common.IsHexAddress(t.Collector) || !common.IsHexAddress(t.Token) || !common.IsHexAddress(t.Payee) {
		return nil, nil, errors.New("mandate terms: collector, token and payee must be addresses")
	}
	if approve, err = c.erc20.Pack("approve", common.HexToAddress(t.Collector), t.Allowance()); err != nil {
		return nil, nil, err
	}
	authorize, err = c.collector.Pack("authorize", key, common.HexToAddress(t.Token), common.HexToAddress(t.Payee),
		t.Amount, t.MinInterval)
	return approve, authorize, err
}

// MinedTxs implements billing.CollectionTxs from the gas wallet's kept transactions and their
// receipts.
type MinedTxs struct {
	wallet settlement.GasWallet
	chain  settlement.SweepChain
}

// NewMinedTxs reads what became of the gas wallet's transactions.
func NewMinedTxs(wallet settlement.GasWallet, reader settlement.SweepChain) (*MinedTxs, error) {
	if wallet == nil || reader == nil {
		return nil, errors.New("mined txs: a wallet and a chain reader are required")
	}
	return &MinedTxs{wallet: wallet, chain: reader}, nil
}

// Mined finds the key's transaction (any attempt) mined on the canonical chain.
func (m *MinedTxs) Mined(ctx context.Context, chainID int64, key string) (billing.MinedTx, bool, error) {
	sent, err := m.wallet.Sent(ctx, chainID, key)
	if err != nil || len(sent) == 0 {
		return billing.MinedTx{}, false, err
	}
	r, found, err := m.chain.Mined(ctx, chainID, settlement.Hashes(sent))
	if err != nil || !found {
		return billing.MinedTx{}, false, err
	}
	head, err := m.chain.Head(ctx, chainID)
	if err != nil {
		return billing.MinedTx{}, false, err
	}
	return billing.MinedTx{Hash: r.Hash, Succeeded: r.Succeeded, Confirmations: int64(chain.Depth(head, r.BlockNumber))}, true, nil
}
