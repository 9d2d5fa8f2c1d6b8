package account

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ident"
)

// Store keeps users, sessions and invitations. Update loads under a lock, applies change and
// saves, in one transaction.
type Store interface {
	CreateUser(ctx context.Context, u User) error // apperr Conflict "email_taken" when the address has an account
	UserByEmail(ctx context.Context, email string) (User, error)
	User(ctx context.Context, id string) (User, error)
	UpdateUser(ctx context.Context, id string, change func(*User) error) (User, error)
	ListUsers(ctx context.Context, merchantID string) ([]User, error)
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, id string) (Session, error)
	// TouchSession records use at lastSeen; SetSessionMode the mode shown.
	TouchSession(ctx context.Context, id string, lastSeen time.Time) error
	SetSessionMode(ctx context.Context, id string, livemode bool) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteDeadSessions deletes the user's sessions created before created or last seen
	// before seen.
	DeleteDeadSessions(ctx context.Context, userID string, created, seen time.Time) error
	// DeleteExpiredInvitations deletes the merchant's unaccepted invitations that expired before.
	DeleteExpiredInvitations(ctx context.Context, merchantID string, before time.Time) error
	CreateInvitation(ctx context.Context, i Invitation) error
	// AcceptInvitation loads invitation id under a lock, applies accept, and creates the user
	// it returns, in one transaction.
	AcceptInvitation(ctx context.Context, id string, accept func(*Invitation) (User, error)) (User, error)
}

// Hasher hashes passwords (argon2id in production) and checks them.
type Hasher interface {
	Hash(password string) (string, error)
	Verify(encoded, password string) (bool, error)
}

// Principal is who a request acts as: the user, its merchant and the mode shown.
type Principal struct {
	User    User
	Session Session
}

// Service holds the dashboard's sign-in use cases.
type Service struct {
	store  Store
	hasher Hasher
	totp   Authenticator
	now    func() time.Time
	policy Policy
	dummy  string // a hash verified when the email is unknown, so timing does not tell
}

// NewService checks its dependencies and makes the dummy hash.
func NewService(store Store, hasher Hasher, totp Authenticator, now func() time.Time, p Policy) (*Service, error) {
	if store == nil || hasher == nil || totp == nil || now == nil {
		return nil, fmt.Errorf("account.NewService: nil dependency")
	}
	if p.MaxFailures < 1 || p.Lockout <= 0 || p.SessionIdle <= 0 || p.SessionMax < p.SessionIdle || p.InviteTTL <= 0 {
		return nil, fmt.Errorf("account.NewService: incomplete policy %+v", p)
	}
	dummy, err := hasher.Hash("not a password anyone has")
	if err != nil {
		return nil, err
	}
	return &Service{store: store, hasher: hasher, totp: totp, now: now, policy: p, dummy: dummy}, nil
}

// Policy is the sign-in policy in force.
func (s *Service) Policy() Policy { return s.policy }

// Invite makes a one-time link token for email to join merchantID with role.
func (s *Service) Invite(ctx context.Context, merchantID, email string, role Role) (string, Invitation, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", Invitation{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", Invitation{}, err
	}
	if err := s.store.DeleteExpiredInvitations(ctx, merchantID, s.now().Add(-InvitationKeep)); err != nil {
		return "", Invitation{}, err
	}
	token, id := NewToken()
	inv := Invitation{ID: id, MerchantID: merchantID, Email: email, Role: role, Expires: s.now().Add(s.policy.InviteTTL)}
	if err := s.store.CreateInvitation(ctx, inv); err != nil {
		return "", Invitation{}, fmt.Errorf("invite %s: %w", email, err)
	}
	return token, inv, nil
}

// Accept turns an invitation into a user with password.
func (s *Service) Accept(ctx context.Context, token, password string) (User, error) {
	if err := CheckPassword(password); err != nil {
		return User{}, err
	}
	return s.store.AcceptInvitation(ctx, TokenID(token), func(inv *Invitation) (User, error) {
		now := s.now()
		if err := inv.Accept(now); err != nil {
			return User{}, err
		}
		hash, err := s.hasher.Hash(password) // only for a valid invitation: hashing is the costly part
		if err != nil {
			return User{}, err
		}
		return User{ID: ident.New("usr"), MerchantID: inv.MerchantID, Email: inv.Email, Role: inv.Role,
			PasswordHash: hash, Created: now}, nil
	})
}

// CreateUser adds a user with a password directly (the first owner of a dev merchant).
func (s *Service) CreateUser(ctx context.Context, merchantID, email, password string, role Role) (User, error) {
	email, hash, err := s.credentials(email, password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: ident.New("usr"), MerchantID: merchantID, Email: email, Role: role, PasswordHash: hash, Created: s.now()}
	return u, s.store.CreateUser(ctx, u)
}

// wrongPassword is the one answer to an unknown email or a wrong password.
var wrongPassword = &apperr.Error{Kind: apperr.KindUnauthorized, Code: "wrong_password", Message: "Wrong email or password."}

// SignIn checks email and password (and the code of a user with two-factor sign-in) and opens
// a session; it returns the cookie's token.
func (s *Service) SignIn(ctx context.Context, email, password, code string) (string, Principal, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", Principal{}, wrongPassword
	}
	u, err := s.store.UserByEmail(ctx, email)
	if apperr.IsKind(err, apperr.KindNotFound) {
		_, _ = s.hasher.Verify(s.dummy, password)
		return "", Principal{}, wrongPassword
	}
	if err != nil {
		return "", Principal{}, err
	}
	if err := u.CheckLogin(s.now()); err != nil {
		return "", Principal{}, err
	}
	ok, err := s.hasher.Verify(u.PasswordHash, password)
	if err != nil {
		return "", Principal{}, err
	}
	u, err = s.store.UpdateUser(ctx, u.ID, func(u *User) error {
		if err := u.CheckLogin(s.now()); err != nil { // locked by a concurrent attempt meanwhile
			return err
		}
		if !ok {
			u.LoginFailed(s.now(), s.policy)
			return nil
		}
		if !u.TwoFactor() { // with two-factor on, only a right code forgets the failures: codes cannot be tried forever
			u.LoginSucceeded()
		}
		return nil
	})
	if err != nil {
		return "", Principal{}, err
	}
	if !ok {
		if err := u.CheckLogin(s.now()); err != nil {
			return "", Principal{}, err
		}
		return "", Principal{}, wrongPassword
	}
	if u, err = s.secondFactor(ctx, u, code); err != nil {
		return "", Principal{}, err
	}
	token, id := NewToken()
	csrf, _ := NewToken()
	now := s.now()
	created, seen := s.policy.SessionCutoffs(now)
	if err := s.store.DeleteDeadSessions(ctx, u.ID, created, seen); err != nil { // each sign-in clears its user's dead ones
		return "", Principal{}, err
	}
	sess := Session{ID: id, UserID: u.ID, MerchantID: u.MerchantID, CSRF: csrf, Epoch: u.Epoch, Created: now, LastSeen: now}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", Principal{}, err
	}
	return token, Principal{User: u, Session: sess}, nil
}

// touchEvery bounds how often a session's last use is written.
const touchEvery = time.Minute

// Authenticate finds who a cookie's token signs in.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, signedOut("Sign in to continue.")
	}
	sess, err := s.store.Session(ctx, TokenID(token))
	if apperr.IsKind(err, apperr.KindNotFound) {
		return Principal{}, signedOut("Sign in to continue.")
	}
	if err != nil {
		return Principal{}, err
	}
	u, err := s.store.User(ctx, sess.UserID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return Principal{}, signedOut("Sign in to continue.")
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	if err := sess.Check(&u, now, s.policy); err != nil {
		return Principal{}, err
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		sess.LastSeen = now
		if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
			return Principal{}, err
		}
	}
	return Principal{User: u, Session: sess}, nil
}

// SetMode switches what the session shows: test or live data.
func (s *Service) SetMode(ctx context.Context, p Principal, livemode bool) error {
	return s.store.SetSessionMode(ctx, p.Session.ID, livemode)
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, p Principal) error {
	return s.store.DeleteSession(ctx, p.Session.ID)
}

// SignOutEverywhere ends every session of the user.
func (s *Service) SignOutEverywhere(ctx context.Context, p Principal) error {
	_, err := s.store.UpdateUser(ctx, p.User.ID, func(u *User) error { u.SignOutEverywhere(); return nil })
	return err
}

// Users lists the users of the principal's merchant.
func (s *Service) Users(ctx context.Context, p Principal) ([]User, error) {
	return s.store.ListUsers(ctx, p.User.MerchantID)
}

// ResetPassword sets a user's password (an operator's or dev tool's act) and ends their sessions.
func (s *Service) ResetPassword(ctx context.Context, email, password string) (User, error) {
	email, hash, err := s.credentials(email, password)
	if err != nil {
		return User{}, err
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	return s.store.UpdateUser(ctx, u.ID, func(u *User) error {
		u.PasswordHash = hash
		u.LoginSucceeded()
		u.SignOutEverywhere()
		return nil
	})
}

// credentials checks a new user's email and password and hashes the password.
func (s *Service) credentials(email, password string) (string, string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", "", err
	}
	if err := CheckPassword(password); err != nil {
		return "", "", err
	}
	hash, err := s.hasher.Hash(password)
	return email, hash, err
}
