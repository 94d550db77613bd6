package passes

import (
	"fmt"
	"math"
	"math/bits"

	"snnc/internal/fixed"
)

// buildTable tabulates f over [lo, hi] (SI) for an index register with xf
// fraction bits (docs/fixed-point.md §4): values in an s-W word with the
// most fraction bits that hold max|f|, linear interpolation, and the
// coarsest grid (a power of two of the index's LSB) whose worst error,
// measured on the integer table against f between the grid points, is at
// most tol·max|f|, within maxN entries. Points where f is NaN or ±Inf
// (removable singularities written without exprel) store the limit.
func buildTable(f func(float64) float64, lo, hi float64, xf, W int, tol float64, maxN int) (*fixed.LUT, *LUTQuant, error) {
	x0 := int64(math.Floor(math.Ldexp(lo, xf)))
	x1 := int64(math.Ceil(math.Ldexp(hi, xf)))
	if x1 <= x0 {
		x1 = x0 + 1
	}
	span := uint64(x1 - x0)
	s := max(0, bits.Len64(span)-6) // start near 64 intervals
	var best *fixed.LUT
	var bestErr float64
	for ; s >= 0; s-- {
		n := int(span>>uint(s)) + 2
		if n > maxN && best != nil {
			break
		}
		lut, err := tabulate(f, x0, uint(s), n, xf, W)
		if err != nil {
			return nil, nil, err
		}
		e := tableError(lut, f, xf)
		best, bestErr = lut, e
		if e <= tol || n > maxN {
			break
		}
	}
	rep := &LUTQuant{N: len(best.Vals), Lo: math.Ldexp(float64(best.X0), -xf),
		Hi: math.Ldexp(float64(best.GridX(len(best.Vals)-1)), -xf), MaxRelErr: bestErr}
	return best, rep, nil
}

// tabulate builds the table with n entries from x0 every 2^s.
func tabulate(f func(float64) float64, x0 int64, s uint, n, xf, W int) (*fixed.LUT, error) {
	vals := make([]float64, n)
	h := math.Ldexp(float64(int64(1)<<s), -xf) // grid step in SI
	maxAbs := 0.0
	for i := range vals {
		x := math.Ldexp(float64(x0+int64(i)<<s), -xf)
		v := f(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			var ok bool
			if v, ok = limitAt(f, x, h); !ok {
				return nil, fmt.Errorf("no finite limit at %g", x)
			}
		}
		vals[i] = v
		maxAbs = max(maxAbs, math.Abs(v))
	}
	vf := W - 2
	if maxAbs > 0 {
		_, e := math.Frexp(maxAbs)
		vf = W - 2 - e
	}
	l := &fixed.LUT{Type: fixed.S(W, vf), X0: x0, Shift: uint8(s), Interp: n > 1, Vals: make([]int64, n)}
	for i, v := range vals {
		l.Vals[i] = fixed.RoundHalfAway(math.Ldexp(v, vf))
	}
	return l, nil
}

// limitAt returns the limit of f at x: the mean of f(x ± h·2^−k) for the
// first k = 10 … 40 at which both sides are finite and agree to 1e−9.
func limitAt(f func(float64) float64, x, h float64) (float64, bool) {
	for k := 10; k <= 40; k++ {
		d := math.Ldexp(h, -k)
		a, b := f(x-d), f(x+d)
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			continue
		}
		if math.Abs(a-b) <= 1e-9*max(math.Abs(a), math.Abs(b), 1e-300) {
			return (a + b) / 2, true
		}
	}
	return 0, false
}

// tableError returns the worst |table − f| relative to the table's largest
// |value|, at up to ~20000 points between the grid points.
func tableError(l *fixed.LUT, f func(float64) float64, xf int) float64 {
	n := len(l.Vals)
	maxAbs := 0.0
	for _, v := range l.Vals {
		maxAbs = max(maxAbs, math.Abs(float64(v)))
	}
	if maxAbs == 0 || n < 2 {
		return 0
	}
	step := int64(1) << l.Shift
	per := int64(3)
	stride := max(1, (n*3)/20000)
	worst := 0.0
	for i := 0; i < n-1; i += stride {
		for j := int64(1); j <= per; j++ {
			xi := l.GridX(i) + step*j/(per+1)
			v := f(math.Ldexp(float64(xi), -xf))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			got := float64(l.At(xi))
			worst = max(worst, math.Abs(got-math.Ldexp(v, int(l.Type.Frac))))
		}
	}
	return worst / maxAbs
}
