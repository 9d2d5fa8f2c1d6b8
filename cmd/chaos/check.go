package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/lib/pq"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	ethadapter "github.com/chaincheckout/checkout/adapters/ethereum"
)

// openBound is how long past its deadline (its due time, or an answered expire request) a
// session may still read open: the workflow's scan wait for the deadline is in it.
const openBound = 2 * time.Minute

// observed is one session as the checks see it, from the three sources.
type observed struct {
	status, paymentStatus string
	due                   time.Time  // expires_at, or later when an outage gave time back
	expiredAt             *time.Time // its checkout.session.expired event, if any
	credited              *big.Int   // confirmed, non-dust payments in Postgres
	unconfirmed           int        // payments still detected (not yet confirmed nor reverted)
	paymentRows           int
	completedEvents       []string // checkout.session.completed event ids in Postgres
	received              map[string]bool
	onChain               *big.Int // Transfer logs of tUSD to its address
	transfers             int
}

// problem is one broken expectation; class is lost, duplicated or stuck.
type problem struct{ class, session, what string }

type report struct {
	problems []problem
	notes    []string
	drain    time.Duration // from the end of the load until every check held (or the limit)
	drained  bool
	total    time.Duration
	pending  int // webhook deliveries still pending
}

func (r *report) failed() bool { return len(r.problems) > 0 }

func (r *report) count(class string) int {
	seen := map[string]bool{}
	for _, p := range r.problems {
		if p.class == class {
			seen[p.session] = true
		}
	}
	return len(seen)
}

// check evaluates every expectation until all hold or c.drain has passed since the load ended.
func check(ctx context.Context, c config, e env, res loadResult) (*report, error) {
	db, err := sql.Open("postgres", e.databaseURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tc, err := client.NewLazyClient(client.Options{HostPort: e.temporal, Namespace: "default"}) // Temporal may be restarting
	if err != nil {
		return nil, err
	}
	defer tc.Close()
	eth, err := ethclient.DialContext(ctx, e.rpcURL)
	if err != nil {
		return nil, err
	}
	defer eth.Close()
	for {
		rep, err := evaluate(ctx, c, e, res, db, tc, eth)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chaos: check:", err) // a source briefly away: look again
		}
		if err == nil {
			rep.drain = time.Since(res.ended)
			if !rep.failed() || rep.drain > c.drain {
				rep.drained = !rep.failed()
				return rep, nil
			}
			fmt.Printf("chaos: %s after the load: %d lost, %d duplicated, %d stuck, %d deliveries pending; waiting\n",
				rep.drain.Round(time.Second), rep.count("lost"), rep.count("duplicated"), rep.count("stuck"), rep.pending)
		}
		if err := sleep(ctx, 10*time.Second); err != nil {
			return nil, err
		}
	}
}

func evaluate(ctx context.Context, c config, e env, res loadResult, db *sql.DB, tc client.Client, eth *ethclient.Client) (*report, error) {
	rep := &report{notes: append([]string(nil), res.notes...)}
	var ids []string
	addrs := map[string]string{} // address (lower case) -> session
	for _, r := range res.records {
		if r.Err != "" {
			key := r.ID
			if key == "" {
				key = fmt.Sprintf("#%d", r.Index)
			}
			rep.problems = append(rep.problems, problem{"lost", key, "the load could not finish it: " + r.Err})
		}
		if r.ID != "" {
			ids = append(ids, r.ID)
		}
		if r.Address != "" {
			addrs[strings.ToLower(r.Address)] = r.ID
		}
	}
	obs, err := fromPostgres(ctx, db, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := fromChain(ctx, eth, e, addrs, obs); err != nil {
		return nil, fmt.Errorf("chain: %w", err)
	}
	if err := fromReceiver(filepath.Join(c.dir, "receiver.log"), obs); err != nil {
		return nil, fmt.Errorf("receiver log: %w", err)
	}
	for _, r := range res.records {
		if o := obs[r.ID]; r.ID != "" && o != nil {
			ps, notes := expect(r, o)
			rep.problems = append(rep.problems, ps...)
			rep.notes = append(rep.notes, notes...)
		} else if r.ID != "" {
			rep.problems = append(rep.problems, problem{"lost", r.ID, "not in Postgres"})
		}
	}
	more, err := globalChecks(ctx, db, tc, obs, rep)
	if err != nil {
		return nil, err
	}
	rep.problems = append(rep.problems, more...)
	return rep, nil
}

func fromPostgres(ctx context.Context, db *sql.DB, ids []string) (map[string]*observed, error) {
	rows, err := db.QueryContext(ctx, `
SELECT s.id, s.status, s.payment_status, COALESCE(s.deadline_extended_to, s.expires_at),
       COALESCE((SELECT sum(p.amount) FROM payments p WHERE p.session_id = s.id AND p.status = 'confirmed' AND NOT p.dust), 0)::text,
       (SELECT count(*) FROM payments p WHERE p.session_id = s.id AND p.status = 'detected'),
       (SELECT count(*) FROM payments p WHERE p.session_id = s.id AND p.status <> 'reverted'),
       COALESCE((SELECT array_agg(ev.id ORDER BY ev.seq) FROM events ev WHERE ev.session_id = s.id AND ev.type = 'checkout.session.completed'), '{}'),
       (SELECT min(ev.created_at) FROM events ev WHERE ev.session_id = s.id AND ev.type = 'checkout.session.expired')
FROM checkout_sessions s WHERE s.id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	obs := map[string]*observed{}
	for rows.Next() {
		var id, credited string
		o := &observed{received: map[string]bool{}, onChain: new(big.Int)}
		if err := rows.Scan(&id, &o.status, &o.paymentStatus, &o.due, &credited, &o.unconfirmed, &o.paymentRows, pq.Array(&o.completedEvents), &o.expiredAt); err != nil {
			return nil, err
		}
		o.credited, _ = new(big.Int).SetString(credited, 10)
		obs[id] = o
	}
	return obs, rows.Err()
}

// fromChain sums the tUSD Transfer logs to each session's address, from geth itself.
func fromChain(ctx context.Context, eth *ethclient.Client, e env, addrs map[string]string, obs map[string]*observed) error {
	logs, err := eth.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(0),
		Addresses: []common.Address{common.HexToAddress(e.asset.Contract)}, Topics: [][]common.Hash{{ethadapter.TransferTopic}}})
	if err != nil {
		return err
	}
	for _, l := range logs {
		if len(l.Topics) < 3 || l.Removed {
			continue
		}
		to := strings.ToLower(common.BytesToAddress(l.Topics[2].Bytes()).Hex())
		if o := obs[addrs[to]]; o != nil {
			o.onChain.Add(o.onChain, new(big.Int).SetBytes(l.Data))
			o.transfers++
		}
	}
	return nil
}

// fromReceiver reads which completed events the receiver accepted (answered 200), by session.
func fromReceiver(path string, obs map[string]*observed) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d delivery
		if json.Unmarshal(sc.Bytes(), &d) != nil || d.Status != 200 || d.Type != "checkout.session.completed" {
			continue
		}
		if o := obs[d.Session]; o != nil {
			o.received[d.EventID] = true
		}
	}
	return sc.Err()
}

// expect is the per-session contract: what its kind must end as. A paid session is judged by
// the transfers that reached the chain, not by what the payer meant to send: one the harness
// failed to land (a send refused, a reorg's re-broadcast lost) is a note about the harness,
// and the session must then wait for the rest, not complete. "lost" is value on chain to the
// session's address that was not credited, or a session paid in full on chain that did not
// complete and tell the merchant.
func expect(r *record, o *observed) (ps []problem, notes []string) {
	add := func(class, format string, args ...any) {
		ps = append(ps, problem{class, r.ID, fmt.Sprintf(format, args...)})
	}
	if sent := r.sentSum(); sent.Cmp(o.onChain) != 0 || r.SendErr != "" {
		n := fmt.Sprintf("harness: %s (%s) sent %s, %s reached its address on chain", r.ID, r.Kind, sent, o.onChain)
		if r.SendErr != "" {
			n += "; the payer: " + r.SendErr
		}
		notes = append(notes, n)
	}
	paid := r.Kind == kindFull || r.Kind == kindPartial || r.Kind == kindOver
	switch cmp := o.credited.Cmp(o.onChain); {
	case o.unconfirmed > 0:
		add("stuck", "%d payments still unconfirmed", o.unconfirmed)
	case cmp < 0:
		add("lost", "credited %s < %s on chain", o.credited, o.onChain)
	case cmp > 0:
		add("duplicated", "credited %s > %s on chain", o.credited, o.onChain)
	}
	if o.paymentRows > o.transfers {
		add("duplicated", "%d payment rows for %d transfers", o.paymentRows, o.transfers)
	}
	if len(o.completedEvents) > 1 {
		add("duplicated", "%d checkout.session.completed events: %v", len(o.completedEvents), o.completedEvents)
	}
	if len(o.received) > 1 {
		add("duplicated", "the receiver got %d distinct completed event ids", len(o.received))
	}
	if paid {
		due, ok := new(big.Int).SetString(r.Due, 10)
		switch {
		case !ok:
			// It never got an amount due: the load's error (a lost session) says why.
		case o.onChain.Cmp(due) < 0:
			if o.status == "complete" || len(o.completedEvents) > 0 {
				add("duplicated", "%s with %s of %s due on chain (%s)", o.status, o.onChain, r.Due, r.Kind)
			}
		case o.status != "complete" || o.paymentStatus != "paid":
			add("lost", "%s of %s due on chain (%s) but %s/%s", o.onChain, r.Due, r.Kind, o.status, o.paymentStatus)
		case len(o.completedEvents) == 0:
			add("lost", "complete without a checkout.session.completed event")
		case !o.received[o.completedEvents[0]]:
			add("lost", "checkout.session.completed %s not delivered", o.completedEvents[0])
		}
		return ps, notes
	}
	if len(o.completedEvents) > 0 || o.status == "complete" {
		add("duplicated", "%s session meant to expire became %s with %d completed events", r.Kind, o.status, len(o.completedEvents))
	}
	if r.Kind == kindTimeout { // expired by the clock: not open (the drain waits), not late
		switch {
		case o.status == "open":
			add("stuck", "still open, due %s", o.due.Format(time.TimeOnly))
		case o.expiredAt == nil:
			add("stuck", "%s without a checkout.session.expired event", o.status)
		case o.expiredAt.Sub(o.due) > openBound:
			add("stuck", "expired %s past its due time", o.expiredAt.Sub(o.due).Round(time.Second))
		}
		return ps, notes
	}
	if o.status == "open" && time.Since(r.ExpiredAt) > openBound {
		add("stuck", "still open %s after its expire request", time.Since(r.ExpiredAt).Round(time.Second))
	}
	return ps, notes
}

// globalChecks: no session of the merchant open past its expiry, no workflow failed or left
// running with a status Postgres has moved past, no webhook delivery failed or pending.
func globalChecks(ctx context.Context, db *sql.DB, tc client.Client, obs map[string]*observed, rep *report) ([]problem, error) {
	var ps []problem
	var overdue, failed int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'open' AND COALESCE(deadline_extended_to, expires_at) < now() - $1::interval) FROM checkout_sessions`,
		fmt.Sprintf("%d seconds", int(openBound.Seconds()))).Scan(&overdue); err != nil {
		return nil, err
	}
	for i := range overdue {
		ps = append(ps, problem{"stuck", fmt.Sprintf("overdue-%d", i), "open past its due time"})
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') FROM webhook_deliveries`).
		Scan(&rep.pending, &failed); err != nil {
		return nil, err
	}
	for i := range rep.pending {
		ps = append(ps, problem{"stuck", fmt.Sprintf("delivery-%d", i), "webhook delivery pending"})
	}
	for i := range failed {
		ps = append(ps, problem{"lost", fmt.Sprintf("delivery-failed-%d", i), "webhook delivery failed for good"})
	}
	open, err := listWorkflows(ctx, tc, `ExecutionStatus = 'Running' AND CheckoutStatus = 'open'`)
	if err != nil {
		return nil, fmt.Errorf("temporal visibility: %w", err)
	}
	for _, id := range open {
		sid := strings.TrimPrefix(id, "checkout/")
		if o := obs[sid]; o != nil && o.status != "open" {
			ps = append(ps, problem{"stuck", sid, "workflow running as open while Postgres says " + o.status})
		}
	}
	broken, err := listWorkflows(ctx, tc, `ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut'`)
	if err != nil {
		return nil, fmt.Errorf("temporal visibility: %w", err)
	}
	for _, id := range broken {
		ps = append(ps, problem{"stuck", id, "workflow ended failed, terminated or timed out"})
	}
	return ps, nil
}

func listWorkflows(ctx context.Context, tc client.Client, query string) ([]string, error) {
	var ids []string
	var token []byte
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, err
		}
		for _, ex := range resp.Executions {
			ids = append(ids, ex.Execution.WorkflowId)
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return ids, nil
		}
	}
}

// print writes the run's one table, then each problem and note.
func (r *report) print(w *os.File, c config, res loadResult) {
	byKind := map[string]int{}
	for _, rec := range res.records {
		byKind[rec.Kind]++
	}
	var mix []string
	for _, k := range kinds {
		mix = append(mix, fmt.Sprintf("%s %d", k, byKind[k]))
	}
	drain := r.drain.Round(time.Second).String()
	if !r.drained {
		drain = "not drained in " + c.drain.String()
	}
	fmt.Fprintf(w, "\nchaos seed %d: %d sessions (%s), load %s, total %s, %d API requests retried\n\n",
		c.seed, len(res.records), strings.Join(mix, ", "), res.duration.Round(time.Second), r.total.Round(time.Second), res.retries)
	fmt.Fprintln(w, "| sessions | api kill -9 | worker kill -9 | postgres restarts | temporal restarts | geth rpc drops | receiver outages | reorgs | lost | duplicated | stuck | time to drain |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	fmt.Fprintf(w, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n", len(res.records),
		res.faults[faultAPIKill], res.faults[faultWorkerKill], res.faults[faultPGRestart], res.faults[faultTemporal],
		res.faults[faultRPCDrop], res.faults[faultReceiverDown], res.faults[faultReorg],
		r.count("lost"), r.count("duplicated"), r.count("stuck"), drain)
	sort.Slice(r.problems, func(i, j int) bool {
		return r.problems[i].class+r.problems[i].session < r.problems[j].class+r.problems[j].session
	})
	for _, p := range r.problems {
		fmt.Fprintf(w, "%-10s %-40s %s\n", p.class, p.session, p.what)
	}
	for _, n := range r.notes {
		fmt.Fprintln(w, "note:", n)
	}
	if r.failed() {
		fmt.Fprintln(w, "\nFAIL: see above; state and logs in", c.dir)
	} else {
		fmt.Fprintln(w, "\nPASS")
	}
}
