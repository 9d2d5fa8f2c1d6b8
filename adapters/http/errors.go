package http

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
)

// errorBody is Stripe's error object.
type errorBody struct {
	Error errorObject `json:"error"`
}

type errorObject struct {
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
}

// statusOf maps our error kinds to Stripe's HTTP statuses and error types.
func statusOf(e *apperr.Error) (int, string) {
	switch e.Kind {
	case apperr.KindInvalid:
		return http.StatusBadRequest, "invalid_request_error"
	case apperr.KindNotFound:
		return http.StatusNotFound, "invalid_request_error"
	case apperr.KindConflict:
		return http.StatusConflict, "invalid_request_error"
	case apperr.KindIdempotency:
		return http.StatusBadRequest, "idempotency_error"
	case apperr.KindInProgress:
		return http.StatusConflict, "idempotency_error"
	case apperr.KindUnauthorized:
		return http.StatusUnauthorized, "invalid_request_error"
	case apperr.KindRateLimited:
		return http.StatusTooManyRequests, "invalid_request_error"
	case apperr.KindUnavailable:
		return http.StatusServiceUnavailable, "api_error"
	default:
		return http.StatusInternalServerError, "api_error"
	}
}

// writeError answers with the error object; causes are logged, never sent.
func (s *Server) writeError(c *gin.Context, err error) {
	e, ok := apperr.As(err)
	if !ok {
		if errors.Is(err, context.Canceled) {
			c.Abort()
			return
		}
		e = &apperr.Error{Kind: apperr.KindInternal, Message: "An unexpected error occurred; retry the request.", Err: err}
	}
	status, typ := statusOf(e)
	if status >= 500 {
		s.log.ErrorContext(c.Request.Context(), "request failed", "request_id", c.GetString(ctxRequestID),
			"path", c.Request.URL.Path, "status", status, "err", err)
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorObject{Type: typ, Code: e.Code, Param: e.Param, Message: e.Message}})
}
