// Package demo runs Triage end to end on a sample stream, for a newcomer's
// first look: it sets up a dedicated demo database, starts the API and a
// worker in-process, posts the sample items through the HTTP API, shows
// progress, prints what triage made of them, and keeps serving until
// Ctrl-C so the API can be explored.
//
// The sample data (data/) is the project's own: 337 items about a fictional
// app's outage weekend over nine channels, and its knowledge base.
package demo

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/kb"
)

//go:embed data/stream.jsonl
var streamJSONL []byte

//go:embed data/kb
var kbFiles embed.FS

// KB returns the sample knowledge base's articles.
func KB() ([]kb.Article, error) {
	sub, err := fs.Sub(kbFiles, "data/kb")
	if err != nil {
		return nil, err
	}
	return kb.ReadFS(sub)
}

// Stream returns the sample stream's items, validated as ingestion would.
func Stream(now time.Time) ([]items.NewItem, error) {
	var out []items.NewItem
	sc := bufio.NewScanner(bytes.NewReader(streamJSONL))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		b, err := items.DecodeBatch(sc.Bytes(), now)
		if err != nil {
			return nil, fmt.Errorf("demo stream line %d: %w", line, err)
		}
		out = append(out, b.Items...)
	}
	return out, sc.Err()
}
