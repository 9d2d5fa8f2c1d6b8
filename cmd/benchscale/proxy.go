package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// countsPath is where the proxy answers its counts instead of forwarding.
const countsPath = "/_counts"

// rpcCounter counts JSON-RPC calls by method, each element of a batch as one call.
type rpcCounter struct {
	mu      sync.Mutex
	methods map[string]int64
	posts   int64 // HTTP requests: a batch is one request and several calls
}

func (c *rpcCounter) record(body []byte) {
	var one struct{ Method string }
	var batch []struct{ Method string }
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts++
	switch trimmed := bytes.TrimLeft(body, " \t\r\n"); {
	case len(trimmed) > 0 && trimmed[0] == '[' && json.Unmarshal(trimmed, &batch) == nil:
		for _, m := range batch {
			c.methods[m.Method]++
		}
	case json.Unmarshal(trimmed, &one) == nil:
		c.methods[one.Method]++
	default:
		c.methods["(unparsed)"]++
	}
}

// rpcCounts is a snapshot of the counter, as /_counts serves it.
type rpcCounts struct {
	Posts   int64            `json:"posts"`
	Methods map[string]int64 `json:"methods"`
}

func (c *rpcCounter) snapshot() rpcCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := rpcCounts{Posts: c.posts, Methods: make(map[string]int64, len(c.methods))}
	for k, v := range c.methods {
		s.Methods[k] = v
	}
	return s
}

// total is the number of calls in the snapshot.
func (s rpcCounts) total() int64 {
	var n int64
	for _, v := range s.Methods {
		n += v
	}
	return n
}

// minus is what was counted between two snapshots.
func (s rpcCounts) minus(before rpcCounts) rpcCounts {
	d := rpcCounts{Posts: s.Posts - before.Posts, Methods: map[string]int64{}}
	for k, v := range s.Methods {
		if n := v - before.Methods[k]; n != 0 {
			d.Methods[k] = n
		}
	}
	return d
}

// runProxy forwards every request to target and counts the JSON-RPC calls in it; GET
// /_counts answers the counts so far.
func runProxy(listen, target string) error {
	to, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("proxy target %q: %w", target, err)
	}
	c := &rpcCounter{methods: map[string]int64{}}
	rp := httputil.NewSingleHostReverseProxy(to)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+countsPath, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(c.snapshot())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
				return
			}
			c.record(body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rp.ServeHTTP(w, r)
	})
	slog.Info("counting JSON-RPC proxy", "listen", listen, "target", target)
	srv := &http.Server{Addr: listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}

// fetchCounts reads the proxy's counts.
func fetchCounts(proxyURL string) (rpcCounts, error) {
	var s rpcCounts
	res, err := http.Get(proxyURL + countsPath)
	if err != nil {
		return s, fmt.Errorf("read the proxy's counts: %w", err)
	}
	defer res.Body.Close()
	return s, json.NewDecoder(res.Body).Decode(&s)
}
