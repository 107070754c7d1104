package embed

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// wordVectorsMagic opens every word-vector file; the last byte is the
// format version.
var wordVectorsMagic = [8]byte{'T', 'R', 'G', 'W', 'V', 'E', 'C', '1'}

// Limits a word-vector file must respect, so that a corrupt or hostile
// header cannot make ReadWordVectors allocate without bound.
const (
	// MaxWordVectorDim bounds the dimension of word vectors.
	MaxWordVectorDim = 1024
	// MaxWordVectorWords bounds the number of words in one file.
	MaxWordVectorWords = 2_000_000
	// maxWordBytes bounds one word; longer ones are dropped at conversion.
	maxWordBytes = 64
)

// WordVectors is a read-only table of word vectors, quantized to int8 with
// one float32 scale per word, most frequent words first. It is safe for
// concurrent use.
//
// The file format (little-endian) is: the 8-byte magic "TRGWVEC1"; dim and
// count as uint32; count words, each a uvarint byte length, the bytes
// (lower case, letters and digits only) and a uvarint frequency rank in the
// source vocabulary (0 is the most frequent, ascending through the file);
// count float32 scales; count*dim int8 components; and the SHA-256 of
// everything before it.
type WordVectors struct {
	dim   int
	words []string
	rank  []uint32
	scale []float32
	data  []byte // int8 components, word after word
	index map[string]int32
	sum   [sha256.Size]byte
}

// Dim returns the dimension of the vectors.
func (w *WordVectors) Dim() int { return w.dim }

// Len returns the number of words.
func (w *WordVectors) Len() int { return len(w.words) }

// Checksum returns the first 8 hex digits of the file's SHA-256: two tables
// with the same checksum hold the same vectors.
func (w *WordVectors) Checksum() string { return hex.EncodeToString(w.sum[:4]) }

// Lookup returns the position of word in the table and its frequency rank
// in the source vocabulary (0 is the most frequent), or false when the word
// has no vector. Words are stored lower-cased.
func (w *WordVectors) Lookup(word string) (pos int, rank int, ok bool) {
	i, ok := w.index[word]
	if !ok {
		return 0, 0, false
	}
	return int(i), int(w.rank[i]), true
}

// Word returns the word at pos, which must be in [0, Len()).
func (w *WordVectors) Word(pos int) string { return w.words[pos] }

// Vector writes the vector of the word at pos (from Lookup) into dst, which
// must hold Dim values, and returns dst[:Dim].
func (w *WordVectors) Vector(pos int, dst []float32) []float32 {
	s := w.scale[pos]
	q := w.data[pos*w.dim : (pos+1)*w.dim]
	dst = dst[:len(q)]
	for i, v := range q {
		dst[i] = float32(int8(v)) * s
	}
	return dst
}

// LoadWordVectors reads a word-vector file written by ConvertGloVe.
func LoadWordVectors(path string) (*WordVectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load word vectors: %w", err)
	}
	defer f.Close()
	w, err := ReadWordVectors(f)
	if err != nil {
		return nil, fmt.Errorf("load word vectors %s: %w", path, err)
	}
	return w, nil
}

// ReadWordVectors reads word vectors in the format of LoadWordVectors from
// r, and fails when the SHA-256 trailer does not match.
func ReadWordVectors(r io.Reader) (*WordVectors, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read word vectors: %w", err)
	}
	if len(b) < len(wordVectorsMagic)+8+sha256.Size {
		return nil, errors.New("read word vectors: file too short")
	}
	body, trailer := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], trailer) {
		return nil, errors.New("read word vectors: checksum mismatch, the file is corrupt or truncated")
	}
	w, err := parseWordVectors(body)
	if err != nil {
		return nil, fmt.Errorf("read word vectors: %w", err)
	}
	w.sum = sum
	return w, nil
}

// parseWordVectors decodes a checked body.
func parseWordVectors(b []byte) (*WordVectors, error) {
	if !bytes.HasPrefix(b, wordVectorsMagic[:]) {
		return nil, errors.New("not a word-vector file (bad magic)")
	}
	dim := int(binary.LittleEndian.Uint32(b[8:]))
	count := int(binary.LittleEndian.Uint32(b[12:]))
	if dim < 1 || dim > MaxWordVectorDim || count < 1 || count > MaxWordVectorWords {
		return nil, fmt.Errorf("bad header: dim %d, count %d", dim, count)
	}
	w := &WordVectors{dim: dim}
	rest, err := w.parseWords(b[16:], count)
	if err != nil {
		return nil, err
	}
	if len(rest) != count*4+count*dim {
		return nil, fmt.Errorf("vector section has %d bytes, want %d", len(rest), count*(4+dim))
	}
	w.scale = make([]float32, count)
	for i := range w.scale {
		w.scale[i] = math.Float32frombits(binary.LittleEndian.Uint32(rest[4*i:]))
	}
	w.data = rest[count*4:]
	return w, nil
}

// parseWords decodes the word section and returns what follows it.
func (w *WordVectors) parseWords(b []byte, count int) ([]byte, error) {
	w.words = make([]string, count)
	w.rank = make([]uint32, count)
	w.index = make(map[string]int32, count)
	for i := range count {
		n, k := binary.Uvarint(b)
		if k <= 0 || n == 0 || n > maxWordBytes || uint64(len(b)-k) < n {
			return nil, fmt.Errorf("word %d: bad length", i)
		}
		w.words[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
		r, k := binary.Uvarint(b)
		if k <= 0 || r > math.MaxUint32 || i > 0 && uint32(r) <= w.rank[i-1] {
			return nil, fmt.Errorf("word %d (%q): bad rank", i, w.words[i])
		}
		w.rank[i] = uint32(r)
		b = b[k:]
		if _, dup := w.index[w.words[i]]; dup {
			return nil, fmt.Errorf("word %q appears twice", w.words[i])
		}
		w.index[w.words[i]] = int32(i)
	}
	return b, nil
}
