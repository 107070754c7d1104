package drafts

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// EvalItem is a message with the knowledge-base articles a good reply
// draws on: the reference of a draft eval.
type EvalItem struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	Channel  string   `json:"channel"`
	Articles []string `json:"articles"`
}

// LoadEvalItems reads a draft eval set (JSONL of EvalItem).
func LoadEvalItems(path string) ([]EvalItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []EvalItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it EvalItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if it.ID == "" || it.Text == "" || len(it.Articles) == 0 {
			return nil, fmt.Errorf("%s line %d: id, text and articles are required", path, line)
		}
		out = append(out, it)
	}
	return out, sc.Err()
}

// QualityReport measures drafts against their references.
type QualityReport struct {
	Items int `json:"items"`
	// Retrieved: a reference article is among the passages the draft was
	// written from. CitesReference: the draft cites one. CitesOther: it
	// cites only other articles. CitesNothing: it cites nothing.
	Retrieved      int `json:"retrieved"`
	CitesReference int `json:"cites_reference"`
	CitesOther     int `json:"cites_other"`
	CitesNothing   int `json:"cites_nothing"`
	Failed         int `json:"failed"`
	// Flags counts drafts per flag code.
	Flags map[string]int `json:"flags"`
	// CitationAccuracy is CitesReference / Items.
	CitationAccuracy float64 `json:"citation_accuracy"`
	RetrievalHit     float64 `json:"retrieval_hit"`
}

// Evaluate drafts a reply to every item (as a support issue) and scores
// its citations against the reference articles.
func Evaluate(ctx context.Context, d *Drafter, items []EvalItem, concurrency int) (QualityReport, error) {
	r := QualityReport{Items: len(items), Flags: map[string]int{}}
	var mu sync.Mutex
	work := make(chan EvalItem)
	var wg sync.WaitGroup
	for range max(concurrency, 1) {
		wg.Go(func() {
			for it := range work {
				got, err := d.Draft(ctx, Request{Channel: it.Channel, Text: it.Text,
					Labels: taxonomy.Classification{Intent: taxonomy.IntentSupportIssue, Risk: taxonomy.RiskNone}})
				mu.Lock()
				r.add(it, got, err)
				mu.Unlock()
			}
		})
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		work <- it
	}
	close(work)
	wg.Wait()
	if r.Items > 0 {
		r.CitationAccuracy = float64(r.CitesReference) / float64(r.Items)
		r.RetrievalHit = float64(r.Retrieved) / float64(r.Items)
	}
	return r, ctx.Err()
}

func (r *QualityReport) add(it EvalItem, d Drafted, err error) {
	if err != nil {
		r.Failed++
		return
	}
	for _, f := range d.Flags {
		r.Flags[f.Code]++
	}
	if slices.ContainsFunc(d.Passages, func(p Passage) bool { return slices.Contains(it.Articles, p.DocumentID) }) {
		r.Retrieved++
	}
	var cited []string
	for _, n := range d.Cited {
		if n >= 1 && n <= len(d.Passages) {
			cited = append(cited, d.Passages[n-1].DocumentID)
		}
	}
	switch {
	case len(cited) == 0:
		r.CitesNothing++
	case slices.ContainsFunc(cited, func(id string) bool { return slices.Contains(it.Articles, id) }):
		r.CitesReference++
	default:
		r.CitesOther++
	}
}
