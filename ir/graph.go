package ir

import (
	"fmt"
	"math"
)

// NodeID identifies a node of one Graph. IDs are dense indices: node i's
// arguments are always less than i.
type NodeID int32

// NoNode marks an absent expression or an unused argument slot.
const NoNode NodeID = -1

// Node is one expression node. Unused argument slots are NoNode.
//
//   - OpConst: Val is the value.
//   - OpParam, OpState, OpInput: Name is the referenced declaration.
//   - OpUniform, OpNormal: Val is a per-graph draw number that only makes
//     distinct draws distinct nodes; it has no other meaning and is not
//     printed.
type Node struct {
	Op   Op
	Args [3]NodeID
	Val  float64
	Name string
}

// NumArgs returns the op's arity.
func (n Node) NumArgs() int { return n.Op.Info().Arity }

// key is the hash-consing key: Val by bit pattern, so -0 and 0 differ.
type key struct {
	op   Op
	args [3]NodeID
	bits uint64
	name string
}

func keyOf(n Node) key { return key{n.Op, n.Args, math.Float64bits(n.Val), n.Name} }

// canonicalNaN is the one bit pattern NaN constants are stored with, so
// that all NaN constants hash-cons to one node (the verifier rejects them).
var canonicalNaN = math.NaN()

// Graph is a hash-consed expression DAG. The zero value is not usable; use
// NewGraph.
type Graph struct {
	nodes []Node
	index map[key]NodeID
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{index: make(map[key]NodeID)} }

// Len returns the number of nodes. Valid ids are 0 … Len()-1.
func (g *Graph) Len() int { return len(g.nodes) }

// Valid reports whether id is a node of g.
func (g *Graph) Valid(id NodeID) bool { return id >= 0 && int(id) < len(g.nodes) }

// Node returns node id. It panics if id is not a node of g.
func (g *Graph) Node(id NodeID) Node {
	if !g.Valid(id) {
		panic(fmt.Sprintf("ir: node id %d out of range (graph has %d nodes)", id, len(g.nodes)))
	}
	return g.nodes[id]
}

// Op returns the op of node id.
func (g *Graph) Op(id NodeID) Op { return g.Node(id).Op }

// Arg returns argument i of node id.
func (g *Graph) Arg(id NodeID, i int) NodeID { return g.Node(id).Args[i] }

// add hash-conses n.
func (g *Graph) add(n Node) NodeID {
	if n.Op.Info().Random {
		// Every random op is its own draw: never shared.
		n.Val = float64(len(g.nodes))
		g.nodes = append(g.nodes, n)
		return NodeID(len(g.nodes) - 1)
	}
	k := keyOf(n)
	if id, ok := g.index[k]; ok {
		return id
	}
	id := NodeID(len(g.nodes))
	g.nodes = append(g.nodes, n)
	g.index[k] = id
	return id
}

// Const returns the constant node with value v (hashed by bit pattern;
// all NaNs are one node).
func (g *Graph) Const(v float64) NodeID {
	if v != v {
		v = canonicalNaN
	}
	return g.add(Node{Op: OpConst, Args: [3]NodeID{NoNode, NoNode, NoNode}, Val: v})
}

// Ref returns a leaf node: OpParam, OpState or OpInput with the given name,
// or OpTime / OpIndex (name must be ""). Other ops panic.
func (g *Graph) Ref(op Op, name string) NodeID {
	switch op {
	case OpParam, OpState, OpInput:
	case OpTime, OpIndex:
		if name != "" {
			panic(fmt.Sprintf("ir: Ref(%v, %q): %v takes no name", op, name, op))
		}
	default:
		panic(fmt.Sprintf("ir: Ref: %v is not a reference op", op))
	}
	return g.add(Node{Op: op, Args: [3]NodeID{NoNode, NoNode, NoNode}, Name: name})
}

// Apply returns the node op(args…), hash-consed: if an equal node exists
// its id is returned. Apply never folds or rewrites. Random ops always make
// a new node. Apply panics (a compiler bug) if op is a leaf, the number of
// arguments is wrong, or an argument is not a node of g.
func (g *Graph) Apply(op Op, args ...NodeID) NodeID {
	info := op.Info()
	if !op.Valid() || info.Leaf {
		panic(fmt.Sprintf("ir: Apply(%v): not an operation; use Const or Ref", op))
	}
	if len(args) != info.Arity {
		panic(fmt.Sprintf("ir: Apply(%v): %d arguments, want %d", op, len(args), info.Arity))
	}
	n := Node{Op: op, Args: [3]NodeID{NoNode, NoNode, NoNode}}
	for i, a := range args {
		if !g.Valid(a) {
			panic(fmt.Sprintf("ir: Apply(%v): argument %d is %d, not a node (graph has %d nodes)", op, i, a, len(g.nodes)))
		}
		n.Args[i] = a
	}
	return g.add(n)
}

// Lookup returns the id of a node equal to n (hash-consing lookup) without
// adding it. Random nodes are found only by identity of their Val.
func (g *Graph) Lookup(n Node) (NodeID, bool) {
	if n.Op.Info().Random {
		id := NodeID(n.Val)
		if float64(id) == n.Val && g.Valid(id) && g.nodes[id] == n {
			return id, true
		}
		return NoNode, false
	}
	id, ok := g.index[keyOf(n)]
	return id, ok
}

// ConstValue returns the value of id if it is a const node.
func (g *Graph) ConstValue(id NodeID) (float64, bool) {
	if !g.Valid(id) || g.nodes[id].Op != OpConst {
		return 0, false
	}
	return g.nodes[id].Val, true
}

// IsConst reports whether id is a const node with value v (bitwise equal,
// except that +0 and -0 both match 0).
func (g *Graph) IsConst(id NodeID, v float64) bool {
	c, ok := g.ConstValue(id)
	return ok && c == v
}

// Clone returns a deep copy of g with the same node ids.
func (g *Graph) Clone() *Graph {
	if g == nil {
		return nil
	}
	h := &Graph{nodes: append([]Node(nil), g.nodes...), index: make(map[key]NodeID, len(g.index))}
	for k, v := range g.index {
		h.index[k] = v
	}
	return h
}

// Args returns the used argument slots of node id.
func (g *Graph) Args(id NodeID) []NodeID {
	n := g.Node(id)
	return n.Args[:n.Op.Info().Arity]
}

// PostOrder returns the nodes reachable from roots, each once, in DFS
// post-order (arguments before users; roots taken in order, arguments left
// to right). NoNode and out-of-range roots are skipped.
func (g *Graph) PostOrder(roots ...NodeID) []NodeID {
	var out []NodeID
	seen := make(map[NodeID]bool)
	for _, r := range roots {
		out = g.postOrder(r, seen, out)
	}
	return out
}

// postOrder appends the not yet seen nodes reachable from root to out.
// It is iterative so that deep expressions cannot overflow the stack.
func (g *Graph) postOrder(root NodeID, seen map[NodeID]bool, out []NodeID) []NodeID {
	if !g.Valid(root) || seen[root] {
		return out
	}
	type frame struct {
		id   NodeID
		next int
	}
	stack := []frame{{root, 0}}
	seen[root] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		n := g.nodes[f.id]
		ar := n.Op.Info().Arity
		pushed := false
		for f.next < ar {
			a := n.Args[f.next]
			f.next++
			if g.Valid(a) && !seen[a] {
				seen[a] = true
				stack = append(stack, frame{a, 0})
				pushed = true
				break
			}
		}
		if !pushed {
			out = append(out, f.id)
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

// Walk calls visit for every node reachable from root, each once, in
// post-order.
func (g *Graph) Walk(root NodeID, visit func(id NodeID, n Node)) {
	for _, id := range g.PostOrder(root) {
		visit(id, g.nodes[id])
	}
}

// Free reports whether any node reachable from id satisfies pred — e.g.
// whether an expression depends on state x:
//
//	g.Free(e, func(n ir.Node) bool { return n.Op == ir.OpState && n.Name == "x" })
func (g *Graph) Free(id NodeID, pred func(n Node) bool) bool {
	for _, x := range g.PostOrder(id) {
		if pred(g.nodes[x]) {
			return true
		}
	}
	return false
}

// References reports whether the expression id contains the leaf
// (op, name), e.g. References(e, OpState, "V").
func (g *Graph) References(id NodeID, op Op, name string) bool {
	return g.Free(id, func(n Node) bool { return n.Op == op && n.Name == name })
}

// Refs returns the distinct leaf nodes other than constants (param, state,
// input, time, index) reachable from roots, in post-order.
func (g *Graph) Refs(roots ...NodeID) []NodeID {
	var out []NodeID
	for _, id := range g.PostOrder(roots...) {
		if op := g.nodes[id].Op; op != OpConst && op.Info().Leaf {
			out = append(out, id)
		}
	}
	return out
}

// Replace rebuilds the expression id with every node that is a key of
// repl replaced by its value (replacements are not themselves rewritten).
// Unchanged subexpressions keep their ids. It returns the new root.
func (g *Graph) Replace(id NodeID, repl map[NodeID]NodeID) NodeID {
	if !g.Valid(id) {
		return id
	}
	memo := make(map[NodeID]NodeID)
	for _, x := range g.PostOrder(id) {
		if r, ok := repl[x]; ok {
			memo[x] = r
			continue
		}
		n := g.nodes[x]
		changed := false
		for i := 0; i < n.Op.Info().Arity; i++ {
			if a := memo[n.Args[i]]; a != n.Args[i] {
				n.Args[i] = a
				changed = true
			}
		}
		if changed {
			memo[x] = g.add(n)
		} else {
			memo[x] = x
		}
	}
	return memo[id]
}

// Substitute rebuilds the expression id with every param, state or input
// reference whose name is a key of sub replaced by sub[name].
func (g *Graph) Substitute(id NodeID, sub map[string]NodeID) NodeID {
	repl := make(map[NodeID]NodeID)
	for _, x := range g.PostOrder(id) {
		n := g.nodes[x]
		if n.Op.IsRef() {
			if r, ok := sub[n.Name]; ok {
				repl[x] = r
			}
		}
	}
	if len(repl) == 0 {
		return id
	}
	return g.Replace(id, repl)
}

// Import copies the expression id of graph src into g and returns its id
// in g. Sharing within the expression is preserved; random draws become
// new draws of g.
func (g *Graph) Import(src *Graph, id NodeID) NodeID {
	if !src.Valid(id) {
		return NoNode
	}
	memo := make(map[NodeID]NodeID)
	for _, x := range src.PostOrder(id) {
		n := src.nodes[x]
		for i := 0; i < n.Op.Info().Arity; i++ {
			n.Args[i] = memo[n.Args[i]]
		}
		memo[x] = g.add(n)
	}
	return memo[id]
}

// Eval computes the value of expression root. Pure ops are evaluated with
// the op table; every other node (param, state, input, time, index and
// random draws) is passed to leaf with its evaluated arguments. Constants
// evaluate to their value. Each node is evaluated once per call, so a
// shared random node is one draw.
func (g *Graph) Eval(root NodeID, leaf func(n Node, args []float64) float64) float64 {
	order := g.PostOrder(root)
	val := make(map[NodeID]float64, len(order))
	var buf [3]float64
	for _, x := range order {
		n := g.nodes[x]
		info := n.Op.Info()
		args := buf[:info.Arity]
		for i := range args {
			args[i] = val[n.Args[i]]
		}
		switch {
		case n.Op == OpConst:
			val[x] = n.Val
		case info.Eval != nil:
			val[x] = info.Eval(args)
		default:
			val[x] = leaf(n, args)
		}
	}
	return val[root]
}

// Fold returns id with every pure subexpression whose arguments are all
// constants replaced by its constant value (bottom-up). Results that are
// NaN or ±Inf are not folded. No algebraic identities are applied.
func (g *Graph) Fold(id NodeID) NodeID {
	if !g.Valid(id) {
		return id
	}
	memo := make(map[NodeID]NodeID)
	var buf [3]float64
	for _, x := range g.PostOrder(id) {
		n := g.nodes[x]
		info := n.Op.Info()
		if info.Leaf {
			memo[x] = x
			continue
		}
		allConst := info.Eval != nil
		changed := false
		for i := 0; i < info.Arity; i++ {
			a := memo[n.Args[i]]
			if a != n.Args[i] {
				n.Args[i] = a
				changed = true
			}
			if c, ok := g.ConstValue(a); ok {
				buf[i] = c
			} else {
				allConst = false
			}
		}
		if allConst {
			if v := info.Eval(buf[:info.Arity]); !math.IsNaN(v) && !math.IsInf(v, 0) {
				memo[x] = g.Const(v)
				continue
			}
		}
		if changed {
			memo[x] = g.add(n)
		} else {
			memo[x] = x
		}
	}
	return memo[id]
}
