package wiring

import (
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/chaincheckout/checkout/adapters/secrets"
)

// Problems lists every problem of the configuration that can be found without connecting to
// anything (what `checkout config check` prints), each naming its variable; none: it can start.
func (c Config) Problems() []error {
	var out []error
	switch c.Role {
	case RoleAll, RoleAPI, RoleWorker:
	default:
		out = append(out, fmt.Errorf("CHECKOUT_ROLE=%q: use all, api or worker", c.Role))
	}
	if c.QuoteLifetime < 0 {
		out = append(out, errors.New("CHECKOUT_QUOTE_LIFETIME must be a positive duration such as 15m"))
	}
	out = append(out, c.envErrs...)
	if _, err := c.eventWindow(); err != nil && len(c.envErrs) == 0 {
		out = append(out, err)
	}
	if c.SecretsKeys == "" {
		out = append(out, errors.New("CHECKOUT_SECRETS_KEYS (or CHECKOUT_SECRETS_KEY) is not set: webhook secrets could not be encrypted"))
	} else if _, err := secrets.ParseKeyring(c.SecretsKeys); err != nil {
		out = append(out, fmt.Errorf("CHECKOUT_SECRETS_KEYS: %w", err))
	}
	out = append(out, c.addressProblems()...)
	if _, err := loadChains(c); err != nil {
		out = append(out, fmt.Errorf("CHECKOUT_CHAINS_FILE: %w", err))
	}
	return out
}

// addressProblems checks the URLs and host:port values the process dials or serves on.
func (c Config) addressProblems() []error {
	var out []error
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		out = append(out, fmt.Errorf("DATABASE_URL=%q is not a postgres:// URL", c.DatabaseURL))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		out = append(out, fmt.Errorf("CHECKOUT_PUBLIC_URL=%q is not an http(s) URL", c.PublicURL))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		out = append(out, fmt.Errorf("CHECKOUT_LISTEN=%q is not host:port", c.Listen))
	}
	if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
		out = append(out, fmt.Errorf("TEMPORAL_ADDRESS=%q is not host:port", c.TemporalAddress))
	}
	return out
}
