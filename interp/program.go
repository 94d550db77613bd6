package interp

import (
	"fmt"
	"math"

	"snnc/instance"
	"snnc/ir"
)

// A program evaluates a set of root expressions of one unit's graph for a
// population, array-at-a-time over chunks of neurons.
//
// Compilation classifies every node reachable from the roots:
//
//   - constant: consts, homogeneous params and everything computed from
//     them only — folded once at compile time into the scalar table;
//   - per-step scalar: depends on time but on no per-neuron value —
//     computed once per step (setTime) into the scalar table;
//   - vector: depends on a state, an input or a heterogeneous param —
//     one instruction per node, run over a chunk of neurons at a time.
//
// Vector slots 0 … len(leaves)−1 are views of the population's arrays
// (states, inputs, heterogeneous params) for the current chunk; the
// others are scratch buffers, reused once their value is dead.
type program struct {
	leaves  []leafRef
	nbuf    int       // scratch buffers needed
	code    []instr   // vector code, topologically ordered
	sc      []float64 // scalar table: sc[0] is time
	scode   []sinstr  // per-step scalar code
	outputs []operand // one per root
	isConst []bool    // per scalar slot: compile-time constant
	hasTime bool
}

// leafRef names a per-neuron array of the population.
type leafRef struct {
	kind leafKind
	idx  int
}

type leafKind uint8

const (
	leafState leafKind = iota
	leafInput
	leafParam
)

// sinstr is one per-step scalar instruction.
type sinstr struct {
	op   ir.Op
	dst  int32
	args [3]int32
}

// binding tells the compiler how a population provides leaves.
type binding struct {
	pop        *instance.Pop
	liveInputs []bool // per input: false when nothing ever delivers to it (it is the constant 0)
}

// constOf reports the value of a leaf that is the same constant for every
// neuron: a const, a homogeneous param, an input nothing delivers to (0).
func (b *binding) constOf(n ir.Node) (float64, bool) {
	switch n.Op {
	case ir.OpConst:
		return n.Val, true
	case ir.OpParam:
		if v, ok := b.pop.Param(n.Name); ok && v.Homogeneous() {
			return v.Scalar, true
		}
	case ir.OpInput:
		if i := b.pop.InputIndex(n.Name); i >= 0 && !b.liveInputs[i] {
			return 0, true
		}
	}
	return 0, false
}

// compile builds a program for roots of graph g (a clone of the unit's
// graph, possibly extended with update expressions).
func compile(g *ir.Graph, roots []ir.NodeID, b *binding) (*program, error) {
	p := &program{sc: []float64{0}, isConst: []bool{false}}
	order := g.PostOrder(roots...)
	val := make(map[ir.NodeID]operand, len(order))
	leafSlot := make(map[leafRef]int32)
	constSlot := make(map[uint64]int32) // dedupe constants by bits
	addConst := func(x float64) operand {
		bits := math.Float64bits(x)
		if s, ok := constSlot[bits]; ok {
			return operand{idx: s}
		}
		s := int32(len(p.sc))
		p.sc = append(p.sc, x)
		p.isConst = append(p.isConst, true)
		constSlot[bits] = s
		return operand{idx: s}
	}
	var vecNodes []ir.NodeID // vector nodes in order (for buffer allocation)
	type pending struct {
		op   ir.Op
		args []operand
	}
	vecInstr := make(map[ir.NodeID]pending)
	for _, id := range order {
		n := g.Node(id)
		info := n.Op.Info()
		switch {
		case n.Op == ir.OpConst:
			val[id] = addConst(n.Val)
			continue
		case n.Op == ir.OpTime:
			val[id] = operand{idx: 0}
			p.hasTime = true
			continue
		case n.Op == ir.OpParam:
			v, ok := b.pop.Param(n.Name)
			if !ok {
				return nil, fmt.Errorf("unknown param %q", n.Name)
			}
			if v.Homogeneous() {
				val[id] = addConst(v.Scalar)
				continue
			}
			val[id] = p.leaf(leafSlot, leafRef{leafParam, paramIndex(b.pop, n.Name)})
			continue
		case n.Op == ir.OpState:
			i := b.pop.StateIndex(n.Name)
			if i < 0 {
				return nil, fmt.Errorf("unknown state %q", n.Name)
			}
			val[id] = p.leaf(leafSlot, leafRef{leafState, i})
			continue
		case n.Op == ir.OpInput:
			i := b.pop.InputIndex(n.Name)
			if i < 0 {
				return nil, fmt.Errorf("unknown input %q", n.Name)
			}
			if !b.liveInputs[i] {
				val[id] = addConst(0)
				continue
			}
			val[id] = p.leaf(leafSlot, leafRef{leafInput, i})
			continue
		case info.Leaf || info.Random || info.Eval == nil && n.Op != ir.OpPow:
			return nil, fmt.Errorf("%v cannot be evaluated in a neuron model", n.Op)
		}
		args := make([]operand, info.Arity)
		anyVec, allConst := false, true
		for i := range args {
			args[i] = val[n.Args[i]]
			if args[i].vec {
				anyVec = true
			} else if !p.isConst[args[i].idx] {
				allConst = false
			}
		}
		switch {
		case anyVec:
			vecNodes = append(vecNodes, id)
			vecInstr[id] = pending{n.Op, args}
			val[id] = operand{vec: true, idx: -1} // slot assigned below
		case allConst:
			var buf [3]float64
			for i, a := range args {
				buf[i] = p.sc[a.idx]
			}
			val[id] = addConst(evalOp(n.Op, buf[:info.Arity]))
		default:
			s := int32(len(p.sc))
			p.sc = append(p.sc, 0)
			p.isConst = append(p.isConst, false)
			var si sinstr
			si.op, si.dst = n.Op, s
			for i, a := range args {
				si.args[i] = a.idx
			}
			p.scode = append(p.scode, si)
			val[id] = operand{idx: s}
		}
	}

	// Liveness: the last instruction reading each vector node; roots live
	// to the end.
	pos := make(map[ir.NodeID]int, len(vecNodes))
	for i, id := range vecNodes {
		pos[id] = i
	}
	lastUse := make(map[ir.NodeID]int)
	for i, id := range vecNodes {
		for _, a := range g.Args(id) {
			if _, ok := pos[a]; ok {
				lastUse[a] = i
			}
		}
	}
	for _, r := range roots {
		if _, ok := pos[r]; ok {
			lastUse[r] = len(vecNodes)
		}
	}
	nleaf := int32(len(p.leaves))
	var free []int32
	slotOf := make(map[ir.NodeID]int32)
	resolve := func(id ir.NodeID, o operand) operand {
		if o.vec && o.idx < 0 {
			o.idx = slotOf[id]
		}
		return o
	}
	for i, id := range vecNodes {
		pd := vecInstr[id]
		args := g.Args(id)
		for j := range pd.args {
			pd.args[j] = resolve(args[j], val[args[j]])
		}
		// Free the buffers of arguments whose last use is here, then take
		// a buffer for the result (possibly one just freed: the kernels
		// are safe in place).
		for j, a := range args {
			if lastUse[a] == i && pd.args[j].vec && pd.args[j].idx >= nleaf && !dupBefore(args, j) {
				free = append(free, pd.args[j].idx)
			}
		}
		var dst int32
		if len(free) > 0 {
			dst = free[len(free)-1]
			free = free[:len(free)-1]
		} else {
			dst = nleaf + int32(p.nbuf)
			p.nbuf++
		}
		slotOf[id] = dst
		in := selectKernel(pd.op, pd.args, p.sc, func(s int32) bool { return p.isConst[s] })
		in.dst = dst
		p.code = append(p.code, in)
	}
	for _, r := range roots {
		p.outputs = append(p.outputs, resolve(r, val[r]))
	}
	return p, nil
}

// dupBefore reports whether args[j] also appears at an earlier position
// (so that its buffer is freed once).
func dupBefore(args []ir.NodeID, j int) bool {
	for i := 0; i < j; i++ {
		if args[i] == args[j] {
			return true
		}
	}
	return false
}

func (p *program) leaf(slots map[leafRef]int32, l leafRef) operand {
	if s, ok := slots[l]; ok {
		return operand{vec: true, idx: s}
	}
	s := int32(len(p.leaves))
	p.leaves = append(p.leaves, l)
	slots[l] = s
	return operand{vec: true, idx: s}
}

func paramIndex(p *instance.Pop, name string) int {
	for i, q := range p.Unit.Params {
		if q.Name == name {
			return i
		}
	}
	return -1
}

// setTime recomputes the per-step scalars for time t.
func (p *program) setTime(t float64) {
	p.sc[0] = t
	var buf [3]float64
	for _, si := range p.scode {
		ar := si.op.Info().Arity
		for i := 0; i < ar; i++ {
			buf[i] = p.sc[si.args[i]]
		}
		p.sc[si.dst] = evalOp(si.op, buf[:ar])
	}
}

// slots returns the number of vector slots a chunk context needs.
func (p *program) slots() int { return len(p.leaves) + p.nbuf }

// run evaluates the program for neurons lo ≤ i < hi of the population
// whose arrays are arr. vecs must have room for p.slots() views and bufs
// at least p.nbuf buffers of length ≥ hi−lo.
func (p *program) run(arr *popArrays, lo, hi int, vecs [][]float64, bufs [][]float64) {
	n := hi - lo
	for j, l := range p.leaves {
		vecs[j] = arr.of(l)[lo:hi]
	}
	nl := len(p.leaves)
	for j := 0; j < p.nbuf; j++ {
		vecs[nl+j] = bufs[j][:n]
	}
	for i := range p.code {
		p.code[i].exec(vecs, p.sc, n)
	}
}

// out returns output j after run: a vector view (nil when the output is a
// scalar) and the scalar value.
func (p *program) out(j int, vecs [][]float64) ([]float64, float64) {
	o := p.outputs[j]
	if o.vec {
		return vecs[o.idx], 0
	}
	return nil, p.sc[o.idx]
}

// popArrays are a population's per-neuron arrays.
type popArrays struct {
	states [][]float64
	inputs [][]float64
	params [][]float64 // nil entries for homogeneous params
}

func (a *popArrays) of(l leafRef) []float64 {
	switch l.kind {
	case leafState:
		return a.states[l.idx]
	case leafInput:
		return a.inputs[l.idx]
	}
	return a.params[l.idx]
}
