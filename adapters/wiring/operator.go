package wiring

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/adapters/passwords"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Operator is what the operator commands use: the merchant use cases and the read-only views
// of sessions and payouts, on a small pool of its own, without Temporal or chain connections.
type Operator struct {
	Merchants  *merchant.Service
	Sessions   *checkout.Browser
	Settlement *settlement.Service
	Payouts    *settlement.Payouts
	Accounts   *account.Service // the dashboard's users
	Chains     chain.Config     // the chains file's chains and assets
	db         *postgres.DB
}

// NewOperator opens the database (migrating it) and reads the chains file, whose live chains
// decide whether live keys are issued. Close releases the pool.
func NewOperator(ctx context.Context, cfg Config) (_ *Operator, err error) {
	chains, err := loadChains(cfg)
	if err != nil {
		return nil, err
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return nil, err
	}
	o := &Operator{db: db, Chains: chains.Config()}
	defer func() {
		if err != nil {
			o.Close()
		}
	}()
	if _, err = db.Migrate(ctx); err != nil {
		return nil, err
	}
	// The events of the operator's changes (a rolled key, settlement settings) render as the API's do.
	renderer := httpapi.NewRenderer(cfg.PublicURL, chains.Config(), slog.Default())
	if o.Merchants, err = merchant.NewService(postgres.NewMerchants(db), ethereum.HD{}, renderer, cfg.clock(),
		merchant.IssueLiveKeys(chains.Config().HasLive())); err != nil {
		return nil, err
	}
	if o.Sessions, err = checkout.NewBrowser(postgres.NewSessions(db)); err != nil {
		return nil, fmt.Errorf("operator sessions: %w", err)
	}
	if o.Settlement, err = settlement.NewService(postgres.NewSettlement(db), chains.Config(), renderer, cfg.clock()); err != nil {
		return nil, fmt.Errorf("operator settlement: %w", err)
	}
	if o.Payouts, err = settlement.NewPayouts(postgres.NewPayouts(db, chains.Config())); err != nil {
		return nil, fmt.Errorf("operator payouts: %w", err)
	}
	policy := cfg.Dashboard.Policy
	if policy == (account.Policy{}) {
		policy = account.DefaultPolicy
	}
	if o.Accounts, err = account.NewService(postgres.NewAccounts(db), passwords.New(cfg.Dashboard.Argon2), passwords.TOTP{}, cfg.clock(), policy); err != nil {
		return nil, fmt.Errorf("operator accounts: %w", err)
	}
	return o, nil
}

// Close releases the database pool.
func (o *Operator) Close() { _ = o.db.Close() }
