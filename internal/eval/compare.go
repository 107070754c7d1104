package eval

import (
	"cmp"
	"time"

	"github.com/triage-oss/triage/internal/apperr"
)

// DefaultResamples is how many bootstrap resamples Compare draws when
// CompareOptions sets none.
const DefaultResamples = 1000

// CompareOptions tunes Compare.
type CompareOptions struct {
	// Resamples is how many paired bootstrap resamples estimate each
	// interval. 0 means DefaultResamples; negative is invalid.
	Resamples int
	// Seed seeds the bootstrap: the same runs, resamples and seed give the
	// same intervals. Zero is a seed like any other.
	Seed uint64
}

// Comparison is run B measured against run A, item by item, as
// `triage eval compare A B` reports it. Deltas are B − A.
type Comparison struct {
	A         RunInfo `json:"a"`
	B         RunInfo `json:"b"`
	Resamples int     `json:"resamples"`
	Seed      uint64  `json:"seed"`

	// Paired counts the items present in both runs. OnlyA and OnlyB list
	// the ids of the items in one run only, which are not compared.
	Paired int      `json:"paired"`
	OnlyA  []string `json:"only_a,omitempty"`
	OnlyB  []string `json:"only_b,omitempty"`
	// Relabelled lists the paired items whose expectation for some key
	// differs between the runs (the set was edited in between); they are
	// not compared on that key.
	Relabelled []string `json:"relabelled,omitempty"`

	// Keys compares the runs on every expectation key of the paired items
	// of both, fields in taxonomy order, then one-vs-rest keys sorted.
	Keys []KeyComparison `json:"keys"`
	// CalibrationA and CalibrationB calibrate each run's plain fields over
	// the paired items.
	CalibrationA map[string]Calibration `json:"calibration_a"`
	CalibrationB map[string]Calibration `json:"calibration_b"`
	// Flipped lists the items whose correctness changed on at least one
	// key, worst first: most regressions, then the highest confidence of a
	// wrong answer in B, then id.
	Flipped []Flip `json:"flipped"`
}

// RunInfo says which run one side of a comparison is.
type RunInfo struct {
	Set        string    `json:"set"`
	Backend    string    `json:"backend"`
	Model      string    `json:"model"`
	Prompt     string    `json:"prompt,omitempty"`
	PromptHash string    `json:"prompt_hash,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	Items      int       `json:"items"`  // items in the run
	Errors     int       `json:"errors"` // paired items without a prediction
}

// Compare pairs the items of runs a and b by id and compares them on
// every expectation key both runs have: accuracy and, for plain fields,
// macro-F1 and per-label scores, each with a paired bootstrap interval of
// the difference, and McNemar's exact test of the accuracy change. An item
// is compared on a key when both runs predicted it and expect the same
// label; items without a prediction are counted in RunInfo.Errors.
//
// It returns an EINVALID error when an id repeats within a run, when the
// runs have no item in common, or when opts.Resamples is negative.
func Compare(a, b Result, opts CompareOptions) (Comparison, error) {
	opts.Resamples = cmp.Or(opts.Resamples, DefaultResamples)
	if opts.Resamples < 0 {
		return Comparison{}, apperr.Errorf(apperr.EINVALID, "compare: resamples must not be negative, got %d", opts.Resamples)
	}
	p, err := pairRuns(a.Items, b.Items)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{A: runInfo(a, p.a), B: runInfo(b, p.b), Resamples: opts.Resamples, Seed: opts.Seed,
		Paired: len(p.a), OnlyA: p.onlyA, OnlyB: p.onlyB, Keys: []KeyComparison{},
		CalibrationA: Calibrate(p.a), CalibrationB: Calibrate(p.b)}
	relabelled := make([]bool, len(p.a))
	var samples []keySample
	for _, key := range sharedKeys(p.a, p.b) {
		s := sampleKey(key, p, relabelled)
		samples = append(samples, s)
		c.Keys = append(c.Keys, s.compare(opts))
	}
	for i, r := range relabelled {
		if r {
			c.Relabelled = append(c.Relabelled, p.a[i].ID)
		}
	}
	c.Flipped = flips(p, samples)
	return c, nil
}

func runInfo(r Result, paired []Outcome) RunInfo {
	info := RunInfo{Set: r.Set, Backend: r.Backend, Model: r.Model, Prompt: r.Prompt, PromptHash: r.PromptHash,
		StartedAt: r.StartedAt, Items: len(r.Items)}
	for _, o := range paired {
		if o.Predicted == nil {
			info.Errors++
		}
	}
	return info
}

// pairing holds the items of two runs matched by id.
type pairing struct {
	a, b         []Outcome // the items in both runs, in A's order
	onlyA, onlyB []string
}

func pairRuns(a, b []Outcome) (pairing, error) {
	inA, err := indexByID(a, "A")
	if err != nil {
		return pairing{}, err
	}
	inB, err := indexByID(b, "B")
	if err != nil {
		return pairing{}, err
	}
	var p pairing
	for _, o := range a {
		if j, ok := inB[o.ID]; ok {
			p.a, p.b = append(p.a, o), append(p.b, b[j])
		} else {
			p.onlyA = append(p.onlyA, o.ID)
		}
	}
	for _, o := range b {
		if _, ok := inA[o.ID]; !ok {
			p.onlyB = append(p.onlyB, o.ID)
		}
	}
	if len(p.a) == 0 {
		return p, apperr.Errorf(apperr.EINVALID, "compare: the runs have no item in common")
	}
	return p, nil
}

func indexByID(outcomes []Outcome, run string) (map[string]int, error) {
	index := make(map[string]int, len(outcomes))
	for i, o := range outcomes {
		if _, dup := index[o.ID]; dup {
			return nil, apperr.Errorf(apperr.EINVALID, "compare: item %q repeated in run %s", o.ID, run)
		}
		index[o.ID] = i
	}
	return index, nil
}

// sharedKeys returns the expectation keys of both a and b, in Keys order.
func sharedKeys(a, b []Outcome) []string {
	inB := map[string]bool{}
	for _, k := range Keys(b) {
		inB[k] = true
	}
	var keys []string
	for _, k := range Keys(a) {
		if inB[k] {
			keys = append(keys, k)
		}
	}
	return keys
}
