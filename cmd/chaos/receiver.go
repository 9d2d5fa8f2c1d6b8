package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

// receiver is the merchant's webhook endpoint: it verifies each delivery's signature and logs
// it (one JSON line: event id, type, session, the status it answered); while failing it
// answers 503, so the service must retry.
type receiver struct {
	srv     *http.Server
	url     string
	secret  atomic.Value // string
	failing atomic.Bool
	mu      sync.Mutex
	log     *os.File
}

type delivery struct {
	At      time.Time `json:"at"`
	EventID string    `json:"event_id"`
	Type    string    `json:"type"`
	Session string    `json:"session"`
	Status  int       `json:"status"`
}

func startReceiver(listen, logPath string) (*receiver, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		f.Close()
		return nil, err
	}
	r := &receiver{url: "http://" + listen + "/hook", log: f}
	r.secret.Store("")
	r.srv = &http.Server{Handler: http.HandlerFunc(r.handle), ReadHeaderTimeout: 10 * time.Second}
	go r.srv.Serve(ln)
	return r, nil
}

func (r *receiver) handle(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if err := webhook.Verify(body, req.Header.Get("Stripe-Signature"), r.secret.Load().(string), webhook.DefaultTolerance); err != nil {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Data struct {
			Object struct {
				ID string `json:"id"`
			} `json:"object"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	status := http.StatusOK
	if r.failing.Load() {
		status = http.StatusServiceUnavailable
	}
	r.write(delivery{At: time.Now().UTC(), EventID: ev.ID, Type: ev.Type, Session: ev.Data.Object.ID, Status: status})
	w.WriteHeader(status)
}

func (r *receiver) write(d delivery) {
	line, _ := json.Marshal(d)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log.Write(append(line, '\n'))
}

// register creates the webhook endpoint for every event and keeps its signing secret.
func (r *receiver) register(ctx context.Context, a *api) error {
	var we struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	form := url.Values{"url": {r.url}, "enabled_events[]": {"*"}}
	if err := a.do(ctx, http.MethodPost, "/v1/webhook_endpoints", form, "chaos-endpoint", &we); err != nil {
		return fmt.Errorf("create the webhook endpoint: %w", err)
	}
	if we.Secret == "" {
		return errors.New("the webhook endpoint came back without its secret")
	}
	r.secret.Store(we.Secret)
	fmt.Printf("chaos: webhook endpoint %s -> %s\n", we.ID, r.url)
	return nil
}

func (r *receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	r.log.Close()
	return err
}
