package localmodel

import "github.com/triage-oss/triage/internal/taxonomy"

// matcher finds every phrase of a fixed set in one pass over a text
// (Aho-Corasick over bytes), so the keyword rules cost the same whatever the
// number of phrases.
type matcher struct {
	next []map[byte]int32 // trie transitions per state
	fail []int32          // longest proper suffix that is also a trie path
	out  [][]int32        // phrases ending at each state, fail chain included
	n    int              // phrases added
}

func newMatcher() *matcher {
	return &matcher{next: []map[byte]int32{{}}, fail: []int32{0}, out: [][]int32{nil}}
}

// add registers phrases ("_" standing for a word boundary, as matched
// against lowerPadded text) and returns their ids.
func (m *matcher) add(phrases []string) []int32 {
	ids := make([]int32, len(phrases))
	for i, p := range phrases {
		state := int32(0)
		for j := 0; j < len(p); j++ {
			c := p[j]
			if c == '_' {
				c = ' '
			}
			nxt, ok := m.next[state][c]
			if !ok {
				nxt = int32(len(m.next))
				m.next = append(m.next, map[byte]int32{})
				m.fail = append(m.fail, 0)
				m.out = append(m.out, nil)
				m.next[state][c] = nxt
			}
			state = nxt
		}
		ids[i] = int32(m.n)
		m.out[state] = append(m.out[state], ids[i])
		m.n++
	}
	return ids
}

// build computes the failure links, breadth first; call it once, after the
// last add.
func (m *matcher) build() {
	queue := []int32{}
	for c := 0; c < 256; c++ {
		if s, ok := m.next[0][byte(c)]; ok {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for c := 0; c < 256; c++ {
			s, ok := m.next[r][byte(c)]
			if !ok {
				continue
			}
			queue = append(queue, s)
			m.fail[s] = m.step(m.fail[r], byte(c))
			m.out[s] = append(m.out[s], m.out[m.fail[s]]...)
		}
	}
}

// step follows the transition on c from state, falling back along the
// failure links.
func (m *matcher) step(state int32, c byte) int32 {
	for {
		if s, ok := m.next[state][c]; ok {
			return s
		}
		if state == 0 {
			return 0
		}
		state = m.fail[state]
	}
}

// scan returns, per phrase id, whether the phrase occurs in text.
func (m *matcher) scan(text string) []bool {
	hit := make([]bool, m.n)
	state := int32(0)
	for i := 0; i < len(text); i++ {
		state = m.step(state, text[i])
		for _, id := range m.out[state] {
			hit[id] = true
		}
	}
	return hit
}

// count returns how many of ids are hit.
func count(hit []bool, ids []int32) int {
	n := 0
	for _, id := range ids {
		if hit[id] {
			n++
		}
	}
	return n
}

// keywordIDs are the keyword lists of keywords.go, compiled into one
// matcher.
type keywordIDs struct {
	m                                  *matcher
	topic                              map[string][]int32
	urgent, critical                   []int32
	violent, exposure                  []int32
	seriousLegal, lightLegal, credBait []int32
}

var kw = func() *keywordIDs {
	k := &keywordIDs{m: newMatcher(), topic: map[string][]int32{}}
	for _, topic := range taxonomy.DefaultTopics {
		k.topic[topic] = k.m.add(topicKeywords[topic])
	}
	k.urgent, k.critical = k.m.add(urgentWords), k.m.add(criticalWords)
	k.violent, k.exposure = k.m.add(violentWords), k.m.add(exposureWords)
	k.seriousLegal, k.lightLegal, k.credBait = k.m.add(seriousLegal), k.m.add(lightLegal), k.m.add(credentialBait)
	k.m.build()
	return k
}()
