package chain

import (
	"sort"
	"time"
)

// PaymentKey identifies a payment on its chain; a payment is counted once under it.
type PaymentKey struct {
	TxHash   string
	LogIndex int64
}

// Key is the payment's identity on its chain.
func (p Payment) Key() PaymentKey { return PaymentKey{TxHash: p.TxHash, LogIndex: p.LogIndex} }

// Confirmations is how many blocks up to cursor hold the payment: its own block counts as
// one; none while the cursor is below it, and none once its block left the chain.
func (p Payment) Confirmations(cursor uint64) uint64 {
	if p.Status == PaymentReverted {
		return 0
	}
	return Depth(cursor, p.BlockNumber)
}

// Depth is how many blocks a transaction mined in block has at head, its own included (0
// while head is below it).
func Depth(head, block uint64) uint64 {
	if head < block {
		return 0
	}
	return head - block + 1
}

// Confirm makes a detected payment count once depth blocks, its own included, are scanned.
func (p *Payment) Confirm(cursor uint64, depth int64, now time.Time) bool {
	if p.Status != PaymentDetected || depth < 1 || p.Confirmations(cursor) < uint64(depth) {
		return false
	}
	p.Status, p.WasConfirmed, p.ConfirmedAt = PaymentConfirmed, true, now
	return true
}

// Revert takes a payment out of the count: its block left the canonical chain.
func (p *Payment) Revert(now time.Time) bool {
	if p.Status == PaymentReverted {
		return false
	}
	p.Status, p.RevertedAt = PaymentReverted, now
	return true
}

// Reinstate counts a reverted payment again: its transfer is back, in canonical block b.
func (p *Payment) Reinstate(b BlockRef) bool {
	if p.Status != PaymentReverted {
		return false
	}
	p.Status, p.RevertedAt = PaymentDetected, time.Time{}
	p.BlockNumber, p.BlockHash, p.BlockTime = b.Number, b.Hash, b.Time
	return true
}

// Touches reports whether a stored payment of the step's chain may change in the step: the
// store loads exactly these (plus those under the keys of s.Payments) before Settle.
func (s Step) Touches(p Payment) bool {
	return p.Status == PaymentDetected || (s.ForkAt != nil && p.BlockNumber > *s.ForkAt && p.Status != PaymentReverted)
}

// Settle applies a step to the chain's stored payments it touches (Touches, or sharing a key
// with one the step found): it reverts what lies above a fork, records new transfers once,
// reinstates reverted ones seen again, and confirms what is deep enough. It returns the
// payments to save and the changes sessions must hear of; dust changes nobody.
func Settle(stored []Payment, s Step) (save []Payment, changes []Change) {
	byKey := make(map[PaymentKey]int, len(stored)+len(s.Payments))
	all := make([]Payment, 0, len(stored)+len(s.Payments))
	for _, p := range stored {
		if _, dup := byKey[p.Key()]; !dup {
			byKey[p.Key()] = len(all)
			all = append(all, p)
		}
	}
	touched := make([]bool, len(all), cap(all))
	mark := func(i int, st PaymentStatus) {
		touched[i] = true
		if !all[i].Dust {
			changes = append(changes, Change{SessionID: all[i].SessionID, TxHash: all[i].TxHash, Status: st})
		}
	}
	if s.ForkAt != nil {
		for i := range all {
			if all[i].BlockNumber > *s.ForkAt && all[i].Revert(s.Now) {
				mark(i, PaymentReverted)
			}
		}
	}
	for _, p := range s.Payments {
		if i, ok := byKey[p.Key()]; ok {
			if all[i].Reinstate(BlockRef{Number: p.BlockNumber, Hash: p.BlockHash, Time: p.BlockTime}) {
				mark(i, PaymentDetected)
			}
			continue // counted once
		}
		p.Status = PaymentDetected
		byKey[p.Key()] = len(all)
		all, touched = append(all, p), append(touched, false)
		mark(len(all)-1, PaymentDetected)
	}
	for i := range all {
		if all[i].Confirm(s.Cursor.Number, s.Depth, s.Now) {
			mark(i, PaymentConfirmed)
		}
	}
	for i, p := range all {
		if touched[i] {
			save = append(save, p)
		}
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].SessionID < changes[j].SessionID })
	return save, changes
}
