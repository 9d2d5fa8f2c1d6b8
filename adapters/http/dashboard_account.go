package http

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/account"
)

func (s *Server) dashAccountRoutes(read, write *gin.RouterGroup) {
	read.GET("/account", s.dashAccount)
	write.POST("/account/invite", s.dashInvite)
}

type accountBody struct {
	Email, Role string
	Users       []account.User
	InviteLink  string // shown once, after an owner invites someone
	InviteEmail string
	Err         string
}

func (b accountBody) FormError() string { return b.Err }

func (s *Server) accountBody(c *gin.Context) (accountBody, error) {
	p := principal(c)
	users, err := s.accounts.Users(c.Request.Context(), p)
	return accountBody{Email: p.User.Email, Role: string(p.User.Role), Users: users}, err
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
	b, err := s.accountBody(c)
	if err != nil {
		s.dashError(c, err)
		return
	}
	role, err := account.ParseRole(c.PostForm("role"))
	if err == nil {
		var token string
		var inv account.Invitation
		if token, inv, err = s.accounts.Invite(c.Request.Context(), principal(c).User.MerchantID, c.PostForm("email"), role); err == nil {
			b.InviteLink, b.InviteEmail = s.publicURL+"/dashboard/invite/"+url.PathEscape(token), inv.Email
			s.dashRender(c, http.StatusOK, "account", "Account", "account", b)
			return
		}
	}
	b.InviteEmail = c.PostForm("email")
	if e, ok := asUserError(err); ok {
		b.Err = e
		s.dashRender(c, http.StatusBadRequest, "account", "Account", "account", b)
		return
	}
	s.dashError(c, err)
}
