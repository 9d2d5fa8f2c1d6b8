package chain

import (
	"context"
	"testing"
	"time"
)

func TestGiveBack(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	out := func(from, to int) Outage { return Outage{Start: at(from), End: at(to)} }
	open := func(from int) Outage { return Outage{Start: at(from)} }
	// Sessions open from minute 0, due at minute 60; now is minute 200 unless said.
	for _, c := range []struct {
		name    string
		outages []Outage
		now     int
		want    int
	}{
		{"no outage", nil, 200, 60},
		{"an outage before the session", []Outage{out(-30, -10)}, 200, 60},
		{"an outage after the deadline", []Outage{out(70, 90)}, 200, 60},
		{"an outage inside the session", []Outage{out(10, 20)}, 200, 70},
		{"an outage spanning creation counts from creation", []Outage{out(-10, 5)}, 200, 65},
		{"an outage across the deadline is given back whole", []Outage{out(50, 80)}, 200, 90},
		{"an outage in the time given back extends it again", []Outage{out(10, 20), out(65, 75)}, 200, 80},
		{"overlapping outages count once", []Outage{out(10, 30), out(20, 40)}, 200, 90},
		{"unsorted", []Outage{out(65, 75), out(10, 20)}, 200, 80},
		{"an outage ending at the deadline", []Outage{out(40, 60)}, 200, 80},
		{"an outage starting at the deadline is past it", []Outage{out(60, 70)}, 200, 60},
		{"an open outage lasts until now", []Outage{open(50)}, 100, 110},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := GiveBack(at(0), at(60), c.outages, at(c.now)); !got.Equal(at(c.want)) {
				t.Fatalf("deadline %v, want minute %d", got.Sub(t0), c.want)
			}
		})
	}
}

func TestObserveView(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ch := Chain{ID: 1, StaleAfterSeconds: 60}
	block := func(ageSeconds int) BlockRef {
		return BlockRef{Number: 9, Time: now.Add(-time.Duration(ageSeconds) * time.Second)}
	}
	open := &Outage{ChainID: 1, Start: now.Add(-time.Hour)}
	for _, c := range []struct {
		name      string
		open      *Outage
		cursor    BlockRef
		scanned   bool
		wantStart time.Time // zero: none begins
		wantEnd   bool
	}{
		{"fresh, nothing open", nil, block(10), true, time.Time{}, false},
		{"exactly at the limit is fresh", nil, block(60), true, time.Time{}, false},
		{"stale: begins when the block got too old", nil, block(300), true, now.Add(-240 * time.Second), false},
		{"stale, already open", open, block(300), true, time.Time{}, false},
		{"fresh again: the open one ends now", open, block(5), true, time.Time{}, true},
		{"never scanned: begins now", nil, BlockRef{}, false, now, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := ch.Observe(c.open, c.cursor, c.scanned, now)
			if (o.Start == nil) != c.wantStart.IsZero() || o.Start != nil && (!o.Start.Start.Equal(c.wantStart) || o.Start.ChainID != 1) {
				t.Fatalf("start %+v, want %v", o.Start, c.wantStart)
			}
			if !o.End.IsZero() != c.wantEnd || c.wantEnd && !o.End.Equal(now) {
				t.Fatalf("end %v, want ended %v", o.End, c.wantEnd)
			}
		})
	}
	if (Chain{}).StaleAfter() != DefaultStaleAfter {
		t.Fatal("a chain without stale_after_seconds takes the default")
	}
}

// The scanner records an outage when its newest block gets too old (the node went quiet),
// once however often it looks, and ends it when a scan brings the view up to date.
func TestWatchViewRecordsAnOutage(t *testing.T) {
	ctx := context.Background()
	f := newScanFixture(t, 10) // blocks 12 s apart from chainStart; cursor at block 10
	tip := chainStart.Add(10 * 12 * time.Second)
	look := func(at time.Time) ViewChange {
		t.Helper()
		vc, err := f.scanner.WatchView(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return vc
	}
	if vc := look(tip.Add(time.Minute)); vc.Stale || vc.Began != nil || vc.Ended != nil {
		t.Fatalf("a minute after the tip: %+v", vc)
	}
	began := look(tip.Add(10 * time.Minute))
	if !began.Stale || began.Began == nil || !began.Began.Start.Equal(tip.Add(DefaultStaleAfter)) {
		t.Fatalf("ten minutes after the tip: %+v, want an outage from %v", began, tip.Add(DefaultStaleAfter))
	}
	if again := look(tip.Add(11 * time.Minute)); again.Began != nil || len(f.store.outages) != 1 {
		t.Fatalf("a second look opened another outage: %+v %+v", again, f.store.outages)
	}
	f.node.extend("a", 60) // the node is back with twelve minutes of blocks
	f.scanAll(t)
	back := tip.Add(12 * time.Minute)
	ended := look(back)
	if ended.Stale || ended.Ended == nil || !ended.Ended.End.Equal(back) || !f.store.outages[0].End.Equal(back) {
		t.Fatalf("after catching up: %+v, stored %+v", ended, f.store.outages)
	}
}
