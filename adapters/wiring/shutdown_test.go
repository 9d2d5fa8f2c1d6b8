package wiring_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/workflows"
)

// An API process told to stop (SIGTERM cancels Run's context) while shoppers' sessions are
// being created: it stops accepting, lets the requests in flight finish, starts the workflows
// of the sessions they made before it returns, and loses nothing: every session answered 200
// has its row and a running workflow at once, with no sweep needed; nothing is answered 5xx.
func TestAPIShutdownDuringCreatesLosesNothing(t *testing.T) {
	key, _ := newMerchant(t, "Shutdown Store")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := it.cfg
	cfg.Role, cfg.Listen, cfg.PublicURL = wiring.RoleAPI, ln.Addr().String(), "http://"+ln.Addr().String()
	app, err := wiring.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ctx, sigterm := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	if err := waitServing(cfg.PublicURL, done); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var created []string
	var failures []string
	var wg sync.WaitGroup
	stopAt := time.Now().Add(400 * time.Millisecond)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stopAt.Add(2 * time.Second)) {
				id, status, ok := tryCreate(cfg.PublicURL, key)
				mu.Lock()
				switch {
				case status == http.StatusOK:
					created = append(created, id)
				case status >= 500:
					failures = append(failures, id)
				}
				mu.Unlock()
				if !ok {
					return // the listener is closed: the process no longer accepts
				}
			}
		}()
	}
	time.Sleep(time.Until(stopAt))
	sigterm()
	stoppedAt := time.Now()
	if err := <-done; err != nil {
		t.Fatalf("Run after the stop: %v", err)
	}
	wg.Wait()
	t.Logf("%d sessions created, stopped in %s", len(created), time.Since(stoppedAt).Round(time.Millisecond))
	if len(created) == 0 || len(failures) > 0 {
		t.Fatalf("created %d, answered 5xx %d: %v", len(created), len(failures), failures)
	}
	for _, id := range created {
		if _, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflows.SessionWorkflowID(id), ""); err != nil {
			t.Fatalf("session %s was answered 200, but its workflow is not there after the stop: %v", id, err)
		}
	}
}

// tryCreate creates a session; ok is false once the server no longer accepts connections.
func tryCreate(base, key string) (id string, status int, ok bool) {
	req, err := http.NewRequest(http.MethodPost, base+"/v1/checkout/sessions", strings.NewReader(validForm().Encode()))
	if err != nil {
		return "", 0, false
	}
	req.SetBasicAuth(key, "")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, false
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &body)
	if res.StatusCode >= 500 {
		return string(raw), res.StatusCode, true
	}
	return body.ID, res.StatusCode, true
}
