package interp

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"snnc/ir"
)

// Every op's array loop computes exactly what evalOp computes, for every
// combination of vector and scalar operands.
func TestKernelsMatchEvalOp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 67 // 16 blocks of 4 and a tail
	vals := func() []float64 {
		v := make([]float64, n)
		for i := range v {
			switch i % 8 {
			case 0:
				v[i] = 0
			case 1:
				v[i] = float64(r.IntN(7) - 3)
			case 2:
				v[i] = r.NormFloat64() * 1e-3
			default:
				v[i] = r.NormFloat64() * 5
			}
		}
		v[5] = -0.0
		v[6] = 0.25
		v[7] = -1e-9
		return v
	}
	x, y, z := vals(), vals(), vals()
	for _, op := range ir.Ops() {
		info := op.Info()
		if info.Leaf || info.Random {
			continue
		}
		for mask := 1; mask < 1<<info.Arity; mask++ { // at least one vector
			vecs := [][]float64{x, y, z, make([]float64, n)}
			sc := []float64{0, 2.5, 3, -0.5}
			var args [3]operand
			for i := 0; i < info.Arity; i++ {
				if mask&(1<<i) != 0 {
					args[i] = operand{vec: true, idx: int32(i)}
				} else {
					args[i] = operand{idx: int32(i + 1)}
				}
			}
			in := selectKernel(op, args[:info.Arity], sc, func(int32) bool { return true })
			in.dst = 3
			in.exec(vecs, sc, n)
			for e := 0; e < n; e++ {
				var a [3]float64
				for i := 0; i < info.Arity; i++ {
					if args[i].vec {
						a[i] = vecs[args[i].idx][e]
					} else {
						a[i] = sc[args[i].idx]
					}
				}
				want := evalOp(op, a[:info.Arity])
				got := vecs[3][e]
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Errorf("%v (kernel %d, mask %b) on %v: %v, evalOp gives %v", op, in.k, mask, a[:info.Arity], got, want)
					break
				}
			}
		}
	}
	// Integer powers by multiplication, as evalOp does.
	for _, p := range []float64{-3, -1, 0, 1, 2, 3, 4, 5, 16} {
		sc := []float64{0, p}
		in := selectKernel(ir.OpPow, []operand{{vec: true, idx: 0}, {idx: 1}}, sc, func(int32) bool { return true })
		if in.k != kPowI {
			t.Fatalf("pow with constant exponent %g: kernel %d", p, in.k)
		}
		in.dst = 1
		vecs := [][]float64{x, make([]float64, n)}
		in.exec(vecs, sc, n)
		for e := range x {
			if want := evalOp(ir.OpPow, []float64{x[e], p}); math.Float64bits(vecs[1][e]) != math.Float64bits(want) {
				t.Errorf("pow(%v, %g) = %v, want %v", x[e], p, vecs[1][e], want)
				break
			}
		}
	}
}

// bigExpF returns e^x in 200-bit arithmetic: the Taylor series after
// reduction by a power of two, then repeated squaring.
func bigExpF(x float64) *big.Float {
	const prec = 200
	s := 0
	for math.Abs(x)/math.Pow(2, float64(s)) > 0.01 {
		s++
	}
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	y.SetMantExp(y, -s)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := 1; k < 40; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		sum.Add(sum, term)
	}
	for i := 0; i < s; i++ {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigExp returns e^x correctly rounded to float64.
func bigExp(x float64) float64 {
	f, _ := bigExpF(x).Float64()
	return f
}

// bigExprel returns (e^x − 1)/x correctly rounded.
func bigExprel(x float64) float64 {
	const prec = 200
	if math.Abs(x) > 0.5 {
		e := bigExpF(x)
		e.Sub(e, new(big.Float).SetPrec(prec).SetInt64(1))
		e.Quo(e, new(big.Float).SetPrec(prec).SetFloat64(x))
		f, _ := e.Float64()
		return f
	}
	y := new(big.Float).SetPrec(prec).SetFloat64(x)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for k := 2; k < 60; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(k)))
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

func ulps(got, want float64) float64 {
	if got == want {
		return 0
	}
	u := math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)
	return math.Abs(got-want) / u
}

// TestFastExpAccuracy measures fexp and fexprel against correctly rounded
// values: docs/simulator.md quotes the result.
func TestFastExpAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	worstExp, worstRel, worstMath := 0.0, 0.0, 0.0
	for i := 0; i < n; i++ {
		var x float64
		switch i % 4 {
		case 0:
			x = (r.Float64()*2 - 1) * 700
		case 1:
			x = (r.Float64()*2 - 1) * 20
		case 2:
			x = (r.Float64()*2 - 1) * 0.6
		default:
			x = (r.Float64()*2 - 1) * 1e-6
		}
		want := bigExp(x)
		worstExp = math.Max(worstExp, ulps(fexp(x), want))
		worstMath = math.Max(worstMath, ulps(math.Exp(x), want))
		if math.Abs(x) < 50 {
			worstRel = math.Max(worstRel, ulps(fexprel(x), bigExprel(x)))
		}
	}
	t.Logf("max error over %d points: fexp %.2f ulp (math.Exp %.2f ulp), fexprel %.2f ulp", n, worstExp, worstMath, worstRel)
	if worstExp > 1 {
		t.Errorf("fexp error %.2f ulp > 1", worstExp)
	}
	if worstRel > 2 {
		t.Errorf("fexprel error %.2f ulp > 2", worstRel)
	}
	// Special values.
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {math.Inf(-1), 0}, {math.Inf(1), math.Inf(1)}, {-800, 0}, {710, math.Inf(1)},
	} {
		if got := fexp(c.x); got != c.want {
			t.Errorf("fexp(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if !math.IsNaN(fexp(math.NaN())) || fexprel(0) != 1 || fexprel(math.Inf(-1)) != 0 {
		t.Error("special values of fexp/fexprel")
	}
	// The array loops agree with the scalar functions bit for bit.
	xs := []float64{-800, -708.5, -3, -0.4, -1e-300, 0, 1e-10, 0.3, 2, 708.9, 709.5, math.NaN()}
	d := make([]float64, len(xs))
	expSlice(d, xs)
	for i, x := range xs {
		if math.Float64bits(d[i]) != math.Float64bits(fexp(x)) {
			t.Errorf("expSlice(%g) = %v, fexp %v", x, d[i], fexp(x))
		}
	}
	exprelSlice(d, xs)
	for i, x := range xs {
		if math.Float64bits(d[i]) != math.Float64bits(fexprel(x)) {
			t.Errorf("exprelSlice(%g) = %v, fexprel %v", x, d[i], fexprel(x))
		}
	}
	// In-range arrays take the vector path (AVX2 + FMA where available):
	// bit-identical to the scalar functions, also in place.
	t.Logf("vector exp (AVX2+FMA): %v", haveVecExp)
	for n := 1; n < 300; n += 7 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = (r.Float64()*2 - 1) * math.Pow(10, float64(r.IntN(6)-3))
		}
		d := make([]float64, n)
		expSlice(d, xs)
		for i, x := range xs {
			if math.Float64bits(d[i]) != math.Float64bits(fexp(x)) {
				t.Fatalf("n = %d: expSlice(%g) = %v, fexp %v", n, x, d[i], fexp(x))
			}
		}
		exprelSlice(d, xs)
		for i, x := range xs {
			if math.Float64bits(d[i]) != math.Float64bits(fexprel(x)) {
				t.Fatalf("n = %d: exprelSlice(%g) = %v, fexprel %v", n, x, d[i], fexprel(x))
			}
		}
		// One value outside the fast range (or 0 for exprel) anywhere:
		// the whole array takes the scalar path.
		for _, bad := range []float64{-800, 710, math.NaN(), math.Inf(1), 0} {
			ys := append([]float64(nil), xs...)
			ys[r.IntN(n)] = bad
			expSlice(d, ys)
			for i, y := range ys {
				if math.Float64bits(d[i]) != math.Float64bits(fexp(y)) {
					t.Fatalf("n = %d with %g: expSlice(%g) = %v, fexp %v", n, bad, y, d[i], fexp(y))
				}
			}
			exprelSlice(d, ys)
			for i, y := range ys {
				if math.Float64bits(d[i]) != math.Float64bits(fexprel(y)) {
					t.Fatalf("n = %d with %g: exprelSlice(%g) = %v, fexprel %v", n, bad, y, d[i], fexprel(y))
				}
			}
		}
		in := append([]float64(nil), xs...)
		expSlice(in, in)
		for i, x := range xs {
			if in[i] != fexp(x) {
				t.Fatalf("in place: %v, want %v", in[i], fexp(x))
			}
		}
	}
}
