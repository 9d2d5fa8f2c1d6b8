package rates

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/chain"
)

// Feed is a Chainlink AggregatorV3 price feed for one asset in one currency.
type Feed struct {
	Asset    string        `json:"asset"`    // asset ID, e.g. "eth@base"
	Currency string        `json:"currency"` // fiat, e.g. "usd"
	Address  string        `json:"address"`  // the feed contract
	MaxAge   time.Duration `json:"max_age"`  // older answers are stale and refused
}

// Chainlink reads latestRoundData from price feeds on a chain.
type Chainlink struct {
	backend bind.ContractCaller
	feeds   map[string]Feed // asset|currency
	now     func() time.Time
}

// NewChainlink reads feeds through backend (an ethclient or the simulated backend).
func NewChainlink(backend bind.ContractCaller, feeds []Feed, now func() time.Time) (*Chainlink, error) {
	if backend == nil || now == nil {
		return nil, errors.New("rates.NewChainlink: nil dependency")
	}
	c := &Chainlink{backend: backend, feeds: map[string]Feed{}, now: now}
	for _, f := range feeds {
		if !common.IsHexAddress(f.Address) || f.MaxAge <= 0 {
			return nil, fmt.Errorf("feed %s/%s: needs a contract address and a positive max_age", f.Asset, f.Currency)
		}
		c.feeds[strings.ToLower(f.Asset)+"|"+strings.ToLower(f.Currency)] = f
	}
	return c, nil
}

// Rate implements chain.RateSource; an asset without a feed is ErrNoRate.
func (c *Chainlink) Rate(ctx context.Context, a chain.Asset, currency string) (decimal.Decimal, error) {
	f, ok := c.feeds[a.ID+"|"+strings.ToLower(currency)]
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: no feed for %s in %s", chain.ErrNoRate, a.ID, currency)
	}
	feed, err := contracts.NewMockPriceFeedCaller(common.HexToAddress(f.Address), c.backend) // the AggregatorV3 read ABI
	if err != nil {
		return decimal.Decimal{}, err
	}
	opts := &bind.CallOpts{Context: ctx}
	decimals, err := feed.Decimals(opts)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("feed %s decimals: %w", f.Address, err)
	}
	round, err := feed.LatestRoundData(opts)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("feed %s latestRoundData: %w", f.Address, err)
	}
	if round.Answer == nil || round.Answer.Sign() <= 0 {
		return decimal.Decimal{}, fmt.Errorf("feed %s answered %v: not a price", f.Address, round.Answer)
	}
	updated := time.Unix(new(big.Int).Set(round.UpdatedAt).Int64(), 0)
	if age := c.now().Sub(updated); age > f.MaxAge || round.UpdatedAt.Sign() == 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: feed %s is stale: last update %s ago (max %s)", chain.ErrRateUnavailable,
			f.Address, age.Round(time.Second), f.MaxAge)
	}
	if round.AnsweredInRound != nil && round.RoundId != nil && round.AnsweredInRound.Cmp(round.RoundId) < 0 {
		return decimal.Decimal{}, fmt.Errorf("feed %s answer is from an earlier round", f.Address)
	}
	return decimal.NewFromBigInt(round.Answer, -int32(decimals)), nil
}

// First asks each source in turn; the first that can price the asset wins.
type First []chain.RateSource

// Rate implements chain.RateSource.
func (fs First) Rate(ctx context.Context, a chain.Asset, currency string) (decimal.Decimal, error) {
	err := fmt.Errorf("%w: no source prices %s in %s", chain.ErrNoRate, a.ID, currency)
	for _, s := range fs {
		r, e := s.Rate(ctx, a, currency)
		if e == nil {
			return r, nil
		}
		if !errors.Is(e, chain.ErrNoRate) {
			return decimal.Decimal{}, e // a feed that exists but fails must not fall back silently
		}
	}
	return decimal.Decimal{}, err
}
