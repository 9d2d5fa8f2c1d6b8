package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
)

type endpointJSON struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	APIVersion    string            `json:"api_version"`
	Application   *string           `json:"application"`
	Created       int64             `json:"created"`
	Description   *string           `json:"description"`
	EnabledEvents []string          `json:"enabled_events"`
	Livemode      bool              `json:"livemode"`
	Metadata      map[string]string `json:"metadata"`
	Secret        string            `json:"secret,omitempty"` // only in the create response
	Status        string            `json:"status"`
	URL           string            `json:"url"`
}

func renderEndpoint(e webhook.Endpoint) endpointJSON {
	status := "enabled"
	if e.Disabled {
		status = "disabled"
	}
	md := e.Metadata
	if md == nil {
		md = map[string]string{}
	}
	return endpointJSON{ID: e.ID, Object: "webhook_endpoint", APIVersion: event.APIVersion, Created: e.Created.Unix(),
		Description: opt(e.Description), EnabledEvents: e.EnabledEvents, Livemode: e.Livemode, Metadata: md,
		Status: status, URL: e.URL}
}

// EncodeEndpoint implements webhook.Encoder: the endpoint as the API shows it after creation,
// never with its secret (only the create and roll responses show it).
func (s *Renderer) EncodeEndpoint(_ context.Context, e webhook.Endpoint) ([]byte, error) {
	return json.Marshal(renderEndpoint(e)) // renderEndpoint leaves Secret empty, omitted
}

func (s *Server) createEndpoint(c *gin.Context) {
	var p webhook.EndpointParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.endpoints.Create(c.Request.Context(), callerOf(c), p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := renderEndpoint(e)
	out.Secret = e.Secret
	c.JSON(http.StatusOK, out)
}

func (s *Server) updateEndpoint(c *gin.Context) {
	var p webhook.EndpointParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.endpoints.Update(c.Request.Context(), callerOf(c), c.Param("id"), p)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderEndpoint(e))
}

func (s *Server) getEndpoint(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.endpoints.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, renderEndpoint(e))
}

func (s *Server) listEndpoints(c *gin.Context) {
	var p pageParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.endpoints.List(c.Request.Context(), callerOf(c), p.paging())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList("/v1/webhook_endpoints", page, renderEndpoint))
}

func (s *Server) deleteEndpoint(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	id := c.Param("id")
	if err := s.endpoints.Delete(c.Request.Context(), callerOf(c), id); err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"id": id, "object": "webhook_endpoint", "deleted": true})
}

// rollSecret is our addition: a new signing secret, returned this once.
func (s *Server) rollSecret(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	e, err := s.endpoints.RollSecret(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := renderEndpoint(e)
	out.Secret = e.Secret
	c.JSON(http.StatusOK, out)
}
