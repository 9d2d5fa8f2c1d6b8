package main

import (
	"maps"
	"slices"
	"testing"
)

func TestRPCCounterCountsEachCallOfABatch(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		want  map[string]int64
		posts int64
	}{
		{"one call", `{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}`, map[string]int64{"eth_blockNumber": 1}, 1},
		{"a batch", ` [{"method":"eth_getBlockByNumber"},{"method":"eth_getBlockByNumber"},{"method":"eth_getLogs"}]`,
			map[string]int64{"eth_getBlockByNumber": 2, "eth_getLogs": 1}, 1},
		{"not JSON", `hello`, map[string]int64{"(unparsed)": 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &rpcCounter{methods: map[string]int64{}}
			c.record([]byte(tt.body))
			got := c.snapshot()
			if !maps.Equal(got.Methods, tt.want) || got.Posts != tt.posts {
				t.Errorf("counted %v in %d requests, want %v in %d", got.Methods, got.Posts, tt.want, tt.posts)
			}
		})
	}
}

func TestCountsMinusIsWhatHappenedBetween(t *testing.T) {
	before := rpcCounts{Posts: 3, Methods: map[string]int64{"a": 2, "b": 1}}
	after := rpcCounts{Posts: 7, Methods: map[string]int64{"a": 5, "b": 1, "c": 2}}
	d := after.minus(before)
	if d.Posts != 4 || !maps.Equal(d.Methods, map[string]int64{"a": 3, "c": 2}) || d.total() != 5 {
		t.Errorf("got %+v", d)
	}
}

func TestParseSizes(t *testing.T) {
	tests := []struct {
		list    string
		want    []int
		wantErr bool
	}{
		{"10000,100000", []int{10, 10000, 100000}, false},
		{" 200 ", []int{10, 200}, false},
		{"", []int{10}, false},
		{"100000,10000", nil, true},
		{"5", nil, true},
		{"ten", nil, true},
	}
	for _, tt := range tests {
		got, err := parseSizes(10, tt.list)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !slices.Equal(got, tt.want)) {
			t.Errorf("parseSizes(%q) = %v, %v; want %v (error %v)", tt.list, got, err, tt.want, tt.wantErr)
		}
	}
}
