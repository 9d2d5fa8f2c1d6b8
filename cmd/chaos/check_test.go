package main

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// The checker classifies each broken expectation; a healthy session of each kind has none. A
// paid session is judged by what reached the chain: a transfer the payer meant to send but did
// not land is a note about the harness, not a loss.
func TestExpect(t *testing.T) {
	paidOK := func() *observed {
		return &observed{status: "complete", paymentStatus: "paid", credited: big.NewInt(100), onChain: big.NewInt(100),
			paymentRows: 1, transfers: 1, completedEvents: []string{"evt_1"}, received: map[string]bool{"evt_1": true}}
	}
	expiredOK := func() *observed {
		due := time.Now().Add(-10 * time.Minute)
		at := due.Add(5 * time.Second)
		return &observed{status: "expired", paymentStatus: "unpaid", credited: new(big.Int), onChain: new(big.Int), received: map[string]bool{},
			due: due, expiredAt: &at}
	}
	// Nothing reached the address: the session is open and unpaid, as it should be.
	neverLanded := func(o *observed) {
		o.status, o.paymentStatus, o.completedEvents, o.received = "open", "unpaid", nil, map[string]bool{}
		o.credited, o.onChain, o.paymentRows, o.transfers = new(big.Int), new(big.Int), 0, 0
	}
	tests := []struct {
		name    string
		kind    string
		sent    []string // what the payer sent; "100" (the amount due) for paid kinds when nil
		sendErr string
		mutate  func(*observed)
		want    []string // classes, in order
		notes   int      // harness notes
	}{
		{"paid and delivered", kindFull, nil, "", func(*observed) {}, nil, 0},
		{"over, topped up: same contract", kindOver, nil, "", func(*observed) {}, nil, 0},
		{"expired unpaid", kindUnpaid, []string{}, "", nil, nil, 0},
		{"late payment recorded", kindLate, []string{"5"}, "", func(o *observed) { o.credited, o.onChain = big.NewInt(5), big.NewInt(5) }, nil, 0},
		{"paid but still open", kindFull, nil, "", func(o *observed) { o.status, o.paymentStatus, o.completedEvents = "open", "unpaid", nil }, []string{"lost"}, 0},
		{"landed but not credited", kindFull, nil, "", func(o *observed) {
			neverLanded(o)
			o.onChain, o.transfers = big.NewInt(100), 1
		}, []string{"lost", "lost"}, 0},
		{"credited less than on chain", kindPartial, nil, "", func(o *observed) { o.credited = big.NewInt(60) }, []string{"lost"}, 0},
		{"credited more than on chain", kindFull, nil, "", func(o *observed) { o.credited = big.NewInt(200) }, []string{"duplicated"}, 0},
		{"a transfer counted twice", kindFull, nil, "", func(o *observed) { o.paymentRows = 2 }, []string{"duplicated"}, 0},
		{"two completed events", kindFull, nil, "", func(o *observed) { o.completedEvents = []string{"evt_1", "evt_2"} }, []string{"duplicated"}, 0},
		{"two completed ids received", kindFull, nil, "", func(o *observed) { o.received["evt_2"] = true }, []string{"duplicated"}, 0},
		{"completed event never delivered", kindFull, nil, "", func(o *observed) { o.received = map[string]bool{} }, []string{"lost"}, 0},
		{"payment still confirming", kindFull, nil, "", func(o *observed) { o.unconfirmed = 1 }, []string{"stuck"}, 0},
		{"expired on request but completed", kindLate, []string{"5"}, "", func(o *observed) {
			o.status, o.completedEvents, o.credited, o.onChain = "complete", []string{"evt_1"}, big.NewInt(5), big.NewInt(5)
		}, []string{"duplicated"}, 0},
		{"expired on request but still open", kindUnpaid, []string{}, "", func(o *observed) { o.status = "open" }, []string{"stuck"}, 0},
		// The run that had a reorg's re-broadcast refused ("nonce too low"): sent, never landed.
		{"intended but never landed", kindFull, nil, "", neverLanded, nil, 1},
		{"send refused", kindFull, []string{}, "pay 100: eth_sendTransaction: nonce too low", neverLanded, nil, 1},
		{"top-up never landed", kindPartial, []string{"60", "40"}, "", func(o *observed) {
			neverLanded(o)
			o.credited, o.onChain, o.paymentRows, o.transfers = big.NewInt(60), big.NewInt(60), 1, 1
		}, nil, 1},
		{"never landed but completed", kindFull, nil, "", func(o *observed) {
			o.credited, o.onChain, o.paymentRows, o.transfers = new(big.Int), new(big.Int), 0, 0
		}, []string{"duplicated"}, 1},
		{"late payment never landed", kindLate, []string{"5"}, "", nil, nil, 1},
		{"expired by the clock", kindTimeout, []string{}, "", nil, nil, 0},
		{"underpaid, expired by the clock", kindTimeout, []string{"30"}, "", func(o *observed) {
			o.credited, o.onChain, o.paymentRows, o.transfers = big.NewInt(30), big.NewInt(30), 1, 1
		}, nil, 0},
		{"due but still open: the drain waits", kindTimeout, []string{}, "", func(o *observed) { o.status, o.expiredAt = "open", nil }, []string{"stuck"}, 0},
		{"expired minutes after its due time", kindTimeout, []string{}, "", func(o *observed) {
			at := o.due.Add(openBound + time.Second)
			o.expiredAt = &at
		}, []string{"stuck"}, 0},
		{"expired by an outage's extended due time", kindTimeout, []string{}, "", func(o *observed) {
			o.due = o.due.Add(90 * time.Second) // the row's deadline_extended_to
			at := o.due.Add(10 * time.Second)
			o.expiredAt = &at
		}, nil, 0},
		{"meant to expire but completed", kindTimeout, []string{}, "", func(o *observed) {
			o.status, o.expiredAt, o.completedEvents = "complete", nil, []string{"evt_1"}
		}, []string{"duplicated", "stuck"}, 0},
		{"more landed than sent", kindFull, nil, "", func(o *observed) {
			o.credited, o.onChain, o.paymentRows, o.transfers = big.NewInt(200), big.NewInt(200), 2, 2
		}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := paidOK()
			if tt.kind == kindLate || tt.kind == kindUnpaid || tt.kind == kindTimeout {
				o = expiredOK()
			}
			if tt.mutate != nil {
				tt.mutate(o)
			}
			sent := tt.sent
			if sent == nil {
				sent = []string{"100"}
			}
			rec := &record{plan: plan{Kind: tt.kind}, ID: "cs_test_1", Due: "100", Sent: sent, SendErr: tt.sendErr, ExpiredAt: time.Now().Add(-time.Hour)}
			var got []string
			ps, notes := expect(rec, o)
			for _, p := range ps {
				got = append(got, p.class)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("classes %v, want %v", got, tt.want)
			}
			if len(notes) != tt.notes {
				t.Errorf("notes %q, want %d", notes, tt.notes)
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
