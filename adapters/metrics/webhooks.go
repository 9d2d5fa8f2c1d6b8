package metrics

import (
	"context"
	"time"
)

// Poster is the webhook sender's port (workflows.Sender).
type Poster interface {
	Post(ctx context.Context, url string, body []byte, signature string) (int, string, error)
}

// Webhooks counts each delivery attempt by outcome and times it.
func (m *Metrics) Webhooks(p Poster) Poster { return &poster{next: p, m: m} }

type poster struct {
	next Poster
	m    *Metrics
}

func (p *poster) Post(ctx context.Context, url string, body []byte, signature string) (int, string, error) {
	start := time.Now()
	status, resp, err := p.next.Post(ctx, url, body, signature)
	outcome := Outcome(status, err)
	p.m.attempts.WithLabelValues(outcome).Inc()
	p.m.attemptDur.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	return status, resp, err
}

// Outcome is an attempt's label: the status class, or "error" when nothing usable came back.
func Outcome(status int, err error) string {
	switch {
	case err != nil || status < 200 || status > 599:
		return "error"
	case status < 300:
		return "2xx"
	case status < 400:
		return "3xx"
	case status < 500:
		return "4xx"
	}
	return "5xx"
}
