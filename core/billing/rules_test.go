package billing

import (
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/catalog"
)

const dayDur = 24 * time.Hour

// newSub is a monthly test subscription anchored at anchor, its first invoice paid.
func newSub(anchor string) (*Subscription, *Invoice) {
	a := day(anchor)
	s := &Subscription{ID: "sub_1", Status: StatusActive, Currency: "usd", Plan: Plan{catalog.Month, 1}, Anchor: a,
		CurrentPeriodStart: a, CurrentPeriodEnd: Plan{catalog.Month, 1}.PeriodBoundary(a, 1), DaysUntilDue: 1,
		Items: []Item{{Amount: 1500}}, LatestInvoice: InvoiceID("sub_1", 0)}
	return s, &Invoice{ID: s.LatestInvoice, Status: InvoicePaid, PeriodStart: a, PeriodEnd: s.CurrentPeriodEnd}
}

func TestAdvance(t *testing.T) {
	type check struct {
		at       string // real time of the Advance call
		pay      bool   // pay the latest invoice first, at the same time
		failed   int
		renewed  bool
		ended    bool
		status   Status
		invoice  InvoiceStatus
		attempts int
	}
	cases := []struct {
		name    string
		dunning Dunning
		edit    func(*Subscription)
		steps   []check
	}{
		{"renews at the period end, not before", DefaultDunning, nil, []check{
			{at: "2027-02-28 09:59:59", status: StatusActive, invoice: InvoicePaid},
			{at: "2027-02-28 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
		}},
		{"unpaid invoice: three tries over seven days, then canceled", DefaultDunning, nil, []check{
			{at: "2027-02-28 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
			{at: "2027-03-01 10:00:00", failed: 1, status: StatusPastDue, invoice: InvoiceOpen, attempts: 1},
			{at: "2027-03-03 10:00:00", status: StatusPastDue, invoice: InvoiceOpen, attempts: 1},
			{at: "2027-03-09 10:00:00", failed: 2, ended: true, status: StatusCanceled, invoice: InvoiceUncollectible, attempts: 3},
			{at: "2027-04-30 10:00:00", status: StatusCanceled, invoice: InvoiceUncollectible, attempts: 3},
		}},
		{"paid late after a failed try: active again, renews on time", DefaultDunning, nil, []check{
			{at: "2027-02-28 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
			{at: "2027-03-02 10:00:00", failed: 1, status: StatusPastDue, invoice: InvoiceOpen, attempts: 1},
			{at: "2027-03-02 11:00:00", pay: true, status: StatusActive, invoice: InvoicePaid, attempts: 1},
			{at: "2027-03-31 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
		}},
		{"final unpaid: renewals stop until paid", Dunning{Tries: []time.Duration{0, dayDur}, Final: StatusUnpaid}, nil, []check{
			{at: "2027-02-28 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
			{at: "2027-03-02 10:00:00", failed: 2, status: StatusUnpaid, invoice: InvoiceOpen, attempts: 2},
			{at: "2027-05-01 10:00:00", status: StatusUnpaid, invoice: InvoiceOpen, attempts: 2},
			{at: "2027-05-01 10:00:01", pay: true, status: StatusActive, invoice: InvoicePaid, attempts: 2},
			{at: "2027-06-01 10:00:01", renewed: true, status: StatusActive, invoice: InvoiceOpen},
		}},
		{"cancel at period end ends it there", DefaultDunning, func(s *Subscription) { s.CancelAtPeriodEnd = true }, []check{
			{at: "2027-02-28 10:00:00", ended: true, status: StatusCanceled, invoice: InvoicePaid},
		}},
		{"tries never pass the period end (daily plan)", DefaultDunning, func(s *Subscription) {
			s.Plan = Plan{catalog.Day, 1}
			s.CurrentPeriodEnd = s.Plan.PeriodBoundary(s.Anchor, 1)
		}, []check{
			{at: "2027-02-01 10:00:00", renewed: true, failed: 0, status: StatusActive, invoice: InvoiceOpen},
			{at: "2027-02-02 10:00:00", failed: 3, ended: true, status: StatusCanceled, invoice: InvoiceUncollectible, attempts: 3},
		}},
		{"a test clock moves its time", DefaultDunning, func(s *Subscription) { s.ClockOffset = 28 * dayDur }, []check{
			{at: "2027-01-31 10:00:00", renewed: true, status: StatusActive, invoice: InvoiceOpen},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, inv := newSub("2027-01-31 10:00:00")
			if c.edit != nil {
				c.edit(s)
			}
			for i, st := range c.steps {
				now := day(st.at)
				if st.pay {
					if err := s.Pay(inv, now); err != nil {
						t.Fatalf("step %d: pay: %v", i, err)
					}
				}
				step := s.Advance(inv, c.dunning, now)
				if step.Renewed != nil {
					if step.Renewed.ID != s.LatestInvoice || step.Renewed.AmountDue != 1500 || !step.Renewed.PeriodEnd.Equal(s.CurrentPeriodEnd) {
						t.Fatalf("step %d: renewed invoice %+v", i, step.Renewed)
					}
					inv = step.Renewed
				}
				if step.Failed != st.failed || (step.Renewed != nil) != st.renewed || step.Ended != st.ended ||
					s.Status != st.status || inv.Status != st.invoice || inv.Attempts != st.attempts {
					t.Fatalf("step %d at %s: step %+v, sub %s, invoice %s attempts %d; want %+v", i, st.at, step, s.Status,
						inv.Status, inv.Attempts, st)
				}
				if again := s.Advance(inv, c.dunning, now); step.Renewed == nil && again.Changed() {
					t.Fatalf("step %d: a second Advance at the same time did more: %+v", i, again)
				}
			}
		})
	}
}

func TestThirteenMonthlyRenewalsFromJan31(t *testing.T) {
	s, inv := newSub("2027-01-31 10:00:00")
	var ends []string
	for range 13 {
		next, ok := s.NextAt(inv, DefaultDunning)
		if !ok {
			t.Fatalf("nothing scheduled: %+v", s)
		}
		step := s.Advance(inv, DefaultDunning, next)
		if step.Renewed == nil {
			t.Fatalf("no renewal at %s: %+v (invoice %+v)", next, step, inv)
		}
		inv = step.Renewed
		if err := s.Pay(inv, next.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, inv.PeriodStart.Format("01-02"))
	}
	want := []string{"02-28", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30", "10-31", "11-30", "12-31", "01-31", "02-29"}
	for i := range want {
		if ends[i] != want[i] {
			t.Fatalf("period starts %v, want %v", ends, want)
		}
	}
	if s.Period != 13 || s.Status != StatusActive {
		t.Errorf("period %d status %s", s.Period, s.Status)
	}
}

func TestCancelUpdateAndClock(t *testing.T) {
	now := day("2027-02-10 00:00:00")
	s, _ := newSub("2027-01-31 10:00:00")
	open := &Invoice{ID: "in_open", Status: InvoiceOpen}
	if err := s.Cancel(open, now); err != nil || s.Status != StatusCanceled || open.Status != InvoiceVoid || !s.EndedAt.Equal(now) {
		t.Fatalf("cancel: %v, %+v, invoice %s", err, s, open.Status)
	}
	if err := s.Cancel(open, now); err == nil {
		t.Error("canceling twice succeeded")
	}
	yes := true
	if err := s.Apply(UpdateRequest{CancelAtPeriodEnd: &yes}, nil, now); err == nil {
		t.Error("a canceled subscription took cancel_at_period_end")
	}
	if err := s.Apply(UpdateRequest{}, map[string]string{"k": "v"}, now); err != nil || s.Metadata["k"] != "v" {
		t.Errorf("metadata on a canceled subscription: %v", err)
	}
	if err := s.Pay(open, now); err == nil {
		t.Error("a void invoice was paid")
	}

	clock := []struct {
		name   string
		live   bool
		frozen string
		ok     bool
	}{
		{"forward", false, "2027-03-01 00:00:00", true},
		{"backward", false, "2027-02-01 00:00:00", false},
		{"past two more periods", false, "2027-05-01 00:00:00", false},
		{"up to two more periods", false, "2027-04-30 10:00:00", true},
		{"live mode", true, "2027-03-01 00:00:00", false},
	}
	for _, c := range clock {
		s, _ := newSub("2027-01-31 10:00:00")
		s.Livemode = c.live
		err := s.SetClock(day(c.frozen), now)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.name, err)
		}
		if err == nil && !s.Now(now).Equal(day(c.frozen)) {
			t.Errorf("%s: clock at %s", c.name, s.Now(now))
		}
	}
}

func TestDunningValidate(t *testing.T) {
	cases := map[string]struct {
		d  Dunning
		ok bool
	}{
		"default":      {DefaultDunning, true},
		"none":         {Dunning{Final: StatusCanceled}, false},
		"backwards":    {Dunning{Tries: []time.Duration{dayDur, 0}, Final: StatusCanceled}, false},
		"final active": {Dunning{Tries: []time.Duration{0}, Final: StatusActive}, false},
		"final unpaid": {Dunning{Tries: []time.Duration{0}, Final: StatusUnpaid}, true},
		"negative":     {Dunning{Tries: []time.Duration{-time.Hour}, Final: StatusUnpaid}, false},
		"eleven tries": {Dunning{Tries: make([]time.Duration, 11), Final: StatusUnpaid}, false},
	}
	for name, c := range cases {
		if err := c.d.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: %v", name, err)
		}
	}
}
