package interp

import (
	"math"

	"snnc/ir"
)

// simplify rewrites the expressions roots of g (a private clone of a unit's
// graph) for evaluation, given which leaves are constants for this
// population (consts and homogeneous params: constOf). It returns the new
// roots. The rewrites:
//
//   - constant folding: a pure op of constants becomes a constant (evalOp);
//   - exact identities: x+0, 0+x, x−0, x·1, 1·x, x/1 → x; −(−x) → x;
//     negations absorbed into a neighbour: (−x)·c → x·(−c), (−x)/c → x/(−c),
//     c/(−x) → (−c)/x, a−(−b) → a+b, a+(−b) → a−b, (−a)+b → b−a,
//     −(a−b) → b−a, −(c/x) → (−c)/x, −(x·c) → x·(−c);
//   - division by a constant becomes multiplication by its reciprocal,
//     and c1/(c2/x) becomes (c1/c2)·x. These change results by at most one
//     rounding (about 1 ulp); a division is several times slower than a
//     multiplication.
//
// The only effects besides that rounding are on the sign of zero
// (x + 0 is +0 for x = −0).
func simplify(g *ir.Graph, roots []ir.NodeID, constOf func(n ir.Node) (float64, bool)) []ir.NodeID {
	memo := make(map[ir.NodeID]ir.NodeID)
	out := make([]ir.NodeID, len(roots))
	for i, r := range roots {
		out[i] = simplifyNode(g, r, memo, constOf)
	}
	return out
}

func simplifyNode(g *ir.Graph, root ir.NodeID, memo map[ir.NodeID]ir.NodeID, constOf func(ir.Node) (float64, bool)) ir.NodeID {
	for _, id := range g.PostOrder(root) {
		if _, ok := memo[id]; ok {
			continue
		}
		n := g.Node(id)
		info := n.Op.Info()
		if info.Leaf {
			if v, ok := constOf(n); ok && n.Op != ir.OpConst {
				memo[id] = g.Const(v)
			} else {
				memo[id] = id
			}
			continue
		}
		args := make([]ir.NodeID, info.Arity)
		for i := range args {
			args[i] = memo[n.Args[i]]
		}
		memo[id] = rewrite(g, n.Op, args)
	}
	return memo[root]
}

// rewrite builds op(args) with the rewrites of simplify applied at the top.
func rewrite(g *ir.Graph, op ir.Op, args []ir.NodeID) ir.NodeID {
	info := op.Info()
	// Fold constants.
	if !info.Random && (info.Eval != nil || op == ir.OpPow) {
		var buf [3]float64
		all := true
		for i, a := range args {
			v, ok := g.ConstValue(a)
			if !ok {
				all = false
				break
			}
			buf[i] = v
		}
		if all {
			return g.Const(evalOp(op, buf[:len(args)]))
		}
	}
	isC := func(id ir.NodeID) (float64, bool) { return g.ConstValue(id) }
	neg := func(id ir.NodeID) (ir.NodeID, bool) { // id = −x: x
		if g.Op(id) == ir.OpNeg {
			return g.Arg(id, 0), true
		}
		return 0, false
	}
	switch op {
	case ir.OpAdd:
		a, b := args[0], args[1]
		if g.IsConst(b, 0) {
			return a
		}
		if g.IsConst(a, 0) {
			return b
		}
		if x, ok := neg(b); ok {
			return rewrite(g, ir.OpSub, []ir.NodeID{a, x})
		}
		if x, ok := neg(a); ok {
			return rewrite(g, ir.OpSub, []ir.NodeID{b, x})
		}
	case ir.OpSub:
		a, b := args[0], args[1]
		if g.IsConst(b, 0) {
			return a
		}
		if x, ok := neg(b); ok {
			return rewrite(g, ir.OpAdd, []ir.NodeID{a, x})
		}
	case ir.OpMul:
		a, b := args[0], args[1]
		if _, ok := isC(a); ok {
			a, b = b, a // constant second
		}
		if g.IsConst(b, 1) {
			return a
		}
		if c, ok := isC(b); ok {
			if x, ok := neg(a); ok {
				return rewrite(g, ir.OpMul, []ir.NodeID{x, g.Const(-c)})
			}
		}
		return g.Apply(ir.OpMul, a, b)
	case ir.OpDiv:
		a, b := args[0], args[1]
		if c, ok := isC(b); ok {
			if c == 1 {
				return a
			}
			if r := 1 / c; c != 0 && r != 0 && !math.IsInf(r, 0) && !math.IsNaN(r) {
				return rewrite(g, ir.OpMul, []ir.NodeID{a, g.Const(r)})
			}
		}
		if c, ok := isC(a); ok {
			if x, ok := neg(b); ok {
				return rewrite(g, ir.OpDiv, []ir.NodeID{g.Const(-c), x})
			}
			// c1/(c2/x) = (c1/c2)·x
			if g.Op(b) == ir.OpDiv {
				if c2, ok := isC(g.Arg(b, 0)); ok && c2 != 0 {
					if q := c / c2; q != 0 && !math.IsInf(q, 0) && !math.IsNaN(q) {
						return rewrite(g, ir.OpMul, []ir.NodeID{g.Arg(b, 1), g.Const(q)})
					}
				}
			}
		}
	case ir.OpNeg:
		a := args[0]
		switch g.Op(a) {
		case ir.OpNeg:
			return g.Arg(a, 0)
		case ir.OpSub:
			return rewrite(g, ir.OpSub, []ir.NodeID{g.Arg(a, 1), g.Arg(a, 0)})
		case ir.OpDiv:
			if c, ok := isC(g.Arg(a, 0)); ok {
				return rewrite(g, ir.OpDiv, []ir.NodeID{g.Const(-c), g.Arg(a, 1)})
			}
		case ir.OpMul:
			if c, ok := isC(g.Arg(a, 1)); ok {
				return rewrite(g, ir.OpMul, []ir.NodeID{g.Arg(a, 0), g.Const(-c)})
			}
		}
	}
	return g.Apply(op, args...)
}
