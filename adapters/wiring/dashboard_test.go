package wiring_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/chaincheckout/checkout/core/account"
)

// dashUser is a browser signed in (or not) to the dashboard: its own cookie jar, no redirects followed.
type dashUser struct {
	t      *testing.T
	client *http.Client
	csrf   string
}

func newDashUser(t *testing.T) *dashUser {
	jar, _ := cookiejar.New(nil)
	return &dashUser{t: t, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns its status, Location and body; a page's CSRF token is kept.
func (u *dashUser) do(method, path string, form url.Values) (int, string, string) {
	u.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, it.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := u.client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(raw); m != nil {
		u.csrf = string(m[1])
	}
	return res.StatusCode, res.Header.Get("Location"), string(raw)
}

func (u *dashUser) signIn(email, password string) (int, string, string) {
	return u.do(http.MethodPost, "/dashboard/login", url.Values{"email": {email}, "password": {password}})
}

// signInAs adds a user of the merchant and signs it in.
func signInAs(t *testing.T, merchantID, email string, role account.Role) *dashUser {
	t.Helper()
	password := dashOwner(t, merchantID, email, role)
	u := newDashUser(t)
	if st, _, _ := u.signIn(email, password); st != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, st)
	}
	if st, _, _ := u.do(http.MethodGet, "/dashboard/developers", nil); st != http.StatusOK || u.csrf == "" {
		t.Fatalf("developers page: %d", st)
	}
	return u
}

func dashOwner(t *testing.T, merchantID, email string, role account.Role) string {
	t.Helper()
	const password = "a long enough passphrase"
	if _, err := it.app.Accounts.CreateUser(context.Background(), merchantID, email, password, role); err != nil {
		t.Fatal(err)
	}
	return password
}

// Signing in: an anonymous visit goes to the sign-in page, five wrong passwords lock the
// account (even the right one is refused then), the right one opens the payments list with
// the merchant's own sessions only, a form without the session's CSRF token is refused, and
// signing out ends the session.
func TestDashboardSignIn(t *testing.T) {
	key, merchantID := newMerchant(t, "Dashboard Store")
	other, _ := newMerchant(t, "Other Store")
	password := dashOwner(t, merchantID, "Owner@Dash.Example", account.RoleOwner)
	mine := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	theirs := postForm(t, "/v1/checkout/sessions", other, validForm(), nil).str("id")

	u := newDashUser(t)
	if st, loc, _ := u.do(http.MethodGet, "/dashboard/payments?status=open", nil); st != http.StatusSeeOther ||
		loc != "/dashboard/login?next="+url.QueryEscape("/dashboard/payments?status=open") {
		t.Fatalf("anonymous: %d %q", st, loc)
	}
	if st, _, body := u.signIn("owner@dash.example", "wrong password!"); st != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password.") {
		t.Fatalf("wrong password: %d", st)
	}
	if st, _, body := u.signIn("nobody@dash.example", password); st != http.StatusUnauthorized || !strings.Contains(body, "Wrong email or password.") {
		t.Fatalf("unknown email: %d", st)
	}
	st, loc, _ := u.signIn("owner@dash.example", password)
	if st != http.StatusSeeOther || loc != "/dashboard/payments" {
		t.Fatalf("sign in: %d %q", st, loc)
	}
	st, _, body := u.do(http.MethodGet, "/dashboard/payments", nil)
	if st != http.StatusOK || !strings.Contains(body, mine) || strings.Contains(body, theirs) || !strings.Contains(body, "Dashboard Store") {
		t.Fatalf("payments: %d, mine %v, theirs %v", st, strings.Contains(body, mine), strings.Contains(body, theirs))
	}
	if st, _, body := u.do(http.MethodPost, "/dashboard/logout", url.Values{}); st != http.StatusForbidden || !strings.Contains(body, "form expired") {
		t.Fatalf("a POST without the CSRF token: %d", st)
	}
	if st, _, _ := u.do(http.MethodPost, "/dashboard/logout", url.Values{"csrf": {"forged"}}); st != http.StatusForbidden {
		t.Fatalf("a POST with a forged CSRF token: %d", st)
	}
	if st, loc, _ := u.do(http.MethodPost, "/dashboard/logout", url.Values{"csrf": {u.csrf}}); st != http.StatusSeeOther || loc != "/dashboard/login" {
		t.Fatalf("sign out: %d %q", st, loc)
	}
	if st, _, _ := u.do(http.MethodGet, "/dashboard/payments", nil); st != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", st)
	}

	locked := newDashUser(t)
	for range account.DefaultPolicy.MaxFailures {
		locked.signIn("owner@dash.example", "not the password")
	}
	if st, _, body := locked.signIn("owner@dash.example", password); st != http.StatusBadRequest || !strings.Contains(body, "Too many wrong passwords") {
		t.Fatalf("after %d wrong passwords the right one: %d", account.DefaultPolicy.MaxFailures, st)
	}
}

// An invitation link from the CLI's use case: a password too short is refused in words, the
// link works once, and the new read-only user signs in.
func TestDashboardInvitation(t *testing.T) {
	_, merchantID := newMerchant(t, "Invite Store")
	token, _, err := it.app.Accounts.Invite(context.Background(), merchantID, "viewer@invite.example", account.RoleReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	u := newDashUser(t)
	path := "/dashboard/invite/" + token
	if st, _, body := u.do(http.MethodPost, path, url.Values{"password": {"short"}, "password_again": {"short"}}); st != http.StatusBadRequest ||
		!strings.Contains(body, "Choose a password of 12 to 256 characters.") {
		t.Fatalf("short password: %d", st)
	}
	pw := url.Values{"password": {"viewer passphrase 1"}, "password_again": {"viewer passphrase 1"}}
	if st, loc, _ := u.do(http.MethodPost, path, pw); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/login") {
		t.Fatalf("accept: %d %q", st, loc)
	}
	if st, _, body := u.do(http.MethodPost, path, pw); st != http.StatusBadRequest || !strings.Contains(body, "already used") {
		t.Fatalf("second use: %d", st)
	}
	if st, _, _ := u.signIn("viewer@invite.example", "viewer passphrase 1"); st != http.StatusSeeOther {
		t.Fatalf("sign in: %d", st)
	}
	if st, _, body := u.do(http.MethodGet, "/dashboard/payments", nil); st != http.StatusOK || !strings.Contains(body, ">read-only<") {
		t.Fatalf("payments as read-only: %d", st)
	}
}

// The account page: an owner invites a person (the link works), a read-only user cannot
// (403, server-side), and signing out everywhere ends the user's other sessions too.
func TestDashboardAccount(t *testing.T) {
	_, merchantID := newMerchant(t, "Account Store")
	password := dashOwner(t, merchantID, "owner@account.example", account.RoleOwner)
	owner, phone := newDashUser(t), newDashUser(t)
	owner.signIn("owner@account.example", password)
	phone.signIn("owner@account.example", password)
	owner.do(http.MethodGet, "/dashboard/account", nil)
	st, _, body := owner.do(http.MethodPost, "/dashboard/account/invite", url.Values{"csrf": {owner.csrf},
		"email": {"Viewer@Account.Example"}, "role": {"read_only"}})
	link := regexp.MustCompile(`/dashboard/invite/[A-Za-z0-9_-]+`).FindString(body)
	if st != http.StatusOK || link == "" || !strings.Contains(body, "viewer@account.example") {
		t.Fatalf("invite: %d %q", st, link)
	}
	if st, _, body := owner.do(http.MethodPost, "/dashboard/account/invite", url.Values{"csrf": {owner.csrf},
		"email": {"not an address"}, "role": {"owner"}}); st != http.StatusBadRequest || !strings.Contains(body, "Enter an email address") {
		t.Fatalf("bad email: %d", st)
	}
	viewer := newDashUser(t)
	pw := url.Values{"password": {"viewer passphrase 2"}, "password_again": {"viewer passphrase 2"}}
	if st, _, _ := viewer.do(http.MethodPost, link, pw); st != http.StatusSeeOther {
		t.Fatalf("accept: %d", st)
	}
	if st, _, body := viewer.signIn("viewer@account.example", "viewer passphrase 2"); st != http.StatusSeeOther {
		t.Fatalf("viewer sign in: %d %s", st, body)
	}
	viewer.do(http.MethodGet, "/dashboard/account", nil)
	if st, _, _ := viewer.do(http.MethodPost, "/dashboard/account/invite", url.Values{"csrf": {viewer.csrf},
		"email": {"friend@account.example"}, "role": {"owner"}}); st != http.StatusForbidden {
		t.Fatalf("a read-only user invited someone: %d", st)
	}
	if st, _, _ := owner.do(http.MethodPost, "/dashboard/logout_everywhere", url.Values{"csrf": {owner.csrf}}); st != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", st)
	}
	if st, _, _ := phone.do(http.MethodGet, "/dashboard/payments", nil); st != http.StatusSeeOther {
		t.Fatalf("the other session still works after signing out everywhere: %d", st)
	}
}

// The payments list pages by 25: "Older" leads to the rest, keeping the filter, and "Newer" back.
func TestDashboardPaging(t *testing.T) {
	key, merchantID := newMerchant(t, "Paging Store")
	password := dashOwner(t, merchantID, "owner@paging.example", account.RoleOwner)
	for range 27 {
		postForm(t, "/v1/checkout/sessions", key, validForm(), nil)
	}
	u := newDashUser(t)
	u.signIn("owner@paging.example", password)
	rows := regexp.MustCompile(`href="/dashboard/payments/(cs_[A-Za-z0-9_]+)"`)
	_, _, first := u.do(http.MethodGet, "/dashboard/payments?status=open", nil)
	older := regexp.MustCompile(`href="(/dashboard/payments\?[^"]+)">Older`).FindStringSubmatch(first)
	if n := len(rows.FindAllString(first, -1)); n != 25 || older == nil {
		t.Fatalf("first page: %d rows, older link %v", n, older)
	}
	next := strings.ReplaceAll(older[1], "&amp;", "&")
	if !strings.Contains(next, "status=open") || !strings.Contains(next, "starting_after=cs_") {
		t.Fatalf("older link %q", next)
	}
	_, _, second := u.do(http.MethodGet, next, nil)
	if n := len(rows.FindAllString(second, -1)); n != 2 || !strings.Contains(second, ">← Newer<") {
		t.Fatalf("second page: %d rows", n)
	}
}

// A form carries the mode its page showed: posted after the session switched modes (here, a
// token whose mode says live while the session shows test), it changes nothing (409). A
// sign-in posted from another site is refused (login CSRF).
func TestDashboardFormsAreBoundToModeAndSite(t *testing.T) {
	_, merchantID := newMerchant(t, "Mode Store")
	u := signInAs(t, merchantID, "owner@mode.example", account.RoleOwner)
	u.do(http.MethodGet, "/dashboard/account", nil)
	token, mode, _ := strings.Cut(u.csrf, ".")
	if mode != "test" {
		t.Fatalf("the page's token %q does not say its mode", u.csrf)
	}
	st, _, body := u.do(http.MethodPost, "/dashboard/account/invite", url.Values{"csrf": {token + ".live"},
		"email": {"x@mode.example"}, "role": {"owner"}})
	if st != http.StatusConflict || !strings.Contains(body, "nothing was changed") {
		t.Fatalf("a live page's form on a test session: %d", st)
	}
	if users, _ := it.app.Accounts.Users(context.Background(), account.Principal{User: account.User{MerchantID: merchantID}}); len(users) != 1 {
		t.Fatalf("%d users after a refused invite", len(users))
	}
	req, _ := http.NewRequest(http.MethodPost, it.base+"/dashboard/login",
		strings.NewReader(url.Values{"email": {"owner@mode.example"}, "password": {"a long enough passphrase"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a sign-in posted from another site: %d", res.StatusCode)
	}
}

// Two-factor sign-in: a wrong code does not turn it on; the app's code does; then signing in
// asks for a code, refuses a wrong one and a used one, and accepts a fresh one; five wrong
// codes with the right password lock the account (codes cannot be tried forever).
func TestDashboardTwoFactor(t *testing.T) {
	_, merchantID := newMerchant(t, "Two Factor Store")
	const email = "owner@2fa.example"
	u := signInAs(t, merchantID, email, account.RoleOwner)
	password := "a long enough passphrase"
	u.do(http.MethodGet, "/dashboard/account", nil)
	_, _, body := u.do(http.MethodPost, "/dashboard/account/two_factor/begin", url.Values{"csrf": {u.csrf}})
	m := regexp.MustCompile(`Key: <code>([A-Z2-7]+)</code>`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("setup page without key or QR code")
	}
	secret := m[1]
	code := func(at time.Time) string {
		c, err := totp.GenerateCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if st, _, _ := u.do(http.MethodPost, "/dashboard/account/two_factor/enable", url.Values{"csrf": {u.csrf}, "secret": {secret},
		"code": {"000000"}}); st != http.StatusBadRequest {
		t.Fatalf("a wrong code turned it on: %d", st)
	}
	if st, loc, _ := u.do(http.MethodPost, "/dashboard/account/two_factor/enable", url.Values{"csrf": {u.csrf}, "secret": {secret},
		"code": {code(time.Now().Add(-30 * time.Second))}}); st != http.StatusSeeOther || !strings.Contains(loc, "two_factor_on") {
		t.Fatalf("enable: %d %q", st, loc)
	}
	b := newDashUser(t)
	signIn := func(c string) (int, string) {
		st, _, body := b.do(http.MethodPost, "/dashboard/login", url.Values{"email": {email}, "password": {password}, "code": {c}})
		return st, body
	}
	if st, body := signIn(""); st != http.StatusUnauthorized || !strings.Contains(body, "Enter the 6-digit code") {
		t.Fatalf("no code: %d", st)
	}
	now := code(time.Now())
	if st, _ := signIn(now); st != http.StatusSeeOther {
		t.Fatalf("the app's code: %d", st)
	}
	if st, body := signIn(now); st != http.StatusBadRequest || !strings.Contains(body, "already used") {
		t.Fatalf("the same code again: %d", st)
	}
	for range account.DefaultPolicy.MaxFailures {
		signIn("000000")
	}
	if st, body := signIn(code(time.Now().Add(30 * time.Second))); !strings.Contains(body, "Too many wrong passwords") {
		t.Fatalf("after %d wrong codes a right one: %d", account.DefaultPolicy.MaxFailures, st)
	}
}

// Dead sessions do not pile up: a sign-in deletes the user's sessions past their maximum age
// or idle limit, and leaves the live ones.
func TestDashboardSignInClearsDeadSessions(t *testing.T) {
	_, merchantID := newMerchant(t, "Tidy Store")
	password := dashOwner(t, merchantID, "owner@tidy.example", account.RoleOwner)
	for range 3 {
		newDashUser(t).signIn("owner@tidy.example", password)
	}
	db := it.app.DB()
	count := func() (n int) {
		if err := db.Get(&n, `SELECT count(*) FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id
			WHERE u.email = 'owner@tidy.example'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 3 {
		t.Fatalf("%d sessions after three sign-ins", n)
	}
	if _, err := db.Exec(`UPDATE dashboard_sessions SET created_at = created_at - interval '8 days' WHERE id IN (
		SELECT s.id FROM dashboard_sessions s JOIN dashboard_users u ON u.id = s.user_id WHERE u.email = 'owner@tidy.example' LIMIT 2)`); err != nil {
		t.Fatal(err)
	}
	newDashUser(t).signIn("owner@tidy.example", password)
	if n := count(); n != 2 {
		t.Fatalf("%d sessions after a sign-in beside two dead ones, want the live one and the new one", n)
	}
}
