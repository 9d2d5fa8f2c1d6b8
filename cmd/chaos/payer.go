package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	ethadapter "github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/chain"
)

// payer sends the load's tUSD transfers from geth's dev account, straight to geth (never
// through the proxy the faults cut), and keeps every transfer it sent, so that a reorg can
// make sure each one is mined or back in geth's pool afterwards.
//
// geth picks the nonce of each transfer (eth_sendTransaction takes its pool's next nonce), so
// the only way a transfer can lose its nonce to another is a send while a rewind has freed
// it: sends hold sendMu shared, and a reorg holds it alone from before it reads the head
// until every dropped transfer is back in the pool (putBack).
type payer struct {
	node   *ethadapter.DevAccount
	asset  chain.Asset
	sendMu sync.RWMutex

	mu        sync.Mutex // guards transfers, their hashes and the records' Sent, Txs and Replaced
	transfers []*transfer
}

// transfer is one payment the payer sent: to rec's address, rec.Sent[i] and rec.Txs[i].
type transfer struct {
	rec    *record
	i      int
	amount *big.Int
	hash   common.Hash // the transaction that carries it now (a new one if it was sent again)
}

// send transfers amount to the session's address and waits (3 minutes at most) for it to be
// mined. It records the transfer before the send lock is released, so a reorg sees it.
func (p *payer) send(ctx context.Context, rec *record, amount *big.Int) error {
	if amount.Sign() <= 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	p.sendMu.RLock()
	hash, err := p.node.PayAsset(ctx, p.asset, rec.Address, amount)
	var t *transfer
	if err == nil {
		p.mu.Lock()
		t = &transfer{rec: rec, i: len(rec.Sent), amount: amount, hash: hash}
		rec.Sent = append(rec.Sent, amount.String())
		rec.Txs = append(rec.Txs, hash.Hex())
		p.transfers = append(p.transfers, t)
		p.mu.Unlock()
	}
	p.sendMu.RUnlock()
	if err != nil {
		return fmt.Errorf("pay %s: %w", amount, err)
	}
	return p.wait(ctx, t)
}

func (p *payer) hashOf(t *transfer) common.Hash {
	p.mu.Lock()
	defer p.mu.Unlock()
	return t.hash
}

// wait polls for the receipt of the transaction that carries t, following it when a reorg
// sent t again under a new hash; a reverted transaction is an error.
func (p *payer) wait(ctx context.Context, t *transfer) error {
	for {
		hash := p.hashOf(t)
		if rc, err := p.node.Eth.TransactionReceipt(ctx, hash); err == nil {
			if rc.Status != types.ReceiptStatusSuccessful {
				return fmt.Errorf("transaction %s reverted", hash.Hex())
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", hash.Hex(), ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// known is true when hash is mined on the canonical chain or waiting in the node's pool. The
// pool is asked first (eth_getTransactionByHash answers from both), then the receipts: a
// transaction mined between the two reads leaves the pool only after its block is the head,
// so it cannot be missed by both.
func (p *payer) known(ctx context.Context, hash common.Hash) (bool, error) {
	_, _, err := p.node.Eth.TransactionByHash(ctx, hash)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, ethereum.NotFound) {
		return false, err
	}
	if _, err := p.node.Eth.TransactionReceipt(ctx, hash); err == nil {
		return true, nil
	} else if !errors.Is(err, ethereum.NotFound) {
		return false, err
	}
	return false, nil
}

// putBack makes sure every transfer the payer sent is mined or in the pool after a rewind.
// One that is neither (its re-broadcast was refused, or it was in a block the rewind removed
// that the reorg did not read) is sent again: the same amount to the same address under a
// fresh nonce, recorded under its new hash. The caller holds sendMu alone.
func (p *payer) putBack(ctx context.Context) (notes []string) {
	p.mu.Lock()
	ts := slices.Clone(p.transfers)
	p.mu.Unlock()
	look := func(ts []*transfer) []*transfer {
		var out []*transfer
		for _, t := range ts {
			hash := p.hashOf(t)
			ok, err := p.known(ctx, hash)
			if err != nil {
				// Not known to be lost: sending it again could pay twice.
				notes = append(notes, fmt.Sprintf("reorg: could not look up %s: %v", hash.Hex(), err))
				continue
			}
			if !ok {
				out = append(out, t)
			}
		}
		return out
	}
	missing := look(ts)
	if len(missing) == 0 {
		return notes
	}
	// Look once more a little later before paying again (the node's pool may be mid-reset).
	if err := sleep(ctx, 2*time.Second); err != nil {
		return notes
	}
	for _, t := range look(missing) {
		old := p.hashOf(t)
		hash, err := p.node.PayAsset(ctx, p.asset, t.rec.Address, t.amount)
		if err != nil {
			notes = append(notes, fmt.Sprintf("reorg: %s (%s to %s) is neither mined nor pending, and sending it again failed: %v",
				old.Hex(), t.amount, t.rec.ID, err))
			continue
		}
		p.mu.Lock()
		t.hash = hash
		t.rec.Txs[t.i] = hash.Hex()
		t.rec.Replaced = append(t.rec.Replaced, old.Hex())
		p.mu.Unlock()
		notes = append(notes, fmt.Sprintf("reorg: %s (%s to %s) was neither mined nor pending after the rewind; sent again as %s",
			old.Hex(), t.amount, t.rec.ID, hash.Hex()))
	}
	return notes
}

// settle waits, after the load, for every transfer to be mined: a session's payer may have
// stopped waiting before a reorg dropped its transfer and putBack sent it again. A transfer
// still not mined is the harness's failure, recorded on its session (send_error).
func (p *payer) settle(ctx context.Context) {
	p.mu.Lock()
	ts := slices.Clone(p.transfers)
	p.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, t := range ts {
		if err := p.wait(ctx, t); err != nil && t.rec.SendErr == "" {
			t.rec.SendErr = err.Error()
		}
	}
}
