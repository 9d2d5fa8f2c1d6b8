package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/core/chain"
)

// env is what the started topology tells its clients.
type env struct {
	api         *api
	asset       chain.Asset
	databaseURL string
	temporal    string
	rpcURL      string // geth itself, not the proxy: the payer and the checker never go through it
}

func loadEnv(c config) (env, error) {
	vals, err := readEnvFile(filepath.Join(c.dir, "env"))
	if err != nil {
		return env{}, err
	}
	key := vals["CHECKOUT_API_KEY"]
	if key == "" {
		return env{}, fmt.Errorf("%s/env has no CHECKOUT_API_KEY", c.dir)
	}
	cfg, err := chainconfig.Load(filepath.Join(c.dir, "chains.json"), nil)
	if err != nil {
		return env{}, err
	}
	asset, ok := cfg.Config().Asset("tusd@dev")
	if !ok {
		return env{}, errors.New("the chaos chains file has no tusd@dev")
	}
	bases := []string{fmt.Sprintf("http://127.0.0.1:%d", 4242+c.portOffset), fmt.Sprintf("http://127.0.0.1:%d", 4243+c.portOffset)}
	return env{
		api:         &api{bases: bases, key: key, client: &http.Client{Timeout: 2 * time.Minute}},
		asset:       asset,
		databaseURL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/checkout_cluster?sslmode=disable", c.pgPort),
		temporal:    fmt.Sprintf("127.0.0.1:%d", 7433+c.portOffset),
		rpcURL:      fmt.Sprintf("http://127.0.0.1:%d", c.rpcPort),
	}, nil
}

// readEnvFile reads KEY=VALUE lines (dev seed's env file; "export " and quotes allowed).
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		k, v, ok := strings.Cut(line, "=")
		if ok && !strings.HasPrefix(k, "#") {
			out[k] = strings.Trim(v, `"'`)
		}
	}
	return out, sc.Err()
}

// api calls the two API processes in turn, retrying through their deaths: a request that
// fails to connect, times out or gets a 5xx or 429 is sent again (to the other process).
type api struct {
	bases  []string
	key    string
	client *http.Client
	next   atomic.Uint64
	retry  atomic.Int64 // retried requests, for the report
}

// apiError is a definitive answer (4xx other than 429): retrying would not change it.
type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.body) }

func (a *api) do(ctx context.Context, method, path string, form url.Values, idem string, out any) error {
	deadline := time.Now().Add(5 * time.Minute)
	for attempt := 0; ; attempt++ {
		err := a.once(ctx, method, path, form, idem, out)
		var definite *apiError
		if err == nil || errors.As(err, &definite) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		a.retry.Add(1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(min(attempt+1, 10)) * 300 * time.Millisecond):
		}
	}
}

func (a *api) once(ctx context.Context, method, path string, form url.Values, idem string, out any) error {
	base := a.bases[a.next.Add(1)%uint64(len(a.bases))]
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(a.key, "")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	res, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	switch {
	case res.StatusCode == http.StatusOK:
		return json.Unmarshal(raw, out)
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, strings.TrimSpace(string(raw)))
	default:
		return &apiError{status: res.StatusCode, body: strings.TrimSpace(string(raw))}
	}
}

// session is the part of a checkout session the chaos run reads.
type session struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	PaymentStatus string `json:"payment_status"`
	ExpiresAt     int64  `json:"expires_at"`
	Crypto        struct {
		Asset          string `json:"asset"`
		DepositAddress string `json:"deposit_address"`
		AmountDue      string `json:"amount_due"`
		State          string `json:"state"`
	} `json:"crypto"`
}
