package checkout

import (
	"context"
	"fmt"
	"sort"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/paging"
)

// Check applies the paging defaults and refuses a status that does not exist.
func (q *ListQuery) Check() error {
	if err := q.Page.Normalize(); err != nil {
		return err
	}
	switch q.Status {
	case "", StatusOpen, StatusComplete, StatusExpired:
		return nil
	}
	return apperr.Invalid("status", "parameter_invalid", "Invalid status: must be one of open, complete or expired.")
}

// SessionLister is the part of the session store the operators' view reads.
type SessionLister interface {
	ListSessions(ctx context.Context, q ListQuery) (paging.Page[*Session], error)
}

// Browser is the operators' read-only view of any merchant's sessions (the CLI); it needs no
// workflow engine, chain or rate source.
type Browser struct{ store SessionLister }

// NewBrowser wires the operators' view.
func NewBrowser(store SessionLister) (*Browser, error) {
	if store == nil {
		return nil, fmt.Errorf("checkout.NewBrowser: nil store")
	}
	return &Browser{store: store}, nil
}

// List returns up to q.Page.Limit of a merchant's sessions in the given modes, newest first,
// and whether there are more. q.Livemode is ignored: modes says which to read.
func (b *Browser) List(ctx context.Context, q ListQuery, modes []bool) ([]*Session, bool, error) {
	if err := q.Check(); err != nil {
		return nil, false, err
	}
	var all []*Session
	more := false
	for _, live := range modes {
		q.Livemode = live
		page, err := b.store.ListSessions(ctx, q)
		if err != nil {
			return nil, false, fmt.Errorf("list %s sessions: %w", q.MerchantID, err)
		}
		all, more = append(all, page.Data...), more || page.HasMore
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].CreatedAt.After(all[j].CreatedAt) })
	if len(all) > q.Page.Limit {
		all, more = all[:q.Page.Limit], true
	}
	return all, more, nil
}
