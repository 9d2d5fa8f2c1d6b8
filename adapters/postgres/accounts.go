package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/apperr"
)

// Accounts implements account.Store: the dashboard's users, sessions and invitations.
type Accounts struct{ db *DB }

// NewAccounts builds the repository.
func NewAccounts(db *DB) *Accounts { return &Accounts{db: db} }

var _ account.Store = (*Accounts)(nil)

const userColumns = `id, merchant_id, email, role, password_hash, failed_logins, locked_until, epoch, created_at,
	totp_secret, totp_step`

type userRow struct {
	ID           string       `db:"id"`
	MerchantID   string       `db:"merchant_id"`
	Email        string       `db:"email"`
	Role         string       `db:"role"`
	PasswordHash string       `db:"password_hash"`
	FailedLogins int          `db:"failed_logins"`
	LockedUntil  sql.NullTime `db:"locked_until"`
	Epoch        int          `db:"epoch"`
	CreatedAt    time.Time    `db:"created_at"`
	TOTPSecret   string       `db:"totp_secret"` // sealed
	TOTPStep     int64        `db:"totp_step"`
}

// user decodes a row, opening its TOTP secret with the secrets keyring.
func (a *Accounts) user(r userRow) (account.User, error) {
	u := account.User{ID: r.ID, MerchantID: r.MerchantID, Email: r.Email, Role: account.Role(r.Role),
		PasswordHash: r.PasswordHash, FailedLogins: r.FailedLogins, LockedUntil: timeOf(r.LockedUntil).UTC(), Epoch: r.Epoch,
		TOTPStep: r.TOTPStep, Created: r.CreatedAt.UTC()}
	if r.TOTPSecret != "" {
		secret, err := a.db.open(r.ID, r.TOTPSecret)
		if err != nil {
			return account.User{}, fmt.Errorf("open the two-factor secret of %s: %w", r.ID, err)
		}
		u.TOTPSecret = secret
	}
	return u, nil
}

func insertUser(ctx context.Context, q sqlx.ExecerContext, u account.User) error {
	_, err := q.ExecContext(ctx, `INSERT INTO dashboard_users (id, merchant_id, email, role, password_hash, failed_logins,
		locked_until, epoch, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.ID, u.MerchantID, u.Email, string(u.Role), u.PasswordHash, u.FailedLogins, nullTime(u.LockedUntil), u.Epoch, u.Created)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return apperr.Conflict("email_taken", "%s already has an account: sign in instead.", u.Email)
	}
	return unavailableIf("create user", err)
}

// CreateUser saves a new user.
func (a *Accounts) CreateUser(ctx context.Context, u account.User) error {
	return insertUser(ctx, a.db.pool, u)
}

func (a *Accounts) getUser(ctx context.Context, q sqlx.QueryerContext, where string, arg any) (account.User, error) {
	var r userRow
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+userColumns+` FROM dashboard_users WHERE `+where, arg)
	if isNoRows(err) {
		return account.User{}, apperr.NotFound("user", "")
	}
	if err != nil {
		return account.User{}, unavailable("load user", err)
	}
	return a.user(r)
}

// UserByEmail finds a user by address.
func (a *Accounts) UserByEmail(ctx context.Context, email string) (account.User, error) {
	return a.getUser(ctx, a.db.pool, `email = $1`, email)
}

// User finds a user by ID.
func (a *Accounts) User(ctx context.Context, id string) (account.User, error) {
	return a.getUser(ctx, a.db.pool, `id = $1`, id)
}

// UpdateUser applies change to the user under its row lock.
func (a *Accounts) UpdateUser(ctx context.Context, id string, change func(*account.User) error) (account.User, error) {
	var u account.User
	err := a.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if u, err = a.getUser(ctx, tx, `id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if err := change(&u); err != nil {
			return err
		}
		sealed := ""
		if u.TOTPSecret != "" {
			if sealed, err = a.db.seal(u.ID, u.TOTPSecret); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE dashboard_users SET role = $2, password_hash = $3, failed_logins = $4,
			locked_until = $5, epoch = $6, totp_secret = $7, totp_step = $8 WHERE id = $1`, u.ID, string(u.Role),
			u.PasswordHash, u.FailedLogins, nullTime(u.LockedUntil), u.Epoch, sealed, u.TOTPStep)
		return unavailableIf("save user", err)
	})
	return u, err
}

// ListUsers lists a merchant's users, oldest first.
func (a *Accounts) ListUsers(ctx context.Context, merchantID string) ([]account.User, error) {
	var rows []userRow
	if err := sqlx.SelectContext(ctx, a.db.pool, &rows, `SELECT `+userColumns+` FROM dashboard_users
		WHERE merchant_id = $1 ORDER BY created_at, id`, merchantID); err != nil {
		return nil, unavailable("list users", err)
	}
	out := make([]account.User, len(rows))
	for i, r := range rows {
		r.TOTPSecret = "" // a list never needs anyone's secret
		u, err := a.user(r)
		if err != nil {
			return nil, err
		}
		out[i] = u
	}
	return out, nil
}

type dashboardSessionRow struct {
	ID         string    `db:"id"`
	UserID     string    `db:"user_id"`
	MerchantID string    `db:"merchant_id"`
	CSRF       string    `db:"csrf"`
	Livemode   bool      `db:"livemode"`
	Epoch      int       `db:"epoch"`
	CreatedAt  time.Time `db:"created_at"`
	LastSeen   time.Time `db:"last_seen"`
}

// CreateSession saves a signed-in session.
func (a *Accounts) CreateSession(ctx context.Context, s account.Session) error {
	_, err := a.db.pool.ExecContext(ctx, `INSERT INTO dashboard_sessions (id, user_id, merchant_id, csrf, livemode, epoch,
		created_at, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, s.UserID, s.MerchantID, s.CSRF, s.Livemode,
		s.Epoch, s.Created, s.LastSeen)
	return unavailableIf("create dashboard session", err)
}

// Session loads a session by ID.
func (a *Accounts) Session(ctx context.Context, id string) (account.Session, error) {
	var r dashboardSessionRow
	err := sqlx.GetContext(ctx, a.db.pool, &r, `SELECT id, user_id, merchant_id, csrf, livemode, epoch, created_at, last_seen
		FROM dashboard_sessions WHERE id = $1`, id)
	if isNoRows(err) {
		return account.Session{}, apperr.NotFound("session", "")
	}
	if err != nil {
		return account.Session{}, unavailable("load dashboard session", err)
	}
	return account.Session{ID: r.ID, UserID: r.UserID, MerchantID: r.MerchantID, CSRF: r.CSRF, Livemode: r.Livemode,
		Epoch: r.Epoch, Created: r.CreatedAt.UTC(), LastSeen: r.LastSeen.UTC()}, nil
}

// TouchSession records use.
func (a *Accounts) TouchSession(ctx context.Context, id string, lastSeen time.Time) error {
	_, err := a.db.pool.ExecContext(ctx, `UPDATE dashboard_sessions SET last_seen = $2 WHERE id = $1`, id, lastSeen)
	return unavailableIf("touch dashboard session", err)
}

// SetSessionMode records the mode the session shows.
func (a *Accounts) SetSessionMode(ctx context.Context, id string, livemode bool) error {
	_, err := a.db.pool.ExecContext(ctx, `UPDATE dashboard_sessions SET livemode = $2 WHERE id = $1`, id, livemode)
	return unavailableIf("set dashboard session mode", err)
}

// DeleteSession ends a session.
func (a *Accounts) DeleteSession(ctx context.Context, id string) error {
	_, err := a.db.pool.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE id = $1`, id)
	return unavailableIf("delete dashboard session", err)
}

// DeleteDeadSessions deletes the user's sessions past either cutoff.
func (a *Accounts) DeleteDeadSessions(ctx context.Context, userID string, created, seen time.Time) error {
	_, err := a.db.pool.ExecContext(ctx, `DELETE FROM dashboard_sessions WHERE user_id = $1 AND (created_at < $2 OR last_seen < $3)`,
		userID, created, seen)
	return unavailableIf("delete dead dashboard sessions", err)
}

// DeleteExpiredInvitations deletes the merchant's unaccepted invitations that expired before.
func (a *Accounts) DeleteExpiredInvitations(ctx context.Context, merchantID string, before time.Time) error {
	_, err := a.db.pool.ExecContext(ctx, `DELETE FROM dashboard_invitations WHERE merchant_id = $1 AND accepted_at IS NULL
		AND expires_at < $2`, merchantID, before)
	return unavailableIf("delete expired invitations", err)
}

// CreateInvitation saves an invitation.
func (a *Accounts) CreateInvitation(ctx context.Context, i account.Invitation) error {
	_, err := a.db.pool.ExecContext(ctx, `INSERT INTO dashboard_invitations (id, merchant_id, email, role, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, i.ID, i.MerchantID, i.Email, string(i.Role), i.Expires)
	return unavailableIf("create invitation", err)
}

// AcceptInvitation applies accept to the invitation under its lock and creates its user.
func (a *Accounts) AcceptInvitation(ctx context.Context, id string, accept func(*account.Invitation) (account.User, error)) (account.User, error) {
	var u account.User
	err := a.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var r struct {
			ID         string       `db:"id"`
			MerchantID string       `db:"merchant_id"`
			Email      string       `db:"email"`
			Role       string       `db:"role"`
			ExpiresAt  time.Time    `db:"expires_at"`
			AcceptedAt sql.NullTime `db:"accepted_at"`
		}
		err := sqlx.GetContext(ctx, tx, &r, `SELECT id, merchant_id, email, role, expires_at, accepted_at
			FROM dashboard_invitations WHERE id = $1 FOR UPDATE`, id)
		if isNoRows(err) {
			return apperr.Invalid("", "invitation_unknown", "This invitation link is not valid.")
		}
		if err != nil {
			return unavailable("load invitation", err)
		}
		inv := account.Invitation{ID: r.ID, MerchantID: r.MerchantID, Email: r.Email, Role: account.Role(r.Role),
			Expires: r.ExpiresAt.UTC()}
		if r.AcceptedAt.Valid {
			at := r.AcceptedAt.Time
			inv.AcceptedAt = &at
		}
		if u, err = accept(&inv); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dashboard_invitations SET accepted_at = $2 WHERE id = $1`, id, inv.AcceptedAt); err != nil {
			return unavailable("accept invitation", err)
		}
		return insertUser(ctx, tx, u)
	})
	return u, err
}
