package wiring

import (
	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/chain"
)

// Repositories are the repositories of one connection pool, one per aggregate.
type Repositories struct {
	DB          *postgres.DB
	Sessions    *postgres.Sessions
	Chain       *postgres.ChainState
	Events      *postgres.Events
	Endpoints   *postgres.Endpoints
	Deliveries  *postgres.Deliveries
	Merchants   *postgres.Merchants
	Idempotency *postgres.Idempotency
	Retention   *postgres.Retention
	Products    *postgres.Products
	Prices      *postgres.Prices
	Links       *postgres.PaymentLinks
	Settlement  *postgres.Settlement
	Payouts     *postgres.Payouts
	GasTxs      *postgres.GasWalletTxs
	Billing     *postgres.Subscriptions
	Accounts    *postgres.Accounts
	Refunds     *postgres.Refunds
}

// repositoriesOf builds every repository on db; chains name the deposits' token contracts.
func repositoriesOf(db *postgres.DB, chains chain.Config) Repositories {
	return Repositories{DB: db, Sessions: postgres.NewSessions(db), Chain: postgres.NewChainState(db),
		Events: postgres.NewEvents(db), Endpoints: postgres.NewEndpoints(db), Deliveries: postgres.NewDeliveries(db),
		Merchants: postgres.NewMerchants(db), Idempotency: postgres.NewIdempotency(db), Retention: postgres.NewRetention(db),
		Products: postgres.NewProducts(db), Prices: postgres.NewPrices(db), Links: postgres.NewPaymentLinks(db),
		Settlement: postgres.NewSettlement(db), Payouts: postgres.NewPayouts(db, chains),
		GasTxs: postgres.NewGasWalletTxs(db), Billing: postgres.NewSubscriptions(db), Accounts: postgres.NewAccounts(db),
		Refunds: postgres.NewRefunds(db)}
}

// DB is the API's pool (the worker's for the worker role), for tests and benchmarks that
// write or measure SQL directly.
func (a *App) DB() *sqlx.DB { return a.API.DB.Pool() }

// closers is what an App opened, each Close registered once, in the order opened.
type closers []func()

func (c *closers) add(f func()) { *c = append(*c, f) }

// closeAll closes in reverse order (Temporal before the pools it may still use) and forgets
// them, so a second Close does nothing.
func (c *closers) closeAll() {
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}
