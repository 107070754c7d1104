package localmodel

import (
	"cmp"
	"context"
	"fmt"
	"math"
)

// objective returns the loss at x and writes its gradient into grad.
type objective func(x, grad []float64) float64

// lbfgsConfig bounds the optimizer. Zero values take the defaults.
type lbfgsConfig struct {
	Memory  int     // correction pairs kept; default 10
	MaxIter int     // default 300
	Tol     float64 // relative decrease of the loss that stops it; default 1e-7
}

// minimize runs L-BFGS with a backtracking Armijo line search from x, in
// place, and returns the final loss and the iterations run. Every step is
// sequential, so the result only depends on the inputs.
func minimize(ctx context.Context, f objective, x []float64, cfg lbfgsConfig) (float64, int, error) {
	m := cmp.Or(cfg.Memory, 10)
	maxIter := cmp.Or(cfg.MaxIter, 300)
	tol := cmp.Or(cfg.Tol, 1e-7)
	n := len(x)
	g, gNew, xNew, dir := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	s, y := make([][]float64, 0, m), make([][]float64, 0, m)
	rho := make([]float64, 0, m)
	alpha := make([]float64, m)
	fx := f(x, g)
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return fx, it, fmt.Errorf("optimizing: %w", err)
		}
		direction(dir, g, s, y, rho, alpha)
		step := 1.0
		if it == 1 {
			step = 1 / math.Max(1, norm(g))
		}
		fNew, ok := lineSearch(f, x, fx, g, dir, step, xNew, gNew)
		if !ok {
			return fx, it, nil
		}
		if len(s) == m {
			s, y, rho = append(s[:0], s[1:]...), append(y[:0], y[1:]...), append(rho[:0], rho[1:]...)
		}
		si, yi := make([]float64, n), make([]float64, n)
		for j := range x {
			si[j], yi[j] = xNew[j]-x[j], gNew[j]-g[j]
		}
		if sy := dot(si, yi); sy > 1e-12 {
			s, y, rho = append(s, si), append(y, yi), append(rho, 1/sy)
		}
		copy(x, xNew)
		copy(g, gNew)
		done := math.Abs(fx-fNew) <= tol*math.Max(1, math.Abs(fNew))
		fx = fNew
		if done {
			return fx, it, nil
		}
	}
	return fx, maxIter, nil
}

// direction writes the L-BFGS search direction -H*g into dir (two-loop
// recursion).
func direction(dir, g []float64, s, y [][]float64, rho, alpha []float64) {
	for j := range dir {
		dir[j] = -g[j]
	}
	for i := len(s) - 1; i >= 0; i-- {
		alpha[i] = rho[i] * dot(s[i], dir)
		axpy(-alpha[i], y[i], dir)
	}
	if k := len(s) - 1; k >= 0 {
		gamma := dot(s[k], y[k]) / dot(y[k], y[k])
		for j := range dir {
			dir[j] *= gamma
		}
	}
	for i := range s {
		beta := rho[i] * dot(y[i], dir)
		axpy(alpha[i]-beta, s[i], dir)
	}
}

// lineSearch backtracks from step until the Armijo condition holds; it
// leaves the new point and gradient in xNew and gNew.
func lineSearch(f objective, x []float64, fx float64, g, dir []float64, step float64, xNew, gNew []float64) (float64, bool) {
	slope := dot(g, dir)
	if slope >= 0 {
		return fx, false
	}
	for range 40 {
		for j := range x {
			xNew[j] = x[j] + step*dir[j]
		}
		fNew := f(xNew, gNew)
		if fNew <= fx+1e-4*step*slope {
			return fNew, true
		}
		step *= 0.5
	}
	return fx, false
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }
