// Package templates embeds the hosted payment page: HTML templates and their static assets.
// Everything is served by the service itself: no CDN, no external script or font.
package templates

import "embed"

// FS holds the hosted page (*.html, static/*) and the merchant dashboard (dashboard/*).
//
//go:embed *.html static dashboard
var FS embed.FS
