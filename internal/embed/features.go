package embed

import (
	"cmp"
	"math"
	"slices"

	"github.com/triage-oss/triage/internal/texthash"
)

// Feature groups of the hashed part. Each group is L2-normalized on its
// own, then scaled by its weight, as TF-IDF vectorizers stacked side by
// side would be.
const (
	groupWord   = iota // word unigrams
	groupBigram        // adjacent word pairs
	groupChar          // char 3-5 grams of " word "
	numGroups
)

// groupWeights are the groups' weights, tuned on StackFAQ: character
// n-grams carry most of the signal (they match "delete" with "deleting" and
// survive typos), whole words add precision, bigrams little.
var groupWeights = [numGroups]float64{groupWord: 1, groupBigram: 0.3, groupChar: 3}

// Character n-gram lengths, in runes, over the word padded with a space on
// each side.
const (
	charGramMin = 3
	charGramMax = 5
)

// feature is one occurrence of a hashed feature, with the weight of the
// word it comes from.
type feature struct {
	h uint64
	w float64
}

// hashedFeatures collects feature occurrences; it keeps its buffers between
// texts and is not safe for concurrent use.
type hashedFeatures struct {
	groups  [numGroups][]feature
	offsets []int
}

func (f *hashedFeatures) reset() {
	for g := range f.groups {
		f.groups[g] = f.groups[g][:0]
	}
}

// add records the features of the words, each word with its weight.
func (f *hashedFeatures) add(words []string, weights []float64) {
	for i, w := range words {
		f.groups[groupWord] = append(f.groups[groupWord], feature{texthash.Add(texthash.SeedWord, w), weights[i]})
		if i > 0 {
			h := texthash.Bigram(words[i-1], w)
			f.groups[groupBigram] = append(f.groups[groupBigram], feature{h, math.Sqrt(weights[i-1] * weights[i])})
		}
		f.charGrams(w, weights[i])
	}
}

// charGrams adds the 3-5 grams of " w ", in runes.
func (f *hashedFeatures) charGrams(w string, weight float64) {
	f.offsets = f.offsets[:0]
	for i := range w {
		f.offsets = append(f.offsets, i)
	}
	f.offsets = append(f.offsets, len(w))
	n := len(f.offsets) - 1 // runes in w; padded positions run from 0 to n+1
	for start := 0; start+charGramMin <= n+2; start++ {
		h := uint64(texthash.SeedChar)
		for end := start; end <= n+1 && end < start+charGramMax; end++ {
			h = texthash.AddPaddedRune(h, w, f.offsets, end)
			if end-start+1 >= charGramMin {
				f.groups[groupChar] = append(f.groups[groupChar], feature{h, weight})
			}
		}
	}
}

// project adds every group to dst by signed feature hashing. A feature
// seen tf times with mean word weight w is worth (1+ln tf)*w.
func (f *hashedFeatures) project(dst []float64) {
	for g := range f.groups {
		fs := f.groups[g]
		if len(fs) == 0 {
			continue
		}
		slices.SortFunc(fs, func(a, b feature) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.w, b.w)) })
		var norm float64
		forEachFeature(fs, func(_ uint64, v float64) { norm += float64(v * v) })
		if norm == 0 {
			continue
		}
		scale := groupWeights[g] / math.Sqrt(norm)
		forEachFeature(fs, func(h uint64, v float64) {
			b, sign := bucketSign(h, len(dst))
			dst[b] += float64(sign * v * scale) // the conversion forbids fused multiply-add: same bits on every CPU
		})
	}
}

// forEachFeature calls fn with each distinct feature of the sorted fs and
// its value.
func forEachFeature(fs []feature, fn func(h uint64, v float64)) {
	for i := 0; i < len(fs); {
		j, sum := i, 0.0
		for ; j < len(fs) && fs[j].h == fs[i].h; j++ {
			sum += fs[j].w
		}
		tf := float64(j - i)
		fn(fs[i].h, (1+math.Log(tf))*(sum/tf))
		i = j
	}
}

// mix is the splitmix64 finalizer: every output bit depends on every input
// bit, so the bucket and the sign taken from one hash are independent.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 27
	h *= 0x94D049BB133111EB
	return h ^ h>>31
}

// bucketSign maps a feature hash to one of n buckets and a sign.
func bucketSign(h uint64, n int) (int, float64) {
	h = mix(h)
	b := int(uint64(uint32(h)) * uint64(n) >> 32)
	if h>>63 == 1 {
		return b, -1
	}
	return b, 1
}
