package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
)

// ScannerInput starts (or continues) a chain's scanner.
type ScannerInput struct {
	ChainID int64
}

// ScanResult is one ScanChain activity's outcome, as the workflow history shows it.
type ScanResult struct {
	From, To uint64
	Head     uint64
	Reorg    bool
	Changes  []chain.Change
}

// scannerIterations bounds one run's history; then the scanner continues as new.
const scannerIterations = 500

var scanOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	HeartbeatTimeout:    15 * time.Second, // a killed worker's scan is retried elsewhere this soon
	RetryPolicy: &temporal.RetryPolicy{ // an RPC node or database outage is waited out, never skipped
		// at most 10 s apart: one failed call per try costs little, and sessions wait on recovery
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second,
	},
}

// ChainScanner is the single reader of one chain (workflow ID chain-scanner/<chain id>: the
// ID's uniqueness keeps one across any number of workers). Each step reads new blocks once,
// records matching transfers, and signals the sessions whose payments changed.
func ChainScanner(ctx workflow.Context, in ScannerInput) error {
	ctx = workflow.WithActivityOptions(ctx, scanOptions)
	log := workflow.GetLogger(ctx)
	for i := 0; i < scannerIterations && !workflow.GetInfo(ctx).GetContinueAsNewSuggested(); i++ {
		var res ScanResult
		if err := workflow.ExecuteActivity(ctx, (*ScanActivities).ScanChain, in.ChainID).Get(ctx, &res); err != nil {
			return err
		}
		if res.Reorg {
			log.Warn("reorg undone", "chain", in.ChainID, "fork_at", res.To, "changes", len(res.Changes))
		}
		// One signal per session per step, in a stable order (no map iteration in a workflow).
		changes := slices.Clone(res.Changes)
		sort.SliceStable(changes, func(i, j int) bool { return changes[i].SessionID < changes[j].SessionID })
		var ids []string
		var futures []workflow.Future
		for i, c := range changes {
			if i+1 < len(changes) && changes[i+1].SessionID == c.SessionID {
				continue // the session's last change of this step speaks for all
			}
			ids = append(ids, c.SessionID)
			futures = append(futures, workflow.SignalExternalWorkflow(ctx, SessionWorkflowID(c.SessionID), "", SignalPayments,
				PaymentsChanged{ChainID: in.ChainID, TxHash: c.TxHash, Status: string(c.Status)}))
		}
		for i, f := range futures {
			if err := f.Get(ctx, nil); err != nil {
				// The session's workflow ended (past its monitoring window): the payment is on record
				// in Postgres and its state is final, so there is no one left to tell.
				log.Warn("could not signal session", "session", ids[i], "err", err)
			}
		}
	}
	return workflow.NewContinueAsNewError(ctx, ChainScanner, in)
}

// ScanActivities read chains for the scanner workflows.
type ScanActivities struct {
	scanners map[int64]*chain.Scanner
	now      func() time.Time
	// IdlePoll is how often ScanChain looks for a new head while the chain is quiet.
	IdlePoll time.Duration
}

// NewScanActivities wires the scanners, by chain ID (a worker may have none).
func NewScanActivities(scanners map[int64]*chain.Scanner, now func() time.Time, idlePoll time.Duration) (*ScanActivities, error) {
	if scanners == nil || now == nil || idlePoll <= 0 {
		return nil, errors.New("workflows.NewScanActivities: nil dependency or no idle poll")
	}
	return &ScanActivities{scanners: scanners, now: now, IdlePoll: idlePoll}, nil
}

// ScanChain scans the next blocks of a chain, waiting (with heartbeats) up to about 15 s for
// a new block when the chain is quiet, so each workflow iteration is real progress.
func (a *ScanActivities) ScanChain(ctx context.Context, chainID int64) (ScanResult, error) {
	sc, ok := a.scanners[chainID]
	if !ok {
		// A worker whose configuration lacks a chain it is asked to scan (a partial rollout):
		// said loudly and retried, so another worker, or this one fixed, takes the scan on.
		activity.GetLogger(ctx).Error("chain is not configured on this worker: its scanner waits", "chain", chainID)
		return ScanResult{}, fmt.Errorf("chain %d is not configured on this worker", chainID)
	}
	res, err := a.scan(ctx, sc, chainID)
	a.watchView(ctx, sc, chainID) // after every scan, failed ones too: an unreachable node is an outage
	return res, err
}

// watchView records the chain's view going stale or fresh again, and says so in the log.
func (a *ScanActivities) watchView(ctx context.Context, sc *chain.Scanner, chainID int64) {
	log := activity.GetLogger(ctx)
	vc, err := sc.WatchView(context.WithoutCancel(ctx), a.now())
	switch {
	case err != nil:
		log.Warn("could not record the chain's view", "chain", chainID, "err", err)
	case vc.Began != nil:
		log.Error("the chain's view is stale: its sessions will not expire until it recovers, and get the time back",
			"chain", chainID, "since", vc.Began.Start)
	case vc.Ended != nil:
		log.Info("the chain's view is fresh again", "chain", chainID, "outage", vc.Ended.End.Sub(vc.Ended.Start).Round(time.Second))
	}
}

func (a *ScanActivities) scan(ctx context.Context, sc *chain.Scanner, chainID int64) (ScanResult, error) {
	deadline := time.Now().Add(15 * time.Second)
	warned := false
	for {
		p, err := sc.Scan(ctx, a.now())
		if errors.Is(err, chain.ErrCursorMoved) {
			continue // another writer committed first (e.g. a previous attempt): read again
		}
		if err != nil {
			return ScanResult{}, err
		}
		activity.RecordHeartbeat(ctx, p.To)
		if p.Lagging && !warned {
			warned = true // once per attempt, not on every idle poll
			activity.GetLogger(ctx).Warn("the chain's node is behind the scanner: waiting", "chain", chainID, "head", p.Head)
		}
		if p.To >= p.From || p.Reorg || len(p.Changes) > 0 || time.Now().After(deadline) {
			return ScanResult{From: p.From, To: p.To, Head: p.Head, Reorg: p.Reorg, Changes: p.Changes}, nil
		}
		select {
		case <-ctx.Done():
			return ScanResult{}, ctx.Err()
		case <-activity.GetWorkerStopChannel(ctx): // what was read so far; the next scan runs elsewhere
			return ScanResult{From: p.From, To: p.To, Head: p.Head, Reorg: p.Reorg, Changes: p.Changes}, nil
		case <-time.After(a.IdlePoll):
		}
	}
}
