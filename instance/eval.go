package instance

import (
	"fmt"

	"snnc/ir"
)

// expr is one expression of a graph flattened for repeated scalar
// evaluation at instantiation time (per neuron or per synapse): the nodes
// reachable from the root in post-order, with argument slots resolved.
// Pure ops are evaluated with the IR op table; leaves and random draws
// through the caller's environment.
type expr struct {
	g      *ir.Graph
	root   ir.NodeID
	nodes  []ir.Node
	args   [][3]int32 // argument positions in nodes
	random bool       // contains uniform/normal draws
	index  bool       // contains the index leaf
	refs   []string   // names of referenced params and states (unit graphs)
}

// compileExpr flattens root (which must be a node of g).
func compileExpr(g *ir.Graph, root ir.NodeID) *expr {
	e := &expr{g: g, root: root}
	order := g.PostOrder(root)
	pos := make(map[ir.NodeID]int32, len(order))
	for i, id := range order {
		n := g.Node(id)
		pos[id] = int32(i)
		var a [3]int32
		for k := 0; k < n.Op.Info().Arity; k++ {
			a[k] = pos[n.Args[k]]
		}
		e.nodes = append(e.nodes, n)
		e.args = append(e.args, a)
		switch {
		case n.Op.Info().Random:
			e.random = true
		case n.Op == ir.OpIndex:
			e.index = true
		case n.Op == ir.OpParam || n.Op == ir.OpState:
			e.refs = append(e.refs, n.Name)
		}
	}
	return e
}

// env supplies the values of leaves during evaluation.
type env struct {
	index  float64                             // OpIndex
	time   float64                             // OpTime
	leaf   func(op ir.Op, name string) float64 // OpParam, OpState, OpInput
	stream *Stream                             // random draws; nil: random ops are an error
}

// eval computes the expression. buf is scratch space (grown as needed).
func (e *expr) eval(en *env, buf *[]float64) (float64, error) {
	if cap(*buf) < len(e.nodes) {
		*buf = make([]float64, len(e.nodes))
	}
	v := (*buf)[:len(e.nodes)]
	var a [3]float64
	for i, n := range e.nodes {
		info := n.Op.Info()
		for k := 0; k < info.Arity; k++ {
			a[k] = v[e.args[i][k]]
		}
		switch {
		case n.Op == ir.OpConst:
			v[i] = n.Val
		case info.Eval != nil:
			v[i] = info.Eval(a[:info.Arity])
		case n.Op == ir.OpIndex:
			v[i] = en.index
		case n.Op == ir.OpTime:
			v[i] = en.time
		case n.Op.IsRef():
			if en.leaf == nil {
				return 0, fmt.Errorf("%s %q cannot be used here", n.Op, n.Name)
			}
			v[i] = en.leaf(n.Op, n.Name)
		case n.Op == ir.OpUniform:
			if en.stream == nil {
				return 0, fmt.Errorf("uniform() cannot be used here")
			}
			v[i] = a[0] + (a[1]-a[0])*en.stream.Uniform()
		case n.Op == ir.OpNormal:
			if en.stream == nil {
				return 0, fmt.Errorf("normal() cannot be used here")
			}
			v[i] = a[0] + a[1]*en.stream.Normal()
		default:
			panic(fmt.Sprintf("instance: cannot evaluate op %v", n.Op))
		}
	}
	return v[len(v)-1], nil
}

// uniformOver reports whether the expression has the same value for every
// element: no random draws, no index, and every referenced name is in
// homogeneous (a set of names known to be the same for every element).
func (e *expr) uniformOver(homogeneous func(name string) bool) bool {
	if e.random || e.index {
		return false
	}
	for _, r := range e.refs {
		if !homogeneous(r) {
			return false
		}
	}
	return true
}
