package settlement

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
)

// Sweeper holds the use cases of the settlement workflows: collect deposits, open a payout
// for a due batch, and settle it once its sweep is confirmed.
type Sweeper struct {
	ledger Ledger
	sweeps SweepChain
	wallet GasWallet
	enc    Encoder
	chains chain.Config
	policy Policy
	now    func() time.Time
}

// NewSweeper wires the settlement use cases.
func NewSweeper(ledger Ledger, sweeps SweepChain, wallet GasWallet, enc Encoder, chains chain.Config, policy Policy,
	now func() time.Time) (*Sweeper, error) {
	if ledger == nil || sweeps == nil || wallet == nil || enc == nil || now == nil {
		return nil, errors.New("settlement.NewSweeper: nil dependency")
	}
	return &Sweeper{ledger: ledger, sweeps: sweeps, wallet: wallet, enc: enc, chains: chains, policy: policy, now: now}, nil
}

// Waiting is what a settlement holds: its deposits no payout holds, and whether they are due.
type Waiting struct {
	Deposits int
	Due      bool
	Wake     time.Time // when age makes them due (zero if due or none)
}

// Collect records new deposits of k as pending balance transactions and tells what waits.
func (s *Sweeper) Collect(ctx context.Context, k SweepKey) (Waiting, error) {
	deposits, err := s.deposits(ctx, k)
	if err != nil {
		return Waiting{}, err
	}
	due, wake := s.policy.Due(deposits, s.now())
	return Waiting{Deposits: len(deposits), Due: due, Wake: wake}, nil
}

func (s *Sweeper) deposits(ctx context.Context, k SweepKey) ([]Deposit, error) {
	return s.ledger.RecordDeposits(ctx, k, func(d Deposit) (BalanceTransaction, error) {
		return NewBalanceTransaction(ident.New("txn"), d, s.now())
	})
}

// Unswept lists the settlements that have deposits waiting, so their workflows can be nudged.
func (s *Sweeper) Unswept(ctx context.Context) ([]SweepKey, error) {
	keys, err := s.ledger.Unswept(ctx)
	if err != nil {
		return nil, fmt.Errorf("settlements with deposits waiting: %w", err)
	}
	return keys, nil
}

// Batch is an opened payout and the transaction that sweeps it.
type Batch struct {
	PayoutID   string
	Factory    Address
	Data       []byte
	Forwarders int
	Deposits   int
}

// Open plans the next batch of k's deposits and opens its payout under id (ok false: nothing
// waits). Opening id again returns the batch it holds, so a retried call opens nothing twice.
func (s *Sweeper) Open(ctx context.Context, k SweepKey, id string) (Batch, bool, error) {
	held, err := s.ledger.PayoutDeposits(ctx, id)
	if err != nil {
		return Batch{}, false, fmt.Errorf("deposits of payout %s: %w", id, err)
	}
	if len(held) > 0 {
		batch, covered := Policy{}.Plan(held)
		return s.batch(id, batch, covered)
	}
	deposits, err := s.deposits(ctx, k)
	if err != nil || len(deposits) == 0 {
		return Batch{}, false, err
	}
	batch, covered := s.policy.Plan(deposits)
	p, err := NewPayout(id, batch, covered, s.now())
	if err != nil {
		return Batch{}, false, err
	}
	b, ok, err := s.batch(id, batch, covered)
	if err != nil {
		return b, ok, err
	}
	if err := s.ledger.CreatePayout(ctx, p, covered); err != nil {
		return Batch{}, false, fmt.Errorf("open payout of %d deposits: %w", len(covered), err)
	}
	return b, true, nil
}

func (s *Sweeper) batch(id string, batch []Sweep, covered []Deposit) (Batch, bool, error) {
	data, err := s.sweeps.SweepCall(covered[0].Factory, batch)
	if err != nil {
		return Batch{}, false, fmt.Errorf("sweep call of payout %s: %w", id, err)
	}
	return Batch{PayoutID: id, Factory: covered[0].Factory, Data: data, Forwarders: len(batch), Deposits: len(covered)}, true, nil
}

// Sent records the sweep transaction that carries payout id.
func (s *Sweeper) Sent(ctx context.Context, id, txHash string) error {
	_, err := s.ledger.UpdatePayout(ctx, id, func(p *Payout, _ []BalanceTransaction) ([]BalanceTransaction, []event.Event, error) {
		if p.Status == PayoutInTransit && p.TxHash == txHash {
			return nil, nil, nil
		}
		return nil, nil, p.Sent(txHash)
	})
	return err
}

// Fail fails payout id (its lines are released for a later sweep); a settled one stays as it is.
func (s *Sweeper) Fail(ctx context.Context, id, code string) error {
	_, err := s.ledger.UpdatePayout(ctx, id, func(p *Payout, lines []BalanceTransaction) ([]BalanceTransaction, []event.Event, error) {
		if p.Status == PayoutPaid || p.Status == PayoutFailed {
			return nil, nil, nil
		}
		before := *p
		released, err := p.Fail(code, lines)
		if err != nil {
			return nil, nil, err
		}
		events, err := PayoutEvents(ctx, s.enc, before, *p, s.now())
		return released, events, err
	})
	return err
}

// Progress is where a payout's sweep stands.
type Progress struct {
	Status        PayoutStatus
	TxHash        string
	Confirmations uint64
}

// Check looks for payout id's sweep on chain: mined and deep enough, it settles the payout
// (paid, or failed when the sweep reverted); otherwise it reports the payout in transit.
// Settling is idempotent: a payout already settled reports its status.
func (s *Sweeper) Check(ctx context.Context, chainID int64, id string) (Progress, error) {
	ch, ok := s.chains.Chain(chainID)
	if !ok {
		return Progress{}, fmt.Errorf("chain %d is not configured", chainID)
	}
	sent, err := s.wallet.Sent(ctx, chainID, id)
	if err != nil || len(sent) == 0 {
		return Progress{Status: PayoutPending}, err
	}
	hashes := Hashes(sent)
	mined, found, err := s.sweeps.SweepReceipt(ctx, chainID, hashes)
	if err != nil || !found {
		return Progress{Status: PayoutInTransit, TxHash: hashes[len(hashes)-1]}, err
	}
	head, err := s.sweeps.Head(ctx, chainID)
	if err != nil {
		return Progress{}, err
	}
	depth := chain.Depth(head, mined.BlockNumber)
	if depth < uint64(ch.Confirmations) {
		return Progress{Status: PayoutInTransit, TxHash: mined.Hash, Confirmations: depth}, nil
	}
	p, err := s.settle(ctx, ch, id, mined)
	return Progress{Status: p.Status, TxHash: mined.Hash, Confirmations: depth}, err
}

func (s *Sweeper) settle(ctx context.Context, ch chain.Chain, id string, mined MinedSweep) (Payout, error) {
	return s.ledger.UpdatePayout(ctx, id, func(p *Payout, lines []BalanceTransaction) ([]BalanceTransaction, []event.Event, error) {
		if p.Status == PayoutPaid || p.Status == PayoutFailed {
			return nil, nil, nil
		}
		before := *p
		if p.Status == PayoutPending || p.TxHash != mined.Hash {
			if err := p.Sent(mined.Hash); err != nil {
				return nil, nil, err
			}
		}
		var out []BalanceTransaction
		var err error
		if mined.Succeeded {
			out, err = p.Paid(Receipt{TxHash: mined.Hash, Flushed: assetsOf(ch, mined.Flushed), NetworkFee: mined.NetworkFee,
				At: mined.BlockTime}, lines)
		} else {
			out, err = p.Fail("sweep_reverted", lines)
		}
		if err != nil {
			return nil, nil, err
		}
		events, err := PayoutEvents(ctx, s.enc, before, *p, s.now())
		return out, events, err
	})
}

// assetsOf names the asset of each flushed amount by the chain's configuration; a token the
// configuration does not list keeps its contract address as its name.
func assetsOf(ch chain.Chain, flushed []Flushed) []Flushed {
	out := append([]Flushed(nil), flushed...)
	for i, f := range out {
		out[i].AssetID = f.Token.String()
		for _, a := range ch.Assets() {
			native := a.Contract == "" && f.Token.IsZero()
			if native || (a.Contract != "" && strings.EqualFold(a.Contract, f.Token.String())) {
				out[i].AssetID = a.ID
				break
			}
		}
	}
	return out
}
