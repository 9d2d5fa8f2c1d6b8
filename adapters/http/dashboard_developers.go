package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/webhook"
)

// The developers section: the API keys and webhook endpoints of the session's mode, and the
// event log with each event's deliveries. Every change goes through the same use cases as the
// API and the CLI (merchant.Service, webhook.Endpoints and Deliveries, event.Service).

// dashDeveloperRoutes registers the dashboard's developers pages: read for every user, write for owners.
func (s *Server) dashDeveloperRoutes(read, write *gin.RouterGroup) {
	read.GET("/developers", s.dashDevelopers)
	read.GET("/developers/webhooks/:id", s.dashEndpoint)
	read.GET("/events", s.dashEvents)
	read.GET("/events/:id", s.dashEvent)
	write.POST("/developers/keys/roll", s.dashRollKey)
	write.POST("/developers/keys", s.dashCreateKey)
	write.POST("/developers/keys/:id/revoke", s.dashRevokeKey)
	write.POST("/developers/webhooks", s.dashCreateEndpoint)
	write.POST("/developers/webhooks/:id/roll_secret", s.dashRollEndpointSecret)
	write.POST("/developers/webhooks/:id/test", s.dashSendTestEvent)
	write.POST("/developers/webhooks/:id/status", s.dashEndpointStatus)
	write.POST("/developers/webhooks/:id/delete", s.dashDeleteEndpoint)
	write.POST("/events/:id/redeliver", s.dashEventRedeliver)
}

// rollGraces are the grace periods the roll form offers, as Stripe's dashboard does.
var rollGraces = []struct {
	Value, Label string
	Grace        time.Duration
}{
	{"now", "Now: the old key stops at once", 0},
	{"1h", "In 1 hour", time.Hour},
	{"24h", "In 24 hours", 24 * time.Hour},
	{"7d", "In 7 days", merchant.MaxRollGrace},
}

type apiKeyRow struct {
	ID, Hint string // the hint: the key's prefix and last four characters, never the secret
	Created  time.Time
	Expires  time.Time // zero: no expiry
}

type endpointRow struct {
	ID, URL, Description, Events string
	Enabled                      bool
	Created                      time.Time
}

// endpointForm is the create form's input, kept to show it again with an error.
type endpointForm struct {
	URL, Description string
	All              bool
	Events           map[string]bool
}

type developersBody struct {
	Mode      string
	Keys      []apiKeyRow
	Graces    any
	Endpoints []endpointRow
	Types     []string
	Form      endpointForm
	Err       string
}

func (b developersBody) FormError() string { return b.Err }

// developersPage reads the keys and endpoints of the session's mode.
func (s *Server) developersPage(c *gin.Context, form endpointForm) (developersBody, error) {
	caller := dashCaller(c)
	b := developersBody{Mode: merchant.ModeName(caller.Livemode), Graces: rollGraces, Types: event.Types, Form: form}
	keys, err := s.merchants.Keys(c.Request.Context(), caller.MerchantID, caller.Livemode)
	if err != nil {
		return b, err
	}
	for _, k := range keys {
		row := apiKeyRow{ID: k.ID, Hint: k.Hint, Created: k.CreatedAt}
		if k.ExpiresAt != nil {
			row.Expires = *k.ExpiresAt
		}
		b.Keys = append(b.Keys, row)
	}
	eps, err := s.endpoints.List(c.Request.Context(), caller, paging.Params{Limit: webhook.MaxEndpoints})
	if err != nil {
		return b, err
	}
	for _, e := range eps.Data {
		b.Endpoints = append(b.Endpoints, endpointRowOf(e))
	}
	return b, nil
}

func endpointRowOf(e webhook.Endpoint) endpointRow {
	events := strings.Join(e.EnabledEvents, ", ")
	if len(e.EnabledEvents) == 1 && e.EnabledEvents[0] == "*" {
		events = "All events"
	}
	return endpointRow{ID: e.ID, URL: e.URL, Description: e.Description, Events: events, Enabled: !e.Disabled, Created: e.Created}
}

func (s *Server) dashDevelopers(c *gin.Context) {
	b, err := s.developersPage(c, endpointForm{})
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.dashRender(c, http.StatusOK, "developers", "Developers", "developers", b)
}

// developersAgain shows the developers page again with the form's input and an error (400).
func (s *Server) developersAgain(c *gin.Context, form endpointForm, msg string) {
	b, err := s.developersPage(c, form)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b.Err = msg
	s.dashRender(c, http.StatusBadRequest, "developers", "Developers", "developers", b)
}

// secretBody is the page that shows a new secret once.
type secretBody struct {
	Heading, Secret, Warning, Detail, Back, BackLabel string
	Until                                             time.Time // when set, Detail continues with it
}

func (s *Server) dashRollKey(c *gin.Context) {
	grace, ok := time.Duration(0), false
	for _, g := range rollGraces {
		if g.Value == c.PostForm("grace") {
			grace, ok = g.Grace, true
		}
	}
	if !ok {
		s.developersAgain(c, endpointForm{}, "Choose when the old key stops working.")
		return
	}
	caller := dashCaller(c)
	fresh, retired, err := s.merchants.Roll(c.Request.Context(), caller.MerchantID, caller.Livemode, grace)
	if msg, ok := asUserError(err); ok {
		s.developersAgain(c, endpointForm{}, msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	body := secretBody{Heading: "Your new " + merchant.ModeName(caller.Livemode) + " secret key", Secret: fresh.Value,
		Warning: "Copy this key and store it safely now: it is shown only this once and cannot be shown again.",
		Detail:  "The old key stopped working now.", Back: "/dashboard/developers", BackLabel: "Back to developers"}
	if grace > 0 && len(retired) > 0 && retired[0].ExpiresAt != nil {
		body.Detail, body.Until = "The old key keeps working until", *retired[0].ExpiresAt
	}
	c.Header("Cache-Control", "no-store")
	s.dashRender(c, http.StatusOK, "secret", "New API key", "developers", body)
}

// dashSendTestEvent sends the endpoint a signed test event through the delivery path.
func (s *Server) dashSendTestEvent(c *gin.Context) {
	id := c.Param("id")
	if _, err := s.delivs.SendTest(c.Request.Context(), dashCaller(c), id); err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/developers/webhooks/"+url.PathEscape(id)+"?notice=test_sent")
}

// dashCreateKey issues one more key of the mode (one per integration), shown once.
func (s *Server) dashCreateKey(c *gin.Context) {
	caller := dashCaller(c)
	fresh, err := s.merchants.CreateKey(c.Request.Context(), caller.MerchantID, caller.Livemode)
	if msg, ok := asUserError(err); ok {
		s.developersAgain(c, endpointForm{}, msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.dashRender(c, http.StatusOK, "secret", "New API key", "developers", secretBody{
		Heading: "Your new " + merchant.ModeName(caller.Livemode) + " secret key", Secret: fresh.Value,
		Warning: "Copy this key and store it safely now: it is shown only this once and cannot be shown again.",
		Detail:  "Your other keys keep working.", Back: "/dashboard/developers", BackLabel: "Back to developers"})
}

func (s *Server) dashRevokeKey(c *gin.Context) {
	caller := dashCaller(c)
	_, err := s.merchants.RevokeKey(c.Request.Context(), caller.MerchantID, caller.Livemode, c.Param("id"))
	if msg, ok := asUserError(err); ok {
		s.developersAgain(c, endpointForm{}, msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/developers?notice=dev_revoked")
}

func (s *Server) dashCreateEndpoint(c *gin.Context) {
	form := endpointForm{URL: strings.TrimSpace(c.PostForm("url")), Description: strings.TrimSpace(c.PostForm("description")),
		All: c.PostForm("all") == "true", Events: map[string]bool{}}
	var events []string
	for _, t := range c.PostFormArray("events") {
		form.Events[t] = true
		events = append(events, t)
	}
	if form.All {
		events = []string{"*"}
	}
	switch {
	case form.URL == "":
		s.developersAgain(c, form, "Enter the URL that receives the events.")
		return
	case len(events) == 0:
		s.developersAgain(c, form, "Choose the events to send, or all events.")
		return
	}
	p := webhook.EndpointParams{URL: &form.URL, EnabledEvents: events}
	if form.Description != "" {
		p.Description = &form.Description
	}
	e, err := s.endpoints.Create(c.Request.Context(), dashCaller(c), p)
	if msg, ok := asUserError(err); ok {
		s.developersAgain(c, form, msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.showSigningSecret(c, e, "The endpoint "+e.URL+" is created.")
}

// showSigningSecret shows an endpoint's signing secret, once.
func (s *Server) showSigningSecret(c *gin.Context, e webhook.Endpoint, detail string) {
	c.Header("Cache-Control", "no-store")
	s.dashRender(c, http.StatusOK, "secret", "Signing secret", "developers", secretBody{
		Heading: "Signing secret of " + e.URL, Secret: e.Secret,
		Warning: "Copy this signing secret into your webhook handler now: it is shown only this once and cannot be shown again.",
		Detail:  detail, Back: "/dashboard/developers/webhooks/" + url.PathEscape(e.ID), BackLabel: "Go to the endpoint"})
}

type endpointDeliveryRow struct {
	ID, EventID, EventType, EndpointID, Status, LastResult string
	Attempts                                               int
	Redelivery                                             bool
	Created                                                time.Time
}

func deliveryRowOf(d webhook.Delivery) endpointDeliveryRow {
	row := endpointDeliveryRow{ID: d.ID, EventID: d.EventID, EventType: d.EventType, EndpointID: d.EndpointID, Status: string(d.Status),
		Attempts: len(d.Attempts), Redelivery: d.Redelivery, Created: d.Created, LastResult: "—"}
	if n := len(d.Attempts); n > 0 {
		switch a := d.Attempts[n-1]; {
		case a.Error != "":
			row.LastResult = a.Error
		case a.StatusCode != 0:
			row.LastResult = "HTTP " + strconv.Itoa(a.StatusCode)
		}
	}
	return row
}

// deliveryRows are a page of deliveries as rows, with the newer and older page links.
func deliveryRows(c *gin.Context, page paging.Page[webhook.Delivery], p paging.Params) ([]endpointDeliveryRow, template.URL, template.URL) {
	rows := make([]endpointDeliveryRow, 0, len(page.Data))
	for _, d := range page.Data {
		rows = append(rows, deliveryRowOf(d))
	}
	next, prev := dashPager(c, page.HasMore, p, func(r endpointDeliveryRow) string { return r.ID }, rows)
	return rows, next, prev
}

type endpointBody struct {
	Endpoint   endpointRow
	Deliveries []endpointDeliveryRow
	Next, Prev template.URL
}

func (s *Server) dashEndpoint(c *gin.Context) {
	caller := dashCaller(c)
	e, err := s.endpoints.Get(c.Request.Context(), caller, c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	p := dashPage(c)
	page, err := s.delivs.ListForEndpoint(c.Request.Context(), caller, e.ID, p)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := endpointBody{Endpoint: endpointRowOf(e)}
	b.Deliveries, b.Next, b.Prev = deliveryRows(c, page, p)
	s.dashRender(c, http.StatusOK, "endpoint", "Webhook endpoint", "developers", b)
}

func (s *Server) dashRollEndpointSecret(c *gin.Context) {
	e, err := s.endpoints.RollSecret(c.Request.Context(), dashCaller(c), c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	s.showSigningSecret(c, e, "Deliveries are signed with this secret from now on; the old one no longer verifies them.")
}

func (s *Server) dashEndpointStatus(c *gin.Context) {
	var disabled bool
	switch c.PostForm("status") {
	case "enabled":
	case "disabled":
		disabled = true
	default:
		s.dashFail(c, http.StatusBadRequest, "Choose whether the endpoint is enabled or disabled.")
		return
	}
	id := c.Param("id")
	if _, err := s.endpoints.Update(c.Request.Context(), dashCaller(c), id, webhook.EndpointParams{Disabled: &disabled}); err != nil {
		s.dashError(c, err)
		return
	}
	notice := "dev_enabled"
	if disabled {
		notice = "dev_disabled"
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/developers/webhooks/"+url.PathEscape(id)+"?notice="+notice)
}

func (s *Server) dashDeleteEndpoint(c *gin.Context) {
	if err := s.endpoints.Delete(c.Request.Context(), dashCaller(c), c.Param("id")); err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/developers?notice=dev_deleted")
}

type logEventRow struct {
	ID, Type, Session string
	Pending           int
	Created           time.Time
}

type eventsBody struct {
	Rows       []logEventRow
	Types      []string
	Type       string
	Next, Prev template.URL
}

func (s *Server) dashEvents(c *gin.Context) {
	b := eventsBody{Types: event.Types, Type: c.Query("type")}
	q := event.ListQuery{Page: paging.Params{Limit: dashPageSize, StartingAfter: c.Query("starting_after"),
		EndingBefore: c.Query("ending_before")}}
	if b.Type != "" {
		q.Types = []string{b.Type}
	}
	page, err := s.events.List(c.Request.Context(), dashCaller(c), q)
	if err != nil {
		s.dashError(c, err)
		return
	}
	for _, e := range page.Data {
		b.Rows = append(b.Rows, logEventRow{ID: e.ID, Type: e.Type, Session: e.SessionID, Pending: e.PendingWebhooks, Created: e.Created})
	}
	b.Next, b.Prev = dashPager(c, page.HasMore, q.Page, func(r logEventRow) string { return r.ID }, b.Rows)
	s.dashRender(c, http.StatusOK, "events", "Events", "developers", b)
}

type eventBody struct {
	Event      logEventRow
	RequestID  string
	Object     string
	Deliveries []endpointDeliveryRow
	Next, Prev template.URL
}

func (s *Server) dashEvent(c *gin.Context) {
	caller := dashCaller(c)
	e, err := s.events.Get(c.Request.Context(), caller, c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	p := dashPage(c)
	page, err := s.delivs.List(c.Request.Context(), caller, e.ID, p)
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := eventBody{Event: logEventRow{ID: e.ID, Type: e.Type, Session: e.SessionID, Pending: e.PendingWebhooks, Created: e.Created},
		RequestID: e.Request.ID, Object: refundPageEventObject(e.Object, refundPageOwner(c))}
	b.Deliveries, b.Next, b.Prev = deliveryRows(c, page, p)
	s.dashRender(c, http.StatusOK, "event", "Event "+e.ID, "developers", b)
}

func (s *Server) dashEventRedeliver(c *gin.Context) {
	id := c.Param("id")
	if _, err := s.delivs.Redeliver(c.Request.Context(), dashCaller(c), id); err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/events/"+url.PathEscape(id)+"?notice=dev_redelivered")
}
