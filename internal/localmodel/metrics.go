package localmodel

import "math"

// Metrics are the measures of one head on one evaluation set.
type Metrics struct {
	N        int     `json:"n"`
	F1       float64 `json:"f1"`       // F1 of the positive class (binary heads), else 0
	MacroF1  float64 `json:"macro_f1"` // mean F1 over the classes present in the truth
	Accuracy float64 `json:"accuracy"`
	ECE      float64 `json:"ece"` // expected calibration error, 10 equal-width bins
}

// measure computes Metrics from true classes, predicted classes and the
// probability given to each prediction (nil skips the ECE). positive is the
// positive class of a binary head, or -1.
func measure(truth, pred []int, conf []float64, classes, positive int) Metrics {
	m := Metrics{N: len(truth)}
	if m.N == 0 {
		return m
	}
	tp, fp, fn := make([]float64, classes), make([]float64, classes), make([]float64, classes)
	correct := 0
	for i, t := range truth {
		p := pred[i]
		if p == t {
			correct++
			tp[t]++
			continue
		}
		fp[p]++
		fn[t]++
	}
	m.Accuracy = float64(correct) / float64(m.N)
	present := 0
	for c := range classes {
		if tp[c]+fn[c] == 0 {
			continue
		}
		present++
		m.MacroF1 += f1(tp[c], fp[c], fn[c])
	}
	m.MacroF1 /= float64(max(present, 1))
	if positive >= 0 {
		m.F1 = f1(tp[positive], fp[positive], fn[positive])
	}
	if conf != nil {
		m.ECE = ece(truth, pred, conf)
	}
	return m
}

func f1(tp, fp, fn float64) float64 {
	if tp == 0 {
		return 0
	}
	return 2 * tp / (2*tp + fp + fn)
}

// ece is the expected calibration error of the predictions' confidences.
func ece(truth, pred []int, conf []float64) float64 {
	const bins = 10
	var n, hit, sum [bins]float64
	for i := range truth {
		b := min(int(conf[i]*bins), bins-1)
		n[b]++
		sum[b] += conf[i]
		if truth[i] == pred[i] {
			hit[b]++
		}
	}
	var e float64
	for b := range bins {
		if n[b] > 0 {
			e += math.Abs(hit[b]-sum[b]) / float64(len(truth))
		}
	}
	return e
}
