package http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/paymentlink"
)

type linkJSON struct {
	ID              string              `json:"id"`
	Object          string              `json:"object"`
	Active          bool                `json:"active"`
	AfterCompletion afterCompletionJSON `json:"after_completion"`
	Currency        string              `json:"currency"`
	Livemode        bool                `json:"livemode"`
	Metadata        map[string]string   `json:"metadata"`
	Restrictions    *restrictionsJSON   `json:"restrictions"`
	URL             string              `json:"url"`
	Crypto          linkCryptoJSON      `json:"crypto"`
}

type afterCompletionJSON struct {
	Type     string `json:"type"`
	Redirect *struct {
		URL string `json:"url"`
	} `json:"redirect"`
	HostedConfirmation *struct {
		CustomMessage *string `json:"custom_message"`
	} `json:"hosted_confirmation"`
}

type restrictionsJSON struct {
	CompletedSessions struct {
		Count int64 `json:"count"`
		Limit int64 `json:"limit"`
	} `json:"completed_sessions"`
}

type linkCryptoJSON struct {
	AcceptedAssets []string `json:"accepted_assets"`
	ExpiresAfter   *int64   `json:"expires_after"`
}

func (s *Renderer) linkURL(id string) string { return s.publicURL + "/l/" + id }

func (s *Renderer) renderLink(l paymentlink.Link) linkJSON {
	out := linkJSON{ID: l.ID, Object: "payment_link", Active: l.Active, Currency: l.Currency, Livemode: l.Livemode,
		Metadata: nonNilMap(l.Metadata), URL: s.linkURL(l.ID), Crypto: linkCryptoJSON{AcceptedAssets: l.AcceptedAssets}}
	out.AfterCompletion.Type = l.AfterCompletion
	if l.AfterCompletion == paymentlink.Redirect {
		out.AfterCompletion.Redirect = &struct {
			URL string `json:"url"`
		}{l.RedirectURL}
	} else {
		out.AfterCompletion.HostedConfirmation = &struct {
			CustomMessage *string `json:"custom_message"`
		}{opt(l.ConfirmationMessage)}
	}
	if l.CompletedLimit > 0 {
		out.Restrictions = &restrictionsJSON{}
		out.Restrictions.CompletedSessions.Count, out.Restrictions.CompletedSessions.Limit = l.CompletedSessions, l.CompletedLimit
	}
	if l.ExpiresAfter > 0 {
		secs := int64(l.ExpiresAfter.Seconds())
		out.Crypto.ExpiresAfter = &secs
	}
	return out
}

// EncodeLink implements paymentlink.Encoder: the link as the API shows it, for its events.
func (s *Renderer) EncodeLink(_ context.Context, l paymentlink.Link) ([]byte, error) {
	return json.Marshal(s.renderLink(l))
}

func renderLinkLine(x paymentlink.Line) lineItemJSON {
	total, _ := money.LineTotal(x.Price.UnitAmountDecimal, x.Item.Quantity)
	return lineItemJSON{ID: x.Item.ID, Object: "item", AmountSubtotal: total, AmountTotal: total, Currency: x.Price.Currency,
		Description: x.Product.Name, Price: renderPrice(x.Price), Quantity: x.Item.Quantity}
}

type linkListParams struct {
	pageParams
	paymentlink.ListParams
}

func (s *Server) createLink(c *gin.Context) {
	var p paymentlink.CreateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	l, err := s.links.Create(c.Request.Context(), callerOf(c), p)
	s.respond(c, err, func() any { return s.renderLink(l) })
}

func (s *Server) getLink(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	l, err := s.links.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return s.renderLink(l) })
}

func (s *Server) updateLink(c *gin.Context) {
	var p paymentlink.UpdateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	l, err := s.links.Update(c.Request.Context(), callerOf(c), c.Param("id"), p)
	s.respond(c, err, func() any { return s.renderLink(l) })
}

func (s *Server) listLinks(c *gin.Context) {
	var p linkListParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.links.List(c.Request.Context(), callerOf(c), p.paging(), p.ListParams)
	s.respond(c, err, func() any { return newList("/v1/payment_links", page, s.renderLink) })
}

func (s *Server) listLinkItems(c *gin.Context) {
	var p pageParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	id := c.Param("id")
	page, err := s.links.LineItems(c.Request.Context(), callerOf(c), id, p.paging())
	s.respond(c, err, func() any { return newList("/v1/payment_links/"+id+"/line_items", page, renderLinkLine) })
}

// openLink is the link's public URL: a fresh session per visit, 303 to its page; an inactive
// or sold-out link is a page saying so, 410 Gone.
func (s *Server) openLink(c *gin.Context) {
	securePage(c)
	v := paymentlink.Visit{ClientReferenceID: c.Query("client_reference_id"), PrefilledEmail: c.Query("prefilled_email")}
	sess, err := s.links.Open(c.Request.Context(), c.Param("id"), v)
	if err == nil {
		c.Redirect(http.StatusSeeOther, s.sessionURL(url.PathEscape(sess.ID)))
		return
	}
	e, ok := apperr.As(err)
	switch {
	case !ok || e.Kind == apperr.KindUnavailable || e.Kind == apperr.KindInternal:
		s.pageError(c, err)
	case e.Kind == apperr.KindNotFound:
		c.Status(http.StatusNotFound)
		s.renderPage(c, s.page.notFound, pageData{Title: "Checkout not found", Livemode: true})
	default: // inactive, sold out, or its items can no longer be sold
		title, text := "This link is no longer available", "The merchant has turned this payment link off or changed what it sells."
		if e.Code == "payment_link_sold_out" {
			title, text = "Sold out", "Everything this payment link offered has been sold."
		}
		c.Status(http.StatusGone)
		s.renderPage(c, s.page.gone, pageData{Title: title, Error: text, Livemode: true})
	}
}
