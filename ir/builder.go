package ir

import "snnc/internal/units"

// This file holds the builder API: constructors for modules, units and
// networks, and expression shorthands on Graph. The frontend's lowering and
// tests build IR with it; nothing here validates (call Verify).

// NewModule returns an empty module.
func NewModule() *Module { return &Module{} }

// AddUnit appends u to m and returns it.
func (m *Module) AddUnit(u *Unit) *Unit {
	m.Units = append(m.Units, u)
	return u
}

// AddNetwork appends n to m and returns it.
func (m *Module) AddNetwork(n *Network) *Network {
	m.Networks = append(m.Networks, n)
	return n
}

// NewUnit returns an empty unit with a fresh graph, no spike condition, no
// refractory period and method ExpEuler.
func NewUnit(name string) *Unit {
	return &Unit{Name: name, G: NewGraph(), Spike: NoNode, Refractory: NoNode}
}

// AddParam declares a parameter with a default value.
func (u *Unit) AddParam(name string, dim units.Dim, def NodeID) *Param {
	p := &Param{Name: name, Dim: dim, Default: def}
	u.Params = append(u.Params, p)
	return p
}

// AddInput declares an input.
func (u *Unit) AddInput(name string, dim units.Dim) *Input {
	p := &Input{Name: name, Dim: dim}
	u.Inputs = append(u.Inputs, p)
	return p
}

// AddLet declares a named derived quantity.
func (u *Unit) AddLet(name string, dim units.Dim, expr NodeID) *Let {
	p := &Let{Name: name, Dim: dim, Expr: expr}
	u.Lets = append(u.Lets, p)
	return p
}

// AddState declares a state with its initial value and no dynamics yet
// (Kind TVLIF, all dynamics NoNode); set them with SetTVLIF, SetIntegrator
// or SetGeneral.
func (u *Unit) AddState(name string, dim units.Dim, init NodeID) *State {
	s := &State{Name: name, Dim: dim, Init: init, Tau: NoNode, Drive: NoNode, Rate: NoNode, Deriv: NoNode}
	u.States = append(u.States, s)
	return s
}

// SetTVLIF makes s a tv-LIF compartment: tau·x' = drive − x.
func (s *State) SetTVLIF(tau, drive NodeID) *State {
	s.Kind, s.Tau, s.Drive, s.Rate, s.Deriv = TVLIF, tau, drive, NoNode, NoNode
	return s
}

// SetIntegrator makes s an integrator: x' = rate.
func (s *State) SetIntegrator(rate NodeID) *State {
	s.Kind, s.Tau, s.Drive, s.Rate, s.Deriv = Integrator, NoNode, NoNode, rate, NoNode
	return s
}

// SetGeneral gives s general dynamics: x' = deriv.
func (s *State) SetGeneral(deriv NodeID) *State {
	s.Kind, s.Tau, s.Drive, s.Rate, s.Deriv = General, NoNode, NoNode, NoNode, deriv
	return s
}

// AddReset appends a reset assignment state = value.
func (u *Unit) AddReset(state string, value NodeID) *Assign {
	a := &Assign{State: state, Value: value}
	u.Reset = append(u.Reset, a)
	return a
}

// P, S and I return reference nodes to the unit's param, state or input;
// T returns the time node. They are shorthands for u.G.Ref.
func (u *Unit) P(name string) NodeID { return u.G.Ref(OpParam, name) }
func (u *Unit) S(name string) NodeID { return u.G.Ref(OpState, name) }
func (u *Unit) I(name string) NodeID { return u.G.Ref(OpInput, name) }
func (u *Unit) T() NodeID            { return u.G.Ref(OpTime, "") }

// NewNetwork returns an empty network with a fresh graph. Dt and Duration
// must be set before it verifies.
func NewNetwork(name string) *Network { return &Network{Name: name, G: NewGraph()} }

// AddPop adds a population of n instances of unit.
func (n *Network) AddPop(name, unit string, size int) *Pop {
	p := &Pop{Name: name, Unit: unit, N: size}
	n.Pops = append(n.Pops, p)
	return p
}

// SetExpr overrides a param or initial state with a per-neuron expression
// of the network graph.
func (p *Pop) SetExpr(name string, expr NodeID) *PopSet {
	s := &PopSet{Name: name, Expr: expr}
	p.Sets = append(p.Sets, s)
	return s
}

// SetValues overrides a param or initial state with a list of per-neuron
// values (len must be p.N).
func (p *Pop) SetValues(name string, values []float64) *PopSet {
	s := &PopSet{Name: name, Expr: NoNode, Values: values}
	p.Sets = append(p.Sets, s)
	return s
}

// AddPoisson adds a Poisson source of size neurons with the given rate (Hz).
func (n *Network) AddPoisson(name string, size int, rate NodeID) *Source {
	s := &Source{Name: name, Kind: Poisson, N: size, Rate: rate}
	n.Sources = append(n.Sources, s)
	return s
}

// AddSpikeList adds a source with explicit spike times, one list per neuron.
func (n *Network) AddSpikeList(name string, times [][]float64) *Source {
	s := &Source{Name: name, Kind: SpikeList, N: len(times), Rate: NoNode, Times: times}
	n.Sources = append(n.Sources, s)
	return s
}

// AddSpikeFile adds a source whose spikes are read from a CSV file.
func (n *Network) AddSpikeFile(name string, size int, file string) *Source {
	s := &Source{Name: name, Kind: SpikeFile, N: size, Rate: NoNode, File: file}
	n.Sources = append(n.Sources, s)
	return s
}

// Connect adds a projection from src (pop or source) to dst.target with
// the given rule and weight, and no delay (set Delay on the result).
func (n *Network) Connect(src, dst, target string, rule Rule, weight NodeID) *Projection {
	p := &Projection{Src: src, Dst: dst, Target: target, Rule: rule, Weight: weight, Delay: NoNode}
	n.Projections = append(n.Projections, p)
	return p
}

// AddStim adds a stimulus into pop.input.
func (n *Network) AddStim(name, pop, input string, dim units.Dim, wave Wave) *Stim {
	s := &Stim{Name: name, Pop: pop, Input: input, Dim: dim, Wave: wave}
	n.Stims = append(n.Stims, s)
	return s
}

// AddRecord records pop's variable (var "" for spikes) for all neurons at
// every step; narrow it with Lo, Hi and Every on the result.
func (n *Network) AddRecord(pop, variable string) *Record {
	r := &Record{Pop: pop, Var: variable, Hi: -1}
	n.Records = append(n.Records, r)
	return r
}

// Shorthand rule constructors.
func RandomRule(p float64) Rule     { return Rule{Kind: Random, P: p} }
func FixedIndegreeRule(k int) Rule  { return Rule{Kind: FixedIndegree, K: k} }
func FromFileRule(file string) Rule { return Rule{Kind: FromFile, File: file} }

// ---- expression shorthands: each is Apply with its op ----

func (g *Graph) Time() NodeID  { return g.Ref(OpTime, "") }
func (g *Graph) Index() NodeID { return g.Ref(OpIndex, "") }

func (g *Graph) Add(a, b NodeID) NodeID       { return g.Apply(OpAdd, a, b) }
func (g *Graph) Sub(a, b NodeID) NodeID       { return g.Apply(OpSub, a, b) }
func (g *Graph) Mul(a, b NodeID) NodeID       { return g.Apply(OpMul, a, b) }
func (g *Graph) Div(a, b NodeID) NodeID       { return g.Apply(OpDiv, a, b) }
func (g *Graph) Neg(a NodeID) NodeID          { return g.Apply(OpNeg, a) }
func (g *Graph) Pow(a, b NodeID) NodeID       { return g.Apply(OpPow, a, b) }
func (g *Graph) Exp(a NodeID) NodeID          { return g.Apply(OpExp, a) }
func (g *Graph) Log(a NodeID) NodeID          { return g.Apply(OpLog, a) }
func (g *Graph) Sqrt(a NodeID) NodeID         { return g.Apply(OpSqrt, a) }
func (g *Graph) Sin(a NodeID) NodeID          { return g.Apply(OpSin, a) }
func (g *Graph) Cos(a NodeID) NodeID          { return g.Apply(OpCos, a) }
func (g *Graph) Tanh(a NodeID) NodeID         { return g.Apply(OpTanh, a) }
func (g *Graph) Abs(a NodeID) NodeID          { return g.Apply(OpAbs, a) }
func (g *Graph) Min(a, b NodeID) NodeID       { return g.Apply(OpMin, a, b) }
func (g *Graph) Max(a, b NodeID) NodeID       { return g.Apply(OpMax, a, b) }
func (g *Graph) Exprel(a NodeID) NodeID       { return g.Apply(OpExprel, a) }
func (g *Graph) Lt(a, b NodeID) NodeID        { return g.Apply(OpLt, a, b) }
func (g *Graph) Gt(a, b NodeID) NodeID        { return g.Apply(OpGt, a, b) }
func (g *Graph) Le(a, b NodeID) NodeID        { return g.Apply(OpLe, a, b) }
func (g *Graph) Ge(a, b NodeID) NodeID        { return g.Apply(OpGe, a, b) }
func (g *Graph) Eq(a, b NodeID) NodeID        { return g.Apply(OpEq, a, b) }
func (g *Graph) Ne(a, b NodeID) NodeID        { return g.Apply(OpNe, a, b) }
func (g *Graph) And(a, b NodeID) NodeID       { return g.Apply(OpAnd, a, b) }
func (g *Graph) Or(a, b NodeID) NodeID        { return g.Apply(OpOr, a, b) }
func (g *Graph) Not(a NodeID) NodeID          { return g.Apply(OpNot, a) }
func (g *Graph) Select(c, a, b NodeID) NodeID { return g.Apply(OpSelect, c, a, b) }
func (g *Graph) Uniform(a, b NodeID) NodeID   { return g.Apply(OpUniform, a, b) }
func (g *Graph) Normal(mean, sd NodeID) NodeID {
	return g.Apply(OpNormal, mean, sd)
}

// Sum returns xs[0] + xs[1] + … (left to right); the const 0 if empty.
func (g *Graph) Sum(xs ...NodeID) NodeID {
	if len(xs) == 0 {
		return g.Const(0)
	}
	r := xs[0]
	for _, x := range xs[1:] {
		r = g.Add(r, x)
	}
	return r
}

// Product returns xs[0] * xs[1] * … (left to right); the const 1 if empty.
func (g *Graph) Product(xs ...NodeID) NodeID {
	if len(xs) == 0 {
		return g.Const(1)
	}
	r := xs[0]
	for _, x := range xs[1:] {
		r = g.Mul(r, x)
	}
	return r
}
