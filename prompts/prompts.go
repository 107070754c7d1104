// Package prompts embeds the versioned prompt files, prompts/<task>/<version>.md.
// A released version is never edited: copy it to a new version and change
// that. Which version is active per task is configuration.
package prompts

import "embed"

// FS holds every prompt file.
//
//go:embed */*.md released.json
var FS embed.FS
