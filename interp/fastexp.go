package interp

import (
	"math"

	"snnc/ir"
)

// Fast, accurate exp, expm1 and exprel for the simulator's hot loops.
//
// With k = round(x/ln2) and r = x − k·ln2 (two-part ln2, |r| ≤ ln2/2),
//
//	e^x = 2^k·(1 + q),   q = e^r − 1 = r + r²·(1/2! + r/3! + … + r^11/13!)
//
// (Taylor to degree 13: truncation below 1e-17 relative), then
//
//	exp(x)   = fma(s, q, s)        with s = 2^k
//	expm1(x) = fma(s, q, s − 1)    (s − 1 is exact for the k that matter)
//	exprel(x) = expm1(x)/x          (1 at x = 0)
//
// Every multiply–add is a fused multiply–add (math.FMA here, VFMADD in
// fastexp_amd64.s), so the array loops — 4 lanes of AVX2 where the CPU
// has AVX2 and FMA — and these scalar functions give identical bits on
// every machine. Outside −708 < x < 709 (and for NaN) the math package is
// used. Measured accuracy against correctly rounded values
// (TestFastExpAccuracy): exp within 1 ulp, exprel within 2 ulp.

const (
	expInvLn2  = 1.4426950408889634     // 1/ln2
	expLn2Hi   = 0.6931471805599453     // ln2 rounded
	expLn2Lo   = 2.3190468138462996e-17 // ln2 − expLn2Hi
	expShifter = 6755399441055744.0     // 1.5·2^52: adding it rounds to an integer
	expLoLimit = -708.0
	expHiLimit = 709.0

	expC2  = 0.5
	expC3  = 0.16666666666666666
	expC4  = 0.041666666666666664
	expC5  = 0.008333333333333333
	expC6  = 0.001388888888888889
	expC7  = 0.0001984126984126984
	expC8  = 2.48015873015873e-05
	expC9  = 2.7557319223985893e-06
	expC10 = 2.755731922398589e-07
	expC11 = 2.505210838544172e-08
	expC12 = 2.08767569878681e-09
	expC13 = 1.6059043836821613e-10
)

// expParts returns s = 2^k and q = e^r − 1 for x in (expLoLimit, expHiLimit).
func expParts(x float64) (s, q float64) {
	z := math.FMA(x, expInvLn2, expShifter)
	k := int64(math.Float64bits(z) - math.Float64bits(expShifter))
	kf := z - expShifter
	r := math.FMA(-kf, expLn2Hi, x)
	r = math.FMA(-kf, expLn2Lo, r)
	p := math.FMA(expC13, r, expC12)
	p = math.FMA(p, r, expC11)
	p = math.FMA(p, r, expC10)
	p = math.FMA(p, r, expC9)
	p = math.FMA(p, r, expC8)
	p = math.FMA(p, r, expC7)
	p = math.FMA(p, r, expC6)
	p = math.FMA(p, r, expC5)
	p = math.FMA(p, r, expC4)
	p = math.FMA(p, r, expC3)
	p = math.FMA(p, r, expC2)
	q = math.FMA(p, r*r, r)
	s = math.Float64frombits(uint64(k+1023) << 52)
	return s, q
}

func expInRange(x float64) bool { return x > expLoLimit && x < expHiLimit }

// fexp is e^x.
func fexp(x float64) float64 {
	if !expInRange(x) {
		return math.Exp(x)
	}
	s, q := expParts(x)
	return math.FMA(s, q, s)
}

// fexprel is (e^x − 1)/x, 1 at x = 0.
func fexprel(x float64) float64 {
	if x == 0 || !expInRange(x) {
		return ir.Exprel(x)
	}
	s, q := expParts(x)
	return math.FMA(s, q, s-1) / x
}

// expSlice sets d[i] = fexp(x[i]); len(x) ≥ len(d). d may be x.
func expSlice(d, x []float64) {
	x = x[:len(d)]
	n := len(d) &^ 3
	if !haveVecExp || n == 0 || !expVec(d[:n], x[:n]) {
		n = 0
	}
	for i := n; i < len(d); i++ {
		d[i] = fexp(x[i])
	}
}

// exprelSlice sets d[i] = fexprel(x[i]); len(x) ≥ len(d). d may be x.
func exprelSlice(d, x []float64) {
	x = x[:len(d)]
	n := len(d) &^ 3
	if !haveVecExp || n == 0 || !exprelVec(d[:n], x[:n]) {
		n = 0
	}
	for i := n; i < len(d); i++ {
		d[i] = fexprel(x[i])
	}
}
