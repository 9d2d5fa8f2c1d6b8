package http

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
)

type eventJSON struct {
	ID              string       `json:"id"`
	Object          string       `json:"object"`
	APIVersion      string       `json:"api_version"`
	Created         int64        `json:"created"`
	Data            eventData    `json:"data"`
	Livemode        bool         `json:"livemode"`
	PendingWebhooks int          `json:"pending_webhooks"`
	Request         eventRequest `json:"request"`
	Type            string       `json:"type"`
	Session         *string      `json:"checkout_session"` // our addition: the session it is about
}

type eventData struct {
	Object             json.RawMessage `json:"object"`
	PreviousAttributes json.RawMessage `json:"previous_attributes,omitempty"`
}

type eventRequest struct {
	ID             *string `json:"id"`
	IdempotencyKey *string `json:"idempotency_key"`
}

// RenderEvent is Stripe's event object; webhook deliveries send exactly this.
// request is null-valued for events that no API request caused, as in Stripe.
func RenderEvent(e event.Event) eventJSON {
	return eventJSON{ID: e.ID, Object: "event", APIVersion: event.APIVersion, Created: e.Created.Unix(),
		Data: eventData{Object: e.Object, PreviousAttributes: e.PreviousAttributes}, Livemode: e.Livemode,
		PendingWebhooks: e.PendingWebhooks, Request: eventRequest{ID: opt(e.Request.ID), IdempotencyKey: opt(e.Request.IdempotencyKey)},
		Type: e.Type, Session: opt(e.SessionID)}
}

type listEventsParams struct {
	pageParams
	Type            *string        `json:"type"`
	Types           []string       `json:"types"`
	CheckoutSession *string        `json:"checkout_session"`
	Created         *createdFilter `json:"created"`
}

func (s *Server) listEvents(c *gin.Context) {
	var p listEventsParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	q := event.ListQuery{Page: p.paging(), Types: p.Types}
	if p.Type != nil {
		q.Types = append(q.Types, *p.Type)
	}
	if p.CheckoutSession != nil {
		q.SessionID = *p.CheckoutSession
	}
	if p.Created != nil {
		q.Created = p.Created.TimeRange
	}
	page, err := s.events.List(c.Request.Context(), callerOf(c), q)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList("/v1/events", page, RenderEvent))
}

func (s *Server) getEvent(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.events.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, RenderEvent(e))
}

type attemptJSON struct {
	Attempt    int     `json:"attempt"`
	Created    int64   `json:"created"`
	StatusCode *int    `json:"status_code"`
	LatencyMS  int64   `json:"latency_ms"`
	Error      *string `json:"error"`
	Response   *string `json:"response_excerpt"`
}

type deliveryJSON struct {
	ID              string        `json:"id"`
	Object          string        `json:"object"`
	Event           string        `json:"event"`
	WebhookEndpoint string        `json:"webhook_endpoint"`
	Redelivery      bool          `json:"redelivery"`
	Status          string        `json:"status"`
	Created         int64         `json:"created"`
	Attempts        []attemptJSON `json:"attempts"`
}

func renderDelivery(d webhook.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, Object: "webhook_delivery", Event: d.EventID, WebhookEndpoint: d.EndpointID,
		Redelivery: d.Redelivery, Status: string(d.Status), Created: d.Created.Unix(), Attempts: []attemptJSON{}}
	for _, a := range d.Attempts {
		aj := attemptJSON{Attempt: a.Number, Created: a.At.Unix(), LatencyMS: a.Latency.Milliseconds(),
			Error: opt(a.Error), Response: opt(a.Excerpt)}
		if a.StatusCode != 0 {
			code := a.StatusCode
			aj.StatusCode = &code
		}
		out.Attempts = append(out.Attempts, aj)
	}
	return out
}

// listDeliveries is our addition: an event's deliveries, newest first, with each attempt's result.
func (s *Server) listDeliveries(c *gin.Context) {
	var p pageParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.delivs.List(c.Request.Context(), callerOf(c), c.Param("id"), p.paging())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList("/v1/events/"+c.Param("id")+"/deliveries", page, renderDelivery))
}

// redeliver is our addition: send the event again to the endpoints that want it now.
func (s *Server) redeliver(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	n, err := s.delivs.Redeliver(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"object": "redelivery", "event": c.Param("id"), "deliveries_queued": n})
}
