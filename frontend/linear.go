package frontend

import (
	"fmt"
	"math"

	"snnc/ir"
)

// This file decides whether x' = f is linear in x — f = A + B·x with A and
// B free of x — and builds the tv-LIF form tau = -1/B, drive = -A/B (or the
// integrator x' = A when B is 0). The decomposition follows the structure
// of f; a few exact algebraic identities keep the result readable
// ((D - x)/T gives tau T and drive D, not -1/(-1/T) and -(D/T)/(-1/T)).

// lin is the decomposition of an expression in one state: A + B·x.
type lin struct {
	a, b   ir.NodeID // ir.NoNode stands for 0
	reason string    // why the expression is not linear, or ""
}

// linearize decomposes f in state x.
func linearize(g *ir.Graph, f ir.NodeID, x string) lin {
	l := &linearizer{g: g, x: x, memo: map[ir.NodeID]lin{}, dep: map[ir.NodeID]bool{}}
	// Which nodes of f depend on x, in one pass (arguments come first).
	for _, id := range g.PostOrder(f) {
		n := g.Node(id)
		d := n.Op == ir.OpState && n.Name == x
		for _, a := range g.Args(id) {
			d = d || l.dep[a]
		}
		l.dep[id] = d
	}
	return l.of(f)
}

type linearizer struct {
	g    *ir.Graph
	x    string
	memo map[ir.NodeID]lin
	dep  map[ir.NodeID]bool // nodes of f that contain x
}

// free reports whether a node of f is free of x.
func (l *linearizer) free(id ir.NodeID) bool { return !l.dep[id] }

func (l *linearizer) of(id ir.NodeID) lin {
	if r, ok := l.memo[id]; ok {
		return r
	}
	r := l.compute(id)
	l.memo[id] = r
	return r
}

func (l *linearizer) compute(id ir.NodeID) lin {
	if l.free(id) {
		return lin{a: id, b: ir.NoNode}
	}
	n := l.g.Node(id)
	s := simp{l.g}
	switch n.Op {
	case ir.OpState: // x itself
		return lin{a: ir.NoNode, b: l.g.Const(1)}
	case ir.OpAdd, ir.OpSub:
		p, q := l.of(n.Args[0]), l.of(n.Args[1])
		if p.reason != "" {
			return p
		}
		if q.reason != "" {
			return q
		}
		if n.Op == ir.OpAdd {
			return lin{a: s.add(p.a, q.a), b: s.add(p.b, q.b)}
		}
		return lin{a: s.sub(p.a, q.a), b: s.sub(p.b, q.b)}
	case ir.OpNeg:
		p := l.of(n.Args[0])
		if p.reason != "" {
			return p
		}
		return lin{a: s.neg(p.a), b: s.neg(p.b)}
	case ir.OpMul:
		p, q := l.of(n.Args[0]), l.of(n.Args[1])
		if p.reason != "" {
			return p
		}
		if q.reason != "" {
			return q
		}
		if p.b != ir.NoNode && q.b != ir.NoNode {
			return lin{reason: fmt.Sprintf("%s is multiplied by an expression that also contains %s", l.x, l.x)}
		}
		if p.b == ir.NoNode { // p is free of x
			return lin{a: s.mul(p.a, q.a), b: s.mul(p.a, q.b)}
		}
		return lin{a: s.mul(p.a, q.a), b: s.mul(p.b, q.a)}
	case ir.OpDiv:
		if !l.free(n.Args[1]) {
			return lin{reason: fmt.Sprintf("%s appears in a denominator", l.x)}
		}
		p := l.of(n.Args[0])
		if p.reason != "" {
			return p
		}
		return lin{a: s.div(p.a, n.Args[1]), b: s.div(p.b, n.Args[1])}
	case ir.OpPow:
		if v, ok := l.g.ConstValue(n.Args[1]); ok && v == 1 {
			return l.of(n.Args[0])
		}
		return lin{reason: fmt.Sprintf("%s is raised to a power", l.x)}
	}
	info := n.Op.Info()
	if info.Cost == ir.CostCmp {
		return lin{reason: fmt.Sprintf("%s appears in a comparison or condition", l.x)}
	}
	return lin{reason: fmt.Sprintf("%s appears inside %s(…)", l.x, n.Op)}
}

// setDynamics sets a state's tv-LIF or integrator form from A + B·x.
func setDynamics(g *ir.Graph, st *ir.State, d lin) {
	s := simp{g}
	a := d.a
	if a == ir.NoNode {
		a = g.Const(0)
	}
	if d.b == ir.NoNode {
		st.SetIntegrator(a)
		return
	}
	// tau = -1/B, drive = -A/B.
	tau := s.div(g.Const(-1), d.b)
	drive := s.div(s.neg(d.a), d.b)
	if drive == ir.NoNode {
		drive = g.Const(0)
	}
	st.SetTVLIF(tau, drive)
}

// simp builds nodes with algebraic identities that hold exactly in real
// arithmetic (they may change round-off, never the value). Arithmetic on
// constants is folded, and a zero result is NoNode, so that a coefficient
// that is zero by construction (0*x, x - x) makes B = 0: an integrator,
// not a tau of -1/0.
type simp struct{ g *ir.Graph }

// fold returns op(a, b) when both are constants and the result is finite
// (NoNode for zero).
func (s simp) fold(op ir.Op, a, b ir.NodeID) (ir.NodeID, bool) {
	x, ok1 := s.g.ConstValue(a)
	y, ok2 := s.g.ConstValue(b)
	if !ok1 || !ok2 {
		return ir.NoNode, false
	}
	v := op.Info().Eval([]float64{x, y})
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ir.NoNode, false
	}
	if v == 0 {
		return ir.NoNode, true
	}
	return s.g.Const(v), true
}

func (s simp) isConst(id ir.NodeID, v float64) bool {
	return id != ir.NoNode && s.g.IsConst(id, v)
}

func (s simp) add(a, b ir.NodeID) ir.NodeID {
	switch {
	case a == ir.NoNode:
		return b
	case b == ir.NoNode:
		return a
	}
	if c, ok := s.fold(ir.OpAdd, a, b); ok {
		return c
	}
	if s.g.Op(b) == ir.OpNeg {
		return s.g.Sub(a, s.g.Arg(b, 0))
	}
	return s.g.Add(a, b)
}

func (s simp) sub(a, b ir.NodeID) ir.NodeID {
	switch {
	case b == ir.NoNode:
		return a
	case a == ir.NoNode:
		return s.neg(b)
	}
	if c, ok := s.fold(ir.OpSub, a, b); ok {
		return c
	}
	if s.g.Op(b) == ir.OpNeg {
		return s.g.Add(a, s.g.Arg(b, 0))
	}
	return s.g.Sub(a, b)
}

func (s simp) neg(a ir.NodeID) ir.NodeID {
	if a == ir.NoNode {
		return a
	}
	if v, ok := s.g.ConstValue(a); ok {
		if v == 0 {
			return ir.NoNode
		}
		return s.g.Const(-v)
	}
	if s.g.Op(a) == ir.OpNeg {
		return s.g.Arg(a, 0)
	}
	return s.g.Neg(a)
}

func (s simp) mul(a, b ir.NodeID) ir.NodeID {
	switch {
	case a == ir.NoNode || b == ir.NoNode || s.isConst(a, 0) || s.isConst(b, 0):
		return ir.NoNode
	case s.isConst(a, 1):
		return b
	case s.isConst(b, 1):
		return a
	case s.isConst(a, -1):
		return s.neg(b)
	case s.isConst(b, -1):
		return s.neg(a)
	}
	if c, ok := s.fold(ir.OpMul, a, b); ok {
		return c
	}
	return s.g.Mul(a, b)
}

func (s simp) div(a, b ir.NodeID) ir.NodeID {
	if a == ir.NoNode || s.isConst(a, 0) {
		return ir.NoNode
	}
	if c, ok := s.fold(ir.OpDiv, a, b); ok {
		return c
	}
	switch {
	case s.isConst(b, 1):
		return a
	case s.isConst(b, -1):
		return s.neg(a)
	}
	// c / (c / t) = t  and  (p / t) / (q / t) = p / q
	if s.g.Op(b) == ir.OpDiv {
		if a == s.g.Arg(b, 0) {
			return s.g.Arg(b, 1)
		}
		if s.g.Op(a) == ir.OpDiv && s.g.Arg(a, 1) == s.g.Arg(b, 1) {
			return s.div(s.g.Arg(a, 0), s.g.Arg(b, 0))
		}
	}
	// (-p) / q = -(p / q)  and  p / (-q) = -(p / q)
	if s.g.Op(a) == ir.OpNeg {
		return s.neg(s.div(s.g.Arg(a, 0), b))
	}
	if s.g.Op(b) == ir.OpNeg {
		return s.neg(s.div(a, s.g.Arg(b, 0)))
	}
	return s.g.Div(a, b)
}
