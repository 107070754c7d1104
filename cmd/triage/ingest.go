package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/triage-oss/triage/internal/app"
	"github.com/triage-oss/triage/internal/apperr"
	"github.com/triage-oss/triage/internal/channels"
	"github.com/triage-oss/triage/internal/config"
	"github.com/triage-oss/triage/internal/items"
	"github.com/triage-oss/triage/internal/pipeline"
)

func init() {
	register("ingest", "ingest items from a JSONL file (one item object per line; - for stdin), or a platform's payload with --format discord|slack|telegram|x|reddit|email|webhook", runIngest)
}

// maxLineErrors bounds the problems listed for a bad file.
const maxLineErrors = 20

func runIngest(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("triage ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	format := fs.String("format", "jsonl", "input format: jsonl (Triage's item objects), or a channel: discord, slack, telegram, x, reddit, email (.eml or mbox), webhook")
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: triage ingest [--format jsonl|CHANNEL] FILE")
	}
	if err := cfg.Validate(config.Need{}); err != nil {
		return err
	}
	if *format != "jsonl" {
		return ingestChannel(ctx, cfg, e, *format, fs.Arg(0))
	}
	batch, err := readJSONL(fs.Arg(0), time.Now())
	if err != nil {
		return err
	}
	return ingest(ctx, cfg, e, batch)
}

// readJSONL reads and validates a whole file before anything is stored, so
// a bad line stores nothing.
func readJSONL(path string, now time.Time) ([]items.NewItem, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), items.MaxTextBytes*2+items.MaxMetadataBytes)
	var out []items.NewItem
	var problems []string
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		b, err := items.DecodeBatch(sc.Bytes(), now)
		if err == nil && !b.Single {
			err = errors.New("want one item object per line")
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", line, err))
			if len(problems) == maxLineErrors {
				problems = append(problems, "... (stopped listing)")
				break
			}
			continue
		}
		out = append(out, b.Items[0])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: nothing stored; fix these lines:\n  %s", path, joinLines(problems))
	}
	return out, nil
}

func joinLines(ls []string) string {
	s := ""
	for i, l := range ls {
		if i > 0 {
			s += "\n  "
		}
		s += l
	}
	return s
}

// ingest stores batch in transactions of items.MaxBatch items.
func ingest(ctx context.Context, cfg config.Config, e *env, batch []items.NewItem) error {
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{Logger: app.NewLogger(cfg, e.stderr)})
	if err != nil {
		return err
	}
	in := pipeline.NewIngester(pool, client, pipeline.IngestConfig{MaxAttempts: cfg.MaxAttempts})
	created, existing := 0, 0
	for start := 0; start < len(batch); start += items.MaxBatch {
		res, err := in.Ingest(ctx, batch[start:min(start+items.MaxBatch, len(batch))], "cli")
		if err != nil {
			return fmt.Errorf("after %d items: %s", start, apperr.MessageOf(err)+": "+err.Error())
		}
		for _, r := range res {
			if r.Created {
				created++
			} else {
				existing++
			}
		}
	}
	fmt.Fprintf(e.stdout, "ingest: %d items: %d new (queued for triage), %d already known\n", len(batch), created, existing)
	return nil
}

// ingestChannel decodes a file in a platform's own format with its channel
// adapter (no signature: the file is the operator's) and stores it as
// the webhook would: new messages, edits and deletes.
func ingestChannel(ctx context.Context, cfg config.Config, e *env, format, path string) error {
	registry, err := app.ChannelAdapters(cfg)
	if err != nil {
		return err
	}
	a, err := registry.Get(format)
	if err != nil {
		return fmt.Errorf("--format: %w (or jsonl)", err)
	}
	var data []byte
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, maxChannelFile+1))
	} else {
		data, err = readLimited(path)
	}
	if err != nil {
		return err
	}
	if len(data) > maxChannelFile {
		return fmt.Errorf("%s: larger than %d bytes; split it", path, maxChannelFile)
	}
	now := time.Now()
	d, err := a.Decode(data, now)
	if err == nil {
		err = d.Validate(now)
	}
	if err != nil {
		return fmt.Errorf("%s: nothing stored: %w", path, err)
	}
	pool, err := app.OpenDatabase(ctx, cfg.DatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	client, err := pipeline.NewClient(pool, pipeline.ClientConfig{Logger: app.NewLogger(cfg, e.stderr)})
	if err != nil {
		return err
	}
	in := pipeline.NewIngester(pool, client, pipeline.IngestConfig{MaxAttempts: cfg.MaxAttempts})
	var total pipeline.Applied
	for start := 0; start < len(d.Events) || start == 0; start += items.MaxBatch {
		part := channels.Delivery{Events: d.Events[start:min(start+items.MaxBatch, len(d.Events))]}
		res, err := in.Apply(ctx, part, "cli:"+format)
		if err != nil {
			return fmt.Errorf("after %d events: %w", start, err)
		}
		total.Created += res.Created
		total.Existing += res.Existing
		total.Edited += res.Edited
		total.Retriaged += res.Retriaged
		total.Unchanged += res.Unchanged
		total.Deleted += res.Deleted
		total.Unknown += res.Unknown
		if len(d.Events) == 0 {
			break
		}
	}
	fmt.Fprintf(e.stdout, "ingest: %d %s events: %d new (queued for triage), %d already known, %d edited (%d triaged again), %d unchanged, %d deleted, %d deletes of unknown items\n",
		len(d.Events), format, total.Created, total.Existing, total.Edited, total.Retriaged, total.Unchanged, total.Deleted, total.Unknown)
	for _, s := range d.Skipped {
		fmt.Fprintf(e.stdout, "  skipped: %s\n", s)
	}
	return nil
}

// maxChannelFile bounds a platform payload file, like a webhook body.
const maxChannelFile = 16 << 20

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxChannelFile+1))
}
