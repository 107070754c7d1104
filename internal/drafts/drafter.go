package drafts

import (
	"context"
	"errors"
	"fmt"

	"github.com/triage-oss/triage/internal/kb"
)

// Drafter writes one draft, without storing anything: retrieval, the
// writer, and the checks. The draft job and the draft eval share it.
type Drafter struct {
	retriever Retriever
	writer    Writer
	passages  int
	rules     []Rule
}

// NewDrafter returns a Drafter using k passages (DefaultPassages when 0)
// and rules (DefaultRules when nil). retriever may be nil: no knowledge
// base.
func NewDrafter(retriever Retriever, writer Writer, k int, rules []Rule) *Drafter {
	if k == 0 {
		k = DefaultPassages
	}
	if rules == nil {
		rules = DefaultRules
	}
	return &Drafter{retriever: retriever, writer: writer, passages: k, rules: rules}
}

// Drafted is a draft with what it was written from and what a reviewer
// should check.
type Drafted struct {
	Written
	Passages []Passage
	Flags    []Flag
}

// Draft retrieves passages for req.Text, writes the reply and checks it.
// req.Passages is ignored: the drafter retrieves them.
func (d *Drafter) Draft(ctx context.Context, req Request) (Drafted, error) {
	ps, err := d.retrieve(ctx, req.Text)
	if err != nil {
		return Drafted{}, err
	}
	req.Passages = ps
	w, err := d.writer.Write(ctx, req)
	if err != nil {
		return Drafted{}, err
	}
	flags := Check(w.Body, w.Cited, ps, d.rules, req.Labels)
	if w.Extractive {
		flags = append(flags, Flag{FlagExtractive, "written offline by quoting the best passage, not by a model: check that it answers the question"})
	}
	return Drafted{Written: w, Passages: ps, Flags: flags}, nil
}

func (d *Drafter) retrieve(ctx context.Context, text string) ([]Passage, error) {
	if d.retriever == nil {
		return nil, nil
	}
	q := text
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
	}
	hits, err := d.retriever.Search(ctx, kb.Query{Text: q, K: d.passages})
	if errors.Is(err, kb.ErrEmptyQuery) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retrieve passages: %w", err)
	}
	out := make([]Passage, len(hits))
	for i, h := range hits {
		out[i] = Passage{N: i + 1, ChunkID: h.ChunkID, DocumentID: h.DocumentID, Title: h.Title, URL: h.URL,
			Heading: h.Heading, Text: h.Text, Score: h.Score}
	}
	return out, nil
}
