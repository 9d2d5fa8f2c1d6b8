package account

import (
	"context"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Authenticator makes and checks time-based one-time passwords (RFC 6238: six digits, 30 s).
type Authenticator interface {
	// NewSecret makes a secret and its otpauth:// URI for an authenticator app.
	NewSecret(issuer, account string) (secret, uri string, err error)
	// Check reports whether code is valid for secret at at (one step of clock skew allowed)
	// and the time step it belongs to.
	Check(secret, code string, at time.Time) (step int64, ok bool)
}

// TwoFactor reports whether the user signs in with a code besides the password.
func (u *User) TwoFactor() bool { return u.TOTPSecret != "" }

// UseCode spends the code of time step: a code works once, and never one older than the last.
func (u *User) UseCode(step int64) error {
	if step <= u.TOTPStep {
		return apperr.Invalid("code", "code_used", "That code was already used: wait for the next one.")
	}
	u.TOTPStep = step
	return nil
}

var (
	codeRequired = &apperr.Error{Kind: apperr.KindUnauthorized, Code: "code_required", Param: "code",
		Message: "Enter the 6-digit code from your authenticator app."}
	wrongCode = &apperr.Error{Kind: apperr.KindUnauthorized, Code: "wrong_code", Param: "code",
		Message: "Wrong code: use the one your authenticator app shows now."}
)

// secondFactor checks code for a user with two-factor on, under the user's lock: a wrong code
// counts as a failed sign-in, a right one is spent.
func (s *Service) secondFactor(ctx context.Context, u User, code string) (User, error) {
	if !u.TwoFactor() {
		return u, nil
	}
	if code == "" {
		return u, codeRequired
	}
	var refused error
	u, err := s.store.UpdateUser(ctx, u.ID, func(u *User) error {
		step, ok := s.totp.Check(u.TOTPSecret, code, s.now())
		if !ok {
			u.LoginFailed(s.now(), s.policy)
			refused = wrongCode
			return nil
		}
		if err := u.UseCode(step); err != nil {
			refused = err
			return nil
		}
		u.LoginSucceeded()
		return nil
	})
	if err != nil {
		return u, err
	}
	return u, refused
}

// BeginTwoFactor makes a secret for the user to add to an authenticator app; nothing is
// saved until EnableTwoFactor confirms it with a code.
func (s *Service) BeginTwoFactor(p Principal, issuer string) (secret, uri string, err error) {
	if p.User.TwoFactor() {
		return "", "", apperr.Conflict("two_factor_on", "Two-factor sign-in is already on.")
	}
	return s.totp.NewSecret(issuer, p.User.Email)
}

// EnableTwoFactor turns two-factor sign-in on with secret once code proves the app has it.
func (s *Service) EnableTwoFactor(ctx context.Context, p Principal, secret, code string) error {
	step, ok := s.totp.Check(secret, code, s.now())
	if !ok {
		return wrongCode
	}
	_, err := s.store.UpdateUser(ctx, p.User.ID, func(u *User) error {
		if u.TwoFactor() {
			return apperr.Conflict("two_factor_on", "Two-factor sign-in is already on.")
		}
		u.TOTPSecret, u.TOTPStep = secret, step
		return nil
	})
	return err
}

// DisableTwoFactor turns two-factor sign-in off, with a current code.
func (s *Service) DisableTwoFactor(ctx context.Context, p Principal, code string) error {
	_, err := s.store.UpdateUser(ctx, p.User.ID, func(u *User) error {
		if !u.TwoFactor() {
			return nil
		}
		step, ok := s.totp.Check(u.TOTPSecret, code, s.now())
		if !ok {
			return wrongCode
		}
		if err := u.UseCode(step); err != nil {
			return err
		}
		u.TOTPSecret, u.TOTPStep = "", 0
		return nil
	})
	return err
}
