package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/webhook"
)

type endpointRow struct {
	Seq           int64          `db:"seq"`
	ID            string         `db:"id"`
	MerchantID    string         `db:"merchant_id"`
	Livemode      bool           `db:"livemode"`
	URL           string         `db:"url"`
	Description   string         `db:"description"`
	EnabledEvents pq.StringArray `db:"enabled_events"`
	Disabled      bool           `db:"disabled"`
	Secret        string         `db:"secret"`
	Metadata      []byte         `db:"metadata"`
	Created       time.Time      `db:"created_at"`
}

const endpointColumns = `seq, id, merchant_id, livemode, url, description, enabled_events, disabled, secret, metadata, created_at`

// endpoint returns the endpoint without its secret (r.Secret is the sealed value; see open).
func (r endpointRow) endpoint() (webhook.Endpoint, error) {
	e := webhook.Endpoint{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, URL: r.URL, Description: r.Description,
		EnabledEvents: []string(r.EnabledEvents), Disabled: r.Disabled, Created: r.Created.UTC()}
	return e, json.Unmarshal(r.Metadata, &e.Metadata)
}

// Endpoints implements webhook.Store. Secrets are sealed at rest with the DB's box.
type Endpoints struct{ db *DB }

// NewEndpoints returns the webhook endpoints repository of db.
func NewEndpoints(db *DB) *Endpoints { return &Endpoints{db: db} }

// CreateEndpoint stores an endpoint, with its events, unless the merchant already has max in
// this mode. The endpoint itself receives none of them (webhook.Subscribers).
func (r *Endpoints) CreateEndpoint(ctx context.Context, e webhook.Endpoint, max int, events []event.Event) error {
	md, err := jsonArg(e.Metadata)
	if err != nil {
		return err
	}
	sealed, err := r.db.seal(e.ID, e.Secret)
	if err != nil {
		return err
	}
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		// Serialise creations per merchant so two concurrent ones cannot both pass the limit.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE`, e.MerchantID); err != nil {
			return unavailable("lock merchant", err)
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM webhook_endpoints
			WHERE merchant_id = $1 AND livemode = $2 AND deleted_at IS NULL`, e.MerchantID, e.Livemode); err != nil {
			return unavailable("count endpoints", err)
		}
		if n >= max {
			return apperr.Invalid("url", "parameter_invalid",
				"You have reached the maximum of %d webhook endpoints; delete one first.", max)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_endpoints (id, merchant_id, livemode, url, description,
			enabled_events, disabled, secret, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			e.ID, e.MerchantID, e.Livemode, e.URL, e.Description, pq.Array(e.EnabledEvents), e.Disabled, sealed, md, e.Created)
		if err != nil {
			return unavailable("insert endpoint", err)
		}
		return insertEvents(ctx, tx, events)
	})
}

// GetEndpoint returns one of the caller's endpoints.
func (r *Endpoints) GetEndpoint(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Endpoint, error) {
	var row endpointRow
	err := r.db.pool.GetContext(ctx, &row, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3 AND deleted_at IS NULL`, id, merchantID, livemode)
	if isNoRows(err) {
		return webhook.Endpoint{}, apperr.NotFound("webhook_endpoint", id)
	}
	if err != nil {
		return webhook.Endpoint{}, unavailable("load endpoint "+id, err)
	}
	return row.endpoint()
}

// UpdateEndpoint loads the endpoint FOR UPDATE, applies change and saves it with the events
// change returns in one transaction; the secret is sealed again under the current key on
// every write.
func (r *Endpoints) UpdateEndpoint(ctx context.Context, merchantID string, livemode bool, id string,
	change func(*webhook.Endpoint) ([]event.Event, error)) (webhook.Endpoint, error) {
	var out webhook.Endpoint
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		e, err := r.lockEndpoint(ctx, tx, merchantID, livemode, id)
		if err != nil {
			return err
		}
		events, err := change(&e)
		if err != nil {
			return err
		}
		if err := r.saveEndpoint(ctx, tx, e); err != nil {
			return err
		}
		out = e
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// lockEndpoint loads the caller's endpoint FOR UPDATE, with its secret opened.
func (r *Endpoints) lockEndpoint(ctx context.Context, tx *sqlx.Tx, merchantID string, livemode bool, id string) (webhook.Endpoint, error) {
	var row endpointRow
	err := tx.GetContext(ctx, &row, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3 AND deleted_at IS NULL FOR UPDATE`, id, merchantID, livemode)
	if isNoRows(err) {
		return webhook.Endpoint{}, apperr.NotFound("webhook_endpoint", id)
	}
	if err != nil {
		return webhook.Endpoint{}, unavailable("load endpoint "+id, err)
	}
	e, err := row.endpoint()
	if err != nil {
		return e, err
	}
	e.Secret, err = r.db.open(e.ID, row.Secret)
	return e, err
}

// saveEndpoint writes what a change may touch, the secret sealed under the current key.
func (r *Endpoints) saveEndpoint(ctx context.Context, tx *sqlx.Tx, e webhook.Endpoint) error {
	md, err := jsonArg(e.Metadata)
	if err != nil {
		return err
	}
	sealed, err := r.db.seal(e.ID, e.Secret)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET url = $2, description = $3, enabled_events = $4,
		disabled = $5, metadata = $6, secret = $7 WHERE id = $1`,
		e.ID, e.URL, e.Description, pq.Array(e.EnabledEvents), e.Disabled, md, sealed); err != nil {
		return unavailable("update endpoint "+e.ID, err)
	}
	return nil
}

// ResealSecrets seals again every secret stored in plain text or under an older key (run at
// start-up, so a rotation or the move to encryption needs no migration). A row changed
// meanwhile is left to that change, which sealed it itself.
func (r *Endpoints) ResealSecrets(ctx context.Context) (int, error) {
	if r.db.secrets == nil {
		return 0, errNoSecretBox
	}
	var rows []struct {
		ID     string `db:"id"`
		Secret string `db:"secret"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT id, secret FROM webhook_endpoints ORDER BY seq`); err != nil {
		return 0, unavailable("list endpoint secrets", err)
	}
	n := 0
	for _, row := range rows {
		secret, current, err := r.db.secrets.Open(row.ID, row.Secret)
		if err != nil {
			return n, err
		}
		if current {
			continue
		}
		sealed, err := r.db.seal(row.ID, secret)
		if err != nil {
			return n, err
		}
		if _, err := r.db.pool.ExecContext(ctx, `UPDATE webhook_endpoints SET secret = $2 WHERE id = $1 AND secret = $3`,
			row.ID, sealed, row.Secret); err != nil {
			return n, unavailable("reseal secret of "+row.ID, err)
		}
		n++
	}
	return n, nil
}

// liveEndpoints returns the merchant's endpoints in a mode that are not deleted, without
// secrets: what Subscribers chooses from.
func liveEndpoints(ctx context.Context, tx *sqlx.Tx, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	var rows []endpointRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE merchant_id = $1 AND livemode = $2 AND deleted_at IS NULL ORDER BY seq`, merchantID, livemode); err != nil {
		return nil, unavailable("load endpoints of "+merchantID, err)
	}
	out := make([]webhook.Endpoint, 0, len(rows))
	for _, row := range rows {
		e, err := row.endpoint()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// DeleteEndpoint removes an endpoint (kept, marked deleted, for the delivery log) and records
// the events deleted returns, in one transaction. Deleted first, the endpoint receives none
// of them.
func (r *Endpoints) DeleteEndpoint(ctx context.Context, merchantID string, livemode bool, id string,
	deleted func(webhook.Endpoint) ([]event.Event, error)) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var row endpointRow
		err := tx.GetContext(ctx, &row, `SELECT `+endpointColumns+` FROM webhook_endpoints
			WHERE id = $1 AND merchant_id = $2 AND livemode = $3 AND deleted_at IS NULL FOR UPDATE`, id, merchantID, livemode)
		if isNoRows(err) {
			return apperr.NotFound("webhook_endpoint", id)
		}
		if err != nil {
			return unavailable("load endpoint "+id, err)
		}
		e, err := row.endpoint() // without its secret: the events never need it
		if err != nil {
			return err
		}
		events, err := deleted(e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1`, id); err != nil {
			return unavailable("delete endpoint "+id, err)
		}
		return insertEvents(ctx, tx, events)
	})
}

// ListEndpoints pages through the caller's endpoints, newest first.
func (r *Endpoints) ListEndpoints(ctx context.Context, merchantID string, livemode bool, p paging.Params) (paging.Page[webhook.Endpoint], error) {
	f := scoped(merchantID, livemode)
	f.require("deleted_at IS NULL")
	spec := listSpec{table: "webhook_endpoints", columns: endpointColumns, object: "webhook_endpoint"}
	return listPage(ctx, r.db, spec, f, p, endpointRow.endpoint)
}
