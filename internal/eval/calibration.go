package eval

import (
	"math"
	"strings"
)

// CalibrationBins is how many equal-width confidence bins Calibrate uses.
const CalibrationBins = 10

// Calibration tells how well one field's confidences match how often its
// predictions are right.
type Calibration struct {
	// Scored counts the items with a prediction and an expected label for
	// the field.
	Scored int `json:"scored"`
	// ECE is the expected calibration error: the mean, weighted by bin
	// size, of |accuracy − mean confidence| over the bins. 0 is perfect.
	ECE float64 `json:"ece"`
	// Bins is the reliability table, CalibrationBins bins from 0 to 1,
	// empty bins included.
	Bins []CalibrationBin `json:"bins"`
}

// CalibrationBin is one row of a reliability table: the predictions whose
// confidence lies in [Lower, Upper), the last bin including 1.
type CalibrationBin struct {
	Lower          float64 `json:"lower"`
	Upper          float64 `json:"upper"`
	Count          int     `json:"count"`
	MeanConfidence float64 `json:"mean_confidence"` // 0 when Count is 0
	Accuracy       float64 `json:"accuracy"`        // 0 when Count is 0
}

// Calibrate measures, for each plain field expected by the outcomes
// ("intent", not "risk=abuse"), the calibration of the confidence of the
// predicted label against whether it was right. Items without a
// prediction or without a confidence (or a NaN one) for the field are
// left out; a field with no item left is absent from the map.
func Calibrate(outcomes []Outcome) map[string]Calibration {
	out := map[string]Calibration{}
	for _, key := range Keys(outcomes) {
		if strings.Contains(key, "=") {
			continue
		}
		if c := calibrate(key, outcomes); c.Scored > 0 {
			out[key] = c
		}
	}
	return out
}

func calibrate(field string, outcomes []Outcome) Calibration {
	var conf [CalibrationBins]float64
	var right [CalibrationBins]int
	c := Calibration{Bins: make([]CalibrationBin, CalibrationBins)}
	for _, o := range outcomes {
		ok, scored := o.Correct(field)
		p, has := o.Confidence[field]
		if !scored || !has || math.IsNaN(p) {
			continue
		}
		b := binOf(p)
		c.Bins[b].Count++
		conf[b] += p
		if ok {
			right[b]++
		}
		c.Scored++
	}
	for i := range c.Bins {
		bin := &c.Bins[i]
		bin.Lower, bin.Upper = float64(i)/CalibrationBins, float64(i+1)/CalibrationBins
		bin.MeanConfidence, bin.Accuracy = ratioF(conf[i], bin.Count), ratio(right[i], bin.Count)
		c.ECE += ratio(bin.Count, c.Scored) * math.Abs(bin.Accuracy-bin.MeanConfidence)
	}
	return c
}

// binOf returns the bin of confidence p. The small tolerance puts 0.3,
// whose product with 10 may fall a hair short of 3, in the bin [0.3, 0.4).
func binOf(p float64) int {
	b := int(math.Floor(p*CalibrationBins + 1e-9))
	return max(0, min(b, CalibrationBins-1))
}
