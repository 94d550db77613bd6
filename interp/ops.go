package interp

import (
	"fmt"
	"math"

	"snnc/ir"
)

// This file is the one place that maps IR ops to evaluation. Every op is
// evaluated by evalOp on scalars (constant folding, per-step scalars, the
// generic vector path) — which is the IR op table's Eval except for pow
// (integer exponents by multiplication), exp and exprel (fastexp.go) — and
// the hot ops have array loops (kernel) that compute exactly the same
// values, element by element. TestKernelsMatchEvalOp checks that.

// evalOp evaluates a pure op on scalar arguments.
func evalOp(op ir.Op, a []float64) float64 {
	switch op {
	case ir.OpPow:
		return powf(a[0], a[1])
	case ir.OpExp:
		return fexp(a[0])
	case ir.OpExprel:
		return fexprel(a[0])
	}
	f := op.Info().Eval
	if f == nil {
		panic(fmt.Sprintf("interp: op %v has no evaluation", op))
	}
	return f(a)
}

// maxPowI is the largest |n| for which x^n is computed by multiplication.
const maxPowI = 16

// powf is x^y: by repeated multiplication, left to right, when y is an
// integer with |y| ≤ maxPowI (x^3 = (x·x)·x, as Brian2's m*m*m; a negative
// exponent gives 1/x^|y|), else math.Pow.
func powf(x, y float64) float64 {
	if n := int(y); float64(n) == y && n >= -maxPowI && n <= maxPowI {
		return powi(x, n)
	}
	return math.Pow(x, y)
}

func powi(x float64, n int) float64 {
	switch n {
	case 0:
		return 1
	case 1:
		return x
	case 2:
		return x * x
	case 3:
		return x * x * x
	case 4:
		return x * x * x * x
	}
	neg := n < 0
	if neg {
		n = -n
	}
	r := x
	for i := 1; i < n; i++ {
		r *= x
	}
	if neg {
		return 1 / r
	}
	return r
}

// kernel is the array loop an instruction runs.
type kernel uint8

const (
	kGeneric kernel = iota // gather arguments, evalOp per element
	kAddVV
	kAddVS
	kSubVV
	kSubVS
	kSubSV
	kMulVV
	kMulVS
	kDivVV
	kDivVS
	kDivSV
	kNeg
	kExp
	kExprel
	kAbs
	kSqrt
	kPowI // x^n, n = instr.n
	kLtVV
	kLtVS
	kGtVV
	kGtVS
	kLeVV
	kLeVS
	kGeVV
	kGeVS
)

// operand is an instruction argument: vector slot idx, or scalar table
// entry idx.
type operand struct {
	vec bool
	idx int32
}

// instr is one vector instruction: dst = op(args) over a chunk.
type instr struct {
	k    kernel
	op   ir.Op
	n    int // kPowI exponent
	dst  int32
	args [3]operand
}

// selectKernel picks the loop for op with the given arguments (at least one
// a vector). Commutative ops put the vector first. sc is the scalar table
// (to spot constant integer exponents; constSlot reports whether a scalar
// slot is a compile-time constant).
func selectKernel(op ir.Op, args []operand, sc []float64, constSlot func(int32) bool) instr {
	in := instr{k: kGeneric, op: op}
	copy(in.args[:], args)
	vv := func(vvK, vsK, svK kernel, commutes bool) {
		a, b := args[0], args[1]
		switch {
		case a.vec && b.vec:
			in.k = vvK
		case a.vec:
			in.k = vsK
		case commutes:
			in.k = vsK
			in.args[0], in.args[1] = b, a
		case svK != kGeneric:
			in.k = svK
		}
	}
	switch op {
	case ir.OpAdd:
		vv(kAddVV, kAddVS, kGeneric, true)
	case ir.OpSub:
		vv(kSubVV, kSubVS, kSubSV, false)
	case ir.OpMul:
		vv(kMulVV, kMulVS, kGeneric, true)
	case ir.OpDiv:
		vv(kDivVV, kDivVS, kDivSV, false)
	case ir.OpLt, ir.OpGt, ir.OpLe, ir.OpGe:
		// c < x is x > c: put the vector first.
		flip := map[ir.Op]ir.Op{ir.OpLt: ir.OpGt, ir.OpGt: ir.OpLt, ir.OpLe: ir.OpGe, ir.OpGe: ir.OpLe}
		o, a, b := op, args[0], args[1]
		if !a.vec {
			o, a, b = flip[op], b, a
		}
		in.args[0], in.args[1] = a, b
		k := map[ir.Op][2]kernel{ir.OpLt: {kLtVV, kLtVS}, ir.OpGt: {kGtVV, kGtVS}, ir.OpLe: {kLeVV, kLeVS}, ir.OpGe: {kGeVV, kGeVS}}[o]
		if b.vec {
			in.k = k[0]
		} else {
			in.k = k[1]
		}
	case ir.OpNeg:
		in.k = kNeg
	case ir.OpExp:
		in.k = kExp
	case ir.OpExprel:
		in.k = kExprel
	case ir.OpAbs:
		in.k = kAbs
	case ir.OpSqrt:
		in.k = kSqrt
	case ir.OpPow:
		if args[0].vec && !args[1].vec && constSlot(args[1].idx) {
			y := sc[args[1].idx]
			if n := int(y); float64(n) == y && n >= -maxPowI && n <= maxPowI {
				in.k, in.n = kPowI, n
			}
		}
	}
	return in
}

// exec runs one instruction over vecs (chunk views, all of length n) and
// the scalar table sc.
func (in *instr) exec(vecs [][]float64, sc []float64, n int) {
	d := vecs[in.dst][:n]
	a := in.args
	switch in.k {
	case kAddVV:
		x, y := vecs[a[0].idx][:n], vecs[a[1].idx][:n]
		for i := vecVV(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] + y[i]
		}
	case kAddVS:
		x, y := vecs[a[0].idx][:n], sc[a[1].idx]
		for i := vecVS(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] + y
		}
	case kSubVV:
		x, y := vecs[a[0].idx][:n], vecs[a[1].idx][:n]
		for i := vecVV(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] - y[i]
		}
	case kSubVS:
		x, y := vecs[a[0].idx][:n], sc[a[1].idx]
		for i := vecVS(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] - y
		}
	case kSubSV:
		x, y := sc[a[0].idx], vecs[a[1].idx][:n]
		for i := vecVS(in.k, d, y, x); i < len(d); i++ {
			d[i] = x - y[i]
		}
	case kMulVV:
		x, y := vecs[a[0].idx][:n], vecs[a[1].idx][:n]
		for i := vecVV(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] * y[i]
		}
	case kMulVS:
		x, y := vecs[a[0].idx][:n], sc[a[1].idx]
		for i := vecVS(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] * y
		}
	case kDivVV:
		x, y := vecs[a[0].idx][:n], vecs[a[1].idx][:n]
		for i := vecVV(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] / y[i]
		}
	case kDivVS:
		x, y := vecs[a[0].idx][:n], sc[a[1].idx]
		for i := vecVS(in.k, d, x, y); i < len(d); i++ {
			d[i] = x[i] / y
		}
	case kDivSV:
		x, y := sc[a[0].idx], vecs[a[1].idx][:n]
		for i := vecVS(in.k, d, y, x); i < len(d); i++ {
			d[i] = x / y[i]
		}
	case kNeg:
		x := vecs[a[0].idx][:n]
		for i := range d {
			d[i] = -x[i]
		}
	case kExp:
		expSlice(d, vecs[a[0].idx][:n])
	case kExprel:
		exprelSlice(d, vecs[a[0].idx][:n])
	case kAbs:
		x := vecs[a[0].idx][:n]
		for i := range d {
			d[i] = math.Abs(x[i])
		}
	case kSqrt:
		x := vecs[a[0].idx][:n]
		for i := range d {
			d[i] = math.Sqrt(x[i])
		}
	case kPowI:
		x := vecs[a[0].idx][:n]
		switch in.n {
		case 2:
			for i := range d {
				d[i] = x[i] * x[i]
			}
		case 3:
			for i := range d {
				d[i] = x[i] * x[i] * x[i]
			}
		case 4:
			for i := range d {
				d[i] = x[i] * x[i] * x[i] * x[i]
			}
		default:
			for i := range d {
				d[i] = powi(x[i], in.n)
			}
		}
	case kLtVV, kGtVV, kLeVV, kGeVV:
		x, y := vecs[a[0].idx][:n], vecs[a[1].idx][:n]
		cmpVV(in.k, d, x, y)
	case kLtVS, kGtVS, kLeVS, kGeVS:
		cmpVS(in.k, d, vecs[a[0].idx][:n], sc[a[1].idx])
	default:
		ar := in.op.Info().Arity
		var buf [3]float64
		for i := range d {
			for j := 0; j < ar; j++ {
				if a[j].vec {
					buf[j] = vecs[a[j].idx][i]
				} else {
					buf[j] = sc[a[j].idx]
				}
			}
			d[i] = evalOp(in.op, buf[:ar])
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func cmpVV(k kernel, d, x, y []float64) {
	x, y = x[:len(d)], y[:len(d)]
	switch k {
	case kLtVV:
		for i := range d {
			d[i] = b2f(x[i] < y[i])
		}
	case kGtVV:
		for i := range d {
			d[i] = b2f(x[i] > y[i])
		}
	case kLeVV:
		for i := range d {
			d[i] = b2f(x[i] <= y[i])
		}
	case kGeVV:
		for i := range d {
			d[i] = b2f(x[i] >= y[i])
		}
	}
}

func cmpVS(k kernel, d, x []float64, y float64) {
	x = x[:len(d)]
	switch k {
	case kLtVS:
		for i := range d {
			d[i] = b2f(x[i] < y)
		}
	case kGtVS:
		for i := range d {
			d[i] = b2f(x[i] > y)
		}
	case kLeVS:
		for i := range d {
			d[i] = b2f(x[i] <= y)
		}
	case kGeVS:
		for i := range d {
			d[i] = b2f(x[i] >= y)
		}
	}
}
