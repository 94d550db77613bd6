package loihi

import (
	"fmt"
	"math"
	"sort"

	"snnc/instance"
	"snnc/ir"
)

// Datapath is how a core runs an entity's neurons.
type Datapath uint8

const (
	DatapathCUBA      Datapath = iota // the fixed CUBA-LIF datapath (docs/chip.md §4)
	DatapathMicrocode                 // the microcode engine (§5)
	DatapathPoisson                   // a Poisson generator (§6)
	DatapathSpikeList                 // a spike-list generator (§6)
)

var datapathNames = [...]string{"cuba", "microcode", "poisson", "spikelist"}

func (d Datapath) String() string {
	if int(d) < len(datapathNames) {
		return datapathNames[d]
	}
	return fmt.Sprintf("datapath(%d)", d)
}

// InstrMix counts microcode instructions by cost class, per unit update.
type InstrMix struct {
	ALU       int // ALU, load/store, control
	Mul       int
	Div       int
	LUT       int
	LUTInterp int
}

// Total returns the number of instructions.
func (m InstrMix) Total() int { return m.ALU + m.Mul + m.Div + m.LUT + m.LUTInterp }

// Cycles returns the instructions' cycles.
func (m InstrMix) Cycles(c *Cycles) int {
	return m.ALU*c.InstrALU + m.Mul*c.InstrMul + m.Div*c.InstrDiv + m.LUT*c.InstrLUT + m.LUTInterp*c.InstrLUTInterp
}

// EnergyPJ returns the instructions' energy.
func (m InstrMix) EnergyPJ(e *Energy) float64 {
	return float64(m.ALU)*e.InstrALU + float64(m.Mul)*e.InstrMul + float64(m.Div)*e.InstrDiv +
		float64(m.LUT)*e.InstrLUT + float64(m.LUTInterp)*e.InstrLUTInterp
}

// Add returns m + n.
func (m InstrMix) Add(n InstrMix) InstrMix {
	return InstrMix{m.ALU + n.ALU, m.Mul + n.Mul, m.Div + n.Div, m.LUT + n.LUT, m.LUTInterp + n.LUTInterp}
}

// UnitCost is what one unit kind costs on the chip, independent of the
// network: its datapath and, for microcode, its program's size and mix.
type UnitCost struct {
	Datapath       Datapath
	Program        string // microcode: the program's name (the unit's)
	StateWords     int    // microcode: 32-bit state words
	Mix            InstrMix
	MicrocodeWords int
	LUTWords       int
	// Exact is true when the numbers come from the quantized integer
	// program, false when they are estimated from the float IR.
	Exact bool
}

// Target is one synaptic target of a population: a state or an input.
type Target struct {
	State bool
	Index int // in Unit.States or Unit.Inputs
	Name  string
}

// EntityModel is the chip's view of one population or source.
type EntityModel struct {
	Name     string
	Source   bool // a source (generator) rather than a population
	Index    int  // in Instance.Pops or Instance.Sources
	N        int
	Cost     UnitCost
	Comps    int      // compartments per unit (k)
	Targets  []Target // target j uses compartment j of the unit
	Profile  []int32  // per neuron: index into ProfKeys (nil: all 0)
	ProfKeys []string // distinct compartment profiles (shared by entities with equal keys)
	Thresh   []int32  // per neuron: index into ThrKeys (nil: all 0)
	ThrKeys  []string // distinct threshold profiles (none for datapaths without one)
	RefSteps int      // largest refractory period in steps
	Events   []int32  // spike lists: events per neuron (nil otherwise)
	RateHz   []float64
}

// TargetIndex returns the target number of (state, idx), or -1.
func (e *EntityModel) TargetIndex(state bool, idx int) int {
	for j, t := range e.Targets {
		if t.State == state && t.Index == idx {
			return j
		}
	}
	return -1
}

// UpdateCycles returns the CE cycles of one unit update (inactive for CUBA).
func (e *EntityModel) UpdateCycles(c *Cycles, active bool) int {
	switch e.Cost.Datapath {
	case DatapathCUBA:
		if active {
			return c.CubaActive
		}
		return c.CubaInactive
	case DatapathMicrocode:
		return c.UnitDispatch + c.UnitPerComp*e.Comps + e.Cost.Mix.Cycles(c)
	case DatapathPoisson:
		return c.Poisson
	}
	return 0
}

// UpdateEnergy returns the energy of one unit update in pJ.
func (e *EntityModel) UpdateEnergy(en *Energy, active bool) float64 {
	switch e.Cost.Datapath {
	case DatapathCUBA:
		if active {
			return en.CubaActive
		}
		return en.CubaInactive
	case DatapathMicrocode:
		return en.UnitPerComp*float64(e.Comps) + e.Cost.Mix.EnergyPJ(en)
	case DatapathPoisson:
		return en.Poisson
	}
	return 0
}

// ProjModel is the chip's view of one projection.
type ProjModel struct {
	WeightBits int  // weight mantissa bits per synapse (0..8; 0: one weight for all)
	Exact      bool // from the quantized weights
	// ExpErr is set when the weights need a weight_exp outside the chip's
	// range (Limits.WeightExpMin..WeightExpMax); Map reports it.
	ExpErr *WeightExpError
}

// Model is the chip's view of an instantiated network: entities are the
// populations (in order) followed by the sources (in order).
type Model struct {
	Inst     *instance.Instance
	Entities []*EntityModel
	Projs    []ProjModel
}

// PopEntity returns the entity index of population p.
func (m *Model) PopEntity(p int) int { return p }

// SourceEntity returns the entity index of source s.
func (m *Model) SourceEntity(s int) int { return len(m.Inst.Pops) + s }

// ProjSrcEntity returns the entity index of projection q's source.
func (m *Model) ProjSrcEntity(q *instance.Projection) int {
	if q.SrcPop >= 0 {
		return q.SrcPop
	}
	return len(m.Inst.Pops) + q.SrcSrc
}

// Exact reports whether every cost comes from the quantized module.
func (m *Model) Exact() bool {
	for _, e := range m.Entities {
		if e.Cost.Datapath == DatapathMicrocode && !e.Cost.Exact {
			return false
		}
	}
	for _, p := range m.Projs {
		if !p.Exact {
			return false
		}
	}
	return true
}

// EstimateModel builds the chip's view of inst from the float IR: units
// that look like a current-based LIF go to the CUBA datapath, every other
// unit to microcode with an instruction mix estimated from its expressions
// (EstimateUnit); weights take 8 bits unless homogeneous. The quantize pass
// replaces these estimates by exact figures (Model.Exact reports which).
func EstimateModel(inst *instance.Instance) (*Model, error) {
	m := &Model{Inst: inst}
	for pi, p := range inst.Pops {
		e := &EntityModel{Name: p.Name, Index: pi, N: p.N}
		e.Targets = popTargets(inst, pi)
		e.Cost = EstimateUnit(p.Unit, inst.Dt)
		if e.Cost.Datapath == DatapathCUBA && len(e.Targets) > 1 {
			// The datapath has one synaptic input (a_in).
			e.Cost = estimateMicrocode(p.Unit, inst.Dt)
		}
		e.Comps = compsFor(e.Cost, len(e.Targets))
		if err := popProfiles(p, e); err != nil {
			return nil, err
		}
		m.Entities = append(m.Entities, e)
	}
	for si, s := range inst.Sources {
		e := &EntityModel{Name: s.Name, Source: true, Index: si, N: s.N, Comps: 1}
		switch s.Kind {
		case ir.Poisson:
			e.Cost = UnitCost{Datapath: DatapathPoisson, Exact: true}
			e.RateHz = make([]float64, s.N)
			if s.Thresholds == nil {
				e.ProfKeys = []string{fmt.Sprintf("poisson|%x", s.Threshold)}
				for i := range e.RateHz {
					e.RateHz[i] = s.Rate.At(i)
				}
			} else {
				ids := map[uint64]int32{}
				e.Profile = make([]int32, s.N)
				for i, t := range s.Thresholds {
					id, ok := ids[t]
					if !ok {
						id = int32(len(ids))
						ids[t] = id
						e.ProfKeys = append(e.ProfKeys, fmt.Sprintf("poisson|%x", t))
					}
					e.Profile[i] = id
					e.RateHz[i] = s.Rate.At(i)
				}
			}
		default:
			e.Cost = UnitCost{Datapath: DatapathSpikeList, Exact: true}
			e.ProfKeys = []string{"spikelist"}
			e.Events = make([]int32, s.N)
			for _, n := range s.EvNeuron {
				e.Events[n]++
			}
			e.RateHz = make([]float64, s.N)
			if d := inst.Duration; d > 0 {
				for i, c := range e.Events {
					e.RateHz[i] = float64(c) / d
				}
			}
		}
		m.Entities = append(m.Entities, e)
	}
	for _, q := range inst.Projections {
		pm := ProjModel{WeightBits: 8}
		if q.Weights == nil {
			pm.WeightBits = 0
		}
		m.Projs = append(m.Projs, pm)
	}
	return m, nil
}

func compsFor(c UnitCost, targets int) int {
	if c.Datapath != DatapathMicrocode {
		return 1
	}
	return max((c.StateWords+1)/2, targets, 1)
}

// popTargets lists the distinct synaptic targets of population pi: states
// in declaration order, then inputs.
func popTargets(inst *instance.Instance, pi int) []Target {
	u := inst.Pops[pi].Unit
	seenS := make([]bool, len(u.States))
	seenI := make([]bool, len(u.Inputs))
	for _, q := range inst.Projections {
		if q.Dst != pi {
			continue
		}
		if q.TargetState {
			seenS[q.TargetIndex] = true
		} else {
			seenI[q.TargetIndex] = true
		}
	}
	var ts []Target
	for i, s := range seenS {
		if s {
			ts = append(ts, Target{State: true, Index: i, Name: u.States[i].Name})
		}
	}
	for i, s := range seenI {
		if s {
			ts = append(ts, Target{Index: i, Name: u.Inputs[i].Name})
		}
	}
	return ts
}

// popProfiles assigns compartment- and threshold-profile ids. For CUBA
// units the threshold profile is the values of the params the spike
// condition uses and the compartment profile the other params; for
// microcode units the compartment profile is every param (the program's
// constant table) and there is no threshold profile.
func popProfiles(p *instance.Pop, e *EntityModel) error {
	u := p.Unit
	inSpike := make([]bool, len(u.Params))
	if e.Cost.Datapath == DatapathCUBA && u.Spike != ir.NoNode {
		for _, id := range u.G.Refs(u.Spike) {
			n := u.G.Node(id)
			if n.Op == ir.OpParam {
				for i, q := range u.Params {
					if q.Name == n.Name {
						inSpike[i] = true
					}
				}
			}
		}
	}
	var profCols, threshCols []int
	for i := range u.Params {
		if inSpike[i] {
			threshCols = append(threshCols, i)
		} else {
			profCols = append(profCols, i)
		}
	}
	tag := e.Cost.Datapath.String() + "|" + u.Name
	e.Profile, e.ProfKeys = distinctRows(p, profCols, tag)
	if e.Cost.Datapath == DatapathCUBA {
		e.Thresh, e.ThrKeys = distinctRows(p, threshCols, "vth|"+u.Name)
	}
	if rs := p.RefractorySteps; u.Refractory != ir.NoNode {
		m := rs.Scalar
		for _, v := range rs.Vec {
			m = math.Max(m, v)
		}
		if m > math.MaxInt32 {
			m = math.MaxInt32
		}
		e.RefSteps = int(m)
	}
	return nil
}

// distinctRows numbers the distinct tuples of the given param columns over
// the neurons and names each by a key (tag and the values' bits); nil ids
// when every neuron has the same tuple.
func distinctRows(p *instance.Pop, cols []int, tag string) ([]int32, []string) {
	keyOf := func(i int) string {
		b := []byte(tag)
		for _, c := range cols {
			b = fmt.Appendf(b, "|%x", math.Float64bits(p.Params[c].At(i)))
		}
		return string(b)
	}
	het := false
	for _, c := range cols {
		if !p.Params[c].Homogeneous() {
			het = true
		}
	}
	if !het || p.N == 0 {
		return nil, []string{keyOf(0)}
	}
	ids := make([]int32, p.N)
	seen := map[string]int32{}
	var keys []string
	for i := 0; i < p.N; i++ {
		k := keyOf(i)
		id, ok := seen[k]
		if !ok {
			id = int32(len(keys))
			seen[k] = id
			keys = append(keys, k)
		}
		ids[i] = id
	}
	if len(keys) == 1 {
		return nil, keys
	}
	return ids, keys
}

// EstimateUnit classifies a unit and estimates its cost from the float IR.
func EstimateUnit(u *ir.Unit, dt float64) UnitCost {
	if cubaLike(u) {
		return UnitCost{Datapath: DatapathCUBA, Exact: true}
	}
	return estimateMicrocode(u, dt)
}

// dyn reports which dynamic leaves (states, inputs, time) an expression
// depends on.
type depInfo struct {
	states  uint64 // bit i: state i (states beyond 63 share bit 63)
	other   bool   // inputs or time
	nonlin  bool   // contains a transcendental or a division by a dynamic value
	dynamic bool
}

func analyse(u *ir.Unit) []depInfo {
	g := u.G
	info := make([]depInfo, g.Len())
	stateIdx := map[string]int{}
	for i, s := range u.States {
		stateIdx[s.Name] = min(i, 63)
	}
	for id := 0; id < g.Len(); id++ {
		n := g.Node(ir.NodeID(id))
		var d depInfo
		switch n.Op {
		case ir.OpState:
			d.states = 1 << uint(stateIdx[n.Name])
			d.dynamic = true
		case ir.OpInput, ir.OpTime:
			d.other, d.dynamic = true, true
		default:
			for _, a := range n.Args {
				if a == ir.NoNode {
					continue
				}
				ai := info[a]
				d.states |= ai.states
				d.other = d.other || ai.other
				d.nonlin = d.nonlin || ai.nonlin
				d.dynamic = d.dynamic || ai.dynamic
			}
			switch n.Op {
			case ir.OpExp, ir.OpLog, ir.OpSqrt, ir.OpSin, ir.OpCos, ir.OpTanh, ir.OpExprel, ir.OpPow:
				if d.dynamic {
					d.nonlin = true
				}
			case ir.OpDiv:
				if info[n.Args[1]].dynamic {
					d.nonlin = true
				}
			}
		}
		info[id] = d
	}
	return info
}

// lutable: depends on exactly one state, nothing else dynamic, and is
// nonlinear — a function the quantizer tabulates over that state's range.
func (d depInfo) lutable() bool {
	return d.nonlin && !d.other && d.states != 0 && d.states&(d.states-1) == 0
}

type mixCounter struct {
	u    *ir.Unit
	info []depInfo
	done map[ir.NodeID]bool
	mix  InstrMix
	luts int
}

// count adds the instructions computing node id (once per node: values are
// kept in registers).
func (c *mixCounter) count(id ir.NodeID) {
	if id == ir.NoNode || c.done[id] {
		return
	}
	c.done[id] = true
	g := c.u.G
	n := g.Node(id)
	d := c.info[id]
	if !d.dynamic {
		// A constant of the profile (params and constants are folded into
		// the constant table by quantize).
		c.mix.ALU++ // ldc
		return
	}
	if d.lutable() {
		c.mix.LUTInterp++
		c.luts++
		return
	}
	switch n.Op {
	case ir.OpState:
		return // loaded with the compartment (UnitPerComp)
	case ir.OpInput, ir.OpTime:
		c.mix.ALU++
		return
	}
	for _, a := range n.Args {
		c.count(a)
	}
	switch n.Op {
	case ir.OpMul:
		c.mix.Mul++
	case ir.OpDiv:
		if c.info[n.Args[1]].dynamic {
			c.mix.Div++
		} else {
			c.mix.Mul++ // by the reciprocal constant
		}
	case ir.OpPow:
		if e, ok := g.ConstValue(n.Args[1]); ok && e == math.Trunc(e) && e >= 1 && e <= 16 {
			c.mix.Mul += bitsLen(int(e)) - 1 + popcount(int(e)) - 1
		} else {
			c.mix.LUTInterp++
			c.luts++
		}
	case ir.OpExp, ir.OpLog, ir.OpSqrt, ir.OpSin, ir.OpCos, ir.OpTanh, ir.OpExprel:
		c.mix.LUTInterp++
		c.luts++
	default:
		c.mix.ALU++
	}
}

func bitsLen(x int) int {
	n := 0
	for x > 0 {
		n++
		x >>= 1
	}
	return n
}

func popcount(x int) int {
	n := 0
	for x > 0 {
		n += x & 1
		x >>= 1
	}
	return n
}

// estimateMicrocode estimates the microcode of a unit: its expressions
// with single-state nonlinear subexpressions tabulated (one interpolated
// LUT read each), the exponential-Euler update per state, the spike test,
// resets and refractoriness.
func estimateMicrocode(u *ir.Unit, dt float64) UnitCost {
	c := &mixCounter{u: u, info: analyse(u), done: map[ir.NodeID]bool{}}
	g := u.G
	for _, s := range u.States {
		switch s.Kind {
		case ir.TVLIF:
			c.count(s.Drive)
			ti := c.info[s.Tau]
			switch {
			case !ti.dynamic:
				c.mix.ALU++ // the decay factor is a constant
			case ti.lutable():
				// decay(x) = exp(-dt/tau(x)) tabulated directly.
				if !c.done[s.Tau] {
					c.done[s.Tau] = true
					c.mix.LUTInterp++
					c.luts++
				}
			default:
				c.count(s.Tau)
				c.mix.Div++ // dt/tau
				c.mix.LUTInterp++
				c.luts++
			}
			c.mix.ALU += 2 // x - drive, + drive
			c.mix.Mul++    // · decay
		case ir.Integrator:
			c.count(s.Rate)
			c.mix.Mul++
			c.mix.ALU++
		default:
			c.count(s.Deriv)
			c.mix.Mul++
			c.mix.ALU++
		}
	}
	if u.Spike != ir.NoNode {
		c.count(u.Spike)
		c.mix.ALU += 3 // upward crossing, refractory gate, spk
	}
	for _, r := range u.Reset {
		c.count(r.Value)
		c.mix.ALU++ // select
	}
	if u.Refractory != ir.NoNode {
		c.mix.ALU += 2
	}
	c.mix.ALU++ // end
	_ = g
	_ = dt
	words := len(u.States)
	return UnitCost{
		Datapath:       DatapathMicrocode,
		Program:        u.Name,
		StateWords:     words,
		Mix:            c.mix,
		MicrocodeWords: c.mix.Total() + words,
		LUTWords:       c.luts * 1025,
	}
}

// cubaLike reports whether a unit is a current-based LIF the fixed datapath
// runs: at most two states, each a tv-LIF with a time constant of params
// only, drives linear in states and inputs, a spike condition comparing a
// state with params, and constant resets.
func cubaLike(u *ir.Unit) bool {
	if len(u.States) == 0 || len(u.States) > 2 || u.Method != ir.ExpEuler {
		return false
	}
	info := analyse(u)
	g := u.G
	for _, s := range u.States {
		if s.Kind != ir.TVLIF || info[s.Tau].dynamic || !linear(g, info, s.Drive) {
			return false
		}
	}
	if u.Spike == ir.NoNode {
		return false
	}
	sp := g.Node(u.Spike)
	if sp.Op != ir.OpGt && sp.Op != ir.OpGe {
		return false
	}
	if g.Op(sp.Args[0]) != ir.OpState || info[sp.Args[1]].dynamic {
		return false
	}
	for _, r := range u.Reset {
		if info[r.Value].dynamic {
			return false
		}
	}
	return u.Refractory == ir.NoNode || !info[u.Refractory].dynamic
}

// linear reports whether an expression is affine in its dynamic leaves.
func linear(g *ir.Graph, info []depInfo, id ir.NodeID) bool {
	d := info[id]
	if !d.dynamic {
		return true
	}
	if d.nonlin {
		return false
	}
	n := g.Node(id)
	switch n.Op {
	case ir.OpState, ir.OpInput:
		return true
	case ir.OpAdd, ir.OpSub:
		return linear(g, info, n.Args[0]) && linear(g, info, n.Args[1])
	case ir.OpNeg:
		return linear(g, info, n.Args[0])
	case ir.OpMul:
		a, b := info[n.Args[0]], info[n.Args[1]]
		if a.dynamic && b.dynamic {
			return false
		}
		return linear(g, info, n.Args[0]) && linear(g, info, n.Args[1])
	case ir.OpDiv:
		return !info[n.Args[1]].dynamic && linear(g, info, n.Args[0])
	}
	return false
}

// sortedKeys returns a map's int keys in order.
func sortedKeys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}
