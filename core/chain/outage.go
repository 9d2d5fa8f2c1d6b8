package chain

import (
	"context"
	"slices"
	"time"
)

// DefaultStaleAfter is how old the newest scanned block may be before the view of a chain is
// stale: minutes, well above any chain's block time and its occasional missed slots.
const DefaultStaleAfter = 2 * time.Minute

// StaleAfter is how old the newest scanned block may be before the service's view of the
// chain is stale (its node down or stuck, or its scanner away).
func (c Chain) StaleAfter() time.Duration {
	if c.StaleAfterSeconds > 0 {
		return time.Duration(c.StaleAfterSeconds) * time.Second
	}
	return DefaultStaleAfter
}

// ViewStale reports whether the view whose newest scanned block is cursor is stale at now.
// A chain never scanned has no view at all, which is stale too.
func (c Chain) ViewStale(cursor BlockRef, scanned bool, now time.Time) bool {
	return !scanned || now.Sub(cursor.Time) > c.StaleAfter()
}

// Outage is a stretch of time in which the view of a chain was stale: payments may have been
// mined that nobody could see, so sessions on the chain are given that time back.
type Outage struct {
	ChainID int64
	Start   time.Time
	End     time.Time // zero while it lasts
}

// Observation is what a look at a chain's view found and does to its outage record.
type Observation struct {
	Stale bool
	Start *Outage   // an outage to record as begun
	End   time.Time // non-zero: the open outage ended then
}

// Observe decides, from the open outage (nil: none) and the view at now, whether an outage
// begins (when the newest block became too old, so a scanner that was itself away still
// dates it right) or the open one ends (now: the view is fresh again).
func (c Chain) Observe(open *Outage, cursor BlockRef, scanned bool, now time.Time) Observation {
	o := Observation{Stale: c.ViewStale(cursor, scanned, now)}
	switch {
	case o.Stale && open == nil:
		start := now
		if scanned {
			start = cursor.Time.Add(c.StaleAfter())
		}
		o.Start = &Outage{ChainID: c.ID, Start: start}
	case !o.Stale && open != nil:
		o.End = now
	}
	return o
}

// GiveBack is the deadline of a session open from created that was due at due, once every
// moment of the outages after created is given back: the session has then had as much time
// with a fresh view of its chain as it was promised. An outage still open ends at now.
func GiveBack(created, due time.Time, outages []Outage, now time.Time) time.Time {
	sorted := slices.Clone(outages)
	slices.SortFunc(sorted, func(a, b Outage) int { return a.Start.Compare(b.Start) })
	at, need := created, due.Sub(created)
	for _, o := range sorted {
		end := o.End
		if end.IsZero() {
			end = now
		}
		if !end.After(at) {
			continue // before the session, or inside an outage already given back
		}
		start := maxTime(o.Start, at)
		if start.Sub(at) >= need {
			break
		}
		need -= start.Sub(at)
		at = end
	}
	return at.Add(need)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ViewChange is what one look at a chain's view recorded.
type ViewChange struct {
	Stale bool
	Began *Outage // an outage was recorded as begun
	Ended *Outage // the open outage ended (End set)
}

// WatchView looks at the chain's view at now and records an outage beginning or ending.
func (s *Scanner) WatchView(ctx context.Context, now time.Time) (ViewChange, error) {
	cur, scanned, err := s.store.Cursor(ctx, s.chain.ID)
	if err != nil {
		return ViewChange{}, err
	}
	open, err := s.store.OpenOutage(ctx, s.chain.ID)
	if err != nil {
		return ViewChange{}, err
	}
	o := s.chain.Observe(open, cur, scanned, now)
	vc := ViewChange{Stale: o.Stale}
	switch {
	case o.Start != nil:
		vc.Began, err = o.Start, s.store.BeginOutage(ctx, *o.Start)
	case !o.End.IsZero():
		ended := *open
		ended.End = o.End
		vc.Ended, err = &ended, s.store.EndOutage(ctx, s.chain.ID, o.End)
	}
	return vc, err
}
