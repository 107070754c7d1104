package embed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
)

// Local model constants. Changing any of them, the tokenizer, the hashing
// or wordrank.txt changes the vectors, and must come with a new
// localVersion so that stored vectors are recomputed.
const (
	// localVersion is part of every Local model name.
	localVersion = "v1"
	// LocalHashDim is the dimension of Local's hashed part, and of the
	// whole vector without word vectors.
	LocalHashDim = 1024
	// titleBoost multiplies the weight of the words on a text's first line
	// (a knowledge-base chunk's title or heading) when more lines follow.
	titleBoost = 3
	// hashSIFA is the a of the hashed features' frequency weights.
	hashSIFA = 1e-3
	// vecSIFA is the a of the word-vector average's weights.
	vecSIFA = 1e-4
	// vectorShare is the share of the squared norm given to the word-vector
	// part; the hashed part has the rest, so a cosine is
	// (1-vectorShare)*cos(hashed) + vectorShare*cos(word vectors).
	vectorShare = 0.3
)

// LocalConfig configures a Local embedder. With neither field set, Local
// uses hashed features only.
type LocalConfig struct {
	// WordVectors, when set, adds a word-vector part to every vector.
	WordVectors *WordVectors
	// WordVectorsPath, when set and WordVectors is nil, is loaded with
	// LoadWordVectors; a missing file is an error (use
	// LoadDefaultWordVectors to make them optional).
	WordVectorsPath string
}

// Local is the offline embedder: no model download, no network, no state
// learned from the documents, deterministic to the bit. A vector is
//
//   - signed feature hashing, into LocalHashDim dimensions, of the word
//     unigrams, word bigrams and character 3-5 grams of the lower-cased
//     text (words are runs of letters and digits), each with sublinear TF
//     times a weight that stands in for IDF: the smooth inverse frequency
//     a/(a+p(w)) of the word, p(w) estimated from the word's rank in
//     GloVe's vocabulary (the embedded wordrank.txt), so nothing is
//     learned from the documents and there is no state to fit or persist;
//   - with WordVectors, concatenated with the SIF-weighted average of the
//     words' GloVe vectors (Dim grows by WordVectors.Dim(), 100 for GloVe),
//     weighted so that cosines are 0.7*hashed + 0.3*semantic;
//
// and the whole is L2-normalized. Words on a text's first line count three
// times when more lines follow, so embed a chunk as "Title\ntext". A text
// without any letter or digit gets a fixed vector unlike any other text's.
//
// Model names the variant: "local-hash-v1-1024" without word vectors,
// "local-glove-v1-1124-<checksum of the vectors file>" with them. It is
// safe for concurrent use.
type Local struct {
	wv    *WordVectors
	dim   int
	model string
	bufs  sync.Pool // *localBuffers
}

var _ Embedder = (*Local)(nil)

// localBuffers is the scratch space of one embedding.
type localBuffers struct {
	tok    tokenizer
	feats  hashedFeatures
	boosts []float64
	hw     []float64
	acc    []float64
	vec    []float32
}

// NewLocal returns a Local embedder. It fails when both config fields are
// set, or when WordVectorsPath cannot be loaded.
func NewLocal(cfg LocalConfig) (*Local, error) {
	if cfg.WordVectors != nil && cfg.WordVectorsPath != "" {
		return nil, errors.New("local embedder: set WordVectors or WordVectorsPath, not both")
	}
	wv := cfg.WordVectors
	if cfg.WordVectorsPath != "" {
		var err error
		if wv, err = LoadWordVectors(cfg.WordVectorsPath); err != nil {
			return nil, fmt.Errorf("local embedder: %w", err)
		}
	}
	l := &Local{wv: wv, dim: LocalHashDim, model: "local-hash-" + localVersion + "-" + strconv.Itoa(LocalHashDim)}
	if wv != nil {
		l.dim += wv.Dim()
		l.model = fmt.Sprintf("local-glove-%s-%d-%s", localVersion, l.dim, wv.Checksum())
	}
	l.bufs.New = func() any { return &localBuffers{} }
	return l, nil
}

// Model returns "local-hash-v1-1024" without word vectors, or
// "local-glove-v1-<dim>-<checksum>" with them.
func (l *Local) Model() string { return l.model }

// Dim returns LocalHashDim, plus the word vectors' dimension when there are
// word vectors.
func (l *Local) Dim() int { return l.dim }

// Embed returns one unit vector per text. Only the first 32 KiB of a text
// are read. It fails only when ctx is done, with ctx's error.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	b := l.bufs.Get().(*localBuffers)
	defer l.bufs.Put(b)
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("local embed: %w", err)
		}
		out[i] = l.embed(t, b)
	}
	return out, nil
}

// emptyFeature is the only feature of a text without words.
const emptyFeature = "\x00empty"

// embed computes the vector of one text.
func (l *Local) embed(text string, b *localBuffers) []float32 {
	words := b.tok.tokenize(text)
	if len(words) == 0 {
		words = []string{emptyFeature}
	}
	b.weigh(words)
	b.acc = resize(b.acc, l.dim)
	hashed := b.acc[:LocalHashDim]
	b.feats.reset()
	b.feats.add(words, b.hw)
	b.feats.project(hashed)
	scaleToNorm(hashed, math.Sqrt(1-vectorShare))
	if l.wv != nil {
		b.vec = resize(b.vec, l.wv.Dim())
		if l.addWordVectors(b.acc[LocalHashDim:], words, b.boosts, b.vec) {
			scaleToNorm(b.acc[LocalHashDim:], math.Sqrt(vectorShare))
		}
	}
	return unit(b.acc)
}

// weigh sets every word's boost (titleBoost on the first line when more
// lines follow) and its weight in the hashed features.
func (b *localBuffers) weigh(words []string) {
	b.boosts, b.hw = b.boosts[:0], b.hw[:0]
	for i, w := range words {
		boost := 1.0
		if i < b.tok.firstLine && b.tok.firstLine < len(words) {
			boost = titleBoost
		}
		b.boosts = append(b.boosts, boost)
		b.hw = append(b.hw, boost*hashedWordWeight(w))
	}
}
