package localmodel

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// record is one labelled text of a dataset, as read, before mapping.
type record struct {
	source string // a src* constant
	text   string
	label  string // the dataset's own label name
	eval   bool   // in the val split, or in the held-out 20% of a set without one
}

// loadPublic reads every public dataset named in the mapping from dir. Sets
// with their own train/val split keep it; the others are split 80/20 by a
// seeded hash of the text.
func loadPublic(dir string, seed int64) ([]record, error) {
	var all []record
	for _, l := range loaders {
		recs, err := l.load(filepath.Join(dir, l.path))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", l.source, err)
		}
		for i := range recs {
			recs[i].source = l.source
			if !l.split {
				recs[i].eval = heldOut(recs[i].text, seed)
			}
		}
		all = append(all, recs...)
	}
	return all, nil
}

// loader reads one dataset from its path under the data directory.
type loader struct {
	source string
	path   string
	split  bool // the set ships its own train/val split
	load   func(path string) ([]record, error)
}

var loaders = []loader{
	{srcIrony, "tweeteval/irony", true, loadTweetEval},
	{srcOffensive, "tweeteval/offensive", true, loadTweetEval},
	{srcHate, "tweeteval/hate", true, loadTweetEval},
	{srcEmotion, "tweeteval/emotion", true, loadTweetEval},
	{srcSentiment, "tweeteval/sentiment", true, loadTweetEval},
	{srcISarcasm, "isarcasmeval/train.En.csv", false, csvLoader("tweet", "sarcastic", map[string]string{"0": "not_sarcastic", "1": "sarcastic"})},
	{srcComplaints, "complaints/complaints.csv", false, csvLoader("text", "complaint", map[string]string{"0": "not_complaint", "1": "complaint"})},
	{srcSMS, "smsspam/SMSSpamCollection.tsv", false, loadSMS},
	{srcDavidson, "davidson/labeled_data.csv", false, csvLoader("tweet", "class", map[string]string{"0": "hate", "1": "offensive", "2": "neither"})},
	{srcBanking, "banking77/train.csv", false, csvLoader("text", "category", nil)},
}

// loadTweetEval reads a TweetEval task folder: {train,val}_{text,labels}.txt
// and mapping.txt, which names the numeric labels. A missing train split is
// allowed (sentiment ships val only).
func loadTweetEval(dir string) ([]record, error) {
	names, err := readMapping(filepath.Join(dir, "mapping.txt"))
	if err != nil {
		return nil, err
	}
	var out []record
	for _, split := range []string{"train", "val"} {
		texts, err := readLines(filepath.Join(dir, split+"_text.txt"))
		if errors.Is(err, os.ErrNotExist) && split == "train" {
			continue
		}
		if err != nil {
			return nil, err
		}
		labels, err := readLines(filepath.Join(dir, split+"_labels.txt"))
		if err != nil {
			return nil, err
		}
		if len(texts) != len(labels) {
			return nil, fmt.Errorf("%s: %d texts but %d labels", split, len(texts), len(labels))
		}
		for i, t := range texts {
			name, ok := names[strings.TrimSpace(labels[i])]
			if !ok {
				return nil, fmt.Errorf("%s line %d: label %q not in mapping.txt", split, i+1, labels[i])
			}
			out = append(out, record{text: strings.TrimSpace(t), label: name, eval: split == "val"})
		}
	}
	return out, nil
}

// readMapping reads "id<TAB>name" lines.
func readMapping(path string) (map[string]string, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(lines))
	for _, l := range lines {
		id, name, ok := strings.Cut(strings.TrimSpace(l), "\t")
		if !ok {
			return nil, fmt.Errorf("%s: malformed line %q", path, l)
		}
		m[id] = name
	}
	return m, nil
}

// readLines returns the lines of a text file without their line endings;
// a final empty line is dropped.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return out, nil
}

// loadSMS reads "label<TAB>text" lines.
func loadSMS(path string) ([]record, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	out := make([]record, 0, len(lines))
	for i, l := range lines {
		label, text, ok := strings.Cut(l, "\t")
		if !ok {
			return nil, fmt.Errorf("line %d: no tab", i+1)
		}
		out = append(out, record{text: strings.TrimSpace(text), label: label})
	}
	return out, nil
}

// csvLoader reads a CSV file with a header, taking the text and label
// columns by name; names renames labels (nil keeps them).
func csvLoader(textCol, labelCol string, names map[string]string) func(string) ([]record, error) {
	return func(path string) ([]record, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if err != nil {
			return nil, fmt.Errorf("reading header: %w", err)
		}
		ti, li := index(header, textCol), index(header, labelCol)
		if ti < 0 || li < 0 {
			return nil, fmt.Errorf("header %v lacks %q or %q", header, textCol, labelCol)
		}
		return readCSVRows(r, ti, li, names)
	}
}

func readCSVRows(r *csv.Reader, ti, li int, names map[string]string) ([]record, error) {
	var out []record
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading row: %w", err)
		}
		if ti >= len(row) || li >= len(row) || strings.TrimSpace(row[ti]) == "" {
			continue
		}
		label := row[li]
		if names != nil {
			var ok bool
			if label, ok = names[label]; !ok {
				return nil, fmt.Errorf("unknown label %q", row[li])
			}
		}
		out = append(out, record{text: strings.TrimSpace(row[ti]), label: label})
	}
}

func index(header []string, col string) int {
	for i, h := range header {
		if strings.TrimSpace(h) == col {
			return i
		}
	}
	return -1
}
