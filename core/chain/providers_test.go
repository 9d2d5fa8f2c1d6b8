package chain

import (
	"context"
	"errors"
	"testing"
)

var errDown = errors.New("dial tcp 127.0.0.1:1: connection refused")

func TestTrustHead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, b    Answer[uint64]
		want    uint64
		verdict Verdict
		fails   bool
	}{
		{"same head", Answer[uint64]{Value: 100}, Answer[uint64]{Value: 100}, 100, Agreed, false},
		{"first ahead: the lower", Answer[uint64]{Value: 103}, Answer[uint64]{Value: 100}, 100, Agreed, false},
		{"second ahead: the lower", Answer[uint64]{Value: 99}, Answer[uint64]{Value: 100}, 99, Agreed, false},
		{"second down: the first alone", Answer[uint64]{Value: 100}, Answer[uint64]{Err: errDown}, 100, FirstAlone, false},
		{"first down: the second alone", Answer[uint64]{Err: errDown}, Answer[uint64]{Value: 7}, 7, SecondAlone, false},
		{"both down", Answer[uint64]{Err: errDown}, Answer[uint64]{Err: errDown}, 0, NoneAnswered, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, v, err := TrustHead(tc.a, tc.b)
			if got != tc.want || v != tc.verdict || (err != nil) != tc.fails {
				t.Fatalf("TrustHead = %d, %s, %v; want %d, %s, fails %v", got, v, err, tc.want, tc.verdict, tc.fails)
			}
		})
	}
}

func TestTrustBlock(t *testing.T) {
	x := Block{BlockRef: BlockRef{Number: 5, Hash: "0xaaa", ParentHash: "0x111"}}
	y := Block{BlockRef: BlockRef{Number: 5, Hash: "0xbbb", ParentHash: "0x111"}}
	missing := Answer[Block]{Err: ErrBlockNotFound}
	down := Answer[Block]{Err: errDown}
	for _, tc := range []struct {
		name     string
		a, b     Answer[Block]
		want     string // the hash trusted; "" for none
		verdict  Verdict
		notFound bool // the scanner waits (ErrBlockNotFound)
		fails    bool // any error
	}{
		{"same hash", Answer[Block]{Value: x}, Answer[Block]{Value: x}, "0xaaa", Agreed, false, false},
		{"different hashes: neither", Answer[Block]{Value: x}, Answer[Block]{Value: y}, "", Disagreed, true, true},
		{"the second lacks it: wait", Answer[Block]{Value: x}, missing, "", OneLags, true, true},
		{"the first lacks it: wait", missing, Answer[Block]{Value: y}, "", OneLags, true, true},
		{"both lack it", missing, missing, "", Agreed, true, true},
		{"second down: the first alone", Answer[Block]{Value: x}, down, "0xaaa", FirstAlone, false, false},
		{"first down: the second alone", down, Answer[Block]{Value: y}, "0xbbb", SecondAlone, false, false},
		{"first down, the second lacks it", down, missing, "", SecondAlone, true, true},
		{"both down", down, down, "", NoneAnswered, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, v, err := TrustBlock(5, tc.a, tc.b)
			if got.Hash != tc.want || v != tc.verdict || errors.Is(err, ErrBlockNotFound) != tc.notFound || (err != nil) != tc.fails {
				t.Fatalf("TrustBlock = %q, %s, %v; want %q, %s, not found %v, fails %v", got.Hash, v, err, tc.want, tc.verdict, tc.notFound, tc.fails)
			}
		})
	}
}

func TestTrustBlockBothDownKeepsBothErrorsAndCancellation(t *testing.T) {
	other := errors.New("503 service unavailable")
	_, _, err := TrustBlock(5, Answer[Block]{Err: errDown}, Answer[Block]{Err: other})
	if !errors.Is(err, errDown) || !errors.Is(err, other) {
		t.Fatalf("both errors should surface: %v", err)
	}
	_, _, err = TrustBlock(5, Answer[Block]{Err: context.Canceled}, Answer[Block]{Err: context.Canceled})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled call should say so: %v", err)
	}
}
