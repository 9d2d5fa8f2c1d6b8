package http

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"

	"github.com/chaincheckout/checkout/core/account"
)

func (s *Server) dashAccountRoutes(read, write *gin.RouterGroup) {
	read.GET("/account", s.dashAccount)
	write.POST("/account/invite", s.dashInvite)
	// Two-factor sign-in is each user's own, whatever their role.
	read.POST("/account/two_factor/begin", s.dashTwoFactorBegin)
	read.POST("/account/two_factor/enable", s.dashTwoFactorEnable)
	read.POST("/account/two_factor/disable", s.dashTwoFactorDisable)
}

// totpIssuer names the service in authenticator apps.
const totpIssuer = "Crypto checkout"

// totpSetup is what a user adds to an authenticator app: a QR code of the otpauth URI, or the
// secret typed by hand.
type totpSetup struct {
	Secret string
	QR     template.URL // a data: URI, allowed by img-src
}

func newTOTPSetup(secret, uri string) *totpSetup {
	t := &totpSetup{Secret: secret}
	if code, err := qr.Encode(uri, qr.M); err == nil {
		t.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG()))
	}
	return t
}

func (s *Server) dashTwoFactorBegin(c *gin.Context) {
	b, err := s.accountBody(c)
	if err != nil {
		s.dashError(c, err)
		return
	}
	secret, uri, err := s.accounts.BeginTwoFactor(principal(c), totpIssuer)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b.Setup = newTOTPSetup(secret, uri)
	s.dashRender(c, http.StatusOK, "account", "Account", "account", b)
}

func (s *Server) dashTwoFactorEnable(c *gin.Context) {
	secret, code := c.PostForm("secret"), strings.TrimSpace(c.PostForm("code"))
	err := s.accounts.EnableTwoFactor(c.Request.Context(), principal(c), secret, code)
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/dashboard/account?notice=two_factor_on")
		return
	}
	s.accountAgain(c, err, func(b *accountBody) { b.Setup = &totpSetup{Secret: secret} }) // the app has the key already: no QR again
}

func (s *Server) dashTwoFactorDisable(c *gin.Context) {
	err := s.accounts.DisableTwoFactor(c.Request.Context(), principal(c), strings.TrimSpace(c.PostForm("code")))
	if err == nil {
		c.Redirect(http.StatusSeeOther, "/dashboard/account?notice=two_factor_off")
		return
	}
	s.accountAgain(c, err, func(*accountBody) {})
}

type accountBody struct {
	Email, Role string
	TwoFactor   bool
	Setup       *totpSetup // two-factor sign-in being turned on
	Users       []account.User
	InviteLink  string // shown once, after an owner invites someone
	InviteEmail string
	Err         string
}

func (b accountBody) FormError() string { return b.Err }

func (s *Server) accountBody(c *gin.Context) (accountBody, error) {
	p := principal(c)
	users, err := s.accounts.Users(c.Request.Context(), p)
	return accountBody{Email: p.User.Email, Role: string(p.User.Role), TwoFactor: p.User.TwoFactor(), Users: users}, err
}

func (s *Server) dashAccount(c *gin.Context) {
	b, err := s.accountBody(c)
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, http.StatusOK, "account", "Account", "account", b)
}

// dashInvite lets an owner invite a person; the link is shown once, for the owner to send.
func (s *Server) dashInvite(c *gin.Context) {
	role, err := account.ParseRole(c.PostForm("role"))
	var token string
	var inv account.Invitation
	if err == nil {
		token, inv, err = s.accounts.Invite(c.Request.Context(), principal(c).User.MerchantID, c.PostForm("email"), role)
	}
	if err != nil {
		s.accountAgain(c, err, func(b *accountBody) { b.InviteEmail = c.PostForm("email") })
		return
	}
	b, err := s.accountBody(c)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b.InviteLink, b.InviteEmail = s.publicURL+"/dashboard/invite/"+url.PathEscape(token), inv.Email
	s.dashRender(c, http.StatusOK, "account", "Account", "account", b)
}

// accountAgain shows the account page again with err in words (400), edit putting back what
// the form had; an error the user cannot act on is shown as dashError shows it.
func (s *Server) accountAgain(c *gin.Context, err error, edit func(*accountBody)) {
	msg, ok := asUserError(err)
	b, lerr := s.accountBody(c)
	if !ok || lerr != nil {
		s.dashError(c, err)
		return
	}
	b.Err = msg
	edit(&b)
	s.dashRender(c, http.StatusBadRequest, "account", "Account", "account", b)
}
