package interp

import (
	"math"

	"snnc/ir"
)

// Fast, accurate exp, expm1 and exprel for the simulator's hot loops.
//
// x = (32m + j)·ln2/32 + r with j ∈ [0, 32), |r| ≤ ln2/64 (Cody–Waite
// reduction with a two-part ln2/32), so
//
//	e^x = 2^m · 2^(j/32) · e^r,   e^r − 1 = q(r) (Taylor, degree 7),
//
// with 2^(j/32) = Thi + Tlo from a double-double table. Then
//
//	exp(x)   = 2^m · (Thi + (Tlo + Thi·q))
//	expm1(x) = (2^m·Thi − 1) + 2^m·(Tlo + Thi·q)   (the first difference is exact for |x| < ½)
//
// Outside −708 < x < 709 (and for NaN) the math package is used. Measured
// accuracy (TestFastExpAccuracy, 10^7 points): exp within 1 ulp of the
// correctly rounded value, exprel within 2 ulp; see docs/simulator.md. These
// loops are 2–3× faster than calling math.Exp / math.Expm1 per element.

const (
	expInvLn2N = 46.16624130844683      // 32/ln2
	expLn2NHi  = 0.021660849393811077   // ln2/32, high 32 bits (k·hi is exact)
	expLn2NLo  = -1.312785960212839e-12 // ln2/32 − hi
	expShifter = 6755399441055744.0     // 1.5·2^52: adding it rounds to an integer
	expLoLimit = -708.0
	expHiLimit = 709.0
)

// Taylor coefficients 1/n! for q(r) = r + r²·(c2 + r·(c3 + … r·c7)).
const (
	expC2 = 1.0 / 2
	expC3 = 1.0 / 6
	expC4 = 1.0 / 24
	expC5 = 1.0 / 120
	expC6 = 1.0 / 720
	expC7 = 1.0 / 5040
)

var expTabHi = [32]float64{
	1.0, 1.0218971486541166, 1.0442737824274138, 1.0671404006768237,
	1.0905077326652577, 1.1143867425958924, 1.1387886347566916, 1.1637248587775775,
	1.189207115002721, 1.215247359980469, 1.241857812073484, 1.2690509571917332,
	1.2968395546510096, 1.3252366431597413, 1.3542555469368927, 1.383909881963832,
	1.4142135623730951, 1.4451808069770467, 1.4768261459394993, 1.5091644275934228,
	1.5422108254079407, 1.5759808451078865, 1.6104903319492543, 1.645755478153965,
	1.681792830507429, 1.718619298122478, 1.7562521603732995, 1.7947090750031072,
	1.8340080864093424, 1.8741676341103, 1.9152065613971474, 1.9571441241754002,
}
var expTabLo = [32]float64{
	0.0, 5.109225028973444e-17, 8.551889705537965e-17, -7.899853966841582e-17,
	-3.046782079812471e-17, 1.0410278456845571e-16, 8.912812676025408e-17, 3.8292048369240935e-17,
	3.982015231465646e-17, -7.712630692681488e-17, 4.658027591836937e-17, 2.667932131342186e-18,
	2.5382502794888315e-17, -2.8587312100388614e-17, 7.70094837980299e-17, -6.770511658794786e-17,
	-9.667293313452913e-17, -3.0237581349939873e-17, -3.483994556892796e-17, -1.016455327754295e-16,
	7.949834809697621e-17, -1.0136916471278304e-17, 2.4707192569797888e-17, -1.0125679913674773e-16,
	8.199010020581497e-17, -1.851380418263111e-17, 2.960140695448873e-17, 1.8227458427912087e-17,
	3.283107224245627e-17, -6.122763413004143e-17, -1.0619946056195963e-16, 8.960767791036668e-17,
}

// expParts reduces x: it returns 2^m as a float64, j and q = e^r − 1.
// x must be within (expLoLimit, expHiLimit).
func expParts(x float64) (scale float64, j int64, q float64) {
	z := x*expInvLn2N + expShifter
	k := int64(math.Float64bits(z) - math.Float64bits(expShifter))
	kf := z - expShifter
	r := (x - kf*expLn2NHi) - kf*expLn2NLo
	q = r + r*r*(expC2+r*(expC3+r*(expC4+r*(expC5+r*(expC6+r*expC7)))))
	j = k & 31
	scale = math.Float64frombits(uint64((k>>5)+1023) << 52)
	return scale, j, q
}

// fexp is e^x.
func fexp(x float64) float64 {
	if !(x > expLoLimit && x < expHiLimit) {
		return math.Exp(x)
	}
	s, j, q := expParts(x)
	hi := expTabHi[j]
	return s * (hi + (expTabLo[j] + hi*q))
}

// fexpm1 is e^x − 1.
func fexpm1(x float64) float64 {
	if !(x > expLoLimit && x < expHiLimit) {
		return math.Expm1(x)
	}
	s, j, q := expParts(x)
	hi := expTabHi[j]
	return (s*hi - 1) + s*(expTabLo[j]+hi*q)
}

// fexprel is (e^x − 1)/x, 1 at x = 0.
func fexprel(x float64) float64 {
	if x == 0 {
		return 1
	}
	if !(x > expLoLimit && x < expHiLimit) {
		return ir.Exprel(x)
	}
	return fexpm1(x) / x
}

// expSlice sets d[i] = fexp(x[i]).
func expSlice(d, x []float64) {
	x = x[:len(d)]
	for i, v := range x {
		if !(v > expLoLimit && v < expHiLimit) {
			d[i] = math.Exp(v)
			continue
		}
		z := v*expInvLn2N + expShifter
		k := int64(math.Float64bits(z) - math.Float64bits(expShifter))
		kf := z - expShifter
		r := (v - kf*expLn2NHi) - kf*expLn2NLo
		q := r + r*r*(expC2+r*(expC3+r*(expC4+r*(expC5+r*(expC6+r*expC7)))))
		j := k & 31
		s := math.Float64frombits(uint64((k>>5)+1023) << 52)
		hi := expTabHi[j]
		d[i] = s * (hi + (expTabLo[j] + hi*q))
	}
}

// exprelSlice sets d[i] = fexprel(x[i]).
func exprelSlice(d, x []float64) {
	x = x[:len(d)]
	for i, v := range x {
		if !(v > expLoLimit && v < expHiLimit) || v == 0 {
			d[i] = fexprel(v)
			continue
		}
		z := v*expInvLn2N + expShifter
		k := int64(math.Float64bits(z) - math.Float64bits(expShifter))
		kf := z - expShifter
		r := (v - kf*expLn2NHi) - kf*expLn2NLo
		q := r + r*r*(expC2+r*(expC3+r*(expC4+r*(expC5+r*(expC6+r*expC7)))))
		j := k & 31
		s := math.Float64frombits(uint64((k>>5)+1023) << 52)
		hi := expTabHi[j]
		d[i] = ((s*hi - 1) + s*(expTabLo[j]+hi*q)) / v
	}
}
