// Package templates embeds the hosted payment page: HTML templates and their static assets.
// Everything is served by the service itself: no CDN, no external script or font.
package templates

import "embed"

// FS holds *.html and static/*.
//
//go:embed *.html static
var FS embed.FS
