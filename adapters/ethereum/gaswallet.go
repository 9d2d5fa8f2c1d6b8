package ethereum

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"strings"
	"time"

	goeth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// TxClient is what the gas wallet and the sweep reader need of a chain's node besides the
// scanner's Client; *ethclient.Client and the simulated backend's client satisfy it.
type TxClient interface {
	Client
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	EstimateGas(ctx context.Context, call goeth.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionByHash(ctx context.Context, hash common.Hash) (tx *types.Transaction, isPending bool, err error)
}

// GasWalletChain is one chain's gas wallet: the node it sends through, its key and its fee cap.
type GasWalletChain struct {
	ChainID      int64
	Client       TxClient
	Key          *ecdsa.PrivateKey
	MaxFeePerGas *big.Int // wei; nil takes chain.DefaultMaxFeeGwei
}

// GasWalletChainOf reads the gas wallet ch configures (its key from getenv and the files it
// names); ok is false when ch has none.
func GasWalletChainOf(ch chain.Chain, c TxClient, getenv func(string) string) (w GasWalletChain, ok bool, err error) {
	if ch.GasWallet == nil {
		return GasWalletChain{}, false, nil
	}
	key, err := GasWalletKey(*ch.GasWallet, getenv)
	if err != nil {
		return GasWalletChain{}, false, fmt.Errorf("chain %s gas wallet: %w", ch.Key, err)
	}
	maxFee, err := ch.GasWallet.MaxFeePerGas()
	if err != nil {
		return GasWalletChain{}, false, fmt.Errorf("chain %s gas wallet: %w", ch.Key, err)
	}
	return GasWalletChain{ChainID: ch.ID, Client: c, Key: key, MaxFeePerGas: maxFee}, true, nil
}

// GasWalletKey reads the key g names: a hex private key in the variable KeyEnv, or a keystore
// file opened with the password in the variable PasswordEnv. Errors never quote the key.
func GasWalletKey(g chain.GasWallet, getenv func(string) string) (*ecdsa.PrivateKey, error) {
	switch {
	case g.KeyEnv != "":
		v := strings.TrimSpace(getenv(g.KeyEnv))
		if v == "" {
			return nil, fmt.Errorf("%s is empty", g.KeyEnv)
		}
		key, err := crypto.HexToECDSA(strings.TrimPrefix(v, "0x"))
		if err != nil {
			return nil, fmt.Errorf("%s is not a hex secp256k1 private key", g.KeyEnv) // the parser's error may quote it
		}
		return key, nil
	case g.Keystore != "":
		raw, err := os.ReadFile(g.Keystore)
		if err != nil {
			return nil, fmt.Errorf("read keystore: %w", err)
		}
		k, err := keystore.DecryptKey(raw, getenv(g.PasswordEnv))
		if err != nil {
			return nil, fmt.Errorf("open keystore %s with the password in %s: %w", g.Keystore, g.PasswordEnv, err)
		}
		return k.PrivateKey, nil
	}
	return nil, errors.New("gas_wallet names no key: set keystore (and password_env) or key_env")
}

// GasWallet implements settlement.GasWallet: one key per chain paying the sweeps' gas. Every
// transaction is signed once per (chain, key, attempt) and kept before it is broadcast.
type GasWallet struct {
	store  settlement.TxStore
	now    func() time.Time
	log    *slog.Logger
	chains map[int64]walletChain
}

type walletChain struct {
	cfg    GasWalletChain
	from   common.Address
	signer types.Signer
}

var _ settlement.GasWallet = (*GasWallet)(nil)

// gasMarginDivisor: a quarter of the node's gas estimate is added to it, as state may change
// between the estimate and the block (unused gas is not paid).
const gasMarginDivisor = 4

// NewGasWallet sends through the given chains' wallets, keeping transactions in store; now is
// the clock of SentAt, log receives one line per broadcast (never a key).
func NewGasWallet(store settlement.TxStore, now func() time.Time, log *slog.Logger, chains ...GasWalletChain) (*GasWallet, error) {
	if store == nil || now == nil || log == nil {
		return nil, errors.New("gas wallet: a store, a clock and a logger are required")
	}
	w := &GasWallet{store: store, now: now, log: log, chains: map[int64]walletChain{}}
	for _, c := range chains {
		if c.Client == nil || c.Key == nil || c.ChainID <= 0 {
			return nil, fmt.Errorf("gas wallet of chain %d: a client and a key are required", c.ChainID)
		}
		if _, dup := w.chains[c.ChainID]; dup {
			return nil, fmt.Errorf("gas wallet of chain %d configured twice", c.ChainID)
		}
		if c.MaxFeePerGas == nil {
			fee, err := chain.GasWallet{}.MaxFeePerGas()
			if err != nil {
				return nil, err
			}
			c.MaxFeePerGas = fee
		}
		w.chains[c.ChainID] = walletChain{cfg: c, from: crypto.PubkeyToAddress(c.Key.PublicKey),
			signer: types.LatestSignerForChainID(big.NewInt(c.ChainID))}
	}
	return w, nil
}

func (w *GasWallet) chain(id int64) (walletChain, error) {
	c, ok := w.chains[id]
	if !ok {
		return walletChain{}, fmt.Errorf("chain %d has no gas wallet configured", id)
	}
	return c, nil
}

// Address is the chain's gas wallet address.
func (w *GasWallet) Address(chainID int64) (settlement.Address, error) {
	c, err := w.chain(chainID)
	return settlement.Address(c.from), err
}

// PendingNonce is the nonce the chain's node expects next from the wallet, its pool included.
func (w *GasWallet) PendingNonce(ctx context.Context, chainID int64) (uint64, error) {
	c, err := w.chain(chainID)
	if err != nil {
		return 0, err
	}
	n, err := c.cfg.Client.PendingNonceAt(ctx, c.from)
	if err != nil {
		return 0, fmt.Errorf("pending nonce of the gas wallet on chain %d: %w", chainID, err)
	}
	return n, nil
}

// Unmined is how many of the wallet's transactions the chain's node holds unmined: its
// pending nonce (the pool counted) less its nonce at the latest block.
func (w *GasWallet) Unmined(ctx context.Context, chainID int64) (uint64, error) {
	pending, err := w.PendingNonce(ctx, chainID)
	if err != nil {
		return 0, err
	}
	c, _ := w.chain(chainID) // PendingNonce found it
	mined, err := c.cfg.Client.NonceAt(ctx, c.from, nil)
	if err != nil {
		return 0, fmt.Errorf("nonce of the gas wallet on chain %d: %w", chainID, err)
	}
	return pending - min(pending, mined), nil
}

// Balance is the wallet's native balance at the latest block, in wei.
func (w *GasWallet) Balance(ctx context.Context, chainID int64) (*big.Int, error) {
	c, err := w.chain(chainID)
	if err != nil {
		return nil, err
	}
	b, err := c.cfg.Client.BalanceAt(ctx, c.from, nil)
	if err != nil {
		return nil, fmt.Errorf("balance of the gas wallet on chain %d: %w", chainID, err)
	}
	return b, nil
}

// Sent lists the transactions kept for (chain, key), by attempt.
func (w *GasWallet) Sent(ctx context.Context, chainID int64, key string) ([]settlement.SentTx, error) {
	kept, err := w.store.Kept(ctx, chainID, key)
	if err != nil {
		return nil, err
	}
	out := make([]settlement.SentTx, len(kept))
	for i, k := range kept {
		out[i] = k.SentTx
	}
	return out, nil
}

// Send broadcasts the transaction of (chain, key, attempt): the kept one when there is one,
// else a new one priced by settlement.NextFees over the earlier attempt with the same nonce,
// kept before it leaves. A node that already has it, or has mined it or a sibling attempt,
// counts as a success. ErrWouldRevert: the estimate reverts, nothing is signed;
// ErrFeeCapReached: the cap leaves no room for this replacement, nothing is signed.
func (w *GasWallet) Send(ctx context.Context, req settlement.TxRequest) (settlement.SentTx, error) {
	c, err := w.chain(req.ChainID)
	if err != nil {
		return settlement.SentTx{}, err
	}
	if req.Key == "" {
		return settlement.SentTx{}, errors.New("gas wallet send: a key is required")
	}
	kept, err := w.store.Kept(ctx, req.ChainID, req.Key)
	if err != nil {
		return settlement.SentTx{}, err
	}
	var prev *settlement.GasFees
	for _, k := range kept {
		if k.Attempt == req.Attempt {
			return w.broadcast(ctx, c, k, kept)
		}
		if k.Nonce == req.Nonce && k.Attempt < req.Attempt {
			prev = &settlement.GasFees{FeeCap: k.GasFeeCap, TipCap: k.GasTipCap} // kept is by attempt: the last wins
		}
	}
	signed, fees, err := w.sign(ctx, c, req, prev)
	if err != nil {
		return settlement.SentTx{}, err
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return settlement.SentTx{}, fmt.Errorf("encode transaction: %w", err)
	}
	k, err := w.store.Keep(ctx, req.ChainID, settlement.SentTx{Key: req.Key, Attempt: req.Attempt, Nonce: req.Nonce,
		Hash: signed.Hash().Hex(), GasFeeCap: fees.FeeCap, GasTipCap: fees.TipCap, SentAt: w.now()}, raw)
	if err != nil {
		return settlement.SentTx{}, err
	}
	return w.broadcast(ctx, c, k, append(kept, k))
}

// sign prices and signs req's transaction.
func (w *GasWallet) sign(ctx context.Context, c walletChain, req settlement.TxRequest, prev *settlement.GasFees) (*types.Transaction, settlement.GasFees, error) {
	cl := c.cfg.Client
	to := common.Address(req.To)
	gas, err := cl.EstimateGas(ctx, goeth.CallMsg{From: c.from, To: &to, Data: req.Data})
	if err != nil {
		if isRevert(err) {
			return nil, settlement.GasFees{}, fmt.Errorf("estimate gas of %s/%d on chain %d: %w: %w", req.Key, req.Attempt, req.ChainID, settlement.ErrWouldRevert, err)
		}
		return nil, settlement.GasFees{}, fmt.Errorf("estimate gas of %s/%d on chain %d: %w", req.Key, req.Attempt, req.ChainID, err)
	}
	gas += gas / gasMarginDivisor
	tip, err := cl.SuggestGasTipCap(ctx)
	if err != nil {
		return nil, settlement.GasFees{}, fmt.Errorf("suggested tip on chain %d: %w", req.ChainID, err)
	}
	head, err := cl.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, settlement.GasFees{}, fmt.Errorf("latest header of chain %d: %w", req.ChainID, err)
	}
	if head.BaseFee == nil {
		return nil, settlement.GasFees{}, fmt.Errorf("chain %d has no base fee: the gas wallet sends EIP-1559 transactions only", req.ChainID)
	}
	fees, err := settlement.NextFees(tip, head.BaseFee, prev, c.cfg.MaxFeePerGas)
	if err != nil {
		return nil, settlement.GasFees{}, fmt.Errorf("price %s/%d on chain %d: %w", req.Key, req.Attempt, req.ChainID, err)
	}
	signed, err := types.SignNewTx(c.cfg.Key, c.signer, &types.DynamicFeeTx{ChainID: big.NewInt(req.ChainID), Nonce: req.Nonce,
		GasTipCap: fees.TipCap, GasFeeCap: fees.FeeCap, Gas: gas, To: &to, Data: req.Data})
	if err != nil {
		return nil, settlement.GasFees{}, fmt.Errorf("sign %s/%d: %w", req.Key, req.Attempt, err)
	}
	return signed, fees, nil
}

// broadcast sends k's bytes. A node that refuses them because it has them, or because the
// nonce is taken by k or a sibling attempt it knows (pending or mined), has what it needs.
func (w *GasWallet) broadcast(ctx context.Context, c walletChain, k settlement.KeptTx, kept []settlement.KeptTx) (settlement.SentTx, error) {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(k.Raw); err != nil {
		return settlement.SentTx{}, fmt.Errorf("kept transaction %s: %w", k.Hash, err)
	}
	err := c.cfg.Client.SendTransaction(ctx, tx)
	if err == nil || strings.Contains(err.Error(), "already known") {
		w.log.InfoContext(ctx, "gas wallet sent", "chain_id", c.cfg.ChainID, "from", c.from.Hex(), "key", k.Key,
			"attempt", k.Attempt, "nonce", k.Nonce, "tx", k.Hash, "max_fee_per_gas", k.GasFeeCap.String(), "tip", k.GasTipCap.String())
		return k.SentTx, nil
	}
	msg := err.Error()
	if !strings.Contains(msg, "nonce too low") && !strings.Contains(msg, "replacement transaction underpriced") {
		return settlement.SentTx{}, fmt.Errorf("broadcast %s/%d (%s) on chain %d: %w", k.Key, k.Attempt, k.Hash, c.cfg.ChainID, err)
	}
	for _, s := range kept {
		if s.Nonce != k.Nonce {
			continue
		}
		known, kerr := w.known(ctx, c, common.HexToHash(s.Hash))
		if kerr != nil {
			return settlement.SentTx{}, kerr
		}
		if known {
			return k.SentTx, nil
		}
	}
	return settlement.SentTx{}, fmt.Errorf("broadcast %s/%d (%s) on chain %d: nonce %d: %w (%w)", k.Key, k.Attempt, k.Hash,
		c.cfg.ChainID, k.Nonce, settlement.ErrNonceTaken, err)
}

// known reports whether the node has the transaction, pending or mined.
func (w *GasWallet) known(ctx context.Context, c walletChain, hash common.Hash) (bool, error) {
	_, _, err := c.cfg.Client.TransactionByHash(ctx, hash)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, goeth.NotFound):
		return false, nil
	}
	return false, fmt.Errorf("look up %s on chain %d: %w", hash.Hex(), c.cfg.ChainID, err)
}

// isRevert reports an estimate that failed because the call reverts (not a node error).
func isRevert(err error) bool {
	var data rpc.DataError
	return errors.As(err, &data) || strings.Contains(err.Error(), "execution reverted")
}
