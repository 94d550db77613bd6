package passes

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"snnc/internal/fixed"
	"snnc/ir"
)

// The general quantiser: one unit (with one population's params) becomes
// an integer update program with lookup tables (docs/fixed-point.md §3, §4,
// §9).

// program quantises the population's unit into an integer program.
func (q *popQuantizer) program() (*fixed.Pop, *PopQuant, map[string]*accTarget, error) {
	u := q.pop.Unit
	gn := &qgen{q: q, u: u, g: u.G.Clone(), W: q.opt.Width, margin: q.opt.Margin,
		b: fixed.NewBuilder(u.Name), luts: map[lutKey]int{}}
	if err := gn.prepare(); err != nil {
		return nil, nil, nil, err
	}
	if err := gn.ranges(); err != nil {
		return nil, nil, nil, err
	}
	if err := gn.generate(); err != nil {
		return nil, nil, nil, err
	}
	prog := allocateTemps(gn.b.P)
	if err := prog.Verify(); err != nil {
		return nil, nil, nil, fmt.Errorf("quantize: generated program is invalid (compiler bug): %w", err)
	}
	return gn.finish(prog)
}

// qvar is a variable of the unit's expressions: a state, a live input or a
// heterogeneous param.
type qvar struct {
	op   ir.Op
	name string
	idx  int // index in Unit.States / Inputs / Params
}

type lutKey struct {
	node ir.NodeID
	over ir.NodeID // the variable node (a leaf or a computed node)
	reg  int       // the register it is read from (formats are per register)
	f    int
}

// fx is a fixed-point value during code generation.
type fx struct {
	isC  bool    // a compile-time constant (cv)
	cv   float64 //
	reg  int     // register holding x_int
	f    int     // x = x_int · 2^−f
	flag bool    // 0 or 1
}

type qgen struct {
	q      *popQuantizer
	u      *ir.Unit
	g      *ir.Graph
	b      *fixed.Builder
	W      int
	margin float64

	dt     float64
	vars   []qvar
	varOf  map[ir.NodeID]int // leaf node → index in vars
	next   []ir.NodeID       // per state: the value after one step
	cond   ir.NodeID
	resets []ir.NodeID // values, per u.Reset
	live   []bool      // per input: something is delivered to it
	jumped []bool      // per state: a projection jumps it

	// Recorded lets (docs/fixed-point.md §3.4): per let in q.lets, its
	// expression, and the register its record reads (its own, or the state
	// or accumulator it is an alias of); letF its fraction bits.
	letRoot  []ir.NodeID
	letR     []int
	letF     []int
	letAlias []bool
	// Ranges of the let's nodes at the sampling points (states after a
	// step with the inputs that step used), merged with the step's.
	letLo, letHi map[ir.NodeID]float64
	// memoAfterStep: memo holds values over the registers as the step
	// leaves them (the spike condition's, when no reset follows it).
	memoAfterStep bool

	lo, hi  map[ir.NodeID]float64 // observed range per node (profiling samples)
	iv      map[ir.NodeID]ival    // interval arithmetic per node
	varMask map[ir.NodeID]uint64
	nonpoly map[ir.NodeID]bool

	stateF  []int // per state: fraction bits of its storage
	stateR  []int // per state: its register
	inputF  []int // per input: fraction bits the program reads it with
	inputR  []int // per input: accumulator register, or -1
	inputK  []int // per input: the accumulator holds inputF − inputK fraction bits (accShift)
	jumpR   []int // per state: jump accumulator register, or -1
	jumpK   []int // per state: its jump accumulator holds stateF − jumpK fraction bits
	paramR  []int // per param: register when heterogeneous, or -1
	paramF  []int
	prevR   int
	refR    int
	refrR   int // per-neuron refractory param, or -1
	refImm  int64
	hasRef  bool
	bind    map[ir.NodeID]fx // leaf bindings of the current context
	memo    map[ir.NodeID]fx
	luts    map[lutKey]int
	lutRep  []*LUTQuant
	ntemp   int
	initLo  []float64
	initHi  []float64
	accGain []float64
}

// prepare substitutes homogeneous params, builds the step's expressions
// (next values, spike condition, reset values) and the variable table.
func (gn *qgen) prepare() error {
	u, q, g := gn.u, gn.q, gn.g
	gn.dt = q.inst.Dt
	sub := map[string]ir.NodeID{}
	for i, p := range u.Params {
		if v := q.pop.Params[i]; v.Homogeneous() {
			sub[p.Name] = g.Const(v.Scalar)
		}
	}
	gn.live = make([]bool, len(u.Inputs))
	gn.jumped = make([]bool, len(u.States))
	for _, p := range q.inst.Projections {
		if p.Dst != q.idx {
			continue
		}
		if p.TargetState {
			gn.jumped[p.TargetIndex] = true
		} else {
			gn.live[p.TargetIndex] = true
		}
	}
	for _, s := range q.inst.Stimuli {
		if s.Pop == q.idx {
			gn.live[s.InputIndex] = true
		}
	}
	for i, in := range u.Inputs {
		if !gn.live[i] {
			sub[in.Name] = g.Const(0)
		}
	}
	prep := func(id ir.NodeID) ir.NodeID {
		if id == ir.NoNode {
			return id
		}
		return dropZeroTime(g, g.Fold(g.Substitute(id, sub)), q.inst.Dt, q.inst.Steps)
	}
	dt := gn.dt
	var rk4 []ir.NodeID
	if u.Method == ir.RK4 {
		var err error
		if rk4, err = rk4Next(u, g, prep, dt); err != nil {
			return err
		}
	}
	for i, s := range u.States {
		x := g.Ref(ir.OpState, s.Name)
		var nx ir.NodeID
		switch {
		case u.Method == ir.ExpEuler && s.Kind == ir.TVLIF:
			tau, drive := prep(s.Tau), prep(s.Drive)
			y := g.Fold(monoDiv(g, g.Const(-dt), tau)) // B·dt
			a := g.Fold(monoDiv(g, drive, tau))        // A
			if yc, ok := g.ConstValue(y); ok {
				e := math.Exp(yc)
				nx = g.Mul(x, g.Const(e))
				if !g.IsConst(a, 0) {
					nx = g.Add(nx, g.Mul(a, g.Const(dt*ir.Exprel(yc))))
				}
			} else {
				nx = g.Mul(x, g.Exp(y))
				if !g.IsConst(a, 0) {
					nx = g.Add(nx, g.Mul(g.Mul(a, g.Const(dt)), g.Exprel(y)))
				}
			}
		case u.Method == ir.ExpEuler && s.Kind == ir.Integrator,
			u.Method == ir.Euler && s.Kind == ir.Integrator:
			nx = g.Add(x, g.Mul(prep(s.Rate), g.Const(dt)))
		case u.Method == ir.Euler && s.Kind == ir.TVLIF:
			nx = g.Add(x, g.Mul(g.Div(g.Sub(prep(s.Drive), x), prep(s.Tau)), g.Const(dt)))
		case u.Method == ir.Euler && s.Kind == ir.General:
			nx = g.Add(x, g.Mul(prep(s.Deriv), g.Const(dt)))
		case u.Method == ir.RK4:
			nx = rk4[i]
		default:
			return fmt.Errorf("state %s: %v dynamics under %v cannot be quantised", s.Name, s.Kind, u.Method)
		}
		gn.next = append(gn.next, g.Fold(nx))
	}
	gn.cond = prep(u.Spike)
	for _, a := range u.Reset {
		gn.resets = append(gn.resets, prep(a.Value))
	}
	for _, li := range q.lets {
		l := u.Lets[li]
		r := prep(l.Expr)
		if g.Free(r, func(n ir.Node) bool { return n.Op == ir.OpTime }) {
			return fmt.Errorf("record %s.%s: the let %s uses the time t, which fixed-point programs do not have; record the states it is computed from instead", q.pop.Name, l.Name, l.Name)
		}
		gn.letRoot = append(gn.letRoot, r)
	}
	// Variables.
	gn.varOf = map[ir.NodeID]int{}
	for i, s := range u.States {
		gn.varOf[g.Ref(ir.OpState, s.Name)] = len(gn.vars)
		gn.vars = append(gn.vars, qvar{ir.OpState, s.Name, i})
	}
	for i, in := range u.Inputs {
		if gn.live[i] {
			gn.varOf[g.Ref(ir.OpInput, in.Name)] = len(gn.vars)
			gn.vars = append(gn.vars, qvar{ir.OpInput, in.Name, i})
		}
	}
	for i, p := range u.Params {
		if !q.pop.Params[i].Homogeneous() {
			gn.varOf[g.Ref(ir.OpParam, p.Name)] = len(gn.vars)
			gn.vars = append(gn.vars, qvar{ir.OpParam, p.Name, i})
		}
	}
	if len(gn.vars) > 64 {
		return fmt.Errorf("more than 64 variables")
	}
	for _, r := range gn.roots() {
		if g.Free(r, func(n ir.Node) bool { return n.Op == ir.OpTime }) {
			return fmt.Errorf("expressions that use time are not supported in fixed point")
		}
	}
	// Variable masks and non-polynomial flags.
	gn.varMask = map[ir.NodeID]uint64{}
	gn.nonpoly = map[ir.NodeID]bool{}
	for _, id := range g.PostOrder(gn.roots()...) {
		n := g.Node(id)
		var m uint64
		np := false
		if v, ok := gn.varOf[id]; ok {
			m = 1 << uint(v)
		}
		for _, a := range g.Args(id) {
			m |= gn.varMask[a]
			np = np || gn.nonpoly[a]
		}
		switch n.Op {
		case ir.OpExp, ir.OpLog, ir.OpSqrt, ir.OpSin, ir.OpCos, ir.OpTanh, ir.OpExprel:
			np = true
		case ir.OpDiv:
			if _, ok := g.ConstValue(n.Args[1]); !ok {
				np = true
			}
		case ir.OpPow:
			if k, ok := g.ConstValue(n.Args[1]); !ok || k != math.Trunc(k) || k < 0 || k > 8 {
				np = true
			}
		}
		gn.varMask[id] = m
		gn.nonpoly[id] = np
	}
	return nil
}

// dropZeroTime replaces by 0 every product of the constant 0 and an
// expression of time alone that is finite at every time the run evaluates
// it: such a term is exactly 0 in the float interpreter at every step, and
// fixed point has no time. The expression may use t, constants and + − ×,
// division by a nonzero constant, small integer powers, abs, min, max,
// sin, cos and tanh, and its value is checked to be finite at every
// k·dt/2 of the run (rk4 evaluates at half steps). (features.snn writes
// `t / tau0^2 * 0`.)
func dropZeroTime(g *ir.Graph, id ir.NodeID, dt float64, steps int64) ir.NodeID {
	if id == ir.NoNode || !g.Free(id, func(n ir.Node) bool { return n.Op == ir.OpTime }) {
		return id
	}
	timeOnly := func(a ir.NodeID) bool {
		hasT := false
		for _, x := range g.PostOrder(a) {
			n := g.Node(x)
			switch n.Op {
			case ir.OpTime:
				hasT = true
			case ir.OpConst, ir.OpAdd, ir.OpSub, ir.OpMul, ir.OpNeg, ir.OpAbs, ir.OpMin, ir.OpMax,
				ir.OpSin, ir.OpCos, ir.OpTanh:
			case ir.OpDiv:
				if c, ok := g.ConstValue(n.Args[1]); !ok || c == 0 {
					return false
				}
			case ir.OpPow:
				if k, ok := g.ConstValue(n.Args[1]); !ok || k != math.Trunc(k) || k < 0 || k > 8 {
					return false
				}
			default:
				return false
			}
		}
		if !hasT {
			return false
		}
		ce := compileQ(g, a)
		tSlot, root := ce.pos[g.Time()], ce.pos[a]
		for k := int64(0); k <= 2*steps; k++ {
			tk := float64(k) * dt / 2
			ce.run(func(slot int) (float64, bool) { return tk, slot == tSlot })
			if v := ce.vals[root]; math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return true
	}
	repl := map[ir.NodeID]ir.NodeID{}
	for _, x := range g.PostOrder(id) {
		n := g.Node(x)
		if n.Op != ir.OpMul {
			continue
		}
		if (g.IsConst(n.Args[1], 0) && timeOnly(n.Args[0])) || (g.IsConst(n.Args[0], 0) && timeOnly(n.Args[1])) {
			repl[x] = g.Const(0)
		}
	}
	if len(repl) == 0 {
		return id
	}
	return g.Fold(g.Replace(id, repl))
}

// rk4Next returns, per state of u, its value after one classical
// Runge–Kutta step of length dt, built exactly as the float interpreter
// builds it (interp/methods.go, Brian2's rk4):
//
//	k1 = dt·f(x, t), k2 = dt·f(x + k1·0.5, t + dt/2),
//	k3 = dt·f(x + k2·0.5, t + dt/2), k4 = dt·f(x + k3, t + dt),
//	x + (k1 + 2·k2 + 2·k3 + k4)/6
//
// over all the unit's states together (each stage substitutes every state),
// with f = (drive − x)/tau, rate or deriv by the state's kind and the inputs
// held at their value for the step in every stage. prep substitutes the
// homogeneous params and the dead inputs. The result is an ordinary
// expression graph: ranges, formats and tables treat it like any other.
func rk4Next(u *ir.Unit, g *ir.Graph, prep func(ir.NodeID) ir.NodeID, dt float64) ([]ir.NodeID, error) {
	f := make([]ir.NodeID, len(u.States))
	for i, s := range u.States {
		x := g.Ref(ir.OpState, s.Name)
		switch s.Kind {
		case ir.TVLIF:
			if s.Tau == ir.NoNode || s.Drive == ir.NoNode {
				return nil, fmt.Errorf("state %s has no tau/drive expression", s.Name)
			}
			f[i] = g.Div(g.Sub(prep(s.Drive), x), prep(s.Tau))
		case ir.Integrator:
			if s.Rate == ir.NoNode {
				return nil, fmt.Errorf("state %s has no rate expression", s.Name)
			}
			f[i] = prep(s.Rate)
		case ir.General:
			if s.Deriv == ir.NoNode {
				return nil, fmt.Errorf("state %s has no deriv expression", s.Name)
			}
			f[i] = prep(s.Deriv)
		default:
			return nil, fmt.Errorf("state %s: unknown kind %v", s.Name, s.Kind)
		}
	}
	names := make([]string, len(u.States))
	for i, s := range u.States {
		names[i] = s.Name
	}
	return g.RK4(names, f, dt), nil
}

func (gn *qgen) roots() []ir.NodeID {
	r := append([]ir.NodeID{}, gn.next...)
	if gn.cond != ir.NoNode {
		r = append(r, gn.cond)
	}
	r = append(r, gn.resets...)
	// The recorded lets last: a node's range and interval depend only on
	// its own subtree, so they leave the step's nodes as they were.
	return append(r, gn.letRoot...)
}

// monoDiv returns a/b with common factors cancelled: both are flattened
// into c·Π fᵢ^eᵢ over their non-product subexpressions (so drive/tau of a
// tv-LIF built as -A/B and -1/B gives A back).
func monoDiv(g *ir.Graph, a, b ir.NodeID) ir.NodeID {
	ma, mb := monoOf(g, a), monoOf(g, b)
	if mb.c == 0 {
		return g.Div(a, b)
	}
	f := map[ir.NodeID]int{}
	for k, e := range ma.f {
		f[k] += e
	}
	for k, e := range mb.f {
		f[k] -= e
	}
	return buildMono(g, ma.c/mb.c, f)
}

type mono struct {
	c float64
	f map[ir.NodeID]int
}

func monoOf(g *ir.Graph, id ir.NodeID) mono {
	n := g.Node(id)
	switch n.Op {
	case ir.OpConst:
		return mono{c: n.Val, f: map[ir.NodeID]int{}}
	case ir.OpNeg:
		m := monoOf(g, n.Args[0])
		m.c = -m.c
		return m
	case ir.OpMul, ir.OpDiv:
		a, b := monoOf(g, n.Args[0]), monoOf(g, n.Args[1])
		if n.Op == ir.OpDiv {
			if b.c == 0 {
				break
			}
			a.c /= b.c
			for k, e := range b.f {
				a.f[k] -= e
			}
		} else {
			a.c *= b.c
			for k, e := range b.f {
				a.f[k] += e
			}
		}
		return a
	case ir.OpPow:
		if k, ok := g.ConstValue(n.Args[1]); ok && k == math.Trunc(k) && math.Abs(k) <= 8 {
			m := monoOf(g, n.Args[0])
			m.c = math.Pow(m.c, k)
			for f, e := range m.f {
				m.f[f] = e * int(k)
			}
			return m
		}
	}
	return mono{c: 1, f: map[ir.NodeID]int{id: 1}}
}

func buildMono(g *ir.Graph, c float64, f map[ir.NodeID]int) ir.NodeID {
	var keys []ir.NodeID
	for k, e := range f {
		if e != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	num, den := ir.NoNode, ir.NoNode
	mul := func(acc, x ir.NodeID) ir.NodeID {
		if acc == ir.NoNode {
			return x
		}
		return g.Mul(acc, x)
	}
	for _, k := range keys {
		e := f[k]
		x := k
		if e > 1 || e < -1 {
			ae := e
			if ae < 0 {
				ae = -ae
			}
			x = g.Pow(k, g.Const(float64(ae)))
		}
		if e > 0 {
			num = mul(num, x)
		} else {
			den = mul(den, x)
		}
	}
	var out ir.NodeID
	switch {
	case num == ir.NoNode:
		out = g.Const(c)
	case c == 1:
		out = num
	case c == -1:
		out = g.Neg(num)
	default:
		out = g.Mul(g.Const(c), num)
	}
	if den != ir.NoNode {
		out = g.Div(out, den)
	}
	return out
}

// ---- ranges ----

// ranges evaluates every node of the step's expressions on the profiling
// samples (each a recorded neuron at one step: its states then, the input
// it received in that step, its params) and records the observed range.
func (gn *qgen) ranges() error {
	q := gn.q
	pp := q.prof
	sm := gn.newSampler(gn.roots()...)
	ce := sm.ce
	lo := make([]float64, len(ce.order))
	hi := make([]float64, len(ce.order))
	for i := range lo {
		lo[i], hi[i] = math.Inf(1), math.Inf(-1)
	}
	nsamp := 0
	if len(pp.states) > 0 && pp.states[0] != nil {
		nsamp = len(pp.states[0])
	}
	total := nsamp * pp.n
	stride := max(1, total/60000)
	evalSample := func(s, j int) {
		sm.eval(s, j, 1) // the input received in step s: recorded at s+1
		for i, x := range ce.vals {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				lo[i], hi[i] = min(lo[i], x), max(hi[i], x)
			}
		}
	}
	for idx := 0; idx < total; idx += stride {
		evalSample(idx/pp.n, idx%pp.n)
	}
	// Always include the extreme samples of every state.
	for _, rows := range pp.states {
		var amin, amax [2]int
		vmin, vmax := math.Inf(1), math.Inf(-1)
		for s, row := range rows {
			for j, x := range row {
				if x < vmin {
					vmin, amin = x, [2]int{s, j}
				}
				if x > vmax {
					vmax, amax = x, [2]int{s, j}
				}
			}
		}
		if len(rows) > 0 {
			evalSample(amin[0], amin[1])
			evalSample(amax[0], amax[1])
		}
	}
	gn.iv = gn.intervals()
	gn.lo, gn.hi = map[ir.NodeID]float64{}, map[ir.NodeID]float64{}
	for i, id := range ce.order {
		gn.lo[id], gn.hi[id] = lo[i], hi[i]
	}
	gn.letRanges(nsamp, stride)
	return nil
}

// sampler evaluates compiled expressions at the profiling samples.
type sampler struct {
	gn      *qgen
	ce      *qexpr
	slotVar []int // slot → variable index, or -1
	leafVal []float64
	set     func(slot int) (float64, bool)
}

func (gn *qgen) newSampler(roots ...ir.NodeID) *sampler {
	sm := &sampler{gn: gn, ce: compileQ(gn.g, roots...), leafVal: make([]float64, len(gn.vars))}
	sm.slotVar = make([]int, len(sm.ce.order))
	for i, id := range sm.ce.order {
		sm.slotVar[i] = -1
		if vi, ok := gn.varOf[id]; ok {
			sm.slotVar[i] = vi
		}
	}
	sm.set = func(slot int) (float64, bool) {
		if vi := sm.slotVar[slot]; vi >= 0 {
			return sm.leafVal[vi], true
		}
		return 0, false
	}
	return sm
}

// eval evaluates every node at sample s (a step boundary) of neuron j:
// its states recorded at s, its inputs recorded at s+inOff (0 past the
// end), its params; the values are in sm.ce.vals.
func (sm *sampler) eval(s, j, inOff int) {
	gn := sm.gn
	pp := gn.q.prof
	for vi, v := range gn.vars {
		switch v.op {
		case ir.OpState:
			sm.leafVal[vi] = pp.states[v.idx][s][j]
		case ir.OpInput:
			x := 0.0
			if in := pp.inputs[v.idx]; in != nil && s+inOff < len(in) {
				x = in[s+inOff][j]
			}
			sm.leafVal[vi] = x
		case ir.OpParam:
			sm.leafVal[vi] = gn.q.pop.Params[v.idx].At(j)
		}
	}
	sm.ce.run(sm.set)
}

// letRanges evaluates the recorded lets where they are sampled: at step
// boundary s, over the states then (after step s−1, resets included) and
// the inputs step s−1 used (0 at s = 0), as the float interpreter records
// a let (docs/simulator.md, "Record"). letLo/letHi are these ranges
// merged with the step's (the let's nodes may be shared with it).
func (gn *qgen) letRanges(nsamp, stride int) {
	if len(gn.letRoot) == 0 {
		return
	}
	q, pp := gn.q, gn.q.prof
	gn.letLo, gn.letHi = map[ir.NodeID]float64{}, map[ir.NodeID]float64{}
	for id, x := range gn.lo {
		gn.letLo[id] = x
	}
	for id, x := range gn.hi {
		gn.letHi[id] = x
	}
	for k, li := range q.lets {
		r := gn.letRoot[k]
		for _, row := range pp.lets[li] {
			for _, x := range row {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					continue
				}
				if lo, ok := gn.letLo[r]; !ok || x < lo {
					gn.letLo[r] = x
				}
				if hi, ok := gn.letHi[r]; !ok || x > hi {
					gn.letHi[r] = x
				}
			}
		}
	}
	sm := gn.newSampler(gn.letRoot...)
	ce := sm.ce
	total := nsamp * pp.n
	for idx := 0; idx < total; idx += stride {
		sm.eval(idx/pp.n, idx%pp.n, 0) // the inputs step s−1 used: recorded at s
		for i, x := range ce.vals {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			id := ce.order[i]
			if lo, ok := gn.letLo[id]; !ok || x < lo {
				gn.letLo[id] = x
			}
			if hi, ok := gn.letHi[id]; !ok || x > hi {
				gn.letHi[id] = x
			}
		}
	}
}

// withLetRanges runs f with the ranges of the lets' sampling points in
// place of the step's.
func (gn *qgen) withLetRanges(f func() error) error {
	lo, hi := gn.lo, gn.hi
	gn.lo, gn.hi = gn.letLo, gn.letHi
	defer func() { gn.lo, gn.hi = lo, hi }()
	return f()
}

// qevalOp evaluates a pure op as the float interpreter does (pow of a small
// integer exponent by multiplication).
func qevalOp(op ir.Op, a []float64) float64 {
	if op == ir.OpPow {
		if n := int(a[1]); float64(n) == a[1] && n >= 0 && n <= 16 {
			r := 1.0
			if n > 0 {
				r = a[0]
				for i := 1; i < n; i++ {
					r *= a[0]
				}
			}
			return r
		}
		return math.Pow(a[0], a[1])
	}
	return op.Info().Eval(a)
}

// qexpr is a compiled float evaluator of one or more roots, with slots
// in post-order.
type qexpr struct {
	order []ir.NodeID
	pos   map[ir.NodeID]int
	ops   []ir.Op
	val0  []float64 // constants (and NaN for leaves)
	args  [][3]int32
	ar    []int8
	vals  []float64
}

func compileQ(g *ir.Graph, roots ...ir.NodeID) *qexpr {
	e := &qexpr{order: g.PostOrder(roots...), pos: map[ir.NodeID]int{}}
	for i, id := range e.order {
		e.pos[id] = i
	}
	for _, id := range e.order {
		n := g.Node(id)
		e.ops = append(e.ops, n.Op)
		v := math.NaN()
		if n.Op == ir.OpConst {
			v = n.Val
		}
		e.val0 = append(e.val0, v)
		var a [3]int32
		ar := n.Op.Info().Arity
		for k := 0; k < ar; k++ {
			a[k] = int32(e.pos[n.Args[k]])
		}
		e.args = append(e.args, a)
		e.ar = append(e.ar, int8(ar))
	}
	e.vals = make([]float64, len(e.order))
	return e
}

// run evaluates every slot; set gives the values of leaves (and of any
// slot it overrides: set is called before a slot is computed and returns
// ok to use its value).
func (e *qexpr) run(set func(slot int) (float64, bool)) {
	var a [3]float64
	for i, op := range e.ops {
		if set != nil {
			if v, ok := set(i); ok {
				e.vals[i] = v
				continue
			}
		}
		if op == ir.OpConst || op.Info().Leaf {
			e.vals[i] = e.val0[i]
			continue
		}
		ar := int(e.ar[i])
		for k := 0; k < ar; k++ {
			a[k] = e.vals[e.args[i][k]]
		}
		e.vals[i] = qevalOp(op, a[:ar])
	}
}

// qeval evaluates expression root (order: its post-order); leaf gives the
// value of a leaf, and may also override any other node (ok true).
func qeval(g *ir.Graph, order []ir.NodeID, root ir.NodeID, leaf func(id ir.NodeID) (float64, bool)) float64 {
	val := make(map[ir.NodeID]float64, len(order))
	for _, id := range order {
		if v, ok := leaf(id); ok {
			val[id] = v
			continue
		}
		n := g.Node(id)
		switch {
		case n.Op == ir.OpConst:
			val[id] = n.Val
		case n.Op.Info().Leaf:
			val[id] = math.NaN()
		default:
			var a [3]float64
			ar := n.Op.Info().Arity
			for k := 0; k < ar; k++ {
				a[k] = val[n.Args[k]]
			}
			val[id] = qevalOp(n.Op, a[:ar])
		}
	}
	return val[root]
}

// magnitude returns the largest |value| the format of node id must hold:
// the observed range times the margin, widened to the node's interval
// (interval arithmetic over the variables' boxes) when that is finite and
// at most intervalCap times larger.
func (gn *qgen) magnitude(id ir.NodeID) float64 {
	lo, hi := gn.lo[id], gn.hi[id]
	m := 0.0
	if !math.IsInf(lo, 1) {
		m = gn.margin * max(math.Abs(lo), math.Abs(hi))
	}
	if iv, ok := gn.iv[id]; ok && iv.finite() {
		if im := iv.mag(); im > m && (m == 0 || im <= intervalCap*m) {
			m = im
		}
	}
	return m
}

// fracFor returns the fraction bits of a value of magnitude up to m in a
// W-bit word with one spare bit: |x_int| ≤ 2^(W−2).
func (gn *qgen) fracFor(m float64) int {
	if !(m > 0) || math.IsInf(m, 0) {
		return gn.W - 2
	}
	_, e := math.Frexp(m) // m = fr·2^e, fr in [0.5, 1)
	return gn.W - 2 - e
}

func (gn *qgen) fracOf(id ir.NodeID) int { return gn.fracFor(gn.magnitude(id)) }

// ---- code generation ----

func (gn *qgen) temp() int {
	for {
		gn.ntemp++
		if name := fmt.Sprintf("v%d", gn.ntemp); gn.b.P.Reg(name) < 0 { // not a state's or param's name
			return gn.b.AddReg(name, fixed.RegTemp, fixed.I64, "")
		}
	}
}

// imm returns constant c at f fraction bits.
func imm(c float64, f int) fixed.Operand { return fixed.Imm(fixed.RoundHalfAway(math.Ldexp(c, f))) }

// opnd returns x as an operand at f fraction bits, converting if needed.
func (gn *qgen) opnd(x fx, f int) fixed.Operand {
	if x.isC {
		return imm(x.cv, f)
	}
	return fixed.R(gn.convert(x, f).reg)
}

// convert returns x at f fraction bits.
func (gn *qgen) convert(x fx, f int) fx {
	if x.isC {
		t := gn.temp()
		gn.b.Emit(fixed.OpMov, t, imm(x.cv, f))
		return fx{reg: t, f: f}
	}
	if x.f == f {
		return x
	}
	t := gn.temp()
	if x.f > f {
		sh := x.f - f
		if sh > 62 {
			gn.b.Emit(fixed.OpMov, t, fixed.Imm(0))
		} else {
			gn.b.EmitR(fixed.OpShr, fixed.HalfUp, t, fixed.R(x.reg), fixed.Imm(int64(sh)))
		}
	} else {
		gn.b.Emit(fixed.OpShl, t, fixed.R(x.reg), fixed.Imm(int64(min(f-x.f, 62))))
	}
	return fx{reg: t, f: f}
}

// asFlag returns x as a 0/1 register.
func (gn *qgen) asFlag(x fx) fx {
	if x.flag {
		return x
	}
	t := gn.temp()
	if x.isC {
		v := int64(0)
		if x.cv != 0 {
			v = 1
		}
		gn.b.Emit(fixed.OpMov, t, fixed.Imm(v))
	} else {
		gn.b.Emit(fixed.OpNe, t, fixed.R(x.reg), fixed.Imm(0))
	}
	return fx{reg: t, flag: true}
}

// mulShift emits dst = round(a·b >> sh) for any sh, with a, b registers
// or immediates.
func (gn *qgen) mulShift(a, b fixed.Operand, sh int) int {
	t := gn.temp()
	switch {
	case sh < 0:
		gn.b.Emit(fixed.OpMul, t, a, b)
		gn.b.Emit(fixed.OpShl, t, fixed.R(t), fixed.Imm(int64(-sh)))
	case sh > 62:
		if a.Imm {
			a, b = b, a
		}
		t0 := gn.temp()
		gn.b.EmitR(fixed.OpShr, fixed.HalfUp, t0, a, fixed.Imm(int64(sh-62)))
		gn.b.EmitR(fixed.OpMulSh, fixed.HalfUp, t, fixed.R(t0), b, fixed.Imm(62))
	default:
		gn.b.EmitR(fixed.OpMulSh, fixed.HalfUp, t, a, b, fixed.Imm(int64(sh)))
	}
	return t
}

// constFrac returns the fraction bits for a constant multiplier c.
func (gn *qgen) constFrac(c float64) int {
	_, e := math.Frexp(math.Abs(c))
	return gn.W - 2 - e
}

// mulConst returns x·c at f fraction bits.
func (gn *qgen) mulConst(x fx, c float64, f int) fx {
	if c == 0 {
		return fx{isC: true}
	}
	if c == 1 {
		return gn.convert(x, f)
	}
	if c == -1 {
		y := gn.convert(x, f)
		t := gn.temp()
		gn.b.Emit(fixed.OpNeg, t, fixed.R(y.reg))
		return fx{reg: t, f: f}
	}
	fc := gn.constFrac(c)
	sh := x.f + fc - f
	if sh > 62 {
		fc -= sh - 62
		sh = 62
	}
	return fx{reg: gn.mulShift(fixed.R(x.reg), imm(c, fc), sh), f: f}
}

// gen returns the value of node id in the current context.
func (gn *qgen) gen(id ir.NodeID) (fx, error) {
	if v, ok := gn.memo[id]; ok {
		return v, nil
	}
	v, err := gn.compute(id)
	if err != nil {
		return fx{}, err
	}
	gn.memo[id] = v
	return v, nil
}

func (gn *qgen) compute(id ir.NodeID) (fx, error) {
	g := gn.g
	n := g.Node(id)
	if n.Op == ir.OpConst {
		return fx{isC: true, cv: n.Val}, nil
	}
	if n.Op.IsRef() {
		v, ok := gn.bind[id]
		if !ok {
			return fx{}, fmt.Errorf("quantize: %s %s has no register (compiler bug)", n.Op, n.Name)
		}
		return v, nil
	}
	// A function of one variable that needs more than + − ×: a table.
	if m := gn.varMask[id]; gn.nonpoly[id] && bits.OnesCount64(m) == 1 {
		vi := bits.TrailingZeros64(m)
		var over ir.NodeID
		for nid, i := range gn.varOf {
			if i == vi {
				over = nid
			}
		}
		x, err := gn.gen(over)
		if err != nil {
			return fx{}, err
		}
		return gn.table(id, over, x)
	}
	// A function of one computed value (tv-LIF2HH's gates depend on
	// V = F + u4): a table over that value.
	if gn.nonpoly[id] {
		if c, ok := gn.findCut(id); ok {
			x, err := gn.gen(c)
			if err != nil {
				return fx{}, err
			}
			if !x.isC {
				return gn.table(id, c, x)
			}
		}
	}
	fn := gn.fracOf(id)
	args := make([]fx, n.Op.Info().Arity)
	for i := range args {
		a, err := gn.gen(n.Args[i])
		if err != nil {
			return fx{}, err
		}
		args[i] = a
	}
	allC := true
	for _, a := range args {
		allC = allC && a.isC
	}
	if allC {
		var cv [3]float64
		for i, a := range args {
			cv[i] = a.cv
		}
		return fx{isC: true, cv: qevalOp(n.Op, cv[:len(args)])}, nil
	}
	b := gn.b
	switch n.Op {
	case ir.OpAdd, ir.OpSub:
		x, y := args[0], args[1]
		t := gn.temp()
		op := fixed.OpAdd
		if n.Op == ir.OpSub {
			op = fixed.OpSub
		}
		b.Emit(op, t, gn.opnd(x, fn), gn.opnd(y, fn))
		return fx{reg: t, f: fn}, nil
	case ir.OpNeg:
		t := gn.temp()
		b.Emit(fixed.OpNeg, t, fixed.R(args[0].reg))
		return fx{reg: t, f: args[0].f}, nil
	case ir.OpMul:
		x, y := args[0], args[1]
		if x.isC {
			x, y = y, x
		}
		if y.isC {
			return gn.mulConst(x, y.cv, fn), nil
		}
		return fx{reg: gn.mulShift(fixed.R(x.reg), fixed.R(y.reg), x.f+y.f-fn), f: fn}, nil
	case ir.OpDiv:
		x, y := args[0], args[1]
		if y.isC {
			return gn.mulConst(x, 1/y.cv, fn), nil
		}
		return gn.divide(x, y, n.Args[0], fn), nil
	case ir.OpPow:
		k, ok := g.ConstValue(n.Args[1])
		if !ok || k != math.Trunc(k) || k < 0 || k > 8 {
			return gn.unaryTable(id, n.Args[0], args[0])
		}
		if k == 0 {
			return fx{isC: true, cv: 1}, nil
		}
		x := args[0]
		m := gn.magnitude(n.Args[0]) / gn.margin
		p := x
		for i := 2; i <= int(k); i++ {
			fi := gn.fracFor(gn.margin * math.Pow(m, float64(i)))
			if i == int(k) {
				fi = fn
			}
			p = fx{reg: gn.mulShift(fixed.R(p.reg), fixed.R(x.reg), p.f+x.f-fi), f: fi}
		}
		return gn.convert(p, fn), nil
	case ir.OpExp, ir.OpLog, ir.OpSqrt, ir.OpSin, ir.OpCos, ir.OpTanh, ir.OpExprel:
		return gn.unaryTable(id, n.Args[0], args[0])
	case ir.OpAbs:
		t := gn.temp()
		b.Emit(fixed.OpAbs, t, fixed.R(args[0].reg))
		return fx{reg: t, f: args[0].f}, nil
	case ir.OpMin, ir.OpMax:
		t := gn.temp()
		op := fixed.OpMin
		if n.Op == ir.OpMax {
			op = fixed.OpMax
		}
		b.Emit(op, t, gn.opnd(args[0], fn), gn.opnd(args[1], fn))
		return fx{reg: t, f: fn}, nil
	case ir.OpLt, ir.OpGt, ir.OpLe, ir.OpGe, ir.OpEq, ir.OpNe:
		return gn.compare(n.Op, args[0], args[1]), nil
	case ir.OpAnd, ir.OpOr:
		x, y := gn.asFlag(args[0]), gn.asFlag(args[1])
		t := gn.temp()
		op := fixed.OpAnd
		if n.Op == ir.OpOr {
			op = fixed.OpOr
		}
		b.Emit(op, t, fixed.R(x.reg), fixed.R(y.reg))
		return fx{reg: t, flag: true}, nil
	case ir.OpNot:
		t := gn.temp()
		b.Emit(fixed.OpEq, t, gn.opnd(args[0], args[0].f), fixed.Imm(0))
		return fx{reg: t, flag: true}, nil
	case ir.OpSelect:
		c := gn.asFlag(args[0])
		t := gn.temp()
		b.Emit(fixed.OpSel, t, fixed.R(c.reg), gn.opnd(args[1], fn), gn.opnd(args[2], fn))
		return fx{reg: t, f: fn}, nil
	}
	return fx{}, fmt.Errorf("%v cannot be quantised", n.Op)
}

// findCut returns the polynomial subexpression c of id, nearest to id,
// through which every variable of id is reached: id is then a function of
// c alone.
func (gn *qgen) findCut(id ir.NodeID) (ir.NodeID, bool) {
	g := gn.g
	mask := gn.varMask[id]
	if mask == 0 {
		return 0, false
	}
	seen := map[ir.NodeID]bool{}
	queue := append([]ir.NodeID{}, g.Args(id)...)
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if seen[c] {
			continue
		}
		seen[c] = true
		if gn.varMask[c] == mask && !gn.nonpoly[c] && gn.cuts(id, c) {
			return c, true
		}
		if gn.varMask[c] != 0 {
			queue = append(queue, g.Args(c)...)
		}
	}
	return 0, false
}

// cuts reports whether every path from id to a variable passes through c.
func (gn *qgen) cuts(id, c ir.NodeID) bool {
	g := gn.g
	seen := map[ir.NodeID]bool{}
	var reach func(x ir.NodeID) bool
	reach = func(x ir.NodeID) bool {
		if x == c || seen[x] || gn.varMask[x] == 0 {
			return false
		}
		seen[x] = true
		if _, ok := gn.varOf[x]; ok {
			return true
		}
		for _, a := range g.Args(x) {
			if reach(a) {
				return true
			}
		}
		return false
	}
	return !reach(id)
}

// divide returns x/y at fn fraction bits: (x << s) / y truncated.
func (gn *qgen) divide(x, y fx, xnode ir.NodeID, fn int) fx {
	if x.isC {
		x = gn.convert(x, gn.constFrac(x.cv))
	}
	// bits used by x_int at its format
	mx := gn.magnitude(xnode)
	xb := 1
	if mx > 0 {
		_, e := math.Frexp(mx)
		xb = e + x.f + 1
	}
	s := fn - x.f + y.f
	sMax := 62 - xb
	extra := 0
	if s > sMax {
		extra = s - sMax
		s = sMax
	}
	num := x
	if s > 0 {
		t := gn.temp()
		gn.b.Emit(fixed.OpShl, t, fixed.R(x.reg), fixed.Imm(int64(s)))
		num = fx{reg: t}
	} else if s < 0 {
		num = gn.convert(x, x.f+s)
	}
	t := gn.temp()
	gn.b.Emit(fixed.OpDiv, t, fixed.R(num.reg), fixed.R(y.reg))
	return gn.convert(fx{reg: t, f: fn - extra}, fn)
}

// compare emits a comparison; against a constant it is exact.
func (gn *qgen) compare(op ir.Op, x, y fx) fx {
	t := gn.temp()
	mirror := map[ir.Op]ir.Op{ir.OpLt: ir.OpGt, ir.OpGt: ir.OpLt, ir.OpLe: ir.OpGe, ir.OpGe: ir.OpLe, ir.OpEq: ir.OpEq, ir.OpNe: ir.OpNe}
	if x.isC {
		x, y, op = y, x, mirror[op]
	}
	fop := map[ir.Op]fixed.Op{ir.OpLt: fixed.OpLt, ir.OpGt: fixed.OpGt, ir.OpLe: fixed.OpLe, ir.OpGe: fixed.OpGe, ir.OpEq: fixed.OpEq, ir.OpNe: fixed.OpNe}[op]
	if y.isC {
		// x_int·2^−f OP c  ⟺  x_int OP' k with k integer
		c := math.Ldexp(y.cv, x.f)
		var k int64
		switch op {
		case ir.OpGt, ir.OpLe:
			k = fixed.RoundHalfAway(math.Floor(c))
		case ir.OpGe, ir.OpLt:
			k = fixed.RoundHalfAway(math.Ceil(c))
		default:
			if c != math.Trunc(c) { // never equal
				v := int64(0)
				if op == ir.OpNe {
					v = 1
				}
				gn.b.Emit(fixed.OpMov, t, fixed.Imm(v))
				return fx{reg: t, flag: true}
			}
			k = fixed.RoundHalfAway(c)
		}
		gn.b.Emit(fop, t, fixed.R(x.reg), fixed.Imm(k))
		return fx{reg: t, flag: true}
	}
	f := max(x.f, y.f)
	gn.b.Emit(fop, t, gn.opnd(x, f), gn.opnd(y, f))
	return fx{reg: t, flag: true}
}

// unaryTable returns f(arg) for a function of a computed value as a table
// over that value.
func (gn *qgen) unaryTable(id, argNode ir.NodeID, arg fx) (fx, error) {
	if arg.isC {
		return fx{isC: true, cv: qeval(gn.g, gn.g.PostOrder(id), id, func(ir.NodeID) (float64, bool) { return 0, false })}, nil
	}
	return gn.table(id, argNode, arg)
}

// table returns node id as a lookup table over the variable node over
// whose value is x.
func (gn *qgen) table(id, over ir.NodeID, x fx) (fx, error) {
	key := lutKey{id, over, x.reg, x.f}
	if li, ok := gn.luts[key]; ok {
		t := gn.temp()
		gn.b.EmitLUT(t, li, fixed.R(x.reg))
		l := gn.b.P.LUTs[li]
		return fx{reg: t, f: int(l.Type.Frac)}, nil
	}
	g := gn.g
	lo, hi := gn.lo[over], gn.hi[over]
	if math.IsInf(lo, 1) {
		return fx{}, fmt.Errorf("no profiled values for the table variable of %s", exprString(g, id, 60))
	}
	span := hi - lo
	if span == 0 {
		span = max(math.Abs(lo), 1e-300)
	}
	lo, hi = lo-0.1*span, hi+0.1*span
	// For a gate-like table over a state, include the state's initial values.
	ce := compileQ(g, id)
	overSlot, rootSlot := ce.pos[over], ce.pos[id]
	fn := func(v float64) float64 {
		ce.run(func(slot int) (float64, bool) { return v, slot == overSlot })
		return ce.vals[rootSlot]
	}
	lut, rep, err := buildTable(fn, lo, hi, x.f, gn.W, gn.q.opt.LUTTol, gn.q.opt.LUTMax)
	if err != nil {
		return fx{}, fmt.Errorf("table of %s: %w", exprString(g, id, 60), err)
	}
	lut.Name = fmt.Sprintf("lut%d", len(gn.b.P.LUTs))
	rep.Name = lut.Name
	rep.Func = exprString(g, id, 70)
	rep.Over = exprString(g, over, 40)
	lut.Comment = rep.Func + " over " + rep.Over
	li := gn.b.AddLUT(lut)
	gn.luts[key] = li
	gn.lutRep = append(gn.lutRep, rep)
	t := gn.temp()
	gn.b.EmitLUT(t, li, fixed.R(x.reg))
	return fx{reg: t, f: int(lut.Type.Frac)}, nil
}
