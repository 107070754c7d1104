package localmodel

import "github.com/triage-oss/triage/internal/taxonomy"

// Scores are the calibrated probabilities of every head for one text, for
// callers that decide on their own thresholds (the cascade closes items
// whose Spam or Noise is high without calling an LLM).
type Scores struct {
	// Binary heads: the probability of the positive class.
	Spam      float64 `json:"spam"`      // spam or scam
	Complaint float64 `json:"complaint"` // the author reports a problem
	Abuse     float64 `json:"abuse"`     // offensive or insulting language
	Hate      float64 `json:"hate"`      // hate speech against a group
	Sarcasm   float64 `json:"sarcasm"`   // verbal irony

	// Noise is Intent[taxonomy.IntentNoise]: chatter not addressed to the team.
	Noise float64 `json:"noise"`

	// Multi-class heads: a probability per label, summing to 1.
	Sentiment map[taxonomy.Sentiment]float64 `json:"sentiment"`
	Intent    map[taxonomy.Intent]float64    `json:"intent"`
	Risk      map[taxonomy.Risk]float64      `json:"risk"`
	Topic     map[string]float64             `json:"topic"` // over taxonomy.DefaultTopics
}

// Scores returns the calibrated probabilities of every head for text.
func (m *Model) Scores(text string) Scores {
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	m.probs(s, text)
	v := m.view(s)
	sc := Scores{
		Spam: v.p(headSpam), Complaint: v.p(headComplaint), Abuse: v.p(headAbuse),
		Hate: v.p(headHate), Sarcasm: v.p(headIrony),
		Sentiment: probMap(v, headSentiment, taxonomy.Sentiments),
		Intent:    probMap(v, headIntent, taxonomy.Intents),
		Risk:      probMap(v, headRisk, taxonomy.Risks),
		Topic:     probMap(v, headTopic, taxonomy.DefaultTopics),
	}
	sc.Noise = sc.Intent[taxonomy.IntentNoise]
	return sc
}

func probMap[T ~string](v view, name string, labels []T) map[T]float64 {
	ps := v.dist(name)
	out := make(map[T]float64, len(labels))
	for i, l := range labels {
		out[l] = ps[i]
	}
	return out
}

// view reads one text's probabilities by head name.
type view struct {
	m    *Model
	prob []float64
}

func (m *Model) view(s *scratch) view { return view{m: m, prob: s.prob} }

// head returns the named head; every loaded model has all of specs.
func (v view) head(name string) head { return v.m.heads[v.m.headIndex(name)] }

// p returns the positive-class probability of a binary head.
func (v view) p(name string) float64 { return v.prob[v.head(name).off] }

// dist returns the class probabilities of a multi-class head, in the
// order of its classes.
func (v view) dist(name string) []float64 {
	h := v.head(name)
	return v.prob[h.off : h.off+h.k]
}

// on reports whether a binary head's positive class wins.
func (v view) on(name string) bool { return v.p(name) >= v.head(name).threshold }
