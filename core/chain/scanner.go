package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// BlockRef identifies a block on a chain.
type BlockRef struct {
	Number     uint64
	Hash       string
	ParentHash string
	Time       time.Time
}

// Transfer is a value movement seen on chain: an ERC-20 Transfer log, or a native-coin
// transaction (LogIndex NativeLogIndex, Contract empty).
type Transfer struct {
	TxHash      string
	LogIndex    int64
	BlockNumber uint64
	BlockHash   string
	Contract    string // token contract, lower-case; empty for the native coin
	From, To    string // lower-case hex
	Amount      *big.Int
}

// Block is a block with its native-coin transfers (candidates: their success is checked apart).
type Block struct {
	BlockRef
	Native []Transfer
}

// Reader reads one chain. The number of calls per block does not depend on how many
// addresses are watched: logs are filtered by token contract and matched in memory.
type Reader interface {
	Head(ctx context.Context) (uint64, error)
	Block(ctx context.Context, number uint64) (Block, error)
	TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]Transfer, error)
	Succeeded(ctx context.Context, txHash string) (bool, error)
}

// Step is one scan's outcome, committed atomically by the store.
type Step struct {
	ChainID     int64
	Prev        *BlockRef  // the cursor this step started from (compare-and-set); nil on the first step
	ForkAt      *uint64    // a reorg: payments and stored blocks above this number are dropped
	Blocks      []BlockRef // newly scanned canonical blocks, in order
	Payments    []Payment  // transfers into watched addresses found in Blocks
	Cursor      BlockRef   // where the next step starts
	Depth       int64      // confirmations required: payments this deep are confirmed
	ReorgWindow int64      // how many block hashes to keep
	Now         time.Time
}

// ScanStore keeps the scanner's cursor, recent hashes and the payments it finds.
type ScanStore interface {
	Cursor(ctx context.Context, chainID int64) (BlockRef, bool, error)
	// BlockHashes returns stored canonical hashes of blocks from..to, by number.
	BlockHashes(ctx context.Context, chainID int64, from, to uint64) (map[uint64]string, error)
	// WatchedAddresses maps each deposit address still watched to its session.
	WatchedAddresses(ctx context.Context, now time.Time) (map[string]string, error)
	// CommitStep applies a step in one transaction and returns the sessions whose payments
	// changed (detected, confirmed or reverted). ErrCursorMoved if Prev is stale.
	CommitStep(ctx context.Context, s Step) ([]Change, error)
}

// Change tells a session that one of its payments changed.
type Change struct {
	SessionID string
	TxHash    string
	Status    PaymentStatus
}

// ErrCursorMoved means another scanner committed first; the step is simply redone.
var ErrCursorMoved = errors.New("scanner cursor moved")

// Scanner follows one chain.
type Scanner struct {
	chain     Chain
	assets    map[string]string // token contract (lower-case) or "" for native → asset ID
	contracts []string          // the token contracts, whose Transfer logs are read
	reader    Reader
	store     ScanStore
	newID     func() string
}

// NewScanner builds a scanner for ch.
func NewScanner(ch Chain, r Reader, st ScanStore, newID func() string) (*Scanner, error) {
	if r == nil || st == nil || newID == nil {
		return nil, errors.New("chain.NewScanner: nil dependency")
	}
	ch = ch.WithDefaults()
	sc := &Scanner{chain: ch, assets: map[string]string{"": AssetID(ch.Native.Symbol, ch.Key)}, reader: r, store: st, newID: newID}
	for _, t := range ch.Tokens {
		c := strings.ToLower(t.Contract)
		sc.assets[c] = AssetID(t.Symbol, ch.Key)
		sc.contracts = append(sc.contracts, c)
	}
	return sc, nil
}

// Progress is what one call to Scan did.
type Progress struct {
	From, To uint64   // blocks scanned (To < From: none)
	Head     uint64   // the chain's head when scanned
	Reorg    bool     // a fork was found and undone
	Changes  []Change // payments detected, confirmed or reverted
}

// Scan reads the next range of blocks (at most BatchBlocks) up to the head, or undoes a
// reorg if the chain no longer continues from the cursor. It commits what it found.
func (s *Scanner) Scan(ctx context.Context, now time.Time) (Progress, error) {
	head, err := s.reader.Head(ctx)
	if err != nil {
		return Progress{}, fmt.Errorf("read head of chain %d: %w", s.chain.ID, err)
	}
	cur, ok, err := s.store.Cursor(ctx, s.chain.ID)
	if err != nil {
		return Progress{}, err
	}
	step := Step{ChainID: s.chain.ID, Depth: s.chain.Confirmations, ReorgWindow: s.chain.ReorgWindow, Now: now}
	if !ok { // a chain seen for the first time: start at its head, as no address can predate us
		b, err := s.reader.Block(ctx, head)
		if err != nil {
			return Progress{}, fmt.Errorf("read block %d: %w", head, err)
		}
		step.Blocks, step.Cursor = []BlockRef{b.BlockRef}, b.BlockRef
		changes, err := s.store.CommitStep(ctx, step)
		return Progress{From: head, To: head, Head: head, Changes: changes}, err
	}
	step.Prev = &cur
	p := Progress{From: cur.Number + 1, To: cur.Number, Head: head}
	if head < cur.Number {
		// The node is behind us: a reorg onto a shorter branch, or a node rolled back or reset.
		return s.undo(ctx, step, p, head)
	}
	if head == cur.Number {
		// Nothing new; but the tip itself may have been replaced (a reorg of equal length).
		tip, err := s.reader.Block(ctx, cur.Number)
		if err != nil {
			return p, fmt.Errorf("read block %d: %w", cur.Number, err)
		}
		if tip.Hash == cur.Hash {
			return p, nil
		}
		return s.undo(ctx, step, p, head)
	}
	to := min(head, cur.Number+uint64(s.chain.BatchBlocks))
	blocks := make([]Block, 0, to-cur.Number)
	prev := cur
	for n := cur.Number + 1; n <= to; n++ {
		b, err := s.reader.Block(ctx, n)
		if err != nil {
			return p, fmt.Errorf("read block %d: %w", n, err)
		}
		if b.ParentHash != prev.Hash {
			if n == cur.Number+1 {
				return s.undo(ctx, step, p, head) // our tip was replaced
			}
			break // the chain changed under us mid-range: keep what is consistent, resume next step
		}
		blocks = append(blocks, b)
		prev = b.BlockRef
	}
	to = blocks[len(blocks)-1].Number
	watched, err := s.store.WatchedAddresses(ctx, now)
	if err != nil {
		return p, err
	}
	var candidates []Transfer
	if len(s.contracts) > 0 && len(watched) > 0 {
		logs, err := s.reader.TokenTransfers(ctx, cur.Number+1, to, s.contracts)
		if err != nil {
			return p, fmt.Errorf("read token transfers %d..%d: %w", cur.Number+1, to, err)
		}
		hashes := map[uint64]string{}
		for _, b := range blocks {
			hashes[b.Number] = b.Hash
		}
		for _, l := range logs {
			if hashes[l.BlockNumber] != l.BlockHash {
				// A log from a block we did not scan: the chain reorganised between calls. Stop
				// before that block; the next step sees the new branch.
				to = l.BlockNumber - 1
				break
			}
			candidates = append(candidates, l)
		}
	}
	for _, b := range blocks {
		if b.Number > to {
			break
		}
		step.Blocks = append(step.Blocks, b.BlockRef)
		for _, t := range b.Native {
			if _, ok := watched[t.To]; ok && t.Amount.Sign() > 0 {
				ok, err := s.reader.Succeeded(ctx, t.TxHash)
				if err != nil {
					return p, fmt.Errorf("receipt of %s: %w", t.TxHash, err)
				}
				if ok {
					candidates = append(candidates, t)
				}
			}
		}
	}
	if len(step.Blocks) == 0 { // the first block's logs were already from another branch
		return p, nil
	}
	times := map[uint64]time.Time{}
	for _, b := range step.Blocks {
		times[b.Number] = b.Time
	}
	for _, t := range candidates {
		session, ok := watched[t.To]
		asset, known := s.assets[t.Contract]
		if !ok || !known || t.Amount == nil || t.Amount.Sign() <= 0 || t.BlockNumber > to {
			continue // not ours, an unconfigured token, or a zero-value transfer
		}
		step.Payments = append(step.Payments, Payment{ID: s.newID(), SessionID: session, ChainID: s.chain.ID,
			AssetID: asset, TxHash: t.TxHash, LogIndex: t.LogIndex, BlockNumber: t.BlockNumber, BlockHash: t.BlockHash,
			BlockTime: times[t.BlockNumber], From: t.From, To: t.To, Amount: t.Amount, Status: PaymentDetected, DetectedAt: now})
	}
	step.Cursor = step.Blocks[len(step.Blocks)-1]
	changes, err := s.store.CommitStep(ctx, step)
	if err != nil {
		return p, err
	}
	p.To, p.Changes = step.Cursor.Number, changes
	return p, nil
}

// undo finds where our stored chain and the node's chain agree (at or below the node's head),
// and drops everything above it. With no agreement within the window, it falls back to the
// oldest block it may trust and rescans from there.
func (s *Scanner) undo(ctx context.Context, step Step, p Progress, head uint64) (Progress, error) {
	top := min(step.Prev.Number, head)
	lowest := uint64(0)
	if top > uint64(s.chain.ReorgWindow) {
		lowest = top - uint64(s.chain.ReorgWindow)
	}
	stored, err := s.store.BlockHashes(ctx, s.chain.ID, lowest, top)
	if err != nil {
		return p, err
	}
	fork := lowest
	for n := top; n > lowest; n-- {
		h, ok := stored[n]
		if !ok {
			continue
		}
		b, err := s.reader.Block(ctx, n)
		if err != nil {
			return p, fmt.Errorf("read block %d: %w", n, err)
		}
		if b.Hash == h {
			fork = n
			step.Cursor = b.BlockRef
			break
		}
	}
	if step.Cursor.Hash == "" { // deeper than the window: restart from the oldest block we can trust
		b, err := s.reader.Block(ctx, fork)
		if err != nil {
			return p, fmt.Errorf("read block %d: %w", fork, err)
		}
		step.Cursor = b.BlockRef
	}
	step.ForkAt = &fork
	changes, err := s.store.CommitStep(ctx, step)
	if err != nil {
		return p, err
	}
	p.Reorg, p.Changes, p.To = true, changes, fork
	return p, nil
}
