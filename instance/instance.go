package instance

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"snnc/internal/units"
	"snnc/ir"
)

// Options control instantiation.
type Options struct {
	Seed    *uint64    // overrides the network's seed when non-nil
	Sets    []Override // pop.name=value overrides (the CLI's --set), applied last
	BaseDir string     // directory that relative file names are resolved against
}

// Override sets a param or an initial state of every neuron of a population
// (or the rate of a Poisson source) to one value.
type Override struct {
	Pop   string
	Name  string
	Value float64    // SI units
	Unit  *units.Dim // dimension of the value as written; nil: no unit given (taken as SI)
}

// Instance is a network made concrete.
type Instance struct {
	Module      *ir.Module
	Network     *ir.Network
	Name        string
	Dt          float64 // s
	Duration    float64 // s
	Steps       int64   // round(Duration / Dt)
	Seed        uint64
	Pops        []*Pop
	Sources     []*Source
	Projections []*Projection
	Stimuli     []*Stimulus
	Records     []*Record
}

// Value is a per-neuron quantity: Vec is nil when every neuron has Scalar.
type Value struct {
	Scalar float64
	Vec    []float64
}

// Homogeneous reports whether every element has the same value.
func (v Value) Homogeneous() bool { return v.Vec == nil }

// At returns element i.
func (v Value) At(i int) float64 {
	if v.Vec == nil {
		return v.Scalar
	}
	return v.Vec[i]
}

// Pop is a population with its per-neuron values.
type Pop struct {
	Index  int
	Name   string
	N      int
	Unit   *ir.Unit
	Params []Value     // in Unit.Params order
	Init   [][]float64 // initial value of each state (Unit.States order), per neuron
	// RefractorySteps is the refractory period in steps per neuron
	// (floor(T/dt + 1e-3), Brian2's rounding); nil when the unit has none.
	RefractorySteps Value
}

// Param returns the named param's values.
func (p *Pop) Param(name string) (Value, bool) {
	for i, q := range p.Unit.Params {
		if q.Name == name {
			return p.Params[i], true
		}
	}
	return Value{}, false
}

// StateIndex returns the index of the named state in Unit.States, or -1.
func (p *Pop) StateIndex(name string) int {
	for i, s := range p.Unit.States {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// InputIndex returns the index of the named input in Unit.Inputs, or -1.
func (p *Pop) InputIndex(name string) int {
	for i, s := range p.Unit.Inputs {
		if s.Name == name {
			return i
		}
	}
	return -1
}

// Build instantiates the named network of m (the only network when name is
// "" and m has exactly one).
func Build(m *ir.Module, network string, opt Options) (*Instance, error) {
	net, err := pickNetwork(m, network)
	if err != nil {
		return nil, err
	}
	if !(net.Dt > 0) || math.IsInf(net.Dt, 0) {
		return nil, fmt.Errorf("network %s: dt must be positive, got %g s", net.Name, net.Dt)
	}
	if !(net.Duration >= 0) || math.IsInf(net.Duration, 0) {
		return nil, fmt.Errorf("network %s: invalid duration %g s", net.Name, net.Duration)
	}
	inst := &Instance{
		Module:   m,
		Network:  net,
		Name:     net.Name,
		Dt:       net.Dt,
		Duration: net.Duration,
		Steps:    StepsFor(net.Duration, net.Dt),
		Seed:     net.Seed,
	}
	if opt.Seed != nil {
		inst.Seed = *opt.Seed
	}
	b := &builder{inst: inst, net: net, opt: opt}
	if err := b.checkOverrides(); err != nil {
		return nil, err
	}
	for i, p := range net.Pops {
		pop, err := b.buildPop(i, p)
		if err != nil {
			return nil, fmt.Errorf("pop %s: %w", p.Name, err)
		}
		inst.Pops = append(inst.Pops, pop)
	}
	for i, s := range net.Sources {
		src, err := b.buildSource(i, s)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		inst.Sources = append(inst.Sources, src)
	}
	for i, p := range net.Projections {
		proj, err := b.buildProjection(i, p)
		if err != nil {
			return nil, fmt.Errorf("connect %s -> %s.%s: %w", p.Src, p.Dst, p.Target, err)
		}
		inst.Projections = append(inst.Projections, proj)
	}
	for i, s := range net.Stims {
		st, err := b.buildStim(i, s)
		if err != nil {
			return nil, fmt.Errorf("stim %s: %w", s.Name, err)
		}
		inst.Stimuli = append(inst.Stimuli, st)
	}
	for _, r := range net.Records {
		rec, err := b.buildRecord(r)
		if err != nil {
			return nil, err
		}
		inst.Records = append(inst.Records, rec)
	}
	return inst, nil
}

// StepsFor returns the number of steps of a run: round(duration/dt).
func StepsFor(duration, dt float64) int64 { return int64(math.Round(duration / dt)) }

func pickNetwork(m *ir.Module, name string) (*ir.Network, error) {
	if m == nil {
		return nil, fmt.Errorf("no module")
	}
	if name == "" {
		switch len(m.Networks) {
		case 0:
			return nil, fmt.Errorf("the module declares no network")
		case 1:
			return m.Networks[0], nil
		}
		var names []string
		for _, n := range m.Networks {
			names = append(names, n.Name)
		}
		return nil, fmt.Errorf("the module declares %d networks (%s): name one", len(names), strings.Join(names, ", "))
	}
	if n := m.Network(name); n != nil {
		return n, nil
	}
	return nil, fmt.Errorf("no network named %q", name)
}

type builder struct {
	inst *Instance
	net  *ir.Network
	opt  Options
	buf  []float64
}

func (b *builder) path(file string) string {
	if filepath.IsAbs(file) || b.opt.BaseDir == "" {
		return file
	}
	return filepath.Join(b.opt.BaseDir, file)
}

// checkOverrides rejects --set overrides that name nothing.
func (b *builder) checkOverrides() error {
	for _, o := range b.opt.Sets {
		if p := b.net.Pop(o.Pop); p != nil {
			u := b.inst.Module.Unit(p.Unit)
			if u == nil {
				return fmt.Errorf("pop %s: unknown unit %q", p.Name, p.Unit)
			}
			var dim units.Dim
			if q := u.Param(o.Name); q != nil {
				dim = q.Dim
			} else if s := u.State(o.Name); s != nil {
				dim = s.Dim
			} else {
				return fmt.Errorf("--set %s.%s: %s has no param or state %q", o.Pop, o.Name, u.Name, o.Name)
			}
			if o.Unit != nil && !o.Unit.Equal(dim) {
				return fmt.Errorf("--set %s.%s: value has dimension %s, want %s", o.Pop, o.Name, o.Unit.String(), dim.String())
			}
			continue
		}
		if s := b.net.Source(o.Pop); s != nil {
			if s.Kind != ir.Poisson || o.Name != "rate" {
				return fmt.Errorf("--set %s.%s: only the rate of a poisson source can be set", o.Pop, o.Name)
			}
			if o.Unit != nil && !o.Unit.Equal(units.Frequency) {
				return fmt.Errorf("--set %s.rate: value has dimension %s, want Hz", o.Pop, o.Unit.String())
			}
			continue
		}
		return fmt.Errorf("--set %s.%s: no population or source %q in network %s", o.Pop, o.Name, o.Pop, b.net.Name)
	}
	return nil
}

// override returns the last --set value for pop.name.
func (b *builder) override(pop, name string) (float64, bool) {
	v, ok := 0.0, false
	for _, o := range b.opt.Sets {
		if o.Pop == pop && o.Name == name {
			v, ok = o.Value, true
		}
	}
	return v, ok
}

// decl is one param or state declaration to instantiate for a pop.
type decl struct {
	name    string
	isState bool
	def     ir.NodeID // unit graph: param default or state init
}

// buildPop evaluates params and initial states, column by column in
// declaration order (params, then states). Each neuron i has one stream
// Key(seed, DomainInit, pop, i); its draws are numbered in evaluation order
// across all its random expressions.
func (b *builder) buildPop(idx int, p *ir.Pop) (*Pop, error) {
	u := b.inst.Module.Unit(p.Unit)
	if u == nil {
		return nil, fmt.Errorf("unknown unit %q", p.Unit)
	}
	if p.N < 0 {
		return nil, fmt.Errorf("negative size %d", p.N)
	}
	for _, s := range p.Sets {
		if u.Param(s.Name) == nil && u.State(s.Name) == nil {
			return nil, fmt.Errorf("%s has no param or state %q", u.Name, s.Name)
		}
		if s.Expr == ir.NoNode && len(s.Values) != p.N {
			return nil, fmt.Errorf("%s: %d values for %d neurons", s.Name, len(s.Values), p.N)
		}
	}
	pop := &Pop{Index: idx, Name: p.Name, N: p.N, Unit: u}
	n := p.N
	var decls []decl
	for _, q := range u.Params {
		decls = append(decls, decl{q.Name, false, q.Default})
	}
	for _, s := range u.States {
		decls = append(decls, decl{s.Name, true, s.Init})
	}
	vals := make(map[string]Value, len(decls)) // values so far, by name
	var streams []Stream                       // per neuron, created on first random use
	streamOf := func(i int) *Stream {
		if streams == nil {
			streams = make([]Stream, n)
			for j := range streams {
				streams[j] = NewStream(b.inst.Seed, DomainInit, uint64(idx), uint64(j))
			}
		}
		return &streams[i]
	}
	homog := func(name string) bool {
		v, ok := vals[name]
		return ok && v.Homogeneous()
	}
	for _, d := range decls {
		var v Value
		if x, ok := b.override(p.Name, d.name); ok {
			v = Value{Scalar: x}
		} else if set := p.Set(d.name); set != nil {
			if set.Expr == ir.NoNode {
				v = compact(append([]float64(nil), set.Values...))
			} else {
				e := compileExpr(b.net.G, set.Expr)
				var err error
				v, err = b.column(e, n, nil, streamOf, func(string) bool { return true })
				if err != nil {
					return nil, fmt.Errorf("%s: %w", d.name, err)
				}
			}
		} else {
			if d.def == ir.NoNode {
				return nil, fmt.Errorf("%s has no value", d.name)
			}
			e := compileExpr(u.G, d.def)
			for _, r := range e.refs {
				if _, ok := vals[r]; !ok {
					return nil, fmt.Errorf("%s: refers to %s before it has a value", d.name, r)
				}
			}
			leafAt := func(i int) func(op ir.Op, name string) float64 {
				return func(op ir.Op, name string) float64 {
					if op == ir.OpInput {
						return 0 // inputs are zero before the first step
					}
					return vals[name].At(i)
				}
			}
			var err error
			v, err = b.column(e, n, leafAt, streamOf, homog)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.name, err)
			}
		}
		if x, ok := firstNonFinite(v); ok {
			return nil, fmt.Errorf("%s is not finite (%g)", d.name, x)
		}
		vals[d.name] = v
		if d.isState {
			pop.Init = append(pop.Init, expand(v, n))
		} else {
			pop.Params = append(pop.Params, v)
		}
	}
	if u.Refractory != ir.NoNode {
		e := compileExpr(u.G, u.Refractory)
		leafAt := func(i int) func(op ir.Op, name string) float64 {
			return func(op ir.Op, name string) float64 {
				if op == ir.OpInput {
					return 0
				}
				return vals[name].At(i)
			}
		}
		v, err := b.column(e, n, leafAt, nil, homog)
		if err != nil {
			return nil, fmt.Errorf("refractory: %w", err)
		}
		steps := func(t float64) (float64, error) {
			if !(t >= 0) || math.IsInf(t, 0) {
				return 0, fmt.Errorf("refractory period %g s is not a non-negative time", t)
			}
			return math.Floor(t/b.inst.Dt + 1e-3), nil
		}
		if v.Vec == nil {
			s, err := steps(v.Scalar)
			if err != nil {
				return nil, err
			}
			pop.RefractorySteps = Value{Scalar: s}
		} else {
			r := make([]float64, n)
			for i, t := range v.Vec {
				if r[i], err = steps(t); err != nil {
					return nil, err
				}
			}
			pop.RefractorySteps = compact(r)
		}
	}
	return pop, nil
}

// column evaluates e for n elements. When e is uniform (uniformOver(homog))
// it is evaluated once. leafAt(i) resolves params and states of element i
// (nil: none allowed); streamOf(i) is element i's random stream.
func (b *builder) column(e *expr, n int, leafAt func(i int) func(ir.Op, string) float64,
	streamOf func(i int) *Stream, homog func(string) bool) (Value, error) {
	var leaf func(ir.Op, string) float64
	if e.uniformOver(homog) {
		if leafAt != nil {
			leaf = leafAt(0)
		}
		x, err := e.eval(&env{leaf: leaf}, &b.buf)
		return Value{Scalar: x}, err
	}
	out := make([]float64, n)
	for i := range out {
		en := env{index: float64(i)}
		if leafAt != nil {
			en.leaf = leafAt(i)
		}
		if e.random {
			if streamOf == nil {
				return Value{}, fmt.Errorf("random draws are not allowed here")
			}
			en.stream = streamOf(i)
		}
		x, err := e.eval(&en, &b.buf)
		if err != nil {
			return Value{}, err
		}
		out[i] = x
	}
	return compact(out), nil
}

// compact returns v as a scalar Value when all elements are equal (and
// there is at least one), else as a vector.
func compact(v []float64) Value {
	if len(v) == 0 {
		return Value{}
	}
	for _, x := range v[1:] {
		if math.Float64bits(x) != math.Float64bits(v[0]) {
			return Value{Vec: v}
		}
	}
	return Value{Scalar: v[0]}
}

func expand(v Value, n int) []float64 {
	if v.Vec != nil {
		return v.Vec
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = v.Scalar
	}
	return out
}

func firstNonFinite(v Value) (float64, bool) {
	if v.Vec == nil {
		return v.Scalar, math.IsNaN(v.Scalar) || math.IsInf(v.Scalar, 0)
	}
	for _, x := range v.Vec {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return x, true
		}
	}
	return 0, false
}

// Record is a recording request made concrete.
type Record struct {
	Pop    int    // index into Instance.Pops, or -1 for a source
	Source int    // index into Instance.Sources, or -1 for a population
	Var    string // "" for spikes
	Kind   RecordKind
	Index  int   // index of the variable in its declaration list (states, lets, inputs or params)
	Lo     int   // first neuron
	Hi     int   // one past the last neuron
	Every  int64 // sampling interval in steps (≥ 1)
}

// RecordKind says what a record samples.
type RecordKind uint8

const (
	RecordSpikes RecordKind = iota
	RecordState
	RecordLet
	RecordInput
	RecordParam
)

func (b *builder) buildRecord(r *ir.Record) (*Record, error) {
	rec := &Record{Pop: b.inst.PopIndex(r.Pop), Source: -1, Var: r.Var, Lo: r.Lo, Hi: r.Hi, Every: 1}
	n := 0
	if rec.Pop >= 0 {
		n = b.inst.Pops[rec.Pop].N
	} else if rec.Source = b.inst.SourceIndex(r.Pop); rec.Source >= 0 {
		n = b.inst.Sources[rec.Source].N
		if r.Var != "" {
			return nil, fmt.Errorf("record %s.%s: a source has only spikes", r.Pop, r.Var)
		}
	} else {
		return nil, fmt.Errorf("record %s: no population or source %q", r.Pop, r.Pop)
	}
	if rec.Hi < 0 || rec.Hi > n {
		if r.Hi > n {
			return nil, fmt.Errorf("record %s[%d..%d]: it has %d neurons", r.Pop, r.Lo, r.Hi-1, n)
		}
		rec.Hi = n
	}
	if rec.Lo < 0 || rec.Lo > rec.Hi {
		return nil, fmt.Errorf("record %s.%s: bad neuron range %d..%d", r.Pop, r.Var, r.Lo, r.Hi)
	}
	if r.Var == "" {
		rec.Kind = RecordSpikes
		return rec, nil
	}
	pop := b.inst.Pops[rec.Pop]
	u := pop.Unit
	found := false
	for i, s := range u.States {
		if s.Name == r.Var {
			rec.Kind, rec.Index, found = RecordState, i, true
		}
	}
	for i, s := range u.Lets {
		if !found && s.Name == r.Var {
			rec.Kind, rec.Index, found = RecordLet, i, true
		}
	}
	for i, s := range u.Inputs {
		if !found && s.Name == r.Var {
			rec.Kind, rec.Index, found = RecordInput, i, true
		}
	}
	for i, s := range u.Params {
		if !found && s.Name == r.Var {
			rec.Kind, rec.Index, found = RecordParam, i, true
		}
	}
	if !found {
		return nil, fmt.Errorf("record %s.%s: %s has no state, let, input or param %q", r.Pop, r.Var, u.Name, r.Var)
	}
	if r.Every < 0 || math.IsNaN(r.Every) {
		return nil, fmt.Errorf("record %s.%s: negative sampling interval", r.Pop, r.Var)
	}
	if r.Every > 0 {
		rec.Every = int64(math.Round(r.Every / b.inst.Dt))
		if rec.Every < 1 {
			rec.Every = 1
		}
	}
	return rec, nil
}

// Neurons returns the total number of neurons of all populations.
func (inst *Instance) Neurons() int {
	n := 0
	for _, p := range inst.Pops {
		n += p.N
	}
	return n
}

// Synapses returns the total number of synapses of all projections.
func (inst *Instance) Synapses() int {
	n := 0
	for _, p := range inst.Projections {
		n += p.NumSynapses()
	}
	return n
}

// PopIndex returns the index of the named population, or -1.
func (inst *Instance) PopIndex(name string) int {
	for i, p := range inst.Pops {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// SourceIndex returns the index of the named source, or -1.
func (inst *Instance) SourceIndex(name string) int {
	for i, s := range inst.Sources {
		if s.Name == name {
			return i
		}
	}
	return -1
}
