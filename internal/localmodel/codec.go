package localmodel

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// The model file is gzip over a little-endian stream:
//
//	magic "TRIAGELM", version u32, bits u32, heads u32
//	per head: name, classes (count u32 + strings), k u32, A f64, B f64, threshold f64
//	idf: 1<<bits f32
//	per output: bias f32, scale f32
//	weights: (1<<bits)*outputs i8, bucket-major
//
// Strings are a u32 length and bytes. Writing involves no map iteration
// and no timestamp, so the same model always gives the same bytes.
const (
	fileMagic   = "TRIAGELM"
	fileVersion = 1
	maxHeads    = 64
	maxClasses  = 256
	maxString   = 256
	maxWeights  = 1 << 28 // bytes of weights a model file may ask for
)

// ErrBadModel is returned by [Load] for data that is not a model file of a
// supported version.
var ErrBadModel = errors.New("not a triage local model")

// Write encodes m as a gzipped model file.
func (m *Model) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("writing model: %w", err)
	}
	bw := bufio.NewWriter(zw)
	e := &encoder{w: bw}
	e.header(m)
	e.put(m.idf)
	for o := range m.outs {
		e.put(m.bias[o])
		e.put(m.scale[o])
	}
	e.put(m.w)
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err == nil {
		e.err = zw.Close()
	}
	if e.err != nil {
		return fmt.Errorf("writing model: %w", e.err)
	}
	return nil
}

type encoder struct {
	w   io.Writer
	err error
}

func (e *encoder) put(v any) {
	if e.err == nil {
		e.err = binary.Write(e.w, binary.LittleEndian, v)
	}
}

func (e *encoder) str(s string) {
	e.put(uint32(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *encoder) header(m *Model) {
	e.str(fileMagic)
	e.put(uint32(fileVersion))
	e.put(uint32(m.bits))
	e.put(uint32(len(m.heads)))
	for _, h := range m.heads {
		e.str(h.name)
		e.put(uint32(len(h.classes)))
		for _, c := range h.classes {
			e.str(c)
		}
		e.put(uint32(h.k))
		e.put([]float64{h.cal.A, h.cal.B, h.threshold})
	}
}

// Load decodes a model written by [Model.Write]. It returns an error
// wrapping [ErrBadModel] for anything else.
func Load(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("loading model: %w: %w", ErrBadModel, err)
	}
	defer zr.Close()
	d := &decoder{r: bufio.NewReader(zr)}
	m := d.header()
	if d.err == nil && (1<<m.bits)*m.outs > maxWeights {
		d.err = fmt.Errorf("%d outputs over %d buckets exceed %d weights", m.outs, 1<<m.bits, maxWeights)
	}
	if d.err == nil {
		m.idf = make([]float32, 1<<m.bits)
		d.get(m.idf)
		m.bias, m.scale = make([]float32, m.outs), make([]float32, m.outs)
		for o := range m.outs {
			d.get(&m.bias[o])
			d.get(&m.scale[o])
		}
		m.w = make([]int8, (1<<m.bits)*m.outs)
		d.get(m.w)
	}
	if d.err != nil {
		return nil, fmt.Errorf("loading model: %w: %w", ErrBadModel, d.err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("loading model: %w: %w", ErrBadModel, err)
	}
	m.initCodes()
	return m, nil
}

type decoder struct {
	r   io.Reader
	err error
}

func (d *decoder) get(v any) {
	if d.err == nil {
		d.err = binary.Read(d.r, binary.LittleEndian, v)
	}
}

func (d *decoder) u32(limit uint32) int {
	var v uint32
	d.get(&v)
	if d.err == nil && v > limit {
		d.err = fmt.Errorf("value %d over limit %d", v, limit)
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.u32(maxString)
	if d.err != nil {
		return ""
	}
	b := make([]byte, n)
	_, d.err = io.ReadFull(d.r, b)
	return string(b)
}

func (d *decoder) header() *Model {
	m := &Model{}
	if d.str() != fileMagic && d.err == nil {
		d.err = errors.New("bad magic")
	}
	if v := d.u32(math.MaxUint32); v != fileVersion && d.err == nil {
		d.err = fmt.Errorf("version %d, want %d", v, fileVersion)
	}
	m.bits = uint(d.u32(24))
	nh := d.u32(maxHeads)
	for range nh {
		if d.err != nil {
			break
		}
		h := head{name: d.str(), off: m.outs}
		h.classes = make([]string, d.u32(maxClasses))
		for i := range h.classes {
			h.classes[i] = d.str()
		}
		h.k = d.u32(maxClasses)
		p := make([]float64, 3)
		d.get(p)
		h.cal, h.threshold = calibration{A: p[0], B: p[1]}, p[2]
		m.heads = append(m.heads, h)
		m.outs += h.k
	}
	return m
}

// check verifies that the model has every head Classify needs, with the
// classes it expects.
func (m *Model) check() error {
	if m.bits < 10 {
		return fmt.Errorf("%d hash bits", m.bits)
	}
	for _, spec := range specs {
		i := m.headIndex(spec.name)
		if i < 0 {
			return fmt.Errorf("head %q missing", spec.name)
		}
		h := m.heads[i]
		if !slices.Equal(h.classes, spec.classes) {
			return fmt.Errorf("head %q: classes %v, want %v", spec.name, h.classes, spec.classes)
		}
		if want := outputsOf(len(h.classes)); h.k != want {
			return fmt.Errorf("head %q: %d outputs, want %d", spec.name, h.k, want)
		}
	}
	return nil
}

// outputsOf returns the outputs of a head with n classes: one score for a
// binary head, one per class otherwise.
func outputsOf(n int) int {
	if n == 2 {
		return 1
	}
	return n
}
