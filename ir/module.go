package ir

import "snnc/internal/units"

// Module is a compilation unit: neuron units and networks. Units appear in
// a deterministic order (order of first declaration or use).
type Module struct {
	Units    []*Unit
	Networks []*Network
}

// Method is a unit's integration method.
type Method uint8

const (
	ExpEuler Method = iota // exponential Euler (default; needs tv-LIF/integrator states)
	Euler                  // forward Euler
	RK4                    // classical Runge–Kutta
	numMethods
)

var methodNames = [...]string{"exp_euler", "euler", "rk4"}

func (m Method) String() string {
	if m < numMethods {
		return methodNames[m]
	}
	return "method?"
}

// Kind is the form of a state's dynamics.
type Kind uint8

const (
	TVLIF      Kind = iota // Tau·x' = Drive − x
	Integrator             // x' = Rate (no leak: the B = 0 case)
	General                // x' = Deriv (any ODE; method euler/rk4, or before canonicalize)
	numKinds
)

var kindNames = [...]string{"tvlif", "integrator", "general"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind?"
}

// Unit is a neuron model. All NodeIDs refer to G. Expressions may
// reference the unit's params, states, inputs and time; lets are inlined.
type Unit struct {
	Name       string
	G          *Graph
	Params     []*Param
	Inputs     []*Input
	Lets       []*Let
	States     []*State
	Spike      NodeID    // spike condition (upward crossing fires); NoNode if none
	Reset      []*Assign // run in order after a spike
	Refractory NodeID    // refractory period in s; NoNode if none
	Method     Method
}

// Param is a unit parameter with a default value.
type Param struct {
	Name    string
	Dim     units.Dim
	Default NodeID // over consts and earlier params
}

// Input is a summed input: everything delivered in a step (synapses,
// stimuli) is added, used for that step, then cleared.
type Input struct {
	Name string
	Dim  units.Dim
}

// Let is a named derived quantity. It is kept for readability and
// recording; expressions elsewhere have it inlined.
type Let struct {
	Name string
	Dim  units.Dim
	Expr NodeID
}

// State is a state variable with its dynamics. Exactly the fields of its
// Kind are set: TVLIF: Tau, Drive; Integrator: Rate; General: Deriv. The
// others are NoNode.
type State struct {
	Name  string
	Dim   units.Dim
	Init  NodeID // over params, consts and earlier states (their initial values)
	Kind  Kind
	Tau   NodeID // TVLIF: time constant (s)
	Drive NodeID // TVLIF: the value x relaxes to (same dim as x)
	Rate  NodeID // Integrator: x' (dim of x per second)
	Deriv NodeID // General: x' (dim of x per second)
}

// Assign sets a state after a spike.
type Assign struct {
	State string
	Value NodeID
}

// Network is an instantiated simulation: populations of units, sources,
// projections, stimuli and recordings. All NodeIDs refer to G.
type Network struct {
	Name        string
	Dt          float64 // time step (s)
	Duration    float64 // simulated time (s)
	Seed        uint64
	G           *Graph
	Pops        []*Pop
	Sources     []*Source
	Projections []*Projection
	Stims       []*Stim
	Records     []*Record
}

// Pop is a population of N instances of a unit.
type Pop struct {
	Name string
	Unit string
	N    int
	Sets []*PopSet
}

// PopSet overrides a param's value or a state's initial value in a
// population: either an expression (Values nil) evaluated per neuron over
// consts, index and random draws, or a list of per-neuron values (Expr
// NoNode, len(Values) == N).
type PopSet struct {
	Name   string
	Expr   NodeID
	Values []float64
}

// SourceKind is the kind of a spike source.
type SourceKind uint8

const (
	Poisson   SourceKind = iota // Rate (Hz), drawn from the seed
	SpikeList                   // Times: per-neuron spike times (s)
	SpikeFile                   // File: CSV of spikes
	numSourceKinds
)

var sourceKindNames = [...]string{"poisson", "spikes", "spike_file"}

func (k SourceKind) String() string {
	if k < numSourceKinds {
		return sourceKindNames[k]
	}
	return "source?"
}

// Source is a population of N spike generators.
type Source struct {
	Name  string
	Kind  SourceKind
	N     int
	Rate  NodeID      // Poisson: rate in Hz (network graph)
	Times [][]float64 // SpikeList: len N, each ascending, in s
	File  string      // SpikeFile
}

// RuleKind is a connectivity rule.
type RuleKind uint8

const (
	AllToAll      RuleKind = iota
	OneToOne               // needs equal sizes
	Random                 // each pair with probability P
	FixedIndegree          // K random presynaptic neurons per postsynaptic neuron
	FromFile               // File: CSV with columns pre, post, weight, delay
	numRuleKinds
)

var ruleKindNames = [...]string{"all_to_all", "one_to_one", "random", "fixed_indegree", "from_file"}

func (k RuleKind) String() string {
	if k < numRuleKinds {
		return ruleKindNames[k]
	}
	return "rule?"
}

// Rule is a connectivity rule with its parameters.
type Rule struct {
	Kind RuleKind
	P    float64 // Random
	K    int     // FixedIndegree
	File string  // FromFile
}

// Projection connects the neurons of Src (a pop or source) to the Target
// (a state or input) of Dst's unit. Weight and Delay are network-graph
// expressions evaluated per synapse (random draws are per synapse).
type Projection struct {
	Src, Dst, Target string
	Rule             Rule
	Weight           NodeID // same dimension as Target
	Delay            NodeID // seconds; NoNode means 0
}

// WaveKind is a stimulus waveform.
type WaveKind uint8

const (
	WaveConstant WaveKind = iota
	WaveStep
	WaveSine
	WaveSquare
	WaveSawtooth
	WaveTriangle
	WaveFile
	numWaveKinds
)

var waveKindNames = [...]string{"constant", "step", "sine", "square", "sawtooth", "triangle", "file"}

func (k WaveKind) String() string {
	if k < numWaveKinds {
		return waveKindNames[k]
	}
	return "wave?"
}

// Wave is a waveform: a kind with named numeric arguments (SI units), or a
// file.
type Wave struct {
	Kind WaveKind
	Args []WaveArg
	File string
}

// WaveArg is one named waveform argument.
type WaveArg struct {
	Name  string
	Value float64
}

// Arg returns the value of the named argument.
func (w Wave) Arg(name string) (float64, bool) {
	for _, a := range w.Args {
		if a.Name == name {
			return a.Value, true
		}
	}
	return 0, false
}

// Stim injects a waveform into an input of every neuron of a pop.
type Stim struct {
	Name  string
	Pop   string
	Input string
	Wave  Wave
	Dim   units.Dim // dimension of the waveform's amplitude (the input's)
}

// Record asks for a recording of a pop: spikes (Var "") or a variable
// (state, let or input) of neurons Lo ≤ i < Hi (Hi = -1: up to N), every
// Every seconds (0: every step).
type Record struct {
	Pop   string
	Var   string
	Lo    int
	Hi    int
	Every float64
}

// ---- lookups ----

// Unit returns the unit with the given name, or nil.
func (m *Module) Unit(name string) *Unit {
	for _, u := range m.Units {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// Network returns the network with the given name, or nil.
func (m *Module) Network(name string) *Network {
	for _, n := range m.Networks {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Param returns the named param, or nil.
func (u *Unit) Param(name string) *Param {
	for _, p := range u.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Input returns the named input, or nil.
func (u *Unit) Input(name string) *Input {
	for _, p := range u.Inputs {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Let returns the named let, or nil.
func (u *Unit) Let(name string) *Let {
	for _, p := range u.Lets {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// State returns the named state, or nil.
func (u *Unit) State(name string) *State {
	for _, p := range u.States {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// DimOf returns the dimension of the named param, input, let or state.
func (u *Unit) DimOf(name string) (units.Dim, bool) {
	if p := u.Param(name); p != nil {
		return p.Dim, true
	}
	if p := u.Input(name); p != nil {
		return p.Dim, true
	}
	if p := u.Let(name); p != nil {
		return p.Dim, true
	}
	if p := u.State(name); p != nil {
		return p.Dim, true
	}
	return units.Dim{}, false
}

// Pop returns the named population, or nil.
func (n *Network) Pop(name string) *Pop {
	for _, p := range n.Pops {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Source returns the named source, or nil.
func (n *Network) Source(name string) *Source {
	for _, s := range n.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Stim returns the named stimulus, or nil.
func (n *Network) Stim(name string) *Stim {
	for _, s := range n.Stims {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Size returns the number of neurons of the named pop or source, or -1.
func (n *Network) Size(name string) int {
	if p := n.Pop(name); p != nil {
		return p.N
	}
	if s := n.Source(name); s != nil {
		return s.N
	}
	return -1
}

// Set returns the pop's set of the named param or state, or nil.
func (p *Pop) Set(name string) *PopSet {
	for _, s := range p.Sets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Roots returns the unit's root expressions in the fixed order the printer
// and the verifier use: param defaults, state inits, lets, dynamics (per
// state: tau, drive, rate, deriv), spike, reset values, refractory. Absent
// expressions (NoNode) are included.
func (u *Unit) Roots() []NodeID { return derefAll(u.rootPtrs()) }

// Roots returns the network's root expressions in the fixed order the
// printer and the verifier use: pop sets, source rates, projection weights
// and delays.
func (n *Network) Roots() []NodeID { return derefAll(n.rootPtrs()) }

func derefAll(ps []*NodeID) []NodeID {
	r := make([]NodeID, len(ps))
	for i, p := range ps {
		r[i] = *p
	}
	return r
}

// ---- deep copies ----

// Clone returns a deep copy of m.
func (m *Module) Clone() *Module {
	c := &Module{}
	for _, u := range m.Units {
		c.Units = append(c.Units, u.Clone())
	}
	for _, n := range m.Networks {
		c.Networks = append(c.Networks, n.Clone())
	}
	return c
}

// Clone returns a deep copy of u (graph included; node ids unchanged).
func (u *Unit) Clone() *Unit {
	c := *u
	c.G = u.G.Clone()
	c.Params = cloneSlice(u.Params)
	c.Inputs = cloneSlice(u.Inputs)
	c.Lets = cloneSlice(u.Lets)
	c.States = cloneSlice(u.States)
	c.Reset = cloneSlice(u.Reset)
	return &c
}

// Clone returns a deep copy of n (graph included; node ids unchanged).
func (n *Network) Clone() *Network {
	c := *n
	c.G = n.G.Clone()
	c.Pops = nil
	for _, p := range n.Pops {
		q := *p
		q.Sets = nil
		for _, s := range p.Sets {
			t := *s
			if s.Values != nil {
				t.Values = append([]float64{}, s.Values...)
			}
			q.Sets = append(q.Sets, &t)
		}
		c.Pops = append(c.Pops, &q)
	}
	c.Sources = nil
	for _, s := range n.Sources {
		t := *s
		if s.Times != nil {
			t.Times = make([][]float64, len(s.Times))
			for i, ts := range s.Times {
				if ts != nil {
					t.Times[i] = append([]float64{}, ts...)
				}
			}
		}
		c.Sources = append(c.Sources, &t)
	}
	c.Projections = cloneSlice(n.Projections)
	c.Stims = nil
	for _, s := range n.Stims {
		t := *s
		if s.Wave.Args != nil {
			t.Wave.Args = append([]WaveArg{}, s.Wave.Args...)
		}
		c.Stims = append(c.Stims, &t)
	}
	c.Records = cloneSlice(n.Records)
	return &c
}

// cloneSlice copies a slice of pointers to flat structs, element by element.
func cloneSlice[T any](s []*T) []*T {
	if s == nil {
		return nil
	}
	c := make([]*T, len(s))
	for i, p := range s {
		v := *p
		c[i] = &v
	}
	return c
}
