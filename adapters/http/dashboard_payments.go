package http

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// dashPageSize is how many rows a dashboard list shows at once.
const dashPageSize = 25

func (s *Server) dashPaymentRoutes(read, _ *gin.RouterGroup) {
	read.GET("/payments", s.dashPayments)
}

// paymentRow is one session in the payments list.
type paymentRow struct {
	ID, Status, Payment, Amount, Asset, Reference string
	Created                                       time.Time
}

type paymentsBody struct {
	Rows                                     []paymentRow
	Status, Link, Reference, From, To, Query string
	Next, Prev                               string // query strings of the next and previous pages ("": none)
}

// dashFilters reads a list page's filters from the query; bad dates are ignored.
func dashCreated(from, to string) paging.TimeRange {
	var r paging.TimeRange
	if t, err := time.Parse("2006-01-02", from); err == nil {
		r.GTE = &t
	}
	if t, err := time.Parse("2006-01-02", to); err == nil {
		end := t.Add(24 * time.Hour)
		r.LT = &end
	}
	return r
}

func (s *Server) dashPayments(c *gin.Context) {
	b := paymentsBody{Status: c.Query("status"), Link: c.Query("payment_link"), Reference: c.Query("client_reference_id"),
		From: c.Query("from"), To: c.Query("to")}
	q := checkout.ListQuery{Page: paging.Params{Limit: dashPageSize, StartingAfter: c.Query("starting_after"),
		EndingBefore: c.Query("ending_before")}, Status: checkout.Status(b.Status), ClientReferenceID: b.Reference,
		PaymentLink: b.Link, Created: dashCreated(b.From, b.To)}
	page, err := s.sessions.List(c.Request.Context(), dashCaller(c), q)
	if err != nil {
		s.dashError(c, err)
		return
	}
	for _, sess := range page.Data {
		b.Rows = append(b.Rows, paymentRow{ID: sess.ID, Status: string(sess.Status), Payment: string(sess.PaymentStatus),
			Amount: formatMoney(sess.AmountTotal, sess.Currency), Asset: sess.Crypto.AssetID,
			Reference: sess.ClientReferenceID, Created: sess.CreatedAt})
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, q.Page, func(r paymentRow) string { return r.ID }, b.Rows)
	s.dashRender(c, http.StatusOK, "payments", "Payments", "payments", b)
}

// dashPager builds the query strings of the next and previous pages of a list shown newest
// first, keeping the page's other parameters.
func dashPager[T any](c *gin.Context, hasMore bool, p paging.Params, id func(T) string, rows []T) (next, prev string) {
	if len(rows) == 0 {
		return "", ""
	}
	base := c.Request.URL.Query()
	base.Del("starting_after")
	base.Del("ending_before")
	base.Del("notice")
	with := func(k, v string) string {
		q := url.Values{}
		for key, vs := range base {
			q[key] = vs
		}
		q.Set(k, v)
		return q.Encode()
	}
	backward := p.EndingBefore != ""
	if hasMore || backward {
		next = with("starting_after", id(rows[len(rows)-1]))
	}
	if p.StartingAfter != "" || (backward && hasMore) {
		prev = with("ending_before", id(rows[0]))
	}
	return next, prev
}
