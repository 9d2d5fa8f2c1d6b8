package ethereum_test

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
)

// Reason codes of SubscriptionCollector.collectable (its REASON_* constants).
const (
	reasonOK uint8 = iota
	reasonNoMandate
	reasonRevoked
	reasonAmount
	reasonTooEarly
	reasonAllowance
	reasonBalance
)

// collectorChain is the forwarder tests' chain (both kinds of ERC-20, a deployer, a stranger
// and a payer) plus a SubscriptionCollector, an operator (the service's gas wallet, which
// collects) and a payee, both funded so that they too can send transactions.
type collectorChain struct {
	*forwarderChain
	collectorAt       common.Address
	collector         *contracts.SubscriptionCollector
	operator, payeeK  *ecdsa.PrivateKey
	payee             common.Address
	tUSD, tUSDT       erc20
	collectorABI, erc *abi.ABI
}

// erc20 is what the tests need of either token binding (their methods have the same shapes).
type erc20 struct {
	name      string
	at        common.Address
	mint      func(*bind.TransactOpts, common.Address, *big.Int) (*types.Transaction, error)
	approve   func(*bind.TransactOpts, common.Address, *big.Int) (*types.Transaction, error)
	transfer  func(*bind.TransactOpts, common.Address, *big.Int) (*types.Transaction, error)
	balanceOf func(*bind.CallOpts, common.Address) (*big.Int, error)
}

func newCollectorChain(t *testing.T) *collectorChain {
	t.Helper()
	c := &collectorChain{forwarderChain: newForwarderChain(t), operator: mustKey(t), payeeK: mustKey(t)}
	c.payee = addr(c.payeeK)
	var err error
	if c.collectorAt, _, c.collector, err = contracts.DeploySubscriptionCollector(c.auth(c.deployer), c.client); err != nil {
		t.Fatal(err)
	}
	c.backend.Commit()
	c.sendETH(c.deployer, addr(c.operator), big.NewInt(1e18))
	c.sendETH(c.deployer, c.payee, big.NewInt(1e18))
	c.tUSD = erc20{"tUSD", c.tokenAt, c.token.Mint, c.token.Approve, c.token.Transfer, c.token.BalanceOf}
	c.tUSDT = erc20{"tUSDT", c.usdtAt, c.usdt.Mint, c.usdt.Approve, c.usdt.Transfer, c.usdt.BalanceOf}
	if c.collectorABI, err = contracts.SubscriptionCollectorMetaData.GetAbi(); err != nil {
		t.Fatal(err)
	}
	if c.erc, err = contracts.TestTokenMetaData.GetAbi(); err != nil {
		t.Fatal(err)
	}
	return c
}

// tokenNamed is the ERC-20 of that name: tUSD returns a bool like most tokens, tUSDT returns
// nothing like Tether.
func (c *collectorChain) tokenNamed(name string) erc20 {
	if name == c.tUSDT.name {
		return c.tUSDT
	}
	return c.tUSD
}

func subscriptionID(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }

// subscribe is a payer's whole setup: tokens to pay with, an allowance to the collector and
// a mandate for the payee.
func (c *collectorChain) subscribe(tok erc20, id [32]byte, maxPer *big.Int, interval uint64, allowance, balance int64) {
	c.t.Helper()
	c.mined(tok.mint(c.auth(c.deployer), addr(c.payer), big.NewInt(balance)))
	c.mined(tok.approve(c.auth(c.payer), c.collectorAt, big.NewInt(allowance)))
	r := c.mined(c.collector.Authorize(c.auth(c.payer), id, tok.at, c.payee, maxPer, interval))
	ev, err := c.collector.ParseMandateAuthorized(*r.Logs[0])
	if err != nil {
		c.t.Fatal(err)
	}
	if ev.Id != id || ev.Payer != addr(c.payer) || ev.Token != tok.at || ev.Payee != c.payee ||
		ev.MaxPerCollection.Cmp(maxPer) != 0 || ev.MinInterval != interval {
		c.t.Fatalf("MandateAuthorized %+v", ev)
	}
}

func (c *collectorChain) balanceOf(tok erc20, a common.Address) int64 {
	c.t.Helper()
	b, err := tok.balanceOf(nil, a)
	if err != nil {
		c.t.Fatal(err)
	}
	return b.Int64()
}

func (c *collectorChain) collectable(id [32]byte, amount int64) (bool, uint8) {
	c.t.Helper()
	res, err := c.collector.Collectable(nil, id, big.NewInt(amount))
	if err != nil {
		c.t.Fatalf("collectable reverted: %v", err)
	}
	return res.Ok, res.Reason
}

// revertOf names the error a refused call reverted with: a custom error of the collector or
// of OpenZeppelin's ERC20, with its arguments, or Error("...") for a require string.
func (c *collectorChain) revertOf(err error) string {
	data, ok := ethclient.RevertErrorData(err)
	if !ok {
		return fmt.Sprintf("no revert data (%v)", err)
	}
	if reason, err := abi.UnpackRevert(data); err == nil {
		return fmt.Sprintf("Error(%q)", reason)
	}
	if len(data) >= 4 {
		for _, a := range []*abi.ABI{c.collectorABI, c.erc} {
			if e, err := a.ErrorByID([4]byte(data[:4])); err == nil {
				args, _ := e.Unpack(data)
				return fmt.Sprintf("%s%v", e.Name, args)
			}
		}
	}
	return fmt.Sprintf("unknown revert %x", data)
}

// reverts checks that send fails both ways the service could meet it: gas estimation refuses
// it with the error want (name and arguments, as revertOf writes them), and, forced with a
// fixed gas limit, it is mined as a failed transaction.
func (c *collectorChain) reverts(from *ecdsa.PrivateKey, want string, send func(*bind.TransactOpts) (*types.Transaction, error)) {
	c.t.Helper()
	_, err := send(c.auth(from))
	if err == nil {
		c.t.Fatalf("want revert %s, gas estimation accepted it", want)
	}
	if got := c.revertOf(err); got != want {
		c.t.Fatalf("reverted with %s, want %s", got, want)
	}
	opts := c.auth(from)
	opts.GasLimit = 300_000
	tx, err := send(opts)
	if err != nil {
		c.t.Fatal(err)
	}
	c.backend.Commit()
	r, err := c.client.TransactionReceipt(context.Background(), tx.Hash())
	if err != nil {
		c.t.Fatal(err)
	}
	if r.Status != types.ReceiptStatusFailed {
		c.t.Fatalf("forced transaction did not fail (want %s)", want)
	}
}

func (c *collectorChain) collect(from *ecdsa.PrivateKey, id [32]byte, amount int64) *types.Receipt {
	c.t.Helper()
	return c.mined(c.collector.Collect(c.auth(from), id, big.NewInt(amount)))
}

func (c *collectorChain) blockTime(r *types.Receipt) uint64 {
	c.t.Helper()
	h, err := c.client.HeaderByNumber(context.Background(), r.BlockNumber)
	if err != nil {
		c.t.Fatal(err)
	}
	return h.Time
}

// advanceTo makes the head an empty block at time ts. AdjustTime refuses while the pool still lists a
// transaction, and the pool drops mined ones in the background; an empty Commit first waits
// for that (the simulated beacon syncs the pool before it seals).
func (c *collectorChain) advanceTo(ts uint64) {
	c.t.Helper()
	c.backend.Commit()
	head, err := c.client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	switch {
	case ts < head.Time:
		c.t.Fatalf("cannot go back to %d from %d", ts, head.Time)
	case ts > head.Time: // else the empty block is already at ts
		if err := c.backend.AdjustTime(time.Duration(ts-head.Time) * time.Second); err != nil {
			c.t.Fatal(err)
		}
	}
	if head, _ = c.client.HeaderByNumber(context.Background(), nil); head.Time != ts {
		c.t.Fatalf("head at %d, want %d", head.Time, ts)
	}
}

// The contract's reason constants are the ones the service reads.
func TestCollectorReasonCodes(t *testing.T) {
	c := newCollectorChain(t)
	for _, tc := range []struct {
		name string
		get  func(*bind.CallOpts) (uint8, error)
		want uint8
	}{
		{"REASON_OK", c.collector.REASONOK, reasonOK},
		{"REASON_NO_MANDATE", c.collector.REASONNOMANDATE, reasonNoMandate},
		{"REASON_REVOKED", c.collector.REASONREVOKED, reasonRevoked},
		{"REASON_AMOUNT", c.collector.REASONAMOUNT, reasonAmount},
		{"REASON_TOO_EARLY", c.collector.REASONTOOEARLY, reasonTooEarly},
		{"REASON_ALLOWANCE", c.collector.REASONALLOWANCE, reasonAllowance},
		{"REASON_BALANCE", c.collector.REASONBALANCE, reasonBalance},
	} {
		if got, err := tc.get(nil); err != nil || got != tc.want {
			t.Errorf("%s = %d (%v), want %d", tc.name, got, err, tc.want)
		}
	}
}

// A collection within the cap moves the amount from the payer to the payee named in the
// mandate, whoever sends it and with either kind of token; the caller and the contract
// receive nothing.
func TestCollectorPaysOnlyThePayee(t *testing.T) {
	for _, tokName := range []string{"tUSD", "tUSDT"} {
		for _, caller := range []string{"operator", "stranger", "payee", "payer"} {
			t.Run(tokName+"/"+caller, func(t *testing.T) {
				c := newCollectorChain(t)
				tok := c.tokenNamed(tokName)
				from := map[string]*ecdsa.PrivateKey{"operator": c.operator, "stranger": c.stranger, "payee": c.payeeK, "payer": c.payer}[caller]
				id := subscriptionID("sub_pays_" + caller)
				c.subscribe(tok, id, big.NewInt(10_000_000), 30*24*3600, 100_000_000, 50_000_000)
				if ok, reason := c.collectable(id, 9_990_000); !ok || reason != reasonOK {
					t.Fatalf("collectable = %v, %d", ok, reason)
				}

				r := c.collect(from, id, 9_990_000)
				if caller == "operator" {
					t.Logf("gas used by one collect (%s, first of the mandate): %d", tok.name, r.GasUsed)
				}
				if got := c.balanceOf(tok, c.payee); got != 9_990_000 {
					t.Errorf("payee holds %d", got)
				}
				if got := c.balanceOf(tok, addr(c.payer)); got != 50_000_000-9_990_000 {
					t.Errorf("payer holds %d", got)
				}
				if got := c.balanceOf(tok, c.collectorAt); got != 0 {
					t.Errorf("the collector holds %d", got)
				}
				if caller == "operator" || caller == "stranger" {
					if got := c.balanceOf(tok, addr(from)); got != 0 {
						t.Errorf("the caller holds %d", got)
					}
				}
				var collected *contracts.SubscriptionCollectorCollected
				for _, l := range r.Logs {
					if ev, err := c.collector.ParseCollected(*l); err == nil {
						collected = ev
					}
				}
				if collected == nil || collected.Id != id || collected.Amount.Int64() != 9_990_000 || collected.Count != 1 {
					t.Errorf("Collected %+v", collected)
				}
				m, err := c.collector.Mandate(nil, id)
				if err != nil {
					t.Fatal(err)
				}
				if m.Payer != addr(c.payer) || m.Payee != c.payee || m.Token != tok.at || m.Count != 1 ||
					m.LastCollectedAt != c.blockTime(r) || m.Revoked || m.MaxPerCollection.Int64() != 10_000_000 {
					t.Errorf("mandate %+v", m)
				}
			})
		}
	}
}

// Every way a collection is refused: gas estimation names the error, a forced transaction
// fails, collectable gives the matching reason without reverting, and nobody is paid.
func TestCollectorRefuses(t *testing.T) {
	const maxPer, amount = 10_000_000, 10_000_000
	type setup func(c *collectorChain, tok erc20, id [32]byte) (collectID [32]byte, amount int64)
	for _, tc := range []struct {
		name   string
		tokens []string
		setup  setup
		revert map[string]string // by token name, "" for either; COLLECTOR and PAYER stand for addresses
		reason uint8
	}{
		{"over the cap", []string{"tUSD", "tUSDT"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			return id, maxPer + 1
		}, map[string]string{"": "InvalidAmount[10000001 10000000]"}, reasonAmount},
		{"zero amount", []string{"tUSD"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			return id, 0
		}, map[string]string{"": "InvalidAmount[0 10000000]"}, reasonAmount},
		{"unknown mandate", []string{"tUSD"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			return subscriptionID("sub_never_authorized"), amount
		}, map[string]string{"": fmt.Sprintf("NoMandate[%v]", subscriptionID("sub_never_authorized"))}, reasonNoMandate},
		{"revoked mandate", []string{"tUSD", "tUSDT"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			c.mined(c.collector.Revoke(c.auth(c.payer), id))
			return id, amount
		}, map[string]string{"": fmt.Sprintf("MandateIsRevoked[%v]", subscriptionID("sub_refused"))}, reasonRevoked},
		{"allowance revoked on the token", []string{"tUSD", "tUSDT"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			c.mined(tok.approve(c.auth(c.payer), c.collectorAt, big.NewInt(0)))
			return id, amount
		}, map[string]string{
			"tUSD":  "ERC20InsufficientAllowance[COLLECTOR 0 10000000]",
			"tUSDT": `Error("allowance")`,
		}, reasonAllowance},
		{"allowance below the amount", []string{"tUSD"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			c.mined(tok.approve(c.auth(c.payer), c.collectorAt, big.NewInt(amount-1)))
			return id, amount
		}, map[string]string{"tUSD": "ERC20InsufficientAllowance[COLLECTOR 9999999 10000000]"}, reasonAllowance},
		{"balance below the amount", []string{"tUSD", "tUSDT"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			// The payer spends all but a little elsewhere.
			c.mined(tok.transfer(c.auth(c.payer), addr(c.stranger), big.NewInt(50_000_000-5)))
			return id, amount
		}, map[string]string{
			"tUSD":  "ERC20InsufficientBalance[PAYER 5 10000000]",
			"tUSDT": `Error("balance")`,
		}, reasonBalance},
		{"second collection within minInterval", []string{"tUSD", "tUSDT"}, func(c *collectorChain, tok erc20, id [32]byte) ([32]byte, int64) {
			c.collect(c.operator, id, 1)
			return id, amount
		}, map[string]string{"": "TooEarly"}, reasonTooEarly},
	} {
		for _, tokName := range tc.tokens {
			t.Run(tc.name+"/"+tokName, func(t *testing.T) {
				c := newCollectorChain(t)
				tok := c.tokenNamed(tokName)
				id := subscriptionID("sub_refused")
				c.subscribe(tok, id, big.NewInt(maxPer), 3600, 100_000_000, 50_000_000)
				collectID, amt := tc.setup(c, tok, id)
				payeeBefore := c.balanceOf(tok, c.payee)

				if ok, reason := c.collectable(collectID, amt); ok || reason != tc.reason {
					t.Errorf("collectable = %v, %d; want false, %d", ok, reason, tc.reason)
				}
				want, found := tc.revert[tok.name]
				if !found {
					want = tc.revert[""]
				}
				if want == "TooEarly" { // its argument is the time of the next allowed collection
					m, _ := c.collector.Mandate(nil, id)
					want = fmt.Sprintf("TooEarly[%d]", m.LastCollectedAt+m.MinInterval)
				}
				want = strings.NewReplacer("COLLECTOR", c.collectorAt.Hex(), "PAYER", addr(c.payer).Hex()).Replace(want)
				c.reverts(c.operator, want, func(o *bind.TransactOpts) (*types.Transaction, error) {
					return c.collector.Collect(o, collectID, big.NewInt(amt))
				})
				if got := c.balanceOf(tok, c.payee); got != payeeBefore {
					t.Errorf("payee received %d", got-payeeBefore)
				}
				if got := c.balanceOf(tok, c.collectorAt); got != 0 {
					t.Errorf("the collector holds %d", got)
				}
			})
		}
	}
}

// The first collection needs no wait; the next one waits minInterval from the last, to the
// second, on block time; an interval so large that last+minInterval exceeds 64 bits never
// wraps around.
func TestCollectorMinInterval(t *testing.T) {
	for _, tc := range []struct {
		name     string
		interval uint64
	}{
		{"none", 0},
		{"a day", 24 * 3600},
		{"max uint64", math.MaxUint64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollectorChain(t)
			id := subscriptionID("sub_interval")
			c.subscribe(c.tUSD, id, big.NewInt(1_000_000), tc.interval, 100_000_000, 50_000_000)
			first := c.collect(c.operator, id, 1_000_000)
			last := c.blockTime(first)

			if tc.interval == 0 {
				r := c.collect(c.operator, id, 1_000_000)
				t.Logf("gas used by one collect (tUSD, a later one): %d", r.GasUsed)
				if got := c.balanceOf(c.tUSD, c.payee); got != 2_000_000 {
					t.Fatalf("payee holds %d", got)
				}
				return
			}
			nextAt := new(big.Int).Add(new(big.Int).SetUint64(last), new(big.Int).SetUint64(tc.interval))
			tooEarly := fmt.Sprintf("TooEarly[%s]", nextAt)
			collect := func(o *bind.TransactOpts) (*types.Transaction, error) {
				return c.collector.Collect(o, id, big.NewInt(1_000_000))
			}
			if ok, reason := c.collectable(id, 1_000_000); ok || reason != reasonTooEarly {
				t.Fatalf("right after: collectable = %v, %d", ok, reason)
			}
			c.reverts(c.operator, tooEarly, collect)

			// Two seconds short: estimation and collectable run on the head, and the forced
			// transaction lands a second later, still one second short.
			if tc.interval == math.MaxUint64 {
				c.advanceTo(last + 10*365*24*3600)
			} else {
				c.advanceTo(last + tc.interval - 2)
			}
			if ok, reason := c.collectable(id, 1_000_000); ok || reason != reasonTooEarly {
				t.Fatalf("short of minInterval: collectable = %v, %d", ok, reason)
			}
			c.reverts(c.operator, tooEarly, collect)
			if tc.interval == math.MaxUint64 {
				return
			}

			// Exactly minInterval after the last collection.
			c.advanceTo(last + tc.interval)
			if ok, reason := c.collectable(id, 1_000_000); !ok || reason != reasonOK {
				t.Fatalf("after minInterval: collectable = %v, %d", ok, reason)
			}
			r := c.collect(c.operator, id, 1_000_000)
			t.Logf("gas used by one collect (tUSD, a later one): %d", r.GasUsed)
			if got := c.balanceOf(c.tUSD, c.payee); got != 2_000_000 {
				t.Fatalf("payee holds %d", got)
			}
			if m, _ := c.collector.Mandate(nil, id); m.Count != 2 || m.LastCollectedAt != c.blockTime(r) {
				t.Fatalf("mandate %+v", m)
			}
			// And the clock starts again from this collection.
			c.reverts(c.operator, fmt.Sprintf("TooEarly[%d]", c.blockTime(r)+tc.interval), collect)
		})
	}
}

// Only the payer revokes; after that no collection goes through, and the id stays taken.
func TestCollectorRevoke(t *testing.T) {
	for _, tc := range []struct {
		name string
		by   func(c *collectorChain) *ecdsa.PrivateKey
		want string // the revert; "" when the revocation goes through
	}{
		{"by a stranger", func(c *collectorChain) *ecdsa.PrivateKey { return c.stranger }, "NotPayer"},
		{"by the payee", func(c *collectorChain) *ecdsa.PrivateKey { return c.payeeK }, "NotPayer"},
		{"by the operator", func(c *collectorChain) *ecdsa.PrivateKey { return c.operator }, "NotPayer"},
		{"by the payer", func(c *collectorChain) *ecdsa.PrivateKey { return c.payer }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollectorChain(t)
			id := subscriptionID("sub_revoke")
			c.subscribe(c.tUSDT, id, big.NewInt(1_000_000), 0, 100_000_000, 50_000_000)
			c.collect(c.operator, id, 1_000_000)
			by := tc.by(c)
			revoke := func(o *bind.TransactOpts) (*types.Transaction, error) { return c.collector.Revoke(o, id) }
			if tc.want != "" {
				c.reverts(by, fmt.Sprintf("%s[%v %s]", tc.want, id, addr(by).Hex()), revoke)
				c.collect(c.operator, id, 1_000_000) // still collects
				if got := c.balanceOf(c.tUSDT, c.payee); got != 2_000_000 {
					t.Fatalf("payee holds %d", got)
				}
				return
			}
			r := c.mined(c.collector.Revoke(c.auth(by), id))
			if ev, err := c.collector.ParseMandateRevoked(*r.Logs[0]); err != nil || ev.Id != id {
				t.Fatalf("MandateRevoked %+v %v", ev, err)
			}
			if m, _ := c.collector.Mandate(nil, id); !m.Revoked || m.Count != 1 {
				t.Fatalf("mandate %+v", m)
			}
			revoked := fmt.Sprintf("MandateIsRevoked[%v]", id)
			c.reverts(c.operator, revoked, func(o *bind.TransactOpts) (*types.Transaction, error) {
				return c.collector.Collect(o, id, big.NewInt(1_000_000))
			})
			c.reverts(c.payer, revoked, revoke)
			c.reverts(c.payer, fmt.Sprintf("MandateExists[%v]", id), func(o *bind.TransactOpts) (*types.Transaction, error) {
				return c.collector.Authorize(o, id, c.usdtAt, c.payee, big.NewInt(1_000_000), 0)
			})
			if got := c.balanceOf(c.tUSDT, c.payee); got != 1_000_000 {
				t.Fatalf("payee holds %d", got)
			}
		})
	}
	t.Run("unknown id", func(t *testing.T) {
		c := newCollectorChain(t)
		id := subscriptionID("sub_nobody")
		c.reverts(c.payer, fmt.Sprintf("NoMandate[%v]", id), func(o *bind.TransactOpts) (*types.Transaction, error) {
			return c.collector.Revoke(o, id)
		})
	})
}

// An id is authorized once, by whoever comes first, and the terms cannot change afterwards;
// a mandate is always paid by its own authorizer, so a stranger's mandate naming a payee of
// its choice cannot draw on the payer's allowance to the contract.
func TestCollectorAuthorize(t *testing.T) {
	const maxPer = 1_000_000
	for _, tc := range []struct {
		name  string
		by    func(c *collectorChain) *ecdsa.PrivateKey
		token func(c *collectorChain) common.Address
		payee func(c *collectorChain) common.Address
		max   int64
		want  string
	}{
		{"the same id again, by the payer", func(c *collectorChain) *ecdsa.PrivateKey { return c.payer },
			func(c *collectorChain) common.Address { return c.tokenAt }, func(c *collectorChain) common.Address { return c.payee }, maxPer, "MandateExists"},
		{"the same id, by a stranger for itself", func(c *collectorChain) *ecdsa.PrivateKey { return c.stranger },
			func(c *collectorChain) common.Address { return c.tokenAt }, func(c *collectorChain) common.Address { return addr(c.stranger) }, maxPer, "MandateExists"},
		{"no payee", func(c *collectorChain) *ecdsa.PrivateKey { return c.payer },
			func(c *collectorChain) common.Address { return c.tokenAt }, func(c *collectorChain) common.Address { return common.Address{} }, maxPer, "InvalidMandate"},
		{"no token", func(c *collectorChain) *ecdsa.PrivateKey { return c.payer },
			func(c *collectorChain) common.Address { return common.Address{} }, func(c *collectorChain) common.Address { return c.payee }, maxPer, "InvalidMandate"},
		{"zero cap", func(c *collectorChain) *ecdsa.PrivateKey { return c.payer },
			func(c *collectorChain) common.Address { return c.tokenAt }, func(c *collectorChain) common.Address { return c.payee }, 0, "InvalidMandate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCollectorChain(t)
			id := subscriptionID("sub_once")
			if tc.want == "MandateExists" {
				c.subscribe(c.tUSD, id, big.NewInt(maxPer), 3600, 100_000_000, 50_000_000)
			} else {
				id = subscriptionID("sub_invalid")
			}
			want := tc.want + "[]"
			if tc.want == "MandateExists" {
				want = fmt.Sprintf("MandateExists[%v]", id)
			}
			c.reverts(tc.by(c), want, func(o *bind.TransactOpts) (*types.Transaction, error) {
				return c.collector.Authorize(o, id, tc.token(c), tc.payee(c), big.NewInt(tc.max), 0)
			})
			m, err := c.collector.Mandate(nil, id)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "MandateExists" && (m.Payer != addr(c.payer) || m.Payee != c.payee || m.MinInterval != 3600) {
				t.Fatalf("terms changed: %+v", m)
			}
			if tc.want == "InvalidMandate" && m.Payer != (common.Address{}) {
				t.Fatalf("stored %+v", m)
			}
		})
	}
	t.Run("a stranger's own mandate draws on the stranger only", func(t *testing.T) {
		c := newCollectorChain(t)
		c.subscribe(c.tUSD, subscriptionID("sub_real"), big.NewInt(maxPer), 3600, 100_000_000, 50_000_000)
		id := subscriptionID("sub_stranger")
		c.mined(c.collector.Authorize(c.auth(c.stranger), id, c.tokenAt, addr(c.stranger), big.NewInt(maxPer), 0))
		if m, _ := c.collector.Mandate(nil, id); m.Payer != addr(c.stranger) {
			t.Fatalf("payer %s", m.Payer)
		}
		if ok, reason := c.collectable(id, maxPer); ok || reason != reasonAllowance {
			t.Fatalf("collectable = %v, %d", ok, reason)
		}
		c.reverts(c.stranger, fmt.Sprintf("ERC20InsufficientAllowance[%s 0 %d]", c.collectorAt.Hex(), maxPer),
			func(o *bind.TransactOpts) (*types.Transaction, error) {
				return c.collector.Collect(o, id, big.NewInt(maxPer))
			})
		if got := c.balanceOf(c.tUSD, addr(c.payer)); got != 50_000_000 {
			t.Fatalf("payer holds %d", got)
		}
	})
}
