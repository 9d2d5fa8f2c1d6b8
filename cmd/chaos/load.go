package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// Session kinds: what the payer does, and so what the checks expect.
const (
	kindFull    = "full"    // pays what is due: complete
	kindPartial = "partial" // pays a part, then tops up: complete
	kindOver    = "over"    // pays more than due: complete
	kindLate    = "late"    // expired on request, then paid: expired, the payment recorded late
	kindUnpaid  = "unpaid"  // expired on request, never paid: expired
	kindTimeout = "timeout" // a short expires_at, paid in part or not at all: expired by the clock
)

var kinds = []string{kindFull, kindPartial, kindOver, kindLate, kindUnpaid, kindTimeout}

// timeoutLife is a timeout session's expires_at after its create: the cluster runs with
// CHECKOUT_MIN_SESSION_LIFETIME=1m so its workflow's timer, not a request, expires it.
const timeoutLife = 75 * time.Second

// pick draws a kind: half full, the rest spread over the others.
func pick(rng *rand.Rand) string {
	switch n := rng.IntN(100); {
	case n < 45:
		return kindFull
	case n < 50:
		return kindTimeout
	case n < 65:
		return kindPartial
	case n < 75:
		return kindOver
	case n < 85:
		return kindLate
	default:
		return kindUnpaid
	}
}

// plan is one session's script, drawn up front from the seed so a run repeats.
type plan struct {
	Index  int
	Kind   string
	Cents  int64         // unit_amount in USD cents
	Part   int64         // partial: per mille of the due paid first; over: per mille extra
	TopUp  time.Duration // partial: the wait before the top-up
	Offset time.Duration // when it starts, after the load begins
}

// record is what the payer did to one session.
type record struct {
	plan
	ID        string    `json:"id"`
	Address   string    `json:"address"`
	Due       string    `json:"due"`
	Sent      []string  `json:"sent"`                 // amounts of each transfer, base units
	Txs       []string  `json:"txs"`                  // the transaction carrying each, the last one sent
	Replaced  []string  `json:"replaced,omitempty"`   // transactions a reorg lost, sent again (payer.putBack)
	ExpiredAt time.Time `json:"expired_at,omitzero"`  // when the expire request was answered
	Err       string    `json:"error,omitempty"`      // the API kept refusing a step: the load could not finish it
	SendErr   string    `json:"send_error,omitempty"` // a transfer the payer could not send or see mined
}

func (r *record) sentSum() *big.Int {
	sum := new(big.Int)
	for _, s := range r.Sent {
		v, _ := new(big.Int).SetString(s, 10)
		sum.Add(sum, v)
	}
	return sum
}

// loadResult is the load phase's outcome: every session's record, the faults injected.
type loadResult struct {
	records  []*record
	faults   map[string]int
	notes    []string
	ended    time.Time // the last payment sent and the last fault over
	duration time.Duration
	retries  int64
}

func plans(rng *rand.Rand, c config) []plan {
	ps := make([]plan, c.sessions)
	for i := range ps {
		ps[i] = plan{Index: i, Kind: pick(rng), Cents: 100 + rng.Int64N(19_900),
			Part: 200 + rng.Int64N(600), TopUp: time.Duration(5+rng.IntN(25)) * time.Second,
			Offset: time.Duration(float64(i) / c.rate * float64(time.Second))}
	}
	return ps
}

// load runs the sessions (each in its own goroutine, started at its offset) and the faults.
func load(ctx context.Context, c config, e env, p *wiringtest.TCPProxy, r *receiver, sup *supervisor) (loadResult, error) {
	rng := rand.New(rand.NewPCG(uint64(c.seed), 0x636861_6f73))
	ps := plans(rng, c)
	span := ps[len(ps)-1].Offset
	fs := schedule(rng, c, span)
	for _, f := range fs {
		fmt.Printf("chaos: at %-5s %-18s %-16s %s\n", f.at.Round(time.Second), f.kind, f.target, f.dur)
	}
	node, err := ethereum.DialDevAccount(ctx, e.rpcURL)
	if err != nil {
		return loadResult{}, err
	}
	pay := &payer{node: node, asset: e.asset}
	in := &injector{c: c, e: e, proxy: p, recv: r, sup: sup, pay: pay, done: map[string]int{}}
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); in.run(ctx, start, fs) }()
	recs := make([]*record, len(ps))
	sem := make(chan struct{}, 48) // sessions in flight: a partial one lives 30 s or more
	for i, pl := range ps {
		recs[i] = &record{plan: pl}
		if err := sleep(ctx, time.Until(start.Add(pl.Offset))); err != nil {
			return loadResult{}, err
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(rec *record) {
			defer func() { <-sem; wg.Done() }()
			if err := paySession(ctx, e, pay, rec); err != nil {
				var failed *sendError
				if errors.As(err, &failed) {
					rec.SendErr = err.Error()
				} else {
					rec.Err = err.Error()
				}
				slog.Error("session", "index", rec.Index, "kind", rec.Kind, "id", rec.ID, "err", err)
			}
		}(recs[i])
		if i%50 == 49 {
			slog.Info("load", "sessions started", i+1, "of", len(ps))
		}
	}
	wg.Wait()
	pay.settle(ctx)
	res := loadResult{records: recs, faults: in.done, notes: in.notes, ended: time.Now(), duration: time.Since(start), retries: e.api.retry.Load()}
	return res, saveRecords(filepath.Join(c.dir, "sessions.json"), recs)
}

func saveRecords(path string, recs []*record) error {
	raw, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}

// sendError is a transfer the payer could not send or see mined: the harness's failure, not
// the service's (the checks judge the session by what reached the chain).
type sendError struct{ err error }

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// paySession creates the session, picks tUSD, and pays (or expires) it as its kind says.
func paySession(ctx context.Context, e env, p *payer, rec *record) error {
	send := func(amount *big.Int) error {
		if err := p.send(ctx, rec, amount); err != nil {
			return &sendError{err}
		}
		return nil
	}
	var s session
	form := url.Values{
		"mode":                                          {"payment"},
		"line_items[0][price_data][currency]":           {"usd"},
		"line_items[0][price_data][unit_amount]":        {fmt.Sprint(rec.Cents)},
		"line_items[0][price_data][product_data][name]": {"chaos item"},
		"line_items[0][quantity]":                       {"1"},
		"client_reference_id":                           {fmt.Sprintf("chaos-%d", rec.Index)},
		"metadata[chaos_kind]":                          {rec.Kind},
	}
	if rec.Kind == kindTimeout {
		form.Set("expires_at", fmt.Sprint(time.Now().Add(timeoutLife).Unix()))
	}
	idem := fmt.Sprintf("chaos-create-%d", rec.Index) // each run has a fresh database
	if err := e.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, idem, &s); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	rec.ID = s.ID
	if err := selectAsset(ctx, e, rec.ID, &s); err != nil {
		return err
	}
	rec.Address, rec.Due = s.Crypto.DepositAddress, s.Crypto.AmountDue
	due, ok := new(big.Int).SetString(s.Crypto.AmountDue, 10)
	if !ok || rec.Address == "" {
		return fmt.Errorf("select_asset gave no amount due or address: %+v", s.Crypto)
	}
	switch rec.Kind {
	case kindFull:
		return send(due)
	case kindOver:
		extra := new(big.Int).Div(new(big.Int).Mul(due, big.NewInt(rec.Part)), big.NewInt(1000))
		return send(new(big.Int).Add(due, extra.Add(extra, big.NewInt(1))))
	case kindPartial:
		part := new(big.Int).Div(new(big.Int).Mul(due, big.NewInt(rec.Part)), big.NewInt(1000))
		if err := send(part); err != nil {
			return err
		}
		if err := sleep(ctx, rec.TopUp); err != nil {
			return err
		}
		return send(new(big.Int).Sub(due, part))
	case kindLate:
		if err := expire(ctx, e, rec); err != nil {
			return err
		}
		return send(due)
	case kindUnpaid:
		return expire(ctx, e, rec)
	case kindTimeout:
		if rec.Part >= 500 { // half of them pay a part: underpaid when the clock expires them
			return nil
		}
		return send(new(big.Int).Div(new(big.Int).Mul(due, big.NewInt(rec.Part)), big.NewInt(1000)))
	}
	return fmt.Errorf("unknown kind %q", rec.Kind)
}

func selectAsset(ctx context.Context, e env, id string, s *session) error {
	err := e.api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+id+"/select_asset", url.Values{"asset": {"tusd@dev"}}, "", s)
	if err == nil {
		return nil
	}
	// An earlier attempt may have selected it before its answer was lost.
	if gerr := e.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+id, nil, "", s); gerr == nil && s.Crypto.Asset == "tusd@dev" && s.Crypto.DepositAddress != "" {
		return nil
	}
	return fmt.Errorf("select_asset: %w", err)
}

// expire asks the API to expire the session; an earlier attempt may have done it already.
func expire(ctx context.Context, e env, rec *record) error {
	var s session
	err := e.api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+rec.ID+"/expire", url.Values{}, "", &s)
	if err != nil {
		var definite *apiError
		if !errors.As(err, &definite) {
			return fmt.Errorf("expire: %w", err)
		}
		if gerr := e.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+rec.ID, nil, "", &s); gerr != nil || s.Status != "expired" {
			return fmt.Errorf("expire: %w", err)
		}
	}
	if s.Status != "expired" {
		return fmt.Errorf("expire answered status %q", s.Status)
	}
	rec.ExpiredAt = time.Now()
	return nil
}
