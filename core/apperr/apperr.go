// Package apperr is the error vocabulary shared by the use cases and every adapter.
// Adapters translate it to their protocol (HTTP status and Stripe error object).
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	KindInternal     Kind = iota // our fault; the caller may retry
	KindInvalid                  // the request is wrong; do not retry unchanged
	KindNotFound                 // no such object for this caller
	KindConflict                 // the object is in a state that forbids the call
	KindIdempotency              // Idempotency-Key reused with other parameters
	KindInProgress               // another request with the same key is running
	KindUnauthorized             // missing or wrong credentials
	KindUnavailable              // a dependency is down; retry later
	KindRateLimited              // too many requests of this kind; retry after a while
)

// Error is a classified error with Stripe's code/param vocabulary.
type Error struct {
	Kind    Kind
	Code    string // Stripe error code such as parameter_missing; may be empty
	Param   string // the offending parameter in bracket notation; may be empty
	Message string // a sentence a person understands
	Err     error  // the underlying cause, never shown to API clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err carries the given kind.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// Invalid builds a 400-class error about one parameter.
func Invalid(param, code, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// Missing reports a required parameter that was not sent.
func Missing(param string) *Error {
	return Invalid(param, "parameter_missing", "Missing required param: %s.", param)
}

// NotFound reports an object the caller cannot see, named as Stripe names it.
func NotFound(object, id string) *Error {
	return &Error{Kind: KindNotFound, Code: "resource_missing", Param: "id",
		Message: fmt.Sprintf("No such %s: '%s'", object, id)}
}

// Conflict reports a call that the object's current state forbids.
func Conflict(code, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Unavailable wraps a dependency failure the caller may retry.
func Unavailable(msg string, err error) *Error {
	return &Error{Kind: KindUnavailable, Message: msg, Err: err}
}

// RateLimited refuses a call made too often (Stripe's 429 with code rate_limit).
func RateLimited(format string, args ...any) *Error {
	return &Error{Kind: KindRateLimited, Code: "rate_limit", Message: fmt.Sprintf(format, args...)}
}
