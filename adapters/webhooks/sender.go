// Package webhooks posts signed webhook payloads over HTTP.
package webhooks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

var errNotPublic = errors.New("refusing to connect: the host resolved to an address that is not a public address")

// Sender posts payloads with a per-request timeout. Unless allowPrivate, it refuses at connect
// time any address that is not public, so a DNS answer that changed after the URL was checked
// cannot reach an internal host.
type Sender struct {
	client *http.Client
}

// NewSender builds a sender; redirects are not followed (a redirect could lead inside).
func NewSender(timeout time.Duration, allowPrivate bool) *Sender {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return err
		}
		if !allowPrivate && !webhook.Public(ip) {
			return errNotPublic // recorded on the attempt and shown to the merchant: no internal address in it
		}
		return nil
	}}
	// The dispatcher POSTs up to 32 at once, often to one host: keep that many connections.
	transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second, ResponseHeaderTimeout: timeout}
	return &Sender{client: &http.Client{Transport: transport, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Post sends body with the signature in Stripe-Signature and Checkout-Signature. It returns
// the status (0 when no response came), the first 500 bytes of the response, and any error.
func (s *Sender) Post(ctx context.Context, url string, body []byte, signature string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signature)
	req.Header.Set("Checkout-Signature", signature)
	req.Header.Set("User-Agent", "ChainCheckout/1.0 (+webhooks)")
	res, err := s.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(res.Body, 500))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, string(excerpt), nil
}
