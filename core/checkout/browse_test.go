package checkout

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/paging"
)

// modeLister serves fixed pages per mode, honouring the limit.
type modeLister map[bool][]*Session

func (m modeLister) ListSessions(_ context.Context, q ListQuery) (paging.Page[*Session], error) {
	all := m[q.Livemode]
	n := min(len(all), q.Page.Limit)
	return paging.Page[*Session]{Data: all[:n], HasMore: n < len(all)}, nil
}

// TestBrowserList: the operator's view merges the modes newest first and cuts at the limit.
func TestBrowserList(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := func(id string, minute int) *Session {
		return &Session{ID: id, CreatedAt: t0.Add(time.Duration(minute) * time.Minute)}
	}
	store := modeLister{false: {s("t3", 3), s("t1", 1)}, true: {s("l4", 4), s("l2", 2)}}
	tests := []struct {
		name     string
		modes    []bool
		limit    int
		status   Status
		want     string
		wantMore bool
		wantErr  string
	}{
		{"both modes merged", []bool{false, true}, 10, "", "l4,t3,l2,t1", false, ""},
		{"test only", []bool{false}, 10, "", "t3,t1", false, ""},
		{"cut at the limit", []bool{false, true}, 3, "", "l4,t3,l2", true, ""},
		{"a mode's page says there is more", []bool{true}, 1, "", "l4", true, ""},
		{"default limit", []bool{false, true}, 0, "", "l4,t3,l2,t1", false, ""},
		{"unknown status", []bool{false}, 10, "paid", "", false, "status"},
		{"limit too high", []bool{false}, 101, "", "", false, "limit"},
	}
	b, err := NewBrowser(store)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more, err := b.List(context.Background(), ListQuery{MerchantID: "acct_1", Status: tt.status,
				Page: paging.Params{Limit: tt.limit}}, tt.modes)
			if tt.wantErr != "" {
				if e, ok := apperr.As(err); !ok || e.Param != tt.wantErr {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			if err != nil || strings.Join(ids, ",") != tt.want || more != tt.wantMore {
				t.Fatalf("List = %v more %v (%v), want %s more %v", ids, more, err, tt.want, tt.wantMore)
			}
		})
	}
}
