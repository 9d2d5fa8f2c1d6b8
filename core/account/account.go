// Package account holds the merchant dashboard's users: invitations, passwords, lockout,
// sign-in sessions with their CSRF tokens, roles, and signing out everywhere.
package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Role is what a user may do in its merchant's dashboard.
type Role string

const (
	RoleOwner    Role = "owner"     // everything, including inviting users
	RoleReadOnly Role = "read_only" // sees everything, changes nothing
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleOwner, RoleReadOnly:
		return r, nil
	}
	return "", apperr.Invalid("role", "parameter_invalid", "Invalid role %q: use owner or read_only.", s)
}

// Policy is how sign-in behaves; DefaultPolicy suits a payment back office.
type Policy struct {
	MaxFailures int           // failed passwords in a row before a lockout
	Lockout     time.Duration // how long a locked account refuses every password
	SessionIdle time.Duration // a session unused this long ends
	SessionMax  time.Duration // a session ends this long after sign-in, used or not
	InviteTTL   time.Duration // how long an invitation can be accepted
}

// DefaultPolicy: 5 wrong passwords lock for 15 minutes; sessions last 12 hours idle, 7 days at most.
var DefaultPolicy = Policy{MaxFailures: 5, Lockout: 15 * time.Minute, SessionIdle: 12 * time.Hour,
	SessionMax: 7 * 24 * time.Hour, InviteTTL: 72 * time.Hour}

// Password length bounds, in characters (NIST 800-63B: length over composition rules).
const (
	MinPassword = 12
	MaxPassword = 256
)

// User is a person who signs in to one merchant's dashboard.
type User struct {
	ID           string
	MerchantID   string
	Email        string // lower case
	Role         Role
	PasswordHash string // the hasher's encoded form (argon2id), never the password
	FailedLogins int
	LockedUntil  time.Time
	Epoch        int    // sessions from an earlier epoch are over: "sign out everywhere"
	TOTPSecret   string // base32, as the store opened it; "" while two-factor sign-in is off
	TOTPStep     int64  // the time step of the last code used: a code works once
	Created      time.Time
}

// CanWrite reports whether the user may change anything.
func (u *User) CanWrite() bool { return u.Role == RoleOwner }

// CheckLogin refuses a sign-in while the account is locked.
func (u *User) CheckLogin(now time.Time) error {
	if now.Before(u.LockedUntil) {
		return apperr.Invalid("", "account_locked", "Too many wrong passwords: try again after %s.",
			u.LockedUntil.UTC().Format("15:04 MST"))
	}
	return nil
}

// LoginFailed counts a wrong password; the last one allowed locks the account.
func (u *User) LoginFailed(now time.Time, p Policy) {
	u.FailedLogins++
	if u.FailedLogins >= p.MaxFailures {
		u.LockedUntil, u.FailedLogins = now.Add(p.Lockout), 0
	}
}

// LoginSucceeded forgets earlier failures.
func (u *User) LoginSucceeded() { u.FailedLogins, u.LockedUntil = 0, time.Time{} }

// SignOutEverywhere ends every session of the user.
func (u *User) SignOutEverywhere() { u.Epoch++ }

// CheckPassword applies the length rule to a new password.
func CheckPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPassword || n > MaxPassword {
		return apperr.Invalid("password", "password_too_short", "Choose a password of %d to %d characters.", MinPassword, MaxPassword)
	}
	return nil
}

// NormalizeEmail checks an address and lowers it, so one person has one account.
func NormalizeEmail(s string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || a.Name != "" || len(a.Address) > 254 {
		return "", apperr.Invalid("email", "email_invalid", "Enter an email address such as owner@shop.example.")
	}
	return strings.ToLower(a.Address), nil
}

// Session is a signed-in browser. Its ID is the hash of the cookie's token: a leaked table
// signs nobody in.
type Session struct {
	ID         string
	UserID     string
	MerchantID string
	CSRF       string // sent back with every form
	Livemode   bool   // the mode the dashboard shows (Stripe's test/live switch)
	Epoch      int
	Created    time.Time
	LastSeen   time.Time
}

// SessionCutoffs are the bounds before which a session is over whatever else holds: created
// before created (past SessionMax) or last seen before seen (idle past SessionIdle).
func (p Policy) SessionCutoffs(now time.Time) (created, seen time.Time) {
	return now.Add(-p.SessionMax), now.Add(-p.SessionIdle)
}

// InvitationKeep is how long an expired invitation is kept, so its link says "expired"
// rather than "not valid" for a while; then it is deleted.
const InvitationKeep = 30 * 24 * time.Hour

// Check tells whether s still signs u in at now.
func (s *Session) Check(u *User, now time.Time, p Policy) error {
	switch {
	case s.UserID != u.ID || s.Epoch != u.Epoch:
		return signedOut("Your session ended: sign in again.")
	case now.Sub(s.LastSeen) > p.SessionIdle || now.Sub(s.Created) > p.SessionMax:
		return signedOut("Your session expired: sign in again.")
	}
	return nil
}

func signedOut(msg string) error {
	return &apperr.Error{Kind: apperr.KindUnauthorized, Code: "signed_out", Message: msg}
}

// CSRFMatches compares a form's token with the session's in constant time.
func (s *Session) CSRFMatches(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1
}

// Invitation lets one email address join a merchant with a role, once, before it expires.
type Invitation struct {
	ID         string // the hash of the link's token
	MerchantID string
	Email      string
	Role       Role
	Expires    time.Time
	AcceptedAt *time.Time
}

// Accept marks the invitation used at now, or says why it cannot be.
func (i *Invitation) Accept(now time.Time) error {
	switch {
	case i.AcceptedAt != nil:
		return apperr.Invalid("", "invitation_used", "This invitation was already used: sign in instead.")
	case !now.Before(i.Expires):
		return apperr.Invalid("", "invitation_expired", "This invitation expired: ask for a new one.")
	}
	i.AcceptedAt = &now
	return nil
}

// NewToken is a secret for a cookie or a link and the ID it is stored under (its hash).
func NewToken() (token, id string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, TokenID(token)
}

// TokenID is the stored ID of a token.
func TokenID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
