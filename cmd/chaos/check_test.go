package main

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// The checker classifies each broken expectation; a healthy session of each kind has none.
func TestExpect(t *testing.T) {
	paidOK := func() *observed {
		return &observed{status: "complete", paymentStatus: "paid", credited: big.NewInt(100), onChain: big.NewInt(100),
			paymentRows: 1, transfers: 1, completedEvents: []string{"evt_1"}, received: map[string]bool{"evt_1": true}}
	}
	expiredOK := func() *observed {
		return &observed{status: "expired", paymentStatus: "unpaid", credited: new(big.Int), onChain: new(big.Int), received: map[string]bool{}}
	}
	tests := []struct {
		name   string
		kind   string
		mutate func(*observed)
		want   []string // classes, in order
	}{
		{"paid and delivered", kindFull, func(*observed) {}, nil},
		{"over, topped up: same contract", kindOver, func(*observed) {}, nil},
		{"expired unpaid", kindUnpaid, nil, nil},
		{"late payment recorded", kindLate, func(o *observed) { o.credited, o.onChain = big.NewInt(5), big.NewInt(5) }, nil},
		{"paid but still open", kindFull, func(o *observed) { o.status, o.paymentStatus, o.completedEvents = "open", "unpaid", nil }, []string{"lost"}},
		{"credited less than on chain", kindPartial, func(o *observed) { o.credited = big.NewInt(60) }, []string{"lost"}},
		{"credited more than on chain", kindFull, func(o *observed) { o.credited = big.NewInt(200) }, []string{"duplicated"}},
		{"a transfer counted twice", kindFull, func(o *observed) { o.paymentRows = 2 }, []string{"duplicated"}},
		{"two completed events", kindFull, func(o *observed) { o.completedEvents = []string{"evt_1", "evt_2"} }, []string{"duplicated"}},
		{"two completed ids received", kindFull, func(o *observed) { o.received["evt_2"] = true }, []string{"duplicated"}},
		{"completed event never delivered", kindFull, func(o *observed) { o.received = map[string]bool{} }, []string{"lost"}},
		{"payment still confirming", kindFull, func(o *observed) { o.unconfirmed = 1 }, []string{"stuck"}},
		{"expired on request but completed", kindLate, func(o *observed) { o.status, o.completedEvents = "complete", []string{"evt_1"} }, []string{"duplicated"}},
		{"expired on request but still open", kindUnpaid, func(o *observed) { o.status = "open" }, []string{"stuck"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := paidOK()
			if tt.kind == kindLate || tt.kind == kindUnpaid {
				o = expiredOK()
			}
			if tt.mutate != nil {
				tt.mutate(o)
			}
			rec := &record{plan: plan{Kind: tt.kind}, ID: "cs_test_1", Due: "100", ExpiredAt: time.Now().Add(-time.Hour)}
			var got []string
			for _, p := range expect(rec, o) {
				got = append(got, p.class)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("classes %v, want %v", got, tt.want)
			}
		})
	}
}

// A seed fixes the session mix and the fault schedule, so a failing run can be repeated.
func TestSeedRepeatsTheRun(t *testing.T) {
	c := config{sessions: 300, rate: 1, rpcDrop: time.Minute, hookDown: 2 * time.Minute, reorg: true}
	draw := func(seed uint64) ([]plan, []fault) {
		rng := rand.New(rand.NewPCG(seed, 1))
		ps := plans(rng, c)
		return ps, schedule(rng, c, ps[len(ps)-1].Offset)
	}
	p1, f1 := draw(1)
	p2, f2 := draw(1)
	if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(f1, f2) {
		t.Fatal("the same seed drew different runs")
	}
	if _, f3 := draw(2); reflect.DeepEqual(f1, f3) {
		t.Error("another seed drew the same faults")
	}
	kinds := map[string]int{}
	for _, f := range f1 {
		kinds[f.kind]++
	}
	for _, k := range faultKinds {
		if kinds[k] == 0 {
			t.Errorf("no %s in a default run", k)
		}
	}
}
