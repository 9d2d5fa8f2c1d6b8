package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

// listenState is what dev listen keeps between runs, so retries reach a restarted listener.
type listenState struct {
	EndpointID string `json:"endpoint_id"`
	URL        string `json:"url"`
	Secret     string `json:"secret"`
}

// devListen registers a local webhook endpoint (once) and prints the events it receives,
// verifying every signature.
func devListen(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev listen")
	addr := fs.String("addr", "127.0.0.1:4343", "where to listen")
	events := fs.String("events", "*", "comma-separated event types to subscribe to")
	envFile := fs.String("env-file", ".dev/env", "CHECKOUT_API_URL and CHECKOUT_API_KEY, when not set")
	stateFile := fs.String("state", ".dev/listen.json", "where the endpoint and its secret are kept")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	api, err := devAPI(*envFile)
	if err != nil {
		return err
	}
	url := "http://" + *addr + "/webhooks"
	st, err := ensureEndpoint(ctx, api, *stateFile, url, *events)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(out, "listening on %s for %s (endpoint %s); Ctrl-C stops\n", url, *events, st.EndpointID)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		sig := r.Header.Get("Stripe-Signature")
		if err := webhook.Verify(body, sig, st.Secret, webhook.DefaultTolerance); err != nil {
			fmt.Fprintf(out, "%s  REFUSED: %v\n", time.Now().Format("15:04:05"), err)
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		var ev struct {
			ID, Type string
			Data     struct {
				Object struct {
					ID     string `json:"id"`
					Status string `json:"status"`
					Crypto struct {
						State string `json:"state"`
					} `json:"crypto"`
				} `json:"object"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &ev)
		state := ev.Data.Object.Status
		if ev.Data.Object.Crypto.State != "" { // a session's; a payout has none
			state += ", crypto " + ev.Data.Object.Crypto.State
		}
		fmt.Fprintf(out, "%s  signature ok  %-36s %s  %s (%s)\n", time.Now().Format("15:04:05"), ev.Type, ev.ID,
			ev.Data.Object.ID, state)
		w.WriteHeader(http.StatusOK)
	})}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ensureEndpoint reuses the endpoint in the state file while it exists for this URL, or creates one.
func ensureEndpoint(ctx context.Context, api apiClient, file, endpointURL, events string) (listenState, error) {
	var st listenState
	if raw, err := os.ReadFile(file); err == nil && json.Unmarshal(raw, &st) == nil && st.URL == endpointURL {
		var e struct{ Status string }
		if err := api.do(ctx, http.MethodGet, "/v1/webhook_endpoints/"+st.EndpointID, nil, &e); err == nil {
			return st, nil
		}
	}
	form := neturl.Values{"url": {endpointURL}, "description": {"checkout dev listen"}}
	for i, e := range strings.Split(events, ",") {
		form.Set(fmt.Sprintf("enabled_events[%d]", i), strings.TrimSpace(e))
	}
	var created struct {
		ID, URL, Secret string
	}
	if err := api.do(ctx, http.MethodPost, "/v1/webhook_endpoints", form, &created); err != nil {
		return st, err
	}
	st = listenState{EndpointID: created.ID, URL: created.URL, Secret: created.Secret}
	raw, _ := json.MarshalIndent(st, "", "  ")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return st, err
	}
	return st, os.WriteFile(file, raw, 0o600)
}
