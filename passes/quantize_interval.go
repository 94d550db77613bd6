package passes

import (
	"math"

	"snnc/ir"
)

// Interval arithmetic over the step's expressions: a conservative range of
// every node given a box for the variables (each state over the profiled
// range and every neuron's initial value, each input over what was
// delivered, params over their values). It complements the profile: a
// node's format must hold max(margin·observed, interval) — but an interval
// is only trusted up to intervalCap times the margined observation, since
// intervals of long expressions (HH's membrane) can be far wider than any
// value the network reaches.

// ival is a closed interval; empty when lo > hi.
type ival struct{ lo, hi float64 }

func (a ival) mag() float64 { return max(math.Abs(a.lo), math.Abs(a.hi)) }

func (a ival) finite() bool {
	return !math.IsNaN(a.lo) && !math.IsNaN(a.hi) && !math.IsInf(a.lo, 0) && !math.IsInf(a.hi, 0)
}

var ivAll = ival{math.Inf(-1), math.Inf(1)}

const intervalCap = 8

func hull(xs ...float64) ival {
	r := ival{math.Inf(1), math.Inf(-1)}
	for _, x := range xs {
		if math.IsNaN(x) {
			return ivAll
		}
		r.lo, r.hi = min(r.lo, x), max(r.hi, x)
	}
	return r
}

func monotone(f func(float64) float64, a ival) ival { return hull(f(a.lo), f(a.hi)) }

// ivOp applies op to intervals.
func ivOp(op ir.Op, a []ival) ival {
	switch op {
	case ir.OpAdd:
		return ival{a[0].lo + a[1].lo, a[0].hi + a[1].hi}
	case ir.OpSub:
		return ival{a[0].lo - a[1].hi, a[0].hi - a[1].lo}
	case ir.OpNeg:
		return ival{-a[0].hi, -a[0].lo}
	case ir.OpMul:
		return hull(a[0].lo*a[1].lo, a[0].lo*a[1].hi, a[0].hi*a[1].lo, a[0].hi*a[1].hi)
	case ir.OpDiv:
		if a[1].lo <= 0 && a[1].hi >= 0 {
			return ivAll
		}
		return hull(a[0].lo/a[1].lo, a[0].lo/a[1].hi, a[0].hi/a[1].lo, a[0].hi/a[1].hi)
	case ir.OpPow:
		k := a[1].lo
		if a[1].lo != a[1].hi || k != math.Trunc(k) || k < 0 || k > 16 {
			return ivAll
		}
		p := func(x float64) float64 { return qevalOp(ir.OpPow, []float64{x, k}) }
		if int(k)%2 == 1 || a[0].lo >= 0 {
			return monotone(p, a[0])
		}
		if a[0].hi <= 0 {
			return hull(p(a[0].lo), p(a[0].hi))
		}
		return hull(0, p(a[0].lo), p(a[0].hi))
	case ir.OpExp:
		return monotone(math.Exp, a[0])
	case ir.OpLog:
		if a[0].lo <= 0 {
			return ivAll
		}
		return monotone(math.Log, a[0])
	case ir.OpSqrt:
		if a[0].lo < 0 {
			return ivAll
		}
		return monotone(math.Sqrt, a[0])
	case ir.OpTanh:
		return monotone(math.Tanh, a[0])
	case ir.OpSin, ir.OpCos:
		return ival{-1, 1}
	case ir.OpExprel:
		return monotone(ir.Exprel, a[0]) // increasing everywhere
	case ir.OpAbs:
		if a[0].lo >= 0 {
			return a[0]
		}
		if a[0].hi <= 0 {
			return ival{-a[0].hi, -a[0].lo}
		}
		return ival{0, a[0].mag()}
	case ir.OpMin:
		return ival{min(a[0].lo, a[1].lo), min(a[0].hi, a[1].hi)}
	case ir.OpMax:
		return ival{max(a[0].lo, a[1].lo), max(a[0].hi, a[1].hi)}
	case ir.OpLt, ir.OpGt, ir.OpLe, ir.OpGe, ir.OpEq, ir.OpNe, ir.OpAnd, ir.OpOr, ir.OpNot:
		return ival{0, 1}
	case ir.OpSelect:
		return ival{min(a[1].lo, a[2].lo), max(a[1].hi, a[2].hi)}
	}
	return ivAll
}

// intervals computes the interval of every node of the step's expressions
// from the variables' boxes.
func (gn *qgen) intervals() map[ir.NodeID]ival {
	g, q := gn.g, gn.q
	box := make([]ival, len(gn.vars))
	for vi, v := range gn.vars {
		switch v.op {
		case ir.OpState:
			b := ival{q.prof.stateLo[v.idx], q.prof.stateHi[v.idx]}
			for _, x := range q.pop.Init[v.idx] {
				b.lo, b.hi = min(b.lo, x), max(b.hi, x)
			}
			box[vi] = b
		case ir.OpInput:
			b := ival{0, 0}
			if rows := q.prof.inputs[v.idx]; rows != nil {
				for _, row := range rows {
					for _, x := range row {
						b.lo, b.hi = min(b.lo, x), max(b.hi, x)
					}
				}
			}
			box[vi] = b
		case ir.OpParam:
			p := q.pop.Params[v.idx]
			b := ival{p.Scalar, p.Scalar}
			if p.Vec != nil {
				b = hull(p.Vec...)
			}
			box[vi] = b
		}
	}
	out := map[ir.NodeID]ival{}
	var buf [3]ival
	for _, id := range g.PostOrder(gn.roots()...) {
		n := g.Node(id)
		switch {
		case n.Op == ir.OpConst:
			out[id] = ival{n.Val, n.Val}
		case n.Op.Info().Leaf:
			if vi, ok := gn.varOf[id]; ok {
				out[id] = box[vi]
			} else {
				out[id] = ivAll
			}
		default:
			ar := n.Op.Info().Arity
			for k := 0; k < ar; k++ {
				buf[k] = out[n.Args[k]]
			}
			out[id] = ivOp(n.Op, buf[:ar])
		}
	}
	return out
}
