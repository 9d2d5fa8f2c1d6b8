package ttlcache

import (
	"errors"
	"testing"
	"time"
)

// TestCache: a value is answered strictly within its ttl, a forgotten one never, and a full
// cache makes room instead of growing.
func TestCache(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type op struct {
		at     time.Duration // since start
		do     string        // "put", "get", "forget", "epoch" (noted for the next put), "stale-put" (with the noted epoch)
		key    string
		value  int
		wantOK bool // for get
	}
	tests := []struct {
		name  string
		ttl   time.Duration
		limit int
		ops   []op
	}{
		{"ttl 0 remembers nothing", 0, 10, []op{{0, "put", "a", 1, false}, {0, "get", "a", 0, false}}},
		{"within the ttl, then not at its end", 5 * time.Second, 10, []op{
			{0, "put", "a", 1, false}, {4999 * time.Millisecond, "get", "a", 1, true}, {5 * time.Second, "get", "a", 0, false}}},
		{"a new put restarts the ttl and replaces the value", 5 * time.Second, 10, []op{
			{0, "put", "a", 1, false}, {4 * time.Second, "put", "a", 2, false}, {8 * time.Second, "get", "a", 2, true}}},
		{"forget drops at once", time.Minute, 10, []op{
			{0, "put", "a", 1, false}, {0, "forget", "a", 0, false}, {time.Second, "get", "a", 0, false}}},
		{"full of live entries: all go, the new one stays", time.Minute, 2, []op{
			{0, "put", "a", 1, false}, {0, "put", "b", 2, false}, {time.Second, "put", "c", 3, false},
			{time.Second, "get", "a", 0, false}, {time.Second, "get", "c", 3, true}}},
		{"full with an expired entry: only it goes", 5 * time.Second, 2, []op{
			{0, "put", "a", 1, false}, {3 * time.Second, "put", "b", 2, false}, {6 * time.Second, "put", "c", 3, false},
			{6 * time.Second, "get", "b", 2, true}, {6 * time.Second, "get", "c", 3, true}}},
		{"an unknown key", time.Minute, 10, []op{{0, "get", "x", 0, false}}},
		{"a value read before a forget is not put after it", time.Minute, 10, []op{
			{0, "epoch", "", 0, false}, {0, "forget", "a", 0, false}, {0, "stale-put", "a", 1, false},
			{time.Second, "get", "a", 0, false}, {time.Second, "put", "a", 2, false}, {time.Second, "get", "a", 2, true}}},
		{"a forget of another key voids it too", time.Minute, 10, []op{
			{0, "epoch", "", 0, false}, {0, "forget", "b", 0, false}, {0, "stale-put", "a", 1, false},
			{time.Second, "get", "a", 0, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[string, int](tt.ttl, tt.limit)
			var noted uint64
			for i, o := range tt.ops {
				now := start.Add(o.at)
				switch o.do {
				case "epoch":
					noted = c.epoch()
				case "stale-put":
					c.put(o.key, o.value, now, noted)
				case "put":
					c.put(o.key, o.value, now, c.epoch())
				case "forget":
					c.Forget(o.key)
				case "get":
					v, ok := c.get(o.key, now)
					if ok != o.wantOK || v != o.value {
						t.Fatalf("op %d: Get(%q) at %v = %d, %v; want %d, %v", i, o.key, o.at, v, ok, o.value, o.wantOK)
					}
				}
			}
		})
	}
}

// TestLoad: a remembered value skips the load; a failed load, or one a Forget overtook, is
// not remembered.
func TestLoad(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	failed := errors.New("database down")
	tests := []struct {
		name      string
		load      func(c *Cache[string, int]) (int, error) // the first load
		wantErr   error
		wantLoads int // after a second Load of the same key, which loads 2
		wantValue int // what the second Load answers
	}{
		{"a loaded value is remembered", func(*Cache[string, int]) (int, error) { return 1, nil }, nil, 1, 1},
		{"a failed load is not", func(*Cache[string, int]) (int, error) { return 0, failed }, failed, 2, 2},
		{"a load overtaken by a Forget is not", func(c *Cache[string, int]) (int, error) { c.Forget("other"); return 1, nil }, nil, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[string, int](time.Minute, 10)
			loads := 0
			if _, err := c.Load("a", now, func() (int, error) { loads++; return tt.load(c) }); !errors.Is(err, tt.wantErr) {
				t.Fatalf("first load: %v, want %v", err, tt.wantErr)
			}
			v, err := c.Load("a", now.Add(time.Second), func() (int, error) { loads++; return 2, nil })
			if err != nil || loads != tt.wantLoads || v != tt.wantValue {
				t.Fatalf("second load: %d, %v after %d loads; want %d after %d", v, err, loads, tt.wantValue, tt.wantLoads)
			}
		})
	}
}
