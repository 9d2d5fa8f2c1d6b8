// Package text holds the rules every free-text field obeys before it is stored: valid UTF-8,
// no NUL or other control characters that Postgres or a reader would choke on, and a length
// counted in characters.
package text

import (
	"unicode"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Check refuses s unless it is valid UTF-8 without control characters (tab, CR and LF are
// allowed) and at most max characters long (max <= 0: no length limit).
func Check(param, s string, max int) error {
	if !utf8.ValidString(s) {
		return apperr.Invalid(param, "parameter_invalid_string", "%s must be valid UTF-8 text.", param)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return apperr.Invalid(param, "parameter_invalid_string",
				"%s must not contain control characters (found U+%04X).", param, r)
		}
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		return apperr.Invalid(param, "parameter_invalid_string", "%s must be at most %d characters.", param, max)
	}
	return nil
}

// Sanitize makes s safe to store whatever it holds: invalid bytes become U+FFFD, NUL and other
// control characters are dropped, and it is cut to at most max bytes on a character boundary.
// For text we only record (a webhook receiver's response), never for what a caller submits.
func Sanitize(s string, max int) string {
	out := make([]rune, 0, len(s))
	size := 0
	for _, r := range s { // ranging over a string yields U+FFFD for each invalid byte
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			continue
		}
		n := utf8.RuneLen(r)
		if max > 0 && size+n > max {
			break
		}
		out = append(out, r)
		size += n
	}
	return string(out)
}
