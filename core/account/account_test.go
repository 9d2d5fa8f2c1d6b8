package account

import (
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

var t0 = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)

func code(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestLockout(t *testing.T) {
	p := DefaultPolicy
	cases := []struct {
		name     string
		failures int
		at       time.Duration // after the last failure
		want     string
	}{
		{"four wrong passwords: still allowed", 4, 0, ""},
		{"the fifth locks", 5, 0, "account_locked"},
		{"still locked a minute before the end", 5, p.Lockout - time.Minute, "account_locked"},
		{"unlocked when the lockout ends", 5, p.Lockout, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := &User{}
			for range tc.failures {
				u.LoginFailed(t0, p)
			}
			if got := code(u.CheckLogin(t0.Add(tc.at))); got != tc.want {
				t.Fatalf("%q, want %q", got, tc.want)
			}
		})
	}
	u := &User{}
	for range 3 {
		u.LoginFailed(t0, p)
	}
	u.LoginSucceeded()
	for range 4 {
		u.LoginFailed(t0, p)
	}
	if u.CheckLogin(t0) != nil {
		t.Error("a success did not forget the earlier failures")
	}
}

func TestSessionCheck(t *testing.T) {
	p := DefaultPolicy
	u := &User{ID: "usr_1", Epoch: 2}
	cases := []struct {
		name string
		s    Session
		at   time.Time
		want string
	}{
		{"fresh", Session{UserID: "usr_1", Epoch: 2, Created: t0, LastSeen: t0}, t0.Add(time.Hour), ""},
		{"idle too long", Session{UserID: "usr_1", Epoch: 2, Created: t0, LastSeen: t0}, t0.Add(p.SessionIdle + time.Second), "signed_out"},
		{"used, but past its maximum", Session{UserID: "usr_1", Epoch: 2, Created: t0, LastSeen: t0.Add(p.SessionMax)},
			t0.Add(p.SessionMax + time.Second), "signed_out"},
		{"signed out everywhere since", Session{UserID: "usr_1", Epoch: 1, Created: t0, LastSeen: t0}, t0, "signed_out"},
		{"another user's", Session{UserID: "usr_2", Epoch: 2, Created: t0, LastSeen: t0}, t0, "signed_out"},
	}
	for _, tc := range cases {
		if got := code(tc.s.Check(u, tc.at, p)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	s := Session{CSRF: "abc"}
	if s.CSRFMatches("") || s.CSRFMatches("abd") || !s.CSRFMatches("abc") {
		t.Error("CSRF comparison")
	}
}

func TestInvitationAndInput(t *testing.T) {
	used := t0
	cases := []struct {
		name string
		inv  Invitation
		want string
	}{
		{"valid", Invitation{Expires: t0.Add(time.Hour)}, ""},
		{"expired", Invitation{Expires: t0}, "invitation_expired"},
		{"used", Invitation{Expires: t0.Add(time.Hour), AcceptedAt: &used}, "invitation_used"},
	}
	for _, tc := range cases {
		if got := code(tc.inv.Accept(t0)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	emails := map[string]string{"Owner@Shop.Example": "owner@shop.example", " a@b.co ": "a@b.co", "nope": "", "Bob <b@c.d>": "",
		strings.Repeat("a", 250) + "@b.co": ""}
	for in, want := range emails {
		got, err := NormalizeEmail(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	passwords := map[string]string{"short": "password_too_short", "twelve chars": "", "ünïcödé-long": "",
		strings.Repeat("x", MaxPassword+1): "password_too_short"}
	for pw, want := range passwords {
		if got := code(CheckPassword(pw)); got != want {
			t.Errorf("CheckPassword(%d chars) = %q, want %q", len(pw), got, want)
		}
	}
	if _, err := ParseRole("admin"); err == nil {
		t.Error("role admin accepted")
	}
	tok, id := NewToken()
	if TokenID(tok) != id || len(tok) < 40 {
		t.Error("token id")
	}
}

func TestUseCode(t *testing.T) {
	cases := []struct {
		name       string
		last, step int64
		want       string
	}{
		{"a later step", 100, 101, ""},
		{"the same step again", 100, 100, "code_used"},
		{"an older step (skew)", 100, 99, "code_used"},
		{"the first code", 0, 55_000_000, ""},
	}
	for _, tc := range cases {
		u := &User{TOTPSecret: "S", TOTPStep: tc.last}
		if got := code(u.UseCode(tc.step)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if tc.want == "" && u.TOTPStep != tc.step {
			t.Errorf("%s: step not spent", tc.name)
		}
	}
}

func TestSessionCutoffs(t *testing.T) {
	p := DefaultPolicy
	created, seen := p.SessionCutoffs(t0)
	cases := []struct {
		name string
		s    Session
		dead bool
	}{
		{"fresh", Session{Created: t0.Add(-time.Hour), LastSeen: t0}, false},
		{"idle past the limit", Session{Created: t0.Add(-time.Hour), LastSeen: t0.Add(-p.SessionIdle - time.Second)}, true},
		{"used, but older than the maximum", Session{Created: t0.Add(-p.SessionMax - time.Second), LastSeen: t0}, true},
	}
	for _, tc := range cases {
		dead := tc.s.Created.Before(created) || tc.s.LastSeen.Before(seen)
		// the cutoffs and Check agree on which sessions are over
		u := &User{ID: "u"}
		tc.s.UserID = "u"
		if dead != tc.dead || (tc.s.Check(u, t0, p) != nil) != tc.dead {
			t.Errorf("%s: dead by the cutoffs %v, want %v", tc.name, dead, tc.dead)
		}
	}
}
