package localmodel

import (
	"context"
	"math"
)

// calibration turns a head's raw scores into probabilities. A binary head
// uses Platt scaling, p = sigmoid(A*z + B); a multi-class head temperature
// scaling, p = softmax(A*z) (A = 1/T, B unused).
type calibration struct {
	A, B float64
}

var identity = calibration{A: 1}

// fitCalibration fits the calibration of scores (one row of k raw scores
// per example) to the true classes ys, minimizing the log loss.
func fitCalibration(ctx context.Context, scores [][]float64, ys []int) calibration {
	if len(scores) == 0 {
		return identity
	}
	k := len(scores[0])
	x := []float64{1, 0}
	z, g := make([]float64, k), make([]float64, k)
	obj := func(p, grad []float64) float64 {
		var total float64
		grad[0], grad[1] = 0, 0
		for i, s := range scores {
			for c := range s {
				z[c] = p[0] * s[c]
			}
			if k == 1 {
				z[0] += p[1]
			}
			total += lossGrad(z, g, ys[i])
			for c := range s {
				grad[0] += g[c] * s[c]
			}
			if k == 1 {
				grad[1] += g[0]
			}
		}
		// A tiny pull towards the identity keeps A finite on separable folds.
		total += 1e-3 * ((p[0]-1)*(p[0]-1) + p[1]*p[1])
		grad[0] += 2e-3 * (p[0] - 1)
		grad[1] += 2e-3 * p[1]
		return total
	}
	if _, _, err := minimize(ctx, obj, x, lbfgsConfig{MaxIter: 100}); err != nil {
		return identity
	}
	if k > 1 {
		x[1] = 0
	}
	return calibration{A: x[0], B: x[1]}
}

// probs writes the calibrated probabilities of raw scores z into p: one
// value (the positive class) for a binary head, one per class otherwise.
func (c calibration) probs(z, p []float64) {
	if len(z) == 1 {
		p[0] = sigmoid(c.A*z[0] + c.B)
		return
	}
	mx := math.Inf(-1)
	for i := range z {
		p[i] = c.A * z[i]
		mx = math.Max(mx, p[i])
	}
	var sum float64
	for i := range p {
		p[i] = math.Exp(p[i] - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}
