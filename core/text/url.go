package text

import (
	"net/url"
	"strings"

	"github.com/chaincheckout/checkout/core/apperr"
)

// MaxURLLength bounds every URL a caller gives (redirects, images).
const MaxURLLength = 5000

// HTTPURL refuses raw unless it is an absolute http(s) URL of at most MaxURLLength
// characters; {CHECKOUT_SESSION_ID} is allowed where a session ID is substituted later.
func HTTPURL(param, raw string) error {
	if len(raw) > MaxURLLength {
		return apperr.Invalid(param, "url_invalid", "%s must be at most %d characters.", param, MaxURLLength)
	}
	if err := Check(param, raw, MaxURLLength); err != nil {
		return err
	}
	probe := strings.ReplaceAll(raw, "{CHECKOUT_SESSION_ID}", "cs_x")
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.Invalid(param, "url_invalid", "Not a valid URL: %s must be an absolute http or https URL.", param)
	}
	return nil
}
