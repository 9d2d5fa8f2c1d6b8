package http

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/workflows"
)

// dashPageSize is how many rows a dashboard list shows at once.
const dashPageSize = 25

func (s *Server) dashPaymentRoutes(read, write *gin.RouterGroup) {
	read.GET("/payments", s.dashPayments)
	read.GET("/payments/:id", s.dashPayment)
	write.POST("/payments/:id/events/:event/redeliver", s.dashRedeliver)
}

// paymentRow is one session in the payments list.
type paymentRow struct {
	ID, Status, Payment, Amount, Asset, Reference string
	Created                                       time.Time
}

type paymentsBody struct {
	Rows                                     []paymentRow
	Status, Link, Reference, From, To, Query string
	// Next, Prev are the query strings of the next and previous pages ("": none), as
	// template.URL: html/template would escape a plain string's = and & after the ?.
	Next, Prev template.URL
	NoMatch    bool // a search found nothing
}

// dashCreated is a list's date filter (from and to, whole days, to included); a bad date is ignored.
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
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		s.dashSearch(c, q)
		return
	}
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
	b.Rows = paymentRows(page.Data)
	b.Next, b.Prev = dashPager(c, page.HasMore, q.Page, func(r paymentRow) string { return r.ID }, b.Rows)
	s.dashRender(c, http.StatusOK, "payments", "Payments", "payments", b)
}

func paymentRows(sessions []*checkout.Session) []paymentRow {
	var rows []paymentRow
	for _, sess := range sessions {
		rows = append(rows, paymentRow{ID: sess.ID, Status: string(sess.Status), Payment: string(sess.PaymentStatus),
			Amount: formatMoney(sess.AmountTotal, sess.Currency), Asset: sess.Crypto.AssetID,
			Reference: sess.ClientReferenceID, Created: sess.CreatedAt})
	}
	return rows
}

// dashSearch finds the sessions q names (checkout.ClassifySearch): one match opens its page,
// several are listed, none says so.
func (s *Server) dashSearch(c *gin.Context, q string) {
	found, err := s.sessions.Find(c.Request.Context(), dashCaller(c), q)
	if err != nil {
		s.dashError(c, err)
		return
	}
	if len(found) == 1 {
		c.Redirect(http.StatusSeeOther, "/dashboard/payments/"+url.PathEscape(found[0].ID))
		return
	}
	b := paymentsBody{Query: q, Rows: paymentRows(found), NoMatch: len(found) == 0}
	s.dashRender(c, http.StatusOK, "payments", "Payments", "payments", b)
}

// dashPage is a list page's cursor from its query, dashPageSize rows long.
func dashPage(c *gin.Context) paging.Params {
	return paging.Params{Limit: dashPageSize, StartingAfter: c.Query("starting_after"), EndingBefore: c.Query("ending_before")}
}

// dashPager builds the query strings of the next and previous pages of a list shown newest
// first, keeping the page's other parameters; as template.URL (url.Values.Encode made them
// safe), since html/template would escape a plain string's = and & after the ?.
func dashPager[T any](c *gin.Context, hasMore bool, p paging.Params, id func(T) string, rows []T) (next, prev template.URL) {
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
		next = template.URL(with("starting_after", id(rows[len(rows)-1])))
	}
	if p.StartingAfter != "" || (backward && hasMore) {
		prev = template.URL(with("ending_before", id(rows[0])))
	}
	return next, prev
}

// A session's page: what it sells and to whom, its crypto side and payments, its timeline,
// and the webhook deliveries of its events with a Redeliver button for owners.

// Limits of what a session's page loads: sessions have a handful of events, each delivered
// to a few endpoints.
const (
	dashMaxEventPages = 10 // of paging.MaxLimit events
	dashDeliveries    = 20 // newest deliveries shown per event
)

type paymentPage struct {
	ID, Status, PaymentStatus, Mode string
	Subtotal, Total                 string
	Email, Reference, Link          string
	InvoiceID, SubscriptionID       string
	LinkFilter, ReferenceFilter     template.URL // query strings of the list filtered by the link, by the reference
	Created, Expires                time.Time
	Completed, Expired              time.Time // zero: not (yet)
	Items                           []itemRow
	Metadata                        []metaRow
	Crypto                          *cryptoView
	Payments                        []chainPaymentRow
	Timeline                        []timelineRow
	Events                          []eventRow
	Refunds                         *refundPageSession // amount refunded, resolution, refunds (dashboard_refunds.go)
	WorkflowURL                     string
	Err                             string
}

func (b paymentPage) FormError() string { return b.Err }

type itemRow struct {
	Name, Description, Unit, Total, Per string
	Quantity                            int64
}

type metaRow struct{ Key, Value string }

type cryptoView struct {
	Asset, Chain, Address, AddressURL string
	Due, Received, State, Rate        string
	Accepted, Tolerance               string
	Quoted, QuoteExpires              time.Time
}

type chainPaymentRow struct {
	TxHash, TxURL, Amount, Status, Note string
	Confirmations, Needed               int64
	Detected                            time.Time
}

type timelineRow struct {
	At                  string // to the second: steps often come seconds apart
	Text, TxHash, TxURL string
	EventID, EventType  string
}

type eventRow struct {
	ID, Type   string
	Created    time.Time
	Deliveries []deliveryRow
	More       bool // older deliveries than those shown exist
}

type deliveryRow struct {
	ID, Endpoint, Status string
	Redelivery           bool
	Created              time.Time
	Attempts             []attemptRow
}

type attemptRow struct {
	Number int
	At     string // to the second
	Result string
}

// dashSeconds shows a moment to the second, where minutes are too coarse.
func dashSeconds(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04:05 MST") }

// stepWords say what each step of a timeline was.
var stepWords = map[checkout.StepKind]string{
	checkout.StepCreated:          "Created",
	checkout.StepQuoted:           "Asset chosen and quoted",
	checkout.StepPaymentConfirmed: "Payment confirmed",
	event.SessionPaymentDetected:  "Payment detected",
	event.SessionUnderpaid:        "Underpaid: less than the amount due arrived",
	event.SessionCompleted:        "Completed: paid",
	event.SessionExpired:          "Expired",
	event.SessionPaidLate:         "Paid late: funds arrived after expiry",
	event.SessionPaymentReverted:  "Payment reverted: its block left the chain",
	event.RefundCreated:           "Refund created",
	event.RefundUpdated:           "Refund updated",
	event.RefundFailed:            "Refund failed",
}

func (s *Server) dashPayment(c *gin.Context) {
	s.renderPayment(c, http.StatusOK, "")
}

// renderPayment shows the session's page with status and, if any, an error above it.
func (s *Server) renderPayment(c *gin.Context, status int, errMsg string) {
	ctx, caller := c.Request.Context(), dashCaller(c)
	sess, err := s.sessions.Get(ctx, caller, c.Param("id"), true)
	if err != nil {
		s.dashError(c, err)
		return
	}
	events, err := s.sessionEvents(c, sess.ID)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := paymentPage{ID: sess.ID, Status: string(sess.Status), PaymentStatus: string(sess.PaymentStatus), Mode: string(sess.Mode),
		Subtotal: formatMoney(sess.AmountSubtotal, sess.Currency), Total: formatMoney(sess.AmountTotal, sess.Currency),
		Email: sess.CustomerEmail, Reference: sess.ClientReferenceID, Link: sess.PaymentLink,
		InvoiceID: sess.InvoiceID, SubscriptionID: sess.SubscriptionID,
		Created: sess.CreatedAt, Expires: sess.ExpiresAt, Err: errMsg}
	if sess.CompletedAt != nil {
		b.Completed = *sess.CompletedAt
	}
	if sess.ExpiredAt != nil {
		b.Expired = *sess.ExpiredAt
	}
	if sess.PaymentLink != "" {
		b.LinkFilter = template.URL(url.Values{"payment_link": {sess.PaymentLink}}.Encode())
	}
	if sess.ClientReferenceID != "" {
		b.ReferenceFilter = template.URL(url.Values{"client_reference_id": {sess.ClientReferenceID}}.Encode())
	}
	for _, li := range sess.LineItems {
		b.Items = append(b.Items, itemRow{Name: li.Name, Description: li.ProductDescription, Quantity: li.Quantity,
			Unit: formatUnit(li.UnitAmountDecimal, li.Currency), Total: formatMoney(li.AmountTotal, li.Currency), Per: periodWords(li.Recurring)})
	}
	for _, k := range slices.Sorted(maps.Keys(sess.Metadata)) {
		b.Metadata = append(b.Metadata, metaRow{Key: k, Value: sess.Metadata[k]})
	}
	if err := s.fillChain(c, &b, sess); err != nil {
		s.dashError(c, err)
		return
	}
	if b.Refunds, err = s.refundPageSessionOf(c, sess); err != nil {
		s.dashError(c, err)
		return
	}
	b.Timeline = s.timelineRows(sess, events)
	for i := len(events) - 1; i >= 0; i-- { // newest first, as the API lists them
		row, err := s.eventRow(c, events[i])
		if err != nil {
			s.dashError(c, err)
			return
		}
		b.Events = append(b.Events, row)
	}
	if s.temporalUI != "" {
		// The workflow list filtered by its ID: every run of it, whatever its run ID.
		q := url.Values{"query": {fmt.Sprintf("WorkflowId=%q", workflows.SessionWorkflowID(sess.ID))}}
		b.WorkflowURL = s.temporalUI + "/workflows?" + q.Encode()
	}
	s.dashRender(c, status, "payment", "Payment "+sess.ID, "payments", b)
}

// sessionEvents lists the events about a session, oldest first, through the API's use case.
func (s *Server) sessionEvents(c *gin.Context, sessionID string) ([]event.Event, error) {
	var all []event.Event
	q := event.ListQuery{SessionID: sessionID, Page: paging.Params{Limit: paging.MaxLimit}}
	for range dashMaxEventPages {
		page, err := s.events.List(c.Request.Context(), dashCaller(c), q)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if !page.HasMore || len(page.Data) == 0 {
			break
		}
		q.Page.StartingAfter = page.Data[len(page.Data)-1].ID
	}
	slices.Reverse(all)
	return all, nil
}

// fillChain adds the crypto side and the payments, with confirmations counted as the API does.
func (s *Server) fillChain(c *gin.Context, b *paymentPage, sess *checkout.Session) error {
	cr := sess.Crypto
	b.Crypto = &cryptoView{State: string(cr.State), Accepted: strings.Join(cr.AcceptedAssets, ", "),
		Tolerance: cr.TolerancePercent.String() + " %"}
	if cr.AssetID != "" {
		asset, _ := s.chains.Asset(cr.AssetID)
		ch, _ := s.chains.Chain(cr.ChainID)
		b.Crypto.Asset, b.Crypto.Chain = asset.Symbol, ch.Name
		b.Crypto.Address, b.Crypto.AddressURL = chain.Checksum(cr.DepositAddress), ch.AddressURL(cr.DepositAddress)
		if cr.AmountDue != nil {
			b.Crypto.Due = chain.FormatUnits(cr.AmountDue, cr.Decimals) + " " + asset.Symbol
		}
		if cr.AmountReceived != nil {
			b.Crypto.Received = chain.FormatUnits(cr.AmountReceived, cr.Decimals) + " " + asset.Symbol
		}
		b.Crypto.Rate = "1 " + asset.Symbol + " = " + cr.Rate.String() + " " + strings.ToUpper(sess.Currency)
		b.Crypto.Quoted, b.Crypto.QuoteExpires = cr.QuotedAt, cr.QuoteExpiresAt
	}
	if len(cr.Payments) == 0 {
		return nil
	}
	heights, err := s.sessions.ScannedHeights(c.Request.Context())
	if err != nil {
		return err
	}
	for _, p := range cr.Payments {
		asset, _ := s.chains.Asset(p.AssetID)
		ch, _ := s.chains.Chain(p.ChainID)
		row := chainPaymentRow{TxHash: p.TxHash, TxURL: ch.TxURL(p.TxHash), Amount: chain.FormatUnits(p.Amount, asset.Decimals) + " " + asset.Symbol,
			Status: string(p.Status), Confirmations: min(int64(p.Confirmations(heights[p.ChainID])), ch.Confirmations),
			Needed: ch.Confirmations, Detected: p.DetectedAt}
		switch {
		case p.Dust:
			row.Note = "dust: below the asset's threshold, never counted"
		case p.AssetID != cr.AssetID:
			row.Note = "another asset than the one quoted: not counted"
		case p.BlockTime.After(sess.Deadline()):
			row.Note = "mined after expiry"
		}
		b.Payments = append(b.Payments, row)
	}
	return nil
}

// timelineRows puts the session's timeline (a core rule) in words.
func (s *Server) timelineRows(sess *checkout.Session, events []event.Event) []timelineRow {
	var rows []timelineRow
	for _, st := range checkout.Timeline(sess, events) {
		text, ok := stepWords[st.Kind]
		if !ok {
			text = string(st.Kind)
		}
		row := timelineRow{At: dashSeconds(st.At), Text: text, EventID: st.EventID}
		if st.EventID != "" {
			row.EventType = string(st.Kind)
		}
		if st.AssetID != "" {
			if a, ok := s.chains.Asset(st.AssetID); ok {
				name := a.ChainKey
				if ch, ok := s.chains.Chain(a.ChainID); ok {
					name = ch.Name
				}
				row.Text += ": " + a.Symbol + " on " + name
			}
		}
		if st.TxHash != "" {
			row.TxHash = st.TxHash
			if ch, ok := s.chains.Chain(sess.Crypto.ChainID); ok {
				row.TxURL = ch.TxURL(st.TxHash)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// eventRow is an event with its newest deliveries, through the API's deliveries use case.
func (s *Server) eventRow(c *gin.Context, e event.Event) (eventRow, error) {
	row := eventRow{ID: e.ID, Type: e.Type, Created: e.Created}
	page, err := s.delivs.List(c.Request.Context(), dashCaller(c), e.ID, paging.Params{Limit: dashDeliveries})
	if err != nil {
		return row, err
	}
	row.More = page.HasMore
	for _, d := range page.Data {
		dr := deliveryRow{ID: d.ID, Endpoint: d.EndpointID, Status: string(d.Status), Redelivery: d.Redelivery, Created: d.Created}
		for _, a := range d.Attempts {
			result := a.Error
			if a.StatusCode != 0 {
				result = fmt.Sprintf("HTTP %d", a.StatusCode)
				if a.Error != "" {
					result += ": " + a.Error
				}
			}
			dr.Attempts = append(dr.Attempts, attemptRow{Number: a.Number, At: dashSeconds(a.At),
				Result: fmt.Sprintf("%s in %d ms", cmp.Or(result, "no answer"), a.Latency.Milliseconds())})
		}
		row.Deliveries = append(row.Deliveries, dr)
	}
	return row, nil
}

// dashRedeliver sends one of the session's events again, through the API's use case and its
// limits; a refusal (too many redeliveries) shows on the session's page.
func (s *Server) dashRedeliver(c *gin.Context) {
	ctx, caller, id := c.Request.Context(), dashCaller(c), c.Param("id")
	e, err := s.events.Get(ctx, caller, c.Param("event"))
	if err == nil && e.SessionID != id {
		err = apperr.NotFound("event", c.Param("event"))
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	n, err := s.delivs.Redeliver(ctx, caller, e.ID)
	if err != nil {
		if ae, ok := apperr.As(err); ok && ae.Kind != apperr.KindInternal && ae.Kind != apperr.KindUnavailable && ae.Kind != apperr.KindNotFound {
			s.renderPayment(c, kindStatus(ae.Kind), ae.Message)
			return
		}
		s.dashError(c, err)
		return
	}
	notice := "redelivered"
	if n == 0 {
		notice = "redelivered_none"
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/payments/"+url.PathEscape(id)+"?notice="+notice+"#events")
}
