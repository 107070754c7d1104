package localmodel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// publicExpectations says what each public dataset's labels mean as eval
// expectations (see package eval for the format): the taxonomy field, or
// the one-vs-rest key, that a label asserts. It is the eval side of
// mapping, and lives beside it for the same reason: one place says what the
// public labels mean. Keys of the inner map are the dataset's own labels.
var publicExpectations = map[string]map[string]map[string]any{
	srcIrony:     {"irony": {"sarcasm": true}, "non_irony": {"sarcasm": false}},
	srcISarcasm:  {"sarcastic": {"sarcasm": true}, "not_sarcastic": {"sarcasm": false}},
	srcOffensive: {"offensive": {"risk=abuse|threat": true}, "not-offensive": {"risk=abuse|threat": false}},
	srcHate:      {"hate": {"risk=abuse|threat": true}, "not-hate": {"risk=abuse|threat": false}},
	srcDavidson: {
		"hate": {"risk=abuse|threat": true}, "offensive": {"risk=abuse|threat": true},
		"neither": {"risk=abuse|threat": false},
	},
	srcEmotion: {
		"anger": {"sentiment": "negative"}, "sadness": {"sentiment": "negative"},
		"joy": {"sentiment": "positive"}, "optimism": {"sentiment": "positive"},
	},
	srcSentiment:  {"negative": {"sentiment": "negative"}, "neutral": {"sentiment": "neutral"}, "positive": {"sentiment": "positive"}},
	srcComplaints: {"complaint": {"intent=support_issue": true}, "not_complaint": {"intent=support_issue": false}},
	// SMS spam is unsolicited promotion or fraud: either risk is right.
	srcSMS: {"spam": {"risk=spam|scam": true}, "ham": {"risk=spam|scam": false}},
}

// publicChannels is the channel each public dataset's texts come from.
var publicChannels = map[string]string{srcSMS: "sms", srcBanking: "webhook"}

// PublicItem is one text of a public dataset's evaluation split with what
// its label says, in the eval format.
type PublicItem struct {
	ID       string         `json:"id"`
	Text     string         `json:"text"`
	Channel  string         `json:"channel"`
	Expected map[string]any `json:"expected"`
}

// PublicSet is the evaluation split of one public dataset: its val split,
// or for a set without one the held-out 20% that training never sees.
type PublicSet struct {
	Name  string // file name stem, e.g. "tweeteval-irony-val"
	Items []PublicItem
}

// PublicEvalSets reads the public datasets under dir and returns their
// evaluation splits with expectations, one set per dataset, in a stable
// order. seed must be the training seed (DefaultSeed) for the held-out
// splits to be the ones training left out.
func PublicEvalSets(dir string, seed int64) ([]PublicSet, error) {
	recs, err := loadPublic(dir, cmp.Or(seed, DefaultSeed))
	if err != nil {
		return nil, err
	}
	sets := map[string]*PublicSet{}
	var order []string
	for _, r := range recs {
		exp, ok := expectationsOf(r)
		if !r.eval || !ok || strings.TrimSpace(r.text) == "" {
			continue // not an eval text, an unmapped label, or a blank line in the source
		}
		s := sets[r.source]
		if s == nil {
			s = &PublicSet{Name: setName(r.source)}
			sets[r.source] = s
			order = append(order, r.source)
		}
		s.Items = append(s.Items, PublicItem{ID: fmt.Sprintf("%s-%05d", s.Name, len(s.Items)+1),
			Text: r.text, Channel: cmp.Or(publicChannels[r.source], "x"), Expected: exp})
	}
	out := make([]PublicSet, 0, len(order))
	for _, src := range order {
		out = append(out, *sets[src])
	}
	return out, nil
}

// expectationsOf maps one record; Banking77 requests are support issues
// with the topic its mapping gives.
func expectationsOf(r record) (map[string]any, bool) {
	if r.source == srcBanking {
		topic, ok := bankingTopics[r.label]
		return map[string]any{"intent": "support_issue", "topic": topic}, ok
	}
	exp, ok := publicExpectations[r.source][r.label]
	return exp, ok
}

func setName(source string) string {
	name := []byte(source)
	for i, c := range name {
		if c == '/' {
			name[i] = '-'
		}
	}
	if slices.ContainsFunc(loaders, func(l loader) bool { return l.source == source && l.split }) {
		return string(name) + "-val"
	}
	return string(name) + "-heldout"
}
