package checkout

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ident"
)

// UIMode is Stripe's ui_mode: a hosted page of ours, or the page embedded on the merchant's site.
type UIMode string

const (
	UIHosted   UIMode = "hosted"
	UIEmbedded UIMode = "embedded"
)

// buildUIMode applies ui_mode and its URLs, as Stripe does: an embedded session returns the
// shopper to return_url and has no success_url or cancel_url; a hosted one has no return_url.
// An embedded session gets its client secret, which mounts its page.
func buildUIMode(s *Session, p CreateParams) error {
	s.UIMode = UIHosted
	if p.UIMode != nil {
		switch m := UIMode(*p.UIMode); m {
		case UIHosted, UIEmbedded:
			s.UIMode = m
		default:
			return apperr.Invalid("ui_mode", "parameter_invalid", "ui_mode must be %q or %q.", UIHosted, UIEmbedded)
		}
	}
	if s.UIMode == UIHosted {
		if p.ReturnURL != nil {
			return apperr.Invalid("return_url", "parameter_unknown", "return_url is for ui_mode=embedded; a hosted session uses success_url.")
		}
		return nil
	}
	for _, f := range []struct {
		param string
		v     *string
	}{{"success_url", p.SuccessURL}, {"cancel_url", p.CancelURL}} {
		if f.v != nil {
			return apperr.Invalid(f.param, "parameter_unknown", "%s cannot be used with ui_mode=embedded; use return_url.", f.param)
		}
	}
	if p.ReturnURL == nil || *p.ReturnURL == "" {
		return apperr.Invalid("return_url", "parameter_missing", "return_url is required with ui_mode=embedded.")
	}
	u, err := optionalURL("return_url", p.ReturnURL)
	if err != nil {
		return err
	}
	s.ReturnURL = u
	s.ClientSecret = s.ID + "_secret_" + ident.Random(24)
	return nil
}

// UI is the session's ui_mode: hosted unless it was made embedded (a session built without
// one, such as a payment link's, is hosted).
func (s *Session) UI() UIMode {
	if s.UIMode == "" {
		return UIHosted
	}
	return s.UIMode
}

// EmbedOrigin is the origin that may frame the session's page (its return_url's), when the
// secret given is the session's own; "" otherwise, and for hosted sessions, which are never framed.
func (s *Session) EmbedOrigin(secret string) string {
	if s.UI() != UIEmbedded || s.ClientSecret == "" ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(s.ClientSecret)) != 1 {
		return ""
	}
	u, err := url.Parse(s.ReturnURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// ReturnTo is where the shopper goes after paying: return_url or success_url, with the
// session's ID where the merchant asked for it.
func (s *Session) ReturnTo() string {
	target := s.SuccessURL
	if s.UI() == UIEmbedded {
		target = s.ReturnURL
	}
	return strings.ReplaceAll(target, "{CHECKOUT_SESSION_ID}", s.ID)
}
