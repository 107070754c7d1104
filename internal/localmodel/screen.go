package localmodel

import (
	"slices"
	"strings"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// screenHeads are the heads Screen's decisions read: risk (spam, abuse,
// hate, risk, and the intent head's risk signal), severity, and the intent
// that urgency depends on (with the complaint head).
var screenHeads = []string{headSpam, headComplaint, headAbuse, headHate, headRisk, headIntent}

// Screening is what Screen decides: the fields of Classify's answer that
// say whether an item needs attention first. They are the same values
// Classify gives.
type Screening struct {
	Risk     taxonomy.Risk
	Severity taxonomy.Severity
	Intent   taxonomy.Intent
	Urgency  taxonomy.Urgency
	// RiskConfidence is Classify's Confidence.Risk.
	RiskConfidence float64
}

// RiskProbability is the probability of some risk in the text, as
// taxonomy.Classification.RiskProbability computes it.
func (s Screening) RiskProbability() float64 {
	c := taxonomy.Classification{Risk: s.Risk, Confidence: taxonomy.Confidence{Risk: s.RiskConfidence}}
	return c.RiskProbability()
}

// Screen returns the risk, severity, intent and urgency Classify would give
// text, computing only the heads and rules they need: not the topic,
// sentiment or sarcasm heads, the language or the summary. It takes about
// half of Classify's time; ingestion uses it to put risky and urgent items
// ahead of a backlog.
func (m *Model) Screen(text string) Screening {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if strings.TrimSpace(text) == "" {
		c := emptyClassification()
		return Screening{Risk: c.Risk, Severity: c.Severity, Intent: c.Intent, Urgency: c.Urgency, RiskConfidence: c.Confidence.Risk}
	}
	s := m.pool.Get().(*scratch)
	defer m.pool.Put(s)
	m.screenProbs(s, text)
	v := m.view(s)
	hit := kw.m.scan(lowerPadded(text))
	var c taxonomy.Classification
	c.Risk, c.Confidence.Risk = riskOf(v, hit)
	c.Severity, _ = severityOf(c.Risk, v, hit)
	c.Intent, _ = intentOf(v, c.Risk)
	c.Urgency, _ = urgencyOf(c, hit)
	return Screening{Risk: c.Risk, Severity: c.Severity, Intent: c.Intent, Urgency: c.Urgency, RiskConfidence: c.Confidence.Risk}
}

// screenProbs is probs for the outputs of screenHeads only; the others'
// entries in s.prob are left as they were.
func (m *Model) screenProbs(s *scratch, text string) {
	copy64(s.acc, m.bias)
	v := s.feat.vector(text)
	outs := m.screenOuts
	for j, b := range v.idx {
		x := v.val[j]
		row := m.w[int(b)*m.outs : int(b)*m.outs+m.outs]
		for _, o := range outs {
			if q := row[o]; q != 0 {
				s.acc[o] += float64(m.codes[o][uint8(q)] * x)
			}
		}
	}
	for _, h := range m.heads {
		if slices.Contains(screenHeads, h.name) {
			h.cal.probs(s.acc[h.off:h.off+h.k], s.prob[h.off:h.off+h.k])
		}
	}
}

// initScreen lists the outputs of screenHeads; initCodes calls it.
func (m *Model) initScreen() {
	m.screenOuts = m.screenOuts[:0]
	for _, h := range m.heads {
		if slices.Contains(screenHeads, h.name) {
			for o := h.off; o < h.off+h.k; o++ {
				m.screenOuts = append(m.screenOuts, o)
			}
		}
	}
}
