// Package migrations embeds Triage's SQL migrations. Files are named
// NNN_name.up.sql and NNN_name.down.sql and applied in version order by
// internal/postgres; River's own migrations are applied alongside them
// through rivermigrate. A released migration is never edited: add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
