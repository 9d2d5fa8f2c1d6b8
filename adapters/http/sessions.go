package http

import (
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// pageParams are Stripe's list cursor parameters.
type pageParams struct {
	Limit         *int64  `json:"limit"`
	StartingAfter *string `json:"starting_after"`
	EndingBefore  *string `json:"ending_before"`
}

func (p pageParams) paging() paging.Params {
	out := paging.Params{}
	if p.Limit != nil {
		// Out-of-range values are kept out of range so that Normalize rejects them.
		switch l := *p.Limit; {
		case l < 1:
			out.Limit = -1
		case l > paging.MaxLimit:
			out.Limit = paging.MaxLimit + 1
		default:
			out.Limit = int(l)
		}
	}
	if p.StartingAfter != nil {
		out.StartingAfter = *p.StartingAfter
	}
	if p.EndingBefore != nil {
		out.EndingBefore = *p.EndingBefore
	}
	return out
}

// createdFilter is created=<unix> or created[gt|gte|lt|lte]=<unix>.
type createdFilter struct{ paging.TimeRange }

func (f *createdFilter) bindParam(node any, path string) error {
	if m, ok := node.(map[string]any); ok {
		for _, k := range sortedKeys(m) {
			n, ok := toInt(m[k])
			if !ok {
				return apperr.Invalid(child(path, k), "parameter_invalid_integer", "Invalid integer: %s must be a Unix timestamp.", child(path, k))
			}
			t := time.Unix(n, 0).UTC()
			switch k {
			case "gt":
				f.GT = &t
			case "gte":
				f.GTE = &t
			case "lt":
				f.LT = &t
			case "lte":
				f.LTE = &t
			default:
				return apperr.Invalid(child(path, k), "parameter_unknown", "Received unknown parameter: %s", child(path, k))
			}
		}
		return nil
	}
	n, ok := toInt(node)
	if !ok {
		return apperr.Invalid(path, "parameter_invalid_integer", "Invalid integer: %s must be a Unix timestamp.", path)
	}
	t := time.Unix(n, 0).UTC()
	f.GTE, f.LTE = &t, &t
	return nil
}

type listSessionsParams struct {
	pageParams
	checkout.ListParams
	Created *createdFilter `json:"created"`
}

func (s *Server) createSession(c *gin.Context) {
	var p checkout.CreateParams
	expand, err := params(c, &p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	var sess *checkout.Session
	if p.PaymentLink != nil {
		sess, err = s.links.CreateSession(c.Request.Context(), callerOf(c), p)
	} else {
		sess, err = s.sessions.Create(c.Request.Context(), callerOf(c), p)
	}
	if err != nil {
		s.writeError(c, err)
		return
	}
	if slices.Contains(expand, "line_items") {
		sess.LineItems = append([]checkout.LineItem{}, sess.LineItems...)
	} else {
		sess.LineItems = nil
	}
	sess.Crypto.Payments = []chain.Payment{}
	c.JSON(http.StatusOK, s.renderSession(c.Request.Context(), sess))
}

func (s *Server) getSession(c *gin.Context) {
	expand, err := params(c, nil)
	if err != nil {
		s.writeError(c, err)
		return
	}
	sess, err := s.sessions.Get(c.Request.Context(), callerOf(c), c.Param("id"), slices.Contains(expand, "line_items"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderSession(c.Request.Context(), sess))
}

func (s *Server) listSessions(c *gin.Context) {
	var p listSessionsParams
	expand, err := params(c, &p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	q := checkout.ListQuery{Page: p.paging(), ExpandLineItems: slices.Contains(expand, "data.line_items")}
	if p.Status != nil {
		q.Status = checkout.Status(*p.Status)
	}
	if p.ClientReferenceID != nil {
		q.ClientReferenceID = *p.ClientReferenceID
	}
	if p.PaymentLink != nil {
		q.PaymentLink = *p.PaymentLink
	}
	if p.Created != nil {
		q.Created = p.Created.TimeRange
	}
	page, err := s.sessions.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		s.writeError(c, err)
		return
	}
	// Each listed session is rendered as retrieving it would, its payments' confirmations
	// counted from one read of the scanners' heights.
	var heights map[int64]uint64
	if slices.ContainsFunc(page.Data, func(sess *checkout.Session) bool { return len(sess.Crypto.Payments) > 0 }) {
		heights = s.heights(c.Request.Context())
	}
	c.JSON(http.StatusOK, newList("/v1/checkout/sessions", page, func(sess *checkout.Session) sessionObject {
		return s.renderSessionAt(sess, heights)
	}))
}

func (s *Server) expireSession(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	sess, err := s.sessions.Expire(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderSession(c.Request.Context(), sess))
}

func (s *Server) listLineItems(c *gin.Context) {
	var p pageParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	caller := callerOf(c)
	id := c.Param("id")
	page, err := s.sessions.LineItems(c.Request.Context(), caller, id, p.paging())
	if err != nil {
		s.writeError(c, err)
		return
	}
	sess, err := s.sessions.Get(c.Request.Context(), caller, id, false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(s.lineItemsURL(id), page, func(li checkout.LineItem) lineItemJSON {
		return renderLineItem(li, sess)
	}))
}
