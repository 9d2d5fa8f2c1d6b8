// Package migrations embeds the numbered SQL files that are the only way the schema changes.
package migrations

import "embed"

// FS holds every migration, applied in order by `checkout migrate` and at start-up.
//
//go:embed *.sql
var FS embed.FS
