package embed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
)

// DefaultBatchSize is how many texts a remote embedder sends in one
// request when its config leaves BatchSize at 0. OpenAI accepts up to 2,048
// inputs (and 300,000 tokens) per request.
const DefaultBatchSize = 256

// embedBatches calls embed on consecutive batches of at most size texts and
// returns the vectors in order. It stops at the first error: the vectors of
// earlier batches are dropped, and the caller retries the whole call.
func embedBatches(ctx context.Context, texts []string, size int, embed func(context.Context, []string) ([][]float32, error)) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += size {
		vecs, err := embed(ctx, texts[start:min(start+size, len(texts))])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// checkTexts rejects a blank text, which the APIs refuse (OpenAI answers
// 400) or embed as noise.
func checkTexts(texts []string) error {
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("text %d is blank", i)
		}
	}
	return nil
}

// errDimension marks an answer whose vectors do not have the dimension the
// embedder was configured or probed with.
var errDimension = errors.New("wrong vector dimension")

// normalizeAll checks that every vector has dim finite components and a
// non-zero norm, and L2-normalizes it in place.
func normalizeAll(vecs [][]float32, dim int) error {
	for i, v := range vecs {
		if len(v) != dim {
			return fmt.Errorf("%w: vector %d has %d dimensions, want %d", errDimension, i, len(v), dim)
		}
		if !normalize(v) {
			return fmt.Errorf("vector %d is zero or not finite", i)
		}
	}
	return nil
}

// normalize scales v in place to unit L2 norm and reports whether it
// could: false for a zero vector or one with NaN or infinite components.
func normalize(v []float32) bool {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss == 0 || math.IsNaN(ss) || math.IsInf(ss, 0) {
		return false
	}
	k := 1 / math.Sqrt(ss)
	for i, x := range v {
		v[i] = float32(float64(x) * k)
	}
	return true
}
