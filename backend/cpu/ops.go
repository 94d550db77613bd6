package cpu

// This file is the one place that maps IR expression ops to LLVM
// instructions (lowerOp), for float mode. Expressions are emitted as
// straight-line SSA: every node of the unit's DAG once, in post-order.
//
// Like the interpreter's compiler (interp/program.go), emission classifies
// each node:
//
//   - constant: consts, homogeneous params, dead inputs and everything
//     computed from them only — folded in Go with interp.EvalOp, so the
//     folded values are the interpreter's bit for bit;
//   - uniform: depends on time but on no per-neuron value — emitted once,
//     in the block before the neuron loop;
//   - per neuron: depends on a state, an input or a heterogeneous param —
//     emitted in the loop body.
//
// Comparisons and logic ops produce i1 values that are widened to 0.0/1.0
// only where a double is needed.

import (
	"fmt"
	"math"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	"snnc/interp"
	snn "snnc/ir"
)

// val is the value of an expression node during emission.
type val struct {
	isConst bool
	c       float64     // the value, when isConst
	v       value.Value // a double, or an i1 when isBool
	isBool  bool
	uniform bool // independent of the neuron (a constant or a per-step value)
}

func constVal(x float64) val { return val{isConst: true, c: x, uniform: true} }

// exprEnv emits the expressions of one graph in one context (one set of
// leaf values).
type exprEnv struct {
	g    *snn.Graph
	lib  *mathlib
	pre  *ir.Block        // where uniform values go (before the loop); nil: cur
	cur  func() *ir.Block // where per-neuron values go
	leaf func(n snn.Node) (val, error)
	memo map[snn.NodeID]val
}

func newEnv(g *snn.Graph, lib *mathlib, pre *ir.Block, cur func() *ir.Block, leaf func(snn.Node) (val, error)) *exprEnv {
	return &exprEnv{g: g, lib: lib, pre: pre, cur: cur, leaf: leaf, memo: map[snn.NodeID]val{}}
}

// emit returns the value of node root, emitting what is not yet emitted.
func (e *exprEnv) emit(root snn.NodeID) (val, error) {
	if v, ok := e.memo[root]; ok {
		return v, nil
	}
	for _, id := range e.g.PostOrder(root) {
		if _, ok := e.memo[id]; ok {
			continue
		}
		n := e.g.Node(id)
		info := n.Op.Info()
		var r val
		switch {
		case n.Op == snn.OpConst:
			r = constVal(n.Val)
		case info.Leaf:
			var err error
			if r, err = e.leaf(n); err != nil {
				return val{}, err
			}
		case info.Random || !n.Op.Valid():
			return val{}, fmt.Errorf("%v cannot be evaluated in a neuron model", n.Op)
		default:
			args := make([]val, info.Arity)
			allConst, uniform := true, true
			for i := range args {
				args[i] = e.memo[n.Args[i]]
				allConst = allConst && args[i].isConst
				uniform = uniform && args[i].uniform
			}
			if allConst {
				var buf [3]float64
				for i, a := range args {
					buf[i] = a.c
				}
				r = constVal(interp.EvalOp(n.Op, buf[:info.Arity]))
				break
			}
			blk := e.cur()
			if uniform && e.pre != nil {
				blk = e.pre
			}
			r = e.lib.lowerOp(blk, n.Op, args)
			r.uniform = uniform
		}
		e.memo[id] = r
	}
	return e.memo[root], nil
}

// f64 returns v as a double in blk.
func asF64(blk *ir.Block, v val) value.Value {
	switch {
	case v.isConst:
		return f64(v.c)
	case v.isBool:
		return blk.NewUIToFP(v.v, tF64)
	}
	return v.v
}

// truth returns v ≠ 0 as an i1 (NaN is true, as in Go's a != 0).
func truth(blk *ir.Block, v val) value.Value {
	switch {
	case v.isConst:
		return i1(v.c != 0)
	case v.isBool:
		return v.v
	}
	return blk.NewFCmp(enum.FPredUNE, v.v, f64(0))
}

func dbl(v value.Value) val  { return val{v: v} }
func bval(v value.Value) val { return val{v: v, isBool: true} }

// fcmpPreds are the predicates of the comparison ops: ordered, so a NaN
// operand gives false, as Go's <, >, <=, >=, == do; ≠ is unordered (true
// for NaN).
var fcmpPreds = map[snn.Op]enum.FPred{
	snn.OpLt: enum.FPredOLT,
	snn.OpGt: enum.FPredOGT,
	snn.OpLe: enum.FPredOLE,
	snn.OpGe: enum.FPredOGE,
	snn.OpEq: enum.FPredOEQ,
	snn.OpNe: enum.FPredUNE,
}

// lowerOp emits op(args) in blk. At least one argument is not a constant.
// Every value equals interp.EvalOp's for the same arguments, except where
// the libm functions differ from Go's math package (log, sin, cos, tanh,
// pow with a non-integer exponent; exp and exprel with ExpMvec/ExpLibm, or
// outside (−708, 709) with ExpFast): docs/cpu.md.
func (l *mathlib) lowerOp(blk *ir.Block, op snn.Op, args []val) val {
	x := func(i int) value.Value { return asF64(blk, args[i]) }
	switch op {
	case snn.OpAdd:
		return dbl(blk.NewFAdd(x(0), x(1)))
	case snn.OpSub:
		return dbl(blk.NewFSub(x(0), x(1)))
	case snn.OpMul:
		return dbl(blk.NewFMul(x(0), x(1)))
	case snn.OpDiv:
		return dbl(blk.NewFDiv(x(0), x(1)))
	case snn.OpNeg:
		return dbl(blk.NewFNeg(x(0)))
	case snn.OpPow:
		if y := args[1]; y.isConst {
			if n := int(y.c); float64(n) == y.c && n >= -maxPowI && n <= maxPowI {
				return dbl(powi(blk, x(0), n))
			}
		}
		return dbl(blk.NewCall(l.powf(), x(0), x(1)))
	case snn.OpExp:
		return dbl(l.exp(blk, x(0)))
	case snn.OpExprel:
		return dbl(l.exprel(blk, x(0)))
	case snn.OpLog:
		return dbl(blk.NewCall(l.intrinsic("log", 1), x(0)))
	case snn.OpSqrt:
		return dbl(blk.NewCall(l.intrinsic("sqrt", 1), x(0)))
	case snn.OpSin:
		return dbl(blk.NewCall(l.intrinsic("sin", 1), x(0)))
	case snn.OpCos:
		return dbl(blk.NewCall(l.intrinsic("cos", 1), x(0)))
	case snn.OpTanh:
		return dbl(blk.NewCall(l.libm("tanh"), x(0)))
	case snn.OpAbs:
		return dbl(blk.NewCall(l.intrinsic("fabs", 1), x(0)))
	case snn.OpMin, snn.OpMax:
		return dbl(goMinMax(blk, op == snn.OpMin, x(0), x(1)))
	case snn.OpLt, snn.OpGt, snn.OpLe, snn.OpGe, snn.OpEq, snn.OpNe:
		return bval(blk.NewFCmp(fcmpPreds[op], x(0), x(1)))
	case snn.OpAnd:
		return bval(blk.NewAnd(truth(blk, args[0]), truth(blk, args[1])))
	case snn.OpOr:
		return bval(blk.NewOr(truth(blk, args[0]), truth(blk, args[1])))
	case snn.OpNot:
		return bval(blk.NewXor(truth(blk, args[0]), i1(true)))
	case snn.OpSelect:
		c := truth(blk, args[0])
		if args[1].isBool && args[2].isBool {
			return bval(blk.NewSelect(c, args[1].v, args[2].v))
		}
		return dbl(blk.NewSelect(c, x(1), x(2)))
	}
	panic(fmt.Sprintf("cpu: no lowering for op %v", op))
}

// goMinMax emits Go's math.Min / math.Max: NaN if either is NaN; −0 is
// below +0.
func goMinMax(blk *ir.Block, isMin bool, a, b value.Value) value.Value {
	lt, gt := enum.FPredOLT, enum.FPredOGT
	if !isMin {
		lt, gt = gt, lt
	}
	// Equal operands (±0 included): min ORs the bits (−0 wins), max ANDs
	// them (+0 wins); for other equal values the bits are equal.
	ab, bb := blk.NewBitCast(a, tI64), blk.NewBitCast(b, tI64)
	var eqBits value.Value
	if isMin {
		eqBits = blk.NewOr(ab, bb)
	} else {
		eqBits = blk.NewAnd(ab, bb)
	}
	r := blk.NewSelect(blk.NewFCmp(gt, a, b), b, blk.NewBitCast(eqBits, tF64))
	r = blk.NewSelect(blk.NewFCmp(lt, a, b), a, r)
	uno := blk.NewFCmp(enum.FPredUNO, a, b)
	r = blk.NewSelect(uno, f64(math.NaN()), r)
	// Min(x, −Inf) = −Inf and Max(x, +Inf) = +Inf, even for a NaN x.
	inf := math.Inf(1)
	if isMin {
		inf = math.Inf(-1)
	}
	isInf := blk.NewOr(blk.NewFCmp(enum.FPredOEQ, a, f64(inf)), blk.NewFCmp(enum.FPredOEQ, b, f64(inf)))
	return blk.NewSelect(isInf, f64(inf), r)
}

// loweredOps lists the ops lowerOp handles (checked against the IR op
// table by a test).
func loweredOps() []snn.Op {
	var ops []snn.Op
	for _, op := range snn.Ops() {
		info := op.Info()
		if !info.Leaf && !info.Random {
			ops = append(ops, op)
		}
	}
	return ops
}
