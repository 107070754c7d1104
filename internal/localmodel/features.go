package localmodel

import (
	"math"
	"slices"

	"github.com/triage-oss/triage/internal/texthash"
)

// Feature groups. Each group is L2-normalized on its own, as two TF-IDF
// vectorizers stacked side by side would be.
const (
	groupWord = iota // word unigrams and bigrams, normalized tokens
	groupChar        // char 2-5 grams inside word boundaries
	numGroups
)

// maxWordRunes bounds the char n-grams taken from one word (long words are
// mostly junk: keys, hashes, glued hashtags).
const maxWordRunes = 24

// vec is a sparse feature vector; an index appears once per group, in the
// order of its first occurrence, and may repeat across groups.
type vec struct {
	idx []uint32
	val []float32
}

// featurizer maps text to a sparse TF-IDF vector. It keeps buffers between
// calls and is not safe for concurrent use; the IDF table is shared.
type featurizer struct {
	mask uint32
	idf  []float32 // per bucket; nil means 1 everywhere (used to count DF)

	tok     tokenizer
	raw     [numGroups][]uint32
	offsets []int
	counts  []uint16 // per bucket, zero between calls
	touched []uint32
	out     vec
}

func newFeaturizer(bits uint, idf []float32) *featurizer {
	return &featurizer{mask: 1<<bits - 1, idf: idf}
}

// vector returns the features of text. The result is valid until the next
// call; copy it to keep it.
func (f *featurizer) vector(text string) vec {
	f.buckets(text)
	f.out.idx, f.out.val = f.out.idx[:0], f.out.val[:0]
	for g := range f.raw {
		f.weigh(f.raw[g])
	}
	return f.out
}

// buckets fills f.raw with the bucket of every feature occurrence.
func (f *featurizer) buckets(text string) {
	for g := range f.raw {
		f.raw[g] = f.raw[g][:0]
	}
	toks := f.tok.tokenize(text)
	for i, t := range toks {
		f.raw[groupWord] = append(f.raw[groupWord], bucketOf(texthash.Add(texthash.SeedWord, t.text), f.mask))
		if i > 0 {
			f.raw[groupWord] = append(f.raw[groupWord], bucketOf(texthash.Bigram(toks[i-1].text, t.text), f.mask))
		}
		if t.word {
			f.charGrams(t.text)
		}
	}
}

// charGrams adds the 2-5 grams of " word ", in runes.
func (f *featurizer) charGrams(w string) {
	f.offsets = f.offsets[:0]
	for i := range w {
		if len(f.offsets) == maxWordRunes {
			w = w[:i]
			break
		}
		f.offsets = append(f.offsets, i)
	}
	f.offsets = append(f.offsets, len(w))
	n := len(f.offsets) - 1 // runes in w; positions 0 and n+1 are the padding spaces
	for start := 0; start <= n; start++ {
		h := uint64(texthash.SeedChar)
		for end := start; end <= n+1 && end < start+5; end++ {
			h = texthash.AddPaddedRune(h, w, f.offsets, end)
			if end > start {
				f.raw[groupChar] = append(f.raw[groupChar], bucketOf(h, f.mask))
			}
		}
	}
}

// weigh counts one group's occurrences, turns counts into sublinear TF
// times IDF, L2-normalizes and appends to f.out.
func (f *featurizer) weigh(raw []uint32) {
	if len(raw) == 0 {
		return
	}
	if f.counts == nil {
		f.counts = make([]uint16, f.mask+1)
	}
	f.touched = f.touched[:0]
	for _, b := range raw {
		if f.counts[b] == 0 {
			f.touched = append(f.touched, b)
		}
		f.counts[b] = min(f.counts[b]+1, math.MaxUint16-1)
	}
	from := len(f.out.idx)
	var norm float64
	for _, b := range f.touched {
		v := 1 + math.Log(float64(f.counts[b]))
		f.counts[b] = 0
		if f.idf != nil {
			v *= float64(f.idf[b])
		}
		norm += v * v
		f.out.idx = append(f.out.idx, b)
		f.out.val = append(f.out.val, float32(v))
	}
	if norm == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(norm))
	for k := from; k < len(f.out.val); k++ {
		f.out.val[k] *= inv
	}
}

// clone copies v so it survives the next call to vector.
func (v vec) clone() vec {
	return vec{idx: slices.Clone(v.idx), val: slices.Clone(v.val)}
}

// bucketOf folds a 64-bit hash into a bucket under mask.
func bucketOf(h uint64, mask uint32) uint32 {
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 32
	return uint32(h) & mask
}
