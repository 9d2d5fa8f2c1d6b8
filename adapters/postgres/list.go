package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/paging"
)

// This file is the one list helper: Stripe's lists (newest first, starting_after and
// ending_before cursors, has_more) for every repository.

// listSpec is what a list reads: a table or view with seq, id, merchant_id and livemode, the
// columns to select, and the object name that an unknown cursor's error shows.
type listSpec struct {
	table, columns, object string
}

// listPage reads one page of rows matching f and converts each with conv.
func listPage[R, T any](ctx context.Context, db *DB, spec listSpec, f *filter, p paging.Params,
	conv func(R) (T, error)) (paging.Page[T], error) {
	var page paging.Page[T]
	rows, more, err := listRows[R](ctx, db, spec, f, p)
	if err != nil {
		return page, err
	}
	page.HasMore = more
	for _, r := range rows {
		v, err := conv(r)
		if err != nil {
			return page, err
		}
		page.Data = append(page.Data, v)
	}
	return page, nil
}

// listRows reads one page of rows matching f, newest first, and whether more follow.
func listRows[R any](ctx context.Context, db *DB, spec listSpec, f *filter, p paging.Params) ([]R, bool, error) {
	cursor, err := resolveCursor(ctx, db, spec, f, p)
	if err != nil {
		return nil, false, err
	}
	var rows []R
	if err := db.pool.SelectContext(ctx, &rows, `SELECT `+spec.columns+` FROM `+spec.table+` WHERE `+
		f.page(cursor, p.Limit), f.args...); err != nil {
		return nil, false, unavailable("list "+spec.table, err)
	}
	rows, more := pageOf(rows, p.Limit, cursor)
	return rows, more, nil
}

// filter builds a list query's WHERE clause with numbered placeholders, always scoped to one
// merchant and mode.
type filter struct {
	merchantID string
	livemode   bool
	where      []string
	args       []any
}

func scoped(merchantID string, livemode bool) *filter {
	return &filter{merchantID: merchantID, livemode: livemode,
		where: []string{"merchant_id = $1", "livemode = $2"}, args: []any{merchantID, livemode}}
}

// add appends a condition whose ? stands for v.
func (f *filter) add(cond string, v any) {
	f.args = append(f.args, v)
	f.where = append(f.where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(f.args))))
}

// require appends a condition without an argument.
func (f *filter) require(cond string) { f.where = append(f.where, cond) }

// created applies Stripe's created[gt|gte|lt|lte].
func (f *filter) created(r paging.TimeRange) {
	for _, b := range []struct {
		op string
		t  *time.Time
	}{{">", r.GT}, {">=", r.GTE}, {"<", r.LT}, {"<=", r.LTE}} {
		if b.t != nil {
			f.add("created_at "+b.op+" ?", *b.t)
		}
	}
}

// page adds the cursor's bound and returns the WHERE clause, ORDER BY and LIMIT.
func (f *filter) page(c cursorPos, limit int) string {
	cond, arg, order := c.bound()
	if cond != "" {
		f.add(cond, arg)
	}
	return strings.Join(f.where, " AND ") + " ORDER BY " + order + fmt.Sprintf(" LIMIT %d", limit+1)
}

type cursorPos struct {
	after, before bool
	seq           int64
}

// bound is the WHERE condition (with a ? for its argument), the argument and the ORDER BY of
// a page: newest first, except that an ending_before page is read oldest first, nearest the cursor.
func (c cursorPos) bound() (cond string, arg any, order string) {
	switch {
	case c.after:
		return "seq < ?", c.seq, "seq DESC"
	case c.before:
		return "seq > ?", c.seq, "seq ASC"
	}
	return "", nil, "seq DESC"
}

// pageOf trims the look-ahead row and puts an ending_before page back newest first.
func pageOf[R any](rows []R, limit int, c cursorPos) ([]R, bool) {
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if c.before {
		slices.Reverse(rows)
	}
	return rows, more
}

// resolveCursor turns starting_after or ending_before (ending_before if both) into a
// position; an unknown ID is a 400 as in Stripe.
func resolveCursor(ctx context.Context, db *DB, spec listSpec, f *filter, p paging.Params) (cursorPos, error) {
	id, param := p.StartingAfter, "starting_after"
	c := cursorPos{after: id != ""}
	if p.EndingBefore != "" {
		id, param, c = p.EndingBefore, "ending_before", cursorPos{before: true}
	}
	if id == "" {
		return c, nil
	}
	err := db.pool.QueryRowxContext(ctx, `SELECT seq FROM `+spec.table+` WHERE id = $1 AND merchant_id = $2 AND livemode = $3`,
		id, f.merchantID, f.livemode).Scan(&c.seq)
	if isNoRows(err) {
		return c, apperr.Invalid(param, "resource_missing", "No such %s: '%s'", spec.object, id)
	}
	if err != nil {
		return c, unavailable("resolve list cursor", err)
	}
	return c, nil
}
