package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
)

const (
	tokenA  = "0x00000000000000000000000000000000000000aa"
	addrOne = "0x1111111111111111111111111111111111111111"
	addrTwo = "0x2222222222222222222222222222222222222222"
	payer   = "0x9999999999999999999999999999999999999999"
)

var chainStart = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// fakeNode is a chain as a node serves it, with the ways real nodes misbehave.
type fakeNode struct {
	blocks    []Block               // canonical, by number
	logs      map[string][]Transfer // token Transfer logs by block hash
	failedTx  map[string]bool       // transactions whose receipt says reverted
	head      *uint64               // a lagging node's head
	logsUpTo  *uint64               // a lagging log index: nothing above by range, not found by hash
	maxRange  uint64                // ranges wider than this are refused as too many results
	err       error                 // every call fails
	extraLogs []Transfer            // also returned by range queries (duplicates, other branches)
	ranges    [][2]uint64           // range queries asked
	byHash    []uint64              // by-hash queries asked
	receipts  []string              // receipts asked
}

// fakeFilter is a perfect bloom filter: the contracts that logged in the block.
type fakeFilter map[string]bool

func (f fakeFilter) MayHaveTransfer(c string) bool { return f[c] }

func newFakeNode(n int) *fakeNode {
	f := &fakeNode{logs: map[string][]Transfer{}, failedTx: map[string]bool{}}
	f.extend("a", n)
	return f
}

// extend mines n blocks on top of the tip, their hashes labelled with branch.
func (f *fakeNode) extend(branch string, n int) {
	for i := 0; i < n; i++ {
		num := uint64(len(f.blocks))
		parent := ""
		if num > 0 {
			parent = f.blocks[num-1].Hash
		}
		f.blocks = append(f.blocks, Block{BlockRef: BlockRef{Number: num, Hash: fmt.Sprintf("0x%s%d", branch, num),
			ParentHash: parent, Time: chainStart.Add(time.Duration(num) * 12 * time.Second)}})
	}
}

// fork replaces every block above number at with n blocks of another branch.
func (f *fakeNode) fork(at uint64, branch string, n int) {
	f.blocks = f.blocks[:at+1]
	f.extend(branch, n)
}

// payToken logs a token transfer in block n.
func (f *fakeNode) payToken(n uint64, tx, to string, amount int64) Transfer {
	b := f.blocks[n]
	t := Transfer{TxHash: tx, LogIndex: int64(len(f.logs[b.Hash])), BlockNumber: n, BlockHash: b.Hash, Contract: tokenA,
		From: payer, To: to, Amount: big.NewInt(amount)}
	f.logs[b.Hash] = append(f.logs[b.Hash], t)
	return t
}

// payNative adds a native transfer to block n.
func (f *fakeNode) payNative(n uint64, tx, to string, amount int64) {
	b := &f.blocks[n]
	b.Native = append(b.Native, Transfer{TxHash: tx, LogIndex: NativeLogIndex, BlockNumber: n, BlockHash: b.Hash,
		From: payer, To: to, Amount: big.NewInt(amount)})
}

func (f *fakeNode) Head(context.Context) (uint64, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.head != nil {
		return *f.head, nil
	}
	return uint64(len(f.blocks) - 1), nil
}

func (f *fakeNode) Block(_ context.Context, n uint64) (Block, error) {
	if f.err != nil {
		return Block{}, f.err
	}
	if n >= uint64(len(f.blocks)) {
		return Block{}, ErrBlockNotFound
	}
	b := f.blocks[n]
	filter := fakeFilter{}
	for _, l := range f.logs[b.Hash] {
		filter[l.Contract] = true
	}
	b.Logs = filter
	return b, nil
}

func (f *fakeNode) TokenTransfers(_ context.Context, from, to uint64, contracts []string) ([]Transfer, error) {
	f.ranges = append(f.ranges, [2]uint64{from, to})
	if f.err != nil {
		return nil, f.err
	}
	if f.maxRange > 0 && to-from+1 > f.maxRange {
		return nil, ErrTooManyResults
	}
	var out []Transfer
	for n := from; n <= to && n < uint64(len(f.blocks)); n++ {
		if f.logsUpTo != nil && n > *f.logsUpTo {
			break // the lagging node answers what it lacks with nothing
		}
		out = append(out, only(f.logs[f.blocks[n].Hash], contracts)...)
	}
	for _, l := range f.extraLogs {
		if l.BlockNumber >= from && l.BlockNumber <= to {
			out = append(out, l)
		}
	}
	return out, nil
}

func (f *fakeNode) BlockTokenTransfers(_ context.Context, b BlockRef, contracts []string) ([]Transfer, error) {
	f.byHash = append(f.byHash, b.Number)
	if f.err != nil {
		return nil, f.err
	}
	if f.logsUpTo != nil && b.Number > *f.logsUpTo {
		return nil, ErrBlockNotFound
	}
	return only(f.logs[b.Hash], contracts), nil
}

func (f *fakeNode) Succeeded(_ context.Context, tx string) (bool, error) {
	f.receipts = append(f.receipts, tx)
	if f.err != nil {
		return false, f.err
	}
	return !f.failedTx[tx], nil
}

func only(logs []Transfer, contracts []string) []Transfer {
	var out []Transfer
	for _, l := range logs {
		if slices.Contains(contracts, l.Contract) {
			out = append(out, l)
		}
	}
	return out
}

// memStore is ScanStore in memory, applying Settle as the real store does.
type memStore struct {
	cursor   *BlockRef
	hashes   map[uint64]string
	payments map[PaymentKey]Payment
	watched  map[string]string
	asked    []string // addresses WatchedAmong was asked about, in order
	scopes   []WatchScope
	commits  int
	err      error // CommitStep fails
	outages  []Outage
}

func (m *memStore) OpenOutage(_ context.Context, chainID int64) (*Outage, error) {
	for _, o := range m.outages {
		if o.ChainID == chainID && o.End.IsZero() {
			return &o, nil
		}
	}
	return nil, nil
}

func (m *memStore) BeginOutage(ctx context.Context, o Outage) error {
	if open, _ := m.OpenOutage(ctx, o.ChainID); open == nil {
		m.outages = append(m.outages, o)
	}
	return nil
}

func (m *memStore) EndOutage(_ context.Context, chainID int64, end time.Time) error {
	for i, o := range m.outages {
		if o.ChainID == chainID && o.End.IsZero() {
			m.outages[i].End = end
		}
	}
	return nil
}

func newMemStore(watched map[string]string) *memStore {
	return &memStore{hashes: map[uint64]string{}, payments: map[PaymentKey]Payment{}, watched: watched}
}

func (m *memStore) Cursor(context.Context, int64) (BlockRef, bool, error) {
	if m.cursor == nil {
		return BlockRef{}, false, nil
	}
	return *m.cursor, true, nil
}

func (m *memStore) BlockHashes(_ context.Context, _ int64, from, to uint64) (map[uint64]string, error) {
	out := map[uint64]string{}
	for n, h := range m.hashes {
		if n >= from && n <= to {
			out[n] = h
		}
	}
	return out, nil
}

func (m *memStore) Watching(context.Context, time.Time) (bool, error) {
	return len(m.watched) > 0, nil
}

func (m *memStore) WatchedAmong(_ context.Context, scope WatchScope, _ time.Time, addresses []string) (map[string]string, error) {
	m.scopes = append(m.scopes, scope)
	m.asked = append(m.asked, addresses...)
	out := map[string]string{}
	for _, a := range addresses {
		if session, ok := m.watched[a]; ok {
			out[a] = session
		}
	}
	return out, nil
}

func (m *memStore) CommitStep(_ context.Context, s Step) ([]Change, error) {
	if m.err != nil {
		return nil, m.err
	}
	if (m.cursor == nil) != (s.Prev == nil) || (m.cursor != nil && m.cursor.Hash != s.Prev.Hash) {
		return nil, ErrCursorMoved
	}
	keys := map[PaymentKey]bool{}
	for _, p := range s.Payments {
		keys[p.Key()] = true
	}
	var stored []Payment
	for _, p := range m.payments {
		if s.Touches(p) || keys[p.Key()] {
			stored = append(stored, p)
		}
	}
	slices.SortFunc(stored, func(a, b Payment) int { return int(a.BlockNumber) - int(b.BlockNumber) })
	save, changes := Settle(stored, s)
	for _, p := range save {
		m.payments[p.Key()] = p
	}
	if s.ForkAt != nil {
		for n := range m.hashes {
			if n > *s.ForkAt {
				delete(m.hashes, n)
			}
		}
	}
	for _, b := range s.Blocks {
		m.hashes[b.Number] = b.Hash
	}
	c := s.Cursor
	m.cursor = &c
	m.commits++
	return changes, nil
}

// payment finds the stored payment of a transaction.
func (m *memStore) payment(tx string) (Payment, bool) {
	for k, p := range m.payments {
		if k.TxHash == tx {
			return p, true
		}
	}
	return Payment{}, false
}

var (
	errNode    = errors.New("502 bad gateway")
	fakeAmount = big.NewInt(5_000_000)
)
