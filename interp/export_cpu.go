package interp

// Exports for backend/cpu (owner: CPU backend engineer). The CPU program in
// float mode must compute exactly what the interpreter computes, so it
// takes its expressions and folds its constants with the interpreter's own
// functions rather than copies of them.

import (
	"snnc/instance"
	"snnc/ir"
)

// Prepared are a population's expressions as the interpreter compiles them
// (popRT.compile): the method's update formulas built on a clone of the
// unit's graph, then simplified together with the spike condition and the
// reset values (simplify.go), homogeneous params and dead inputs folded.
type Prepared struct {
	G      *ir.Graph
	Update []ir.NodeID // per state (Unit.States order): the value after one step
	Spike  ir.NodeID   // the spike condition, or ir.NoNode
	Reset  []ir.NodeID // per reset assignment (Unit.Reset order)
}

// Prepare returns population p's expressions for a step of length dt;
// liveInputs[i] says whether anything (a projection, a stimulus) delivers
// to input i (a dead input is the constant 0).
func Prepare(p *instance.Pop, dt float64, liveInputs []bool) (*Prepared, error) {
	u := p.Unit
	g := u.G.Clone()
	roots, err := updateRoots(u, g, dt)
	if err != nil {
		return nil, err
	}
	b := &binding{pop: p, liveInputs: liveInputs}
	all := append([]ir.NodeID(nil), roots...)
	if u.Spike != ir.NoNode {
		all = append(all, u.Spike)
	}
	for _, a := range u.Reset {
		all = append(all, a.Value)
	}
	all = simplify(g, all, b.constOf)
	pr := &Prepared{G: g, Update: all[:len(roots)], Spike: ir.NoNode}
	rest := all[len(roots):]
	if u.Spike != ir.NoNode {
		pr.Spike, rest = rest[0], rest[1:]
	}
	pr.Reset = rest
	return pr, nil
}

// PrepareLet returns let i of population p's unit as the interpreter
// evaluates it for a record: a new graph and its root.
func PrepareLet(p *instance.Pop, i int, liveInputs []bool) (*ir.Graph, ir.NodeID) {
	u := p.Unit
	g := u.G.Clone()
	b := &binding{pop: p, liveInputs: liveInputs}
	return g, simplify(g, []ir.NodeID{u.Lets[i].Expr}, b.constOf)[0]
}

// EvalOp evaluates a pure op on scalar arguments exactly as the interpreter
// does (its constant folding, per-step scalars and vector kernels): the IR
// op table's Eval except pow (integer exponents by multiplication), exp and
// exprel (the interpreter's fast exp, fastexp.go).
func EvalOp(op ir.Op, a []float64) float64 { return evalOp(op, a) }
