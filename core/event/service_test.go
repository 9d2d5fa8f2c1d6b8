package event_test

import (
	"context"
	"slices"
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// memoryStore keeps events in memory and answers as the port says: scoped to the merchant
// and mode it is given. It records the list queries it ran.
type memoryStore struct {
	events  []event.Event
	queries []event.ListQuery
}

func (m *memoryStore) GetEvent(_ context.Context, merchantID string, livemode bool, id string) (event.Event, error) {
	for _, e := range m.events {
		if e.ID == id && e.MerchantID == merchantID && e.Livemode == livemode {
			return e, nil
		}
	}
	return event.Event{}, apperr.NotFound("event", id)
}

func (m *memoryStore) ListEvents(_ context.Context, q event.ListQuery) (paging.Page[event.Event], error) {
	m.queries = append(m.queries, q)
	var page paging.Page[event.Event]
	for _, e := range m.events {
		if e.MerchantID == q.MerchantID && e.Livemode == q.Livemode {
			page.Data = append(page.Data, e)
		}
	}
	return page, nil
}

func newService(t *testing.T) (*event.Service, *memoryStore) {
	t.Helper()
	st := &memoryStore{events: []event.Event{
		{ID: "evt_a_test", MerchantID: "acct_a", Livemode: false, Type: event.SessionCompleted},
		{ID: "evt_a_live", MerchantID: "acct_a", Livemode: true, Type: event.SessionCompleted},
		{ID: "evt_b_test", MerchantID: "acct_b", Livemode: false, Type: event.SessionExpired},
	}}
	s, err := event.NewService(st)
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

func TestNewServiceRefusesNilStore(t *testing.T) {
	if s, err := event.NewService(nil); err == nil || s != nil {
		t.Fatalf("NewService(nil) = %v, %v; want an error", s, err)
	}
}

func TestServiceScopesToTheCaller(t *testing.T) {
	aTest := merchant.Caller{MerchantID: "acct_a", Livemode: false}
	aLive := merchant.Caller{MerchantID: "acct_a", Livemode: true}
	bTest := merchant.Caller{MerchantID: "acct_b", Livemode: false}
	cases := []struct {
		name   string
		caller merchant.Caller
		query  event.ListQuery // merchant and mode in it are the caller's to override
		getID  string
		found  bool
		listed []string
	}{
		{"own event, own mode", aTest, event.ListQuery{}, "evt_a_test", true, []string{"evt_a_test"}},
		{"own event, other mode", aLive, event.ListQuery{}, "evt_a_test", false, []string{"evt_a_live"}},
		{"another merchant's event", bTest, event.ListQuery{}, "evt_a_test", false, []string{"evt_b_test"}},
		{"a query naming another merchant", bTest, event.ListQuery{MerchantID: "acct_a"}, "evt_b_test", true, []string{"evt_b_test"}},
		{"a query naming another mode", aTest, event.ListQuery{MerchantID: "acct_a", Livemode: true}, "evt_a_live", false,
			[]string{"evt_a_test"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newService(t)
			e, err := s.Get(context.Background(), tc.caller, tc.getID)
			switch {
			case tc.found && (err != nil || e.ID != tc.getID):
				t.Errorf("Get(%s) = %q, %v; want the event", tc.getID, e.ID, err)
			case !tc.found && !apperr.IsKind(err, apperr.KindNotFound):
				t.Errorf("Get(%s) = %q, %v; want not found", tc.getID, e.ID, err)
			}
			page, err := s.List(context.Background(), tc.caller, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range page.Data {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tc.listed) {
				t.Errorf("List = %v, want %v", ids, tc.listed)
			}
		})
	}
}

func TestListNormalisesPagingAndChecksTypes(t *testing.T) {
	caller := merchant.Caller{MerchantID: "acct_a"}
	cases := []struct {
		name      string
		query     event.ListQuery
		wantLimit int    // the limit the store is asked for when the query is valid
		wantParam string // the parameter an invalid query is refused for
		wantCode  string
	}{
		{"no limit gets the default", event.ListQuery{}, paging.DefaultLimit, "", ""},
		{"the largest limit", event.ListQuery{Page: paging.Params{Limit: paging.MaxLimit}}, paging.MaxLimit, "", ""},
		{"a limit over the maximum", event.ListQuery{Page: paging.Params{Limit: paging.MaxLimit + 1}}, 0,
			"limit", "parameter_invalid_integer"},
		{"a negative limit", event.ListQuery{Page: paging.Params{Limit: -1}}, 0, "limit", "parameter_invalid_integer"},
		{"both cursors", event.ListQuery{Page: paging.Params{StartingAfter: "evt_1", EndingBefore: "evt_2"}}, 0,
			"ending_before", "parameters_exclusive"},
		{"known types", event.ListQuery{Types: []string{event.SessionCompleted, event.SessionPaidLate}}, paging.DefaultLimit, "", ""},
		{"the wildcard is for endpoints, not lists", event.ListQuery{Types: []string{"*"}}, 0, "types[0]", "parameter_invalid"},
		{"an unknown type", event.ListQuery{Types: []string{event.SessionExpired, "charge.succeeded"}}, 0,
			"types[1]", "parameter_invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, st := newService(t)
			_, err := s.List(context.Background(), caller, tc.query)
			if tc.wantParam == "" {
				if err != nil || len(st.queries) != 1 || st.queries[0].Page.Limit != tc.wantLimit {
					t.Fatalf("List = %v, store queries %+v; want one query with limit %d", err, st.queries, tc.wantLimit)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || e.Param != tc.wantParam || e.Code != tc.wantCode {
				t.Fatalf("List error = %#v; want invalid %s (%s)", err, tc.wantParam, tc.wantCode)
			}
			if len(st.queries) != 0 {
				t.Errorf("an invalid query reached the store: %+v", st.queries)
			}
		})
	}
}
