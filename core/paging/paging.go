// Package paging holds Stripe-style cursor pagination (limit, starting_after, ending_before).
package paging

import (
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

const (
	DefaultLimit = 10
	MaxLimit     = 100
)

// Params are a list call's cursor parameters. Lists are newest first.
type Params struct {
	Limit         int
	StartingAfter string // return objects older than this one
	EndingBefore  string // return objects newer than this one
}

// Normalize applies the default limit and checks Stripe's rules.
func (p *Params) Normalize() error {
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		return apperr.Invalid("limit", "parameter_invalid_integer",
			"Invalid limit: must be between 1 and %d.", MaxLimit)
	}
	if p.StartingAfter != "" && p.EndingBefore != "" {
		return apperr.Invalid("ending_before", "parameters_exclusive",
			"You may only specify one of these parameters: starting_after, ending_before.")
	}
	return nil
}

// Page is one slice of a list.
type Page[T any] struct {
	Data    []T
	HasMore bool
}

// TimeRange is Stripe's created[gt|gte|lt|lte] filter; nil bounds are open.
type TimeRange struct {
	GT, GTE, LT, LTE *time.Time
}

// InMemory pages a short list held whole (a session's or a link's line items) in its given
// order, with the same cursors as the stored lists; object names an unknown cursor's type.
func InMemory[T any](items []T, idOf func(T) string, object string, p Params) (Page[T], error) {
	var page Page[T]
	find := func(id, param string) (int, error) {
		for i, v := range items {
			if idOf(v) == id {
				return i, nil
			}
		}
		return 0, apperr.Invalid(param, "resource_missing", "No such %s: '%s'", object, id)
	}
	start, end := 0, len(items)
	switch {
	case p.StartingAfter != "":
		i, err := find(p.StartingAfter, "starting_after")
		if err != nil {
			return page, err
		}
		start = i + 1
	case p.EndingBefore != "":
		i, err := find(p.EndingBefore, "ending_before")
		if err != nil {
			return page, err
		}
		end = i
		start = max(0, end-p.Limit)
	}
	page.Data = items[start:min(end, start+p.Limit)]
	page.HasMore = start+p.Limit < end || (p.EndingBefore != "" && start > 0)
	return page, nil
}
