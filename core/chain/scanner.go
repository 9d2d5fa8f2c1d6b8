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

// movesValue reports whether t carries a positive amount: a zero-value transfer pays nobody.
func (t Transfer) movesValue() bool { return t.Amount != nil && t.Amount.Sign() > 0 }

// Block is a block with its native-coin transfers (candidates: their success is checked apart).
type Block struct {
	BlockRef
	Native []Transfer
	// Logs tells which token contracts may have logged a Transfer in the block (a bloom filter:
	// it may say yes wrongly, never no); nil means unknown, so any may have.
	Logs TransferFilter
}

// TransferFilter answers, without I/O, whether a block may hold a Transfer log of a contract.
type TransferFilter interface {
	MayHaveTransfer(contract string) bool
}

// mayHaveTransfers reports whether any of contracts may have logged a Transfer in b.
func (b Block) mayHaveTransfers(contracts []string) bool {
	if b.Logs == nil {
		return true
	}
	for _, c := range contracts {
		if b.Logs.MayHaveTransfer(c) {
			return true
		}
	}
	return false
}

// Reader errors the scanner acts on rather than retrying as they are.
var (
	// ErrBlockNotFound: the node does not have the block (yet); a lagging node says so.
	ErrBlockNotFound = errors.New("block not found on the node")
	// ErrTooManyResults: the node refused a log query as too large; a smaller range may pass.
	ErrTooManyResults = errors.New("log query refused as too large")
)

// Reader reads one chain. The number of calls per block does not depend on how many
// addresses are watched: logs are filtered by token contract and matched in memory.
type Reader interface {
	Head(ctx context.Context) (uint64, error)
	// Block reads a block by number; ErrBlockNotFound when the node has none there.
	Block(ctx context.Context, number uint64) (Block, error)
	// TokenTransfers reads Transfer logs of contracts in from..to; ErrTooManyResults when refused.
	TokenTransfers(ctx context.Context, from, to uint64, contracts []string) ([]Transfer, error)
	// BlockTokenTransfers reads Transfer logs of contracts in one block by its hash: a node
	// without that block fails (ErrBlockNotFound) rather than answering none.
	BlockTokenTransfers(ctx context.Context, block BlockRef, contracts []string) ([]Transfer, error)
	Succeeded(ctx context.Context, txHash string) (bool, error)
}

// Step is one scan's outcome, committed atomically by the store.
type Step struct {
	ChainID     int64
	Prev        *BlockRef  // the cursor this step started from (compare-and-set); nil on the first step
	ForkAt      *uint64    // a reorg: payments and stored blocks above this number are dropped
	Blocks      []BlockRef // newly scanned canonical blocks, in order
	Payments    []Payment  // transfers into watched addresses found in Blocks (dust included, marked)
	Cursor      BlockRef   // where the next step starts
	Depth       int64      // confirmations required: payments this deep are confirmed
	ReorgWindow int64      // how many block hashes to keep
	Now         time.Time
}

// WatchScope is what one chain's scanner watches: deposit addresses of sessions in the chain's
// mode that accept at least one of its assets.
type WatchScope struct {
	ChainID  int64
	ChainKey string
	Livemode bool
	AssetIDs []string // every asset of the chain, "<symbol>@<chain key>"
}

// ScanStore keeps the scanner's cursor, recent hashes and the payments it finds.
type ScanStore interface {
	// Cursor is where the chain's scanner stands (with the block's time and parent when known).
	Cursor(ctx context.Context, chainID int64) (BlockRef, bool, error)
	// BlockHashes returns stored canonical hashes of blocks from..to, by number.
	BlockHashes(ctx context.Context, chainID int64, from, to uint64) (map[uint64]string, error)
	// Watching tells whether any deposit address is watched at now, in any scope: a cheap
	// test whose "yes" for another scope only costs a log read, since WatchedAmong decides.
	Watching(ctx context.Context, now time.Time) (bool, error)
	// WatchedAmong maps those of addresses the scope watches at now to their sessions: a step
	// asks only about the addresses its blocks paid, so its cost follows the chain's traffic,
	// not the number of open sessions. Addresses are only ever added and watch windows only
	// grow, so asking after Watching never misses what Watching saw.
	WatchedAmong(ctx context.Context, scope WatchScope, now time.Time, addresses []string) (map[string]string, error)
	// CommitStep loads the payments the step touches (Step.Touches, or a key of s.Payments),
	// applies Settle, saves them and moves the cursor, in one transaction; it returns the
	// changes Settle reported. ErrCursorMoved if Prev is stale.
	CommitStep(ctx context.Context, s Step) ([]Change, error)
	// OpenOutage is the chain's outage still lasting, nil if none.
	OpenOutage(ctx context.Context, chainID int64) (*Outage, error)
	// BeginOutage records o unless the chain has an outage open already.
	BeginOutage(ctx context.Context, o Outage) error
	// EndOutage ends the chain's open outage at end; with none open it does nothing.
	EndOutage(ctx context.Context, chainID int64, end time.Time) error
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
	assets    map[string]Asset // token contract (lower-case), or "" for the native coin
	contracts []string         // the token contracts, whose Transfer logs are read
	scope     WatchScope
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
	sc := &Scanner{chain: ch, assets: map[string]Asset{}, reader: r, store: st, newID: newID,
		scope: WatchScope{ChainID: ch.ID, ChainKey: strings.ToLower(ch.Key), Livemode: ch.Livemode}}
	for _, a := range ch.Assets() {
		sc.assets[a.Contract] = a
		sc.scope.AssetIDs = append(sc.scope.AssetIDs, a.ID)
		if !a.Native() {
			sc.contracts = append(sc.contracts, a.Contract)
		}
	}
	return sc, nil
}

// Progress is what one call to Scan did.
type Progress struct {
	From, To uint64   // blocks scanned (To < From: none)
	Head     uint64   // the chain's head when scanned
	Reorg    bool     // a fork was found and undone
	Lagging  bool     // the node is behind the cursor (or lacks a block it announced): nothing changed
	Changes  []Change // payments detected, confirmed or reverted
}

// Scan reads the next range of blocks (at most BatchBlocks) up to the head, or undoes a
// reorg if a block hash proves the chain no longer continues from the cursor. It commits
// what it found.
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
	if head <= cur.Number {
		return s.atOrBelowCursor(ctx, step, p)
	}
	return s.forward(ctx, step, p)
}

// atOrBelowCursor handles a node whose head is not past the cursor. Only a differing hash
// proves a reorg; a node whose block at its head is ours merely lags (or is load-balanced).
func (s *Scanner) atOrBelowCursor(ctx context.Context, step Step, p Progress) (Progress, error) {
	cur := *step.Prev
	b, err := s.reader.Block(ctx, p.Head)
	if errors.Is(err, ErrBlockNotFound) {
		p.Lagging = true
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("read block %d: %w", p.Head, err)
	}
	ours := cur.Hash
	if p.Head < cur.Number {
		stored, err := s.store.BlockHashes(ctx, s.chain.ID, p.Head, p.Head)
		if err != nil {
			return p, err
		}
		ours = stored[p.Head]
	}
	switch {
	case ours == b.Hash:
		p.Lagging = p.Head < cur.Number
		return p, nil
	case ours == "" && (cur.Time.IsZero() || !b.Time.After(cur.Time)):
		// Below our stored window and nothing proves the block differs from ours: wait.
		p.Lagging = true
		return p, nil
	}
	// A different block at a number we scanned (or one newer than our cursor at a lower
	// number, as after a dev chain reset): the chain was reorganised.
	return s.undo(ctx, step, p)
}

// forward scans new blocks after the cursor, up to BatchBlocks, keeping only what a block
// hash vouches for.
func (s *Scanner) forward(ctx context.Context, step Step, p Progress) (Progress, error) {
	cur := *step.Prev
	blocks, replaced, err := s.readBlocks(ctx, cur, min(p.Head, cur.Number+uint64(s.chain.BatchBlocks)))
	switch {
	case err != nil:
		return p, err
	case replaced:
		return s.undo(ctx, step, p) // our tip was replaced
	case len(blocks) == 0:
		p.Lagging = true
		return p, nil
	}
	watching, err := s.store.Watching(ctx, step.Now)
	if err != nil {
		return p, err
	}
	candidates, last, err := s.tokenTransfers(ctx, blocks, watching)
	if err != nil {
		return p, err
	}
	var native []Transfer
	for _, b := range blocks {
		if b.Number > last {
			break
		}
		step.Blocks = append(step.Blocks, b.BlockRef)
		if watching {
			native = append(native, b.Native...)
		}
	}
	watched, err := s.watchedAmong(ctx, step.Now, candidates, native)
	if err != nil {
		return p, err
	}
	native, err = s.nativeTransfers(ctx, native, watched)
	if err != nil {
		return p, err
	}
	candidates = append(candidates, native...)
	if len(step.Blocks) == 0 { // the first block's logs were already from another branch
		return p, nil
	}
	step.Payments = s.payments(candidates, step.Blocks, watched, step.Now)
	step.Cursor = step.Blocks[len(step.Blocks)-1]
	changes, err := s.store.CommitStep(ctx, step)
	if err != nil {
		return p, err
	}
	p.To, p.Changes = step.Cursor.Number, changes
	return p, nil
}

// readBlocks reads cur+1..to while each block continues the previous one. replaced means the
// very first block does not continue the cursor; a block the node lacks ends the range.
func (s *Scanner) readBlocks(ctx context.Context, cur BlockRef, to uint64) ([]Block, bool, error) {
	blocks := make([]Block, 0, to-cur.Number)
	prev := cur
	for n := cur.Number + 1; n <= to; n++ {
		b, err := s.reader.Block(ctx, n)
		if errors.Is(err, ErrBlockNotFound) {
			break // announced by a head the node (or its balancer's other node) cannot serve yet
		}
		if err != nil {
			return nil, false, fmt.Errorf("read block %d: %w", n, err)
		}
		if b.ParentHash != prev.Hash {
			// At the first block our tip was replaced; later, the chain changed under us
			// mid-range: keep what is consistent, the next step sees the rest.
			return blocks, n == cur.Number+1, nil
		}
		blocks = append(blocks, b)
		prev = b.BlockRef
	}
	return blocks, false, nil
}

// tokenTransfers reads the Transfer logs of blocks and returns them with the last block they
// vouch for: a log from another block than the one scanned there (the chain moved between
// calls), or a block that may hold transfers the range query did not return and that the node
// cannot show by hash (a lagging node answers unknown ranges with nothing), ends the step
// before it.
func (s *Scanner) tokenTransfers(ctx context.Context, blocks []Block, watching bool) ([]Transfer, uint64, error) {
	first, last := blocks[0].Number, blocks[len(blocks)-1].Number
	if len(s.contracts) == 0 || !watching {
		return nil, last, nil
	}
	logs, err := s.logsInRange(ctx, first, last)
	if err != nil {
		return nil, 0, err
	}
	hashes := make(map[uint64]string, len(blocks))
	for _, b := range blocks {
		hashes[b.Number] = b.Hash
	}
	seen := map[uint64]bool{}
	for _, l := range logs {
		if l.BlockNumber < first || l.BlockNumber > last || hashes[l.BlockNumber] != l.BlockHash {
			last = min(last, max(l.BlockNumber, first)-1)
			continue
		}
		seen[l.BlockNumber] = true
	}
	for _, b := range blocks {
		if b.Number > last {
			break
		}
		if seen[b.Number] || !b.mayHaveTransfers(s.contracts) {
			continue
		}
		more, err := s.reader.BlockTokenTransfers(ctx, b.BlockRef, s.contracts)
		if errors.Is(err, ErrBlockNotFound) {
			last = b.Number - 1
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read token transfers of block %d: %w", b.Number, err)
		}
		for _, l := range more {
			if l.BlockHash != b.Hash || l.BlockNumber != b.Number {
				last = b.Number - 1
				break
			}
			logs = append(logs, l)
		}
	}
	var out []Transfer
	for _, l := range logs {
		if l.BlockNumber <= last && hashes[l.BlockNumber] == l.BlockHash {
			out = append(out, l)
		}
	}
	return out, last, nil
}

// logsInRange reads Transfer logs of from..to, halving the range while the node refuses it
// as too large.
func (s *Scanner) logsInRange(ctx context.Context, from, to uint64) ([]Transfer, error) {
	logs, err := s.reader.TokenTransfers(ctx, from, to, s.contracts)
	if errors.Is(err, ErrTooManyResults) && from < to {
		mid := from + (to-from)/2
		lower, err := s.logsInRange(ctx, from, mid)
		if err != nil {
			return nil, err
		}
		upper, err := s.logsInRange(ctx, mid+1, to)
		if err != nil {
			return nil, err
		}
		return append(lower, upper...), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read token transfers %d..%d: %w", from, to, err)
	}
	return logs, nil
}

// watchedAmong maps the receiving addresses of transfers that the scope watches to their
// sessions; a step whose blocks paid nobody asks nothing.
func (s *Scanner) watchedAmong(ctx context.Context, now time.Time, lists ...[]Transfer) (map[string]string, error) {
	seen := map[string]bool{}
	var addresses []string
	for _, list := range lists {
		for _, t := range list {
			if t.movesValue() && !seen[t.To] {
				seen[t.To] = true
				addresses = append(addresses, t.To)
			}
		}
	}
	if len(addresses) == 0 {
		return map[string]string{}, nil
	}
	return s.store.WatchedAmong(ctx, s.scope, now, addresses)
}

// nativeTransfers keeps the successful native-coin transfers into watched addresses.
func (s *Scanner) nativeTransfers(ctx context.Context, transfers []Transfer, watched map[string]string) ([]Transfer, error) {
	var out []Transfer
	for _, t := range transfers {
		if _, ok := watched[t.To]; !ok || !t.movesValue() {
			continue
		}
		ok, err := s.reader.Succeeded(ctx, t.TxHash)
		if err != nil {
			return nil, fmt.Errorf("receipt of %s: %w", t.TxHash, err)
		}
		if ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// payments turns candidate transfers into payments of watched sessions; dust is kept, marked.
func (s *Scanner) payments(candidates []Transfer, blocks []BlockRef, watched map[string]string, now time.Time) []Payment {
	times := make(map[uint64]time.Time, len(blocks))
	for _, b := range blocks {
		times[b.Number] = b.Time
	}
	var out []Payment
	for _, t := range candidates {
		session, ok := watched[t.To]
		asset, known := s.assets[t.Contract]
		if !ok || !known || !t.movesValue() {
			continue // not ours, an unconfigured token, or a zero-value transfer
		}
		out = append(out, Payment{ID: s.newID(), SessionID: session, ChainID: s.chain.ID, AssetID: asset.ID,
			TxHash: t.TxHash, LogIndex: t.LogIndex, BlockNumber: t.BlockNumber, BlockHash: t.BlockHash,
			BlockTime: times[t.BlockNumber], From: t.From, To: t.To, Amount: t.Amount, Status: PaymentDetected,
			Dust: asset.IsDust(t.Amount), DetectedAt: now})
	}
	return out
}

// undo finds where our stored chain and the node's chain agree (at or below the node's head),
// and drops everything above it. With no agreement within the window, it falls back to the
// oldest block it may trust and rescans from there.
func (s *Scanner) undo(ctx context.Context, step Step, p Progress) (Progress, error) {
	top := min(step.Prev.Number, p.Head)
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
