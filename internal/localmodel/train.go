package localmodel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// TrainConfig configures [Train]. Zero values take the defaults.
type TrainConfig struct {
	// DataDir is the folder of the public datasets (shared/data). Required.
	DataDir string
	// Seed drives every deterministic split: the held-out 20% of sets
	// without a split, the calibration fold and sampling. Default 1.
	Seed int64
	// Bits sets the feature space to 1<<Bits hashed buckets. Default 18;
	// each extra bit doubles the model's memory.
	Bits uint
	// Workers trains that many heads at once. Default: GOMAXPROCS, at most
	// 2. The model does not depend on it.
	Workers int
	// Folds is the number of cross-validation folds whose out-of-fold
	// scores fit the calibration and decision threshold of each binary
	// head, before its final fit on all of its training data. Default 5;
	// at least 2. Multi-class heads fit their temperature on a 10% fold
	// held aside instead (one parameter needs less data, and they are the
	// slow ones).
	Folds int
}

// Defaults of TrainConfig.
const (
	DefaultSeed  int64 = 1
	DefaultBits  uint  = 18
	DefaultFolds       = 5
)

// WithDefaults returns c with zero values replaced by defaults.
func (c TrainConfig) WithDefaults() TrainConfig {
	c.Seed = cmp.Or(c.Seed, DefaultSeed)
	c.Bits = cmp.Or(c.Bits, DefaultBits)
	c.Workers = cmp.Or(c.Workers, min(runtime.GOMAXPROCS(0), 2))
	c.Folds = cmp.Or(c.Folds, DefaultFolds)
	return c
}

func (c TrainConfig) validate() error {
	switch {
	case c.DataDir == "":
		return errors.New("train config: DataDir is required")
	case c.Bits < 10 || c.Bits > 24:
		return fmt.Errorf("train config: Bits %d outside [10,24]", c.Bits)
	case c.Folds < 2 || c.Folds > 20:
		return fmt.Errorf("train config: Folds %d outside [2,20]", c.Folds)
	}
	return nil
}

// Train trains every head on the public datasets in cfg.DataDir and the
// embedded corpus, and measures the result on each set's val split or
// held-out 20%. The same data and config always give a byte-identical
// model file, whatever cfg.Workers. Progress goes to log (nil discards
// it). It fails when a dataset is missing or malformed, or when ctx is
// cancelled.
func Train(ctx context.Context, cfg TrainConfig, log *slog.Logger) (*Model, Report, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, Report{}, err
	}
	start := time.Now()
	recs, err := loadRecords(cfg)
	if err != nil {
		return nil, Report{}, err
	}
	ds := newDataset(recs, cfg.Bits, cfg.Seed)
	log.Info("features ready", "records", len(recs), "texts", len(ds.vecs), "elapsed", time.Since(start).Round(time.Millisecond))
	heads, err := trainHeads(ctx, ds, cfg, log)
	if err != nil {
		return nil, Report{}, err
	}
	m := pack(cfg.Bits, ds.idf, heads)
	rep := evaluate(m, ds)
	rows, err := classifyRows(m, cfg.Seed)
	if err != nil {
		return nil, Report{}, err
	}
	rep.Rows = append(rep.Rows, rows...)
	rep.Duration = time.Since(start)
	return m, rep, nil
}

func loadRecords(cfg TrainConfig) ([]record, error) {
	pub, err := loadPublic(cfg.DataDir, cfg.Seed)
	if err != nil {
		return nil, err
	}
	own, err := loadCorpus(cfg.Seed)
	if err != nil {
		return nil, err
	}
	return append(pub, own...), nil
}

// trainHeads fits every head, cfg.Workers at a time. Heads are independent,
// so the result does not depend on the scheduling.
func trainHeads(ctx context.Context, ds *dataset, cfg TrainConfig, log *slog.Logger) ([]trained, error) {
	out := make([]trained, len(specs))
	errs := make([]error, len(specs))
	sem := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			out[i], errs[i] = trainHead(ctx, ds, spec, cfg)
			log.Info("head trained", "head", spec.name, "elapsed", time.Since(t0).Round(time.Millisecond),
				"cv_f1", round3(out[i].oof.F1), "cv_macro_f1", round3(out[i].oof.MacroF1))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("training heads: %w", err)
	}
	return out, nil
}

// trainHead fits one head with its calibration and decision threshold.
func trainHead(ctx context.Context, ds *dataset, spec headSpec, cfg TrainConfig) (trained, error) {
	all := ds.samples(spec, false, cfg.Seed)
	var (
		t   trained
		err error
	)
	if len(spec.classes) == 2 {
		t, err = trainBinary(ctx, ds, spec, cfg, all)
	} else {
		t, err = trainMulti(ctx, ds, spec, cfg, all)
	}
	if err != nil {
		return trained{}, fmt.Errorf("head %s: %w", spec.name, err)
	}
	return t, nil
}

// trainBinary fits cfg.Folds models, each without one fold, fits the
// calibration and threshold on the out-of-fold scores, then fits the
// shipped weights on every sample.
func trainBinary(ctx context.Context, ds *dataset, spec headSpec, cfg TrainConfig, all []headSample) (trained, error) {
	var scores [][]float64
	var ys []int
	for k := range cfg.Folds {
		var in, out []sample
		for _, s := range all {
			if int(textHash(ds.texts[s.text], cfg.Seed, saltCalib)%uint64(cfg.Folds)) == k {
				out = append(out, s.sample)
			} else {
				in = append(in, s.sample)
			}
		}
		lin, err := fit(ctx, in, 2, spec.fit)
		if err != nil {
			return trained{}, fmt.Errorf("fold %d: %w", k, err)
		}
		sc, y := lin.scoreAll(out)
		scores, ys = append(scores, sc...), append(ys, y...)
	}
	t := trained{spec: spec, cal: fitCalibration(ctx, scores, ys)}
	t.threshold = tuneThreshold(spec, t.cal, scores, ys)
	t.oof = measure(ys, decide(calibrated(t.cal, scores), t.threshold), nil, 2, 1)
	var err error
	t.lin, err = fit(ctx, samplesOf(all), 2, spec.fit)
	return t, err
}

// trainMulti fits on 90% of the samples and the temperature on the rest;
// the shipped weights are the 90% ones, which the temperature matches.
func trainMulti(ctx context.Context, ds *dataset, spec headSpec, cfg TrainConfig, all []headSample) (trained, error) {
	var fitSet, calSet []sample
	for _, s := range all {
		if inCalib(ds.texts[s.text], cfg.Seed) {
			calSet = append(calSet, s.sample)
		} else {
			fitSet = append(fitSet, s.sample)
		}
	}
	lin, err := fit(ctx, fitSet, len(spec.classes), spec.fit)
	if err != nil {
		return trained{}, err
	}
	scores, ys := lin.scoreAll(calSet)
	return trained{spec: spec, lin: lin, cal: fitCalibration(ctx, scores, ys), threshold: 0.5}, nil
}

func samplesOf(hs []headSample) []sample {
	out := make([]sample, len(hs))
	for i, h := range hs {
		out[i] = h.sample
	}
	return out
}

// scoreAll returns the raw scores of samples under lin, with their classes.
func (l *linear) scoreAll(samples []sample) ([][]float64, []int) {
	scores := make([][]float64, len(samples))
	ys := make([]int, len(samples))
	for i, s := range samples {
		z := slices.Clone(l.bias)
		for j, b := range s.x.idx {
			if p, ok := slices.BinarySearch(l.used, b); ok {
				for o := range l.k {
					z[o] += l.w[p*l.k+o] * float64(s.x.val[j])
				}
			}
		}
		scores[i], ys[i] = z, s.y
	}
	return scores, ys
}

// tuneThreshold returns the decision threshold of a binary head that
// maximizes its metric on the out-of-fold scores, averaged over a window of
// +-0.05 so that one lucky point does not decide (0.5 for other heads).
// Candidates go from 0.2 to 0.8 by 0.01.
func tuneThreshold(spec headSpec, cal calibration, scores [][]float64, ys []int) float64 {
	if len(spec.classes) != 2 || len(scores) == 0 {
		return 0.5
	}
	p := calibrated(cal, scores)
	const lo, hi, window = 15, 85, 5
	vals := make([]float64, hi+1)
	for c := lo; c <= hi; c++ {
		m := measure(ys, decide(p, float64(c)/100), p, 2, 1)
		vals[c] = m.F1
		if spec.metric == "macro_f1" {
			vals[c] = m.MacroF1
		}
	}
	best, bestVal := 0.5, -1.0
	for c := lo + window; c <= hi-window; c++ {
		var v float64
		for d := -window; d <= window; d++ {
			v += vals[c+d]
		}
		t := float64(c) / 100
		if v > bestVal+1e-9 || (math.Abs(v-bestVal) <= 1e-9 && math.Abs(t-0.5) < math.Abs(best-0.5)) {
			best, bestVal = t, v
		}
	}
	return best
}

// calibrated returns the positive-class probabilities of raw binary scores.
func calibrated(cal calibration, scores [][]float64) []float64 {
	p := make([]float64, len(scores))
	for i, z := range scores {
		p[i] = sigmoid(cal.A*z[0] + cal.B)
	}
	return p
}

func decide(p []float64, t float64) []int {
	out := make([]int, len(p))
	for i, v := range p {
		if v >= t {
			out[i] = 1
		}
	}
	return out
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
