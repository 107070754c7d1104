package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/triage-oss/triage/internal/items"
)

// Ingest settings.
const (
	ingestBatch   = 1000 // items per POST /v1/items, the API's maximum
	ingestClients = 4    // concurrent clients posting
)

// IngestResult is what the ingest part measured.
type IngestResult struct {
	// Items were posted through POST /v1/items in batches of 1,000, each
	// stored with its first event and its triage job in one transaction,
	// at ItemsPerS; the same rows went into the emptied items table with
	// one pgx.CopyFrom at CopyRowsPerS.
	Items        int     `json:"ingest_items"`
	ItemsPerS    float64 `json:"ingest_items_per_s"`
	CopyRowsPerS float64 `json:"copy_rows_per_s"`
	// CopyRatio is ItemsPerS / CopyRowsPerS.
	CopyRatio float64 `json:"ingest_copy_ratio"`
}

func (r *runner) ingest(ctx context.Context) (*IngestResult, error) {
	batch, err := r.newItems("ingest", r.sizes.ingestItems)
	if err != nil {
		return nil, err
	}
	bodies, err := batches(batch, ingestBatch)
	if err != nil {
		return nil, err
	}
	r.progress("ingest: %d items through POST /v1/items, %d clients, batches of %d", len(batch), ingestClients, ingestBatch)
	s, err := r.startStack(ctx, stackOptions{part: PartIngest})
	if err != nil {
		return nil, err
	}
	res, err := r.measureIngest(ctx, s, batch, bodies)
	return res, joinClose(err, s)
}

func (r *runner) measureIngest(ctx context.Context, s *stack, batch []items.NewItem, bodies []batch) (*IngestResult, error) {
	start := time.Now()
	if err := s.postAll(ctx, bodies, ingestClients); err != nil {
		return nil, err
	}
	api := time.Since(start)
	if err := s.checkIngested(ctx, len(batch)); err != nil {
		return nil, err
	}
	r.progress("ingest: the same rows with pgx.CopyFrom into the emptied table")
	if _, err := s.pool.Exec(ctx, queries.Get("EmptyItems")); err != nil {
		return nil, fmt.Errorf("empty the items table: %w", err)
	}
	rows := copyRows(batch, time.Now())
	start = time.Now()
	n, err := s.pool.CopyFrom(ctx, pgx.Identifier{"items"}, copyColumns, pgx.CopyFromRows(rows))
	if err != nil {
		return nil, fmt.Errorf("copy items: %w", err)
	}
	copied := time.Since(start)
	res := &IngestResult{Items: len(batch), ItemsPerS: perSecond(len(batch), api), CopyRowsPerS: perSecond(int(n), copied)}
	res.CopyRatio = res.ItemsPerS / res.CopyRowsPerS
	return res, nil
}

// copyColumns are the items columns ingestion fills.
var copyColumns = []string{"channel", "external_id", "author", "url", "thread_id", "parent_id", "metadata", "text",
	"text_hash", "created_at", "received_at", "updated_at"}

// copyRows returns the rows ingestion would store for batch.
func copyRows(batch []items.NewItem, now time.Time) [][]any {
	rows := make([][]any, len(batch))
	for i, n := range batch {
		created, _ := time.Parse(time.RFC3339, n.CreatedAt)
		rows[i] = []any{n.Channel, n.ExternalID, n.Author, n.URL, n.ThreadID, n.ParentID, "{}", n.Text,
			items.TextHash(n.Text), created, now, now}
	}
	return rows
}

// benchChannels are the channels the benchmark's items come from.
var benchChannels = []string{"x", "discord", "reddit", "forum", "email", "telegram", "instagram", "slack"}

// newItems returns n items whose texts are the datasets' texts in order,
// with external ids <prefix>-<i>.
func (r *runner) newItems(prefix string, n int) ([]items.NewItem, error) {
	texts, err := Texts(r.config.DataDir)
	if err != nil {
		return nil, err
	}
	created := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	out := make([]items.NewItem, n)
	for i := range out {
		out[i] = items.NewItem{Channel: benchChannels[i%len(benchChannels)], ExternalID: fmt.Sprintf("%s-%d", prefix, i),
			Author: fmt.Sprintf("user%d", i%997), Text: texts[i%len(texts)], CreatedAt: created}
	}
	return out, nil
}

// batches encodes the items as POST /v1/items bodies of at most size
// items.
func batches(all []items.NewItem, size int) ([]batch, error) {
	var out []batch
	for i := 0; i < len(all); i += size {
		part := all[i:min(i+size, len(all))]
		body, err := json.Marshal(map[string]any{"items": part})
		if err != nil {
			return nil, err
		}
		out = append(out, batch{body: body, n: len(part)})
	}
	return out, nil
}

func perSecond(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }

// joinClose closes s and joins its error to err.
func joinClose(err error, s *stack) error {
	return errors.Join(err, s.close())
}

func (x *IngestResult) describe() string {
	if x == nil {
		return ""
	}
	return fmt.Sprintf("ingest: %s items from %d clients over loopback, each batch stored with its events and triage jobs in one transaction; CopyFrom into the emptied table",
		number(float64(x.Items)), ingestClients)
}
