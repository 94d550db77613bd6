package ir

import (
	"strconv"
	"strings"
)

// This file holds helpers for passes: rewriting every root expression of
// a unit or network, compacting graphs, and an infix formatter for
// messages.

// rootPtrs returns pointers to the unit's root fields, in Roots() order.
func (u *Unit) rootPtrs() []*NodeID {
	var r []*NodeID
	for _, p := range u.Params {
		r = append(r, &p.Default)
	}
	for _, s := range u.States {
		r = append(r, &s.Init)
	}
	for _, l := range u.Lets {
		r = append(r, &l.Expr)
	}
	for _, s := range u.States {
		r = append(r, &s.Tau, &s.Drive, &s.Rate, &s.Deriv)
	}
	r = append(r, &u.Spike)
	for _, a := range u.Reset {
		r = append(r, &a.Value)
	}
	return append(r, &u.Refractory)
}

// rootPtrs returns pointers to the network's root fields, in Roots() order.
func (n *Network) rootPtrs() []*NodeID {
	var r []*NodeID
	for _, p := range n.Pops {
		for _, s := range p.Sets {
			r = append(r, &s.Expr)
		}
	}
	for _, s := range n.Sources {
		r = append(r, &s.Rate)
	}
	for _, p := range n.Projections {
		r = append(r, &p.Weight, &p.Delay)
	}
	return r
}

// Rewrite replaces every root expression e of the unit (those listed by
// Roots, except NoNode) by f(e), in Roots order. Example:
// u.Rewrite(u.G.Fold).
func (u *Unit) Rewrite(f func(NodeID) NodeID) {
	for _, p := range u.rootPtrs() {
		if *p != NoNode {
			*p = f(*p)
		}
	}
}

// Rewrite replaces every root expression e of the network (those listed
// by Roots, except NoNode) by f(e), in Roots order.
func (n *Network) Rewrite(f func(NodeID) NodeID) {
	for _, p := range n.rootPtrs() {
		if *p != NoNode {
			*p = f(*p)
		}
	}
}

// compact rebuilds the graph behind roots with only the reachable nodes,
// numbered in print order (so node ids equal the printed %N).
func compact(g *Graph, roots []*NodeID) *Graph {
	h := NewGraph()
	memo := make(map[NodeID]NodeID)
	seen := make(map[NodeID]bool)
	for _, p := range roots {
		for _, x := range g.postOrder(*p, seen, nil) {
			n := g.nodes[x]
			for i := 0; i < n.Op.Info().Arity; i++ {
				n.Args[i] = memo[n.Args[i]]
			}
			memo[x] = h.add(n)
		}
	}
	for _, p := range roots {
		if g.Valid(*p) {
			*p = memo[*p]
		}
	}
	return h
}

// Compact replaces u.G by a graph holding only the nodes reachable from
// the unit's roots, numbered as Print numbers them. Passes that leave dead
// nodes behind can call it; Print does not need it.
func (u *Unit) Compact() {
	if u.G != nil {
		u.G = compact(u.G, u.rootPtrs())
	}
}

// Compact replaces n.G by a graph holding only the nodes reachable from
// the network's roots, numbered as Print numbers them.
func (n *Network) Compact() {
	if n.G != nil {
		n.G = compact(n.G, n.rootPtrs())
	}
}

// Format returns expression id in infix notation for messages, e.g.
// "gNa * pow(m, 3) * h". Leaves print as their names (params and states
// bare, inputs too), constants with FormatFloat, time as "t", index as
// "i". Shared subexpressions are written out each time they occur.
func (g *Graph) Format(id NodeID) string {
	var b strings.Builder
	g.format(&b, id, 0)
	return b.String()
}

// infix operators: text and precedence (higher binds tighter).
var infix = map[Op]struct {
	text string
	prec int
}{
	OpOr: {" || ", 1}, OpAnd: {" && ", 2},
	OpLt: {" < ", 3}, OpGt: {" > ", 3}, OpLe: {" <= ", 3}, OpGe: {" >= ", 3}, OpEq: {" == ", 3}, OpNe: {" != ", 3},
	OpAdd: {" + ", 4}, OpSub: {" - ", 4},
	OpMul: {" * ", 5}, OpDiv: {" / ", 5},
}

func (g *Graph) format(b *strings.Builder, id NodeID, prec int) {
	if !g.Valid(id) {
		b.WriteString("<bad node " + strconv.Itoa(int(id)) + ">")
		return
	}
	n := g.nodes[id]
	switch n.Op {
	case OpConst:
		s := FormatFloat(n.Val)
		if n.Val < 0 && prec > 0 {
			s = "(" + s + ")"
		}
		b.WriteString(s)
		return
	case OpParam, OpState, OpInput:
		b.WriteString(n.Name)
		return
	case OpTime:
		b.WriteString("t")
		return
	case OpIndex:
		b.WriteString("i")
		return
	case OpNeg:
		if prec > 5 {
			b.WriteString("(")
		}
		b.WriteString("-")
		g.format(b, n.Args[0], 6)
		if prec > 5 {
			b.WriteString(")")
		}
		return
	}
	if op, ok := infix[n.Op]; ok {
		if op.prec < prec {
			b.WriteString("(")
		}
		g.format(b, n.Args[0], op.prec)
		b.WriteString(op.text)
		g.format(b, n.Args[1], op.prec+1) // left-associative
		if op.prec < prec {
			b.WriteString(")")
		}
		return
	}
	b.WriteString(n.Op.String())
	b.WriteString("(")
	for i := 0; i < n.Op.Info().Arity; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		g.format(b, n.Args[i], 0)
	}
	b.WriteString(")")
}

// RK4 returns the classical fourth-order Runge–Kutta step of the states
// named in states, whose derivatives are f (expressions of the states, the
// time and anything else held fixed over the step): for each state
// x + (k1 + 2·k2 + 2·k3 + k4)/6 with k1 = dt·f(x, t), k2 = dt·f(x + k1/2,
// t + dt/2), k3 = dt·f(x + k2/2, t + dt/2), k4 = dt·f(x + k3, t + dt). The
// float interpreter and the fixed-point quantiser both build their rk4
// step with it, node for node.
func (g *Graph) RK4(states []string, f []NodeID, dt float64) []NodeID {
	t := g.Time()
	stage := func(k []NodeID, frac float64) []NodeID {
		repl := map[NodeID]NodeID{t: g.Add(t, g.Const(frac*dt))}
		for i, name := range states {
			x := g.Ref(OpState, name)
			step := k[i]
			if frac != 1 {
				step = g.Mul(k[i], g.Const(frac))
			}
			repl[x] = g.Add(x, step)
		}
		out := make([]NodeID, len(states))
		for i := range states {
			out[i] = g.Mul(g.Const(dt), g.Replace(f[i], repl))
		}
		return out
	}
	k1 := make([]NodeID, len(states))
	for i := range states {
		k1[i] = g.Mul(g.Const(dt), f[i])
	}
	k2 := stage(k1, 0.5)
	k3 := stage(k2, 0.5)
	k4 := stage(k3, 1)
	two := g.Const(2)
	next := make([]NodeID, len(states))
	for i, name := range states {
		sum := g.Add(g.Add(g.Add(k1[i], g.Mul(two, k2[i])), g.Mul(two, k3[i])), k4[i])
		next[i] = g.Add(g.Ref(OpState, name), g.Div(sum, g.Const(6)))
	}
	return next
}
