package cpu

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/interp"
	snn "snnc/ir"
)

// blockSize is the granule of the neuron ranges the threads take: every
// population of 64 neurons or more is padded to a multiple of it, so that
// every vectorised loop runs whole vectors only and a neuron's arithmetic
// never depends on the number of threads.
const blockSize = 64

// Program is a generated CPU program: the LLVM module, the sidecar data
// it reads at start-up and the description of its outputs.
type Program struct {
	Module *ir.Module
	// Data is the content of the sidecar data file (written as OUT.data
	// next to the executable OUT); nil when every array is embedded.
	Data []byte
	Meta *Meta
	// Exp is the exp implementation the module calls (it decides the opt
	// and link flags).
	Exp  ExpImpl
	Mode Mode
}

// LLVM returns the module's text. llir panics on some malformed modules
// while printing; those panics come back as errors.
func (p *Program) LLVM() (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cpu: printing the LLVM module: %v", r)
		}
	}()
	return p.Module.String(), nil
}

// builder holds the state of one Build.
type builder struct {
	inst  *instance.Instance
	opt   Options
	steps int64
	m     *ir.Module
	lib   *mathlib
	data  *dataSet
	strs  *strTab
	meta  *Meta

	pops  []*popGen
	srcs  []*srcGen
	projs []*projGen
	stims []*stimGen
	souts []spikeOut
	tours []traceOut

	rt *runtimeDecls

	fixed   *fixed.Net // fixed mode: the quantised network; nil in float mode
	valElem types.Type // the element type of values: double (float mode) or i64 (fixed mode)
	stimVal *ir.Global // [nstims x valElem]: the value of each stimulus at the current step
	scratch *ir.Global // [maxTrace x double]
	maxTr   int
}

// popGen is a population's generated state.
type popGen struct {
	idx    int
	ip     *instance.Pop
	u      *snn.Unit
	id     string       // identifier fragment: p0_exc
	n, pad int          // neurons, padded size
	g      *snn.Graph   // the interpreter's prepared expressions (interp.Prepare)
	roots  []snn.NodeID // per state: the value after one step
	spikeE snn.NodeID   // the spike condition
	resetE []snn.NodeID // per reset assignment

	states    []*ir.Global // [pad x double]
	params    []paramSrc
	inputLive []bool
	inputs    []*ir.Global // stored inputs (nil unless recorded)
	stateRing []*ringGen
	inputRing []*ringGen
	stimsOf   [][]int // per input: stimulus indices

	hasCond  bool
	prev     *ir.Global // [pad x i8]: the spike condition after the previous step
	spk      *ir.Global // [pad x i8]: spiked in this step
	hasRef   bool
	refUntil *ir.Global // [pad x i64]: refractory while k < refUntil
	refSteps paramSrc   // refractory period in steps
	held     []bool
	anyHeld  bool

	needList bool       // the merged spike list is used (recorded or projected)
	list     *ir.Global // [n+1 x i32]
	count    *ir.Global // i64

	step, init *ir.Func
	cost       int // per neuron (cost.go)

	fx *fixedPop // fixed mode
}

// paramSrc is a per-neuron value: an immediate when homogeneous, else an
// array.
type paramSrc struct {
	homog bool
	c     float64
	g     *ir.Global
	elem  types.Type
}

// ringGen is a delay ring: slot k mod L (pad doubles each) accumulates
// what arrives at step k.
type ringGen struct {
	g    *ir.Global // [L*pad x elem]
	l    int
	elem types.Type // double, or i64 in fixed mode
}

type srcGen struct {
	idx      int
	is       *instance.Source
	id       string
	needList bool
	list     *ir.Global // [cap x i32]
	count    *ir.Global // i64
	// Poisson
	keys   *ir.Global // [N x i64], computed at start-up
	thr    paramSrc   // threshold (i64)
	flags  *ir.Global
	evStep *ir.Global // spike lists: [E x i64]
	evNeur *ir.Global // [E x i32]
	cursor *ir.Global // i64
	nEv    int
}

type projGen struct {
	ip      *instance.Projection
	row     *ir.Global  // [NPre+1 x i64]
	post    *ir.Global  // [S x i32]
	weight  value.Value // every synapse's weight (a constant) when weights is nil
	weights *ir.Global  // [S x double] (i64 in fixed mode) or nil
	delays  *ir.Global  // [S x i8/i16] or nil
	delElem types.Type
	ring    *ringGen
}

type stimGen struct {
	is      *instance.Stimulus
	runStep *ir.Global // [R x i64]
	runVal  *ir.Global // [R x double]
	nRuns   int
	cursor  *ir.Global // i64
}

type spikeOut struct {
	pop, src int // one is -1
}

type traceOut struct {
	rec  *instance.Record
	pop  *popGen
	g    *snn.Graph // RecordLet: the let as the interpreter evaluates it
	expr snn.NodeID
}

// Build generates the float-mode program of an instantiated network: the
// interpreter's semantics (docs/simulator.md), specialised to the network.
func Build(inst *instance.Instance, opt Options) (*Program, error) {
	b := &builder{inst: inst, opt: opt, steps: inst.Steps, valElem: tF64}
	if opt.Steps > 0 {
		b.steps = opt.Steps
	}
	if opt.Threads < 0 {
		return nil, fmt.Errorf("cpu: negative thread count %d", opt.Threads)
	}
	b.m = ir.NewModule()
	setTarget(b.m)
	b.lib = newMathlib(b.m, opt.exp())
	b.data = &dataSet{m: b.m, limit: opt.embedLimit()}
	b.strs = &strTab{m: b.m, strs: map[string]*ir.Global{}}
	b.rt = declareRuntime(b.m)
	if err := b.build(); err != nil {
		return nil, err
	}
	return &Program{Module: b.m, Data: b.data.file(), Meta: b.meta, Exp: opt.exp(), Mode: Float}, nil
}

// setTarget sets the host's target triple and data layout (opt needs the
// triple to know the vector registers).
func setTarget(m *ir.Module) {
	switch runtime.GOARCH {
	case "arm64":
		m.TargetTriple = "aarch64-unknown-linux-gnu"
		m.DataLayout = "e-m:e-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128"
	default:
		m.TargetTriple = "x86_64-pc-linux-gnu"
		m.DataLayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-f80:128-n8:16:32:64-S128"
	}
}

func (b *builder) build() error {
	inst := b.inst
	b.stimVal = b.data.zero("snnc.stim.val", tF64, len(inst.Stimuli))
	// Which pops and sources project or are recorded.
	popList := make([]bool, len(inst.Pops))
	srcList := make([]bool, len(inst.Sources))
	for _, p := range inst.Projections {
		if p.SrcPop >= 0 {
			popList[p.SrcPop] = true
		} else {
			srcList[p.SrcSrc] = true
		}
	}
	for _, r := range inst.Records {
		if r.Kind == instance.RecordSpikes {
			if r.Pop >= 0 {
				popList[r.Pop] = true
			} else {
				srcList[r.Source] = true
			}
		}
	}
	for i, ip := range inst.Pops {
		p, err := b.newPop(i, ip, popList[i])
		if err != nil {
			return fmt.Errorf("pop %s: %w", ip.Name, err)
		}
		b.pops = append(b.pops, p)
	}
	for i, is := range inst.Sources {
		b.srcs = append(b.srcs, b.newSource(i, is, srcList[i]))
	}
	for _, ip := range inst.Projections {
		b.projs = append(b.projs, b.newProjection(ip))
	}
	for j, st := range inst.Stimuli {
		b.stims = append(b.stims, b.newStim(j, st))
	}
	if err := b.setupRecords(); err != nil {
		return err
	}
	for _, p := range b.pops {
		if err := b.emitPopStep(p); err != nil {
			return fmt.Errorf("pop %s: %w", p.ip.Name, err)
		}
		if err := b.emitPopInit(p); err != nil {
			return fmt.Errorf("pop %s: %w", p.ip.Name, err)
		}
	}
	if err := b.emitRuntime(); err != nil {
		return err
	}
	b.lib.finish()
	return nil
}

// padSize is the padded size of a population of n neurons.
func padSize(n int) int {
	if n < blockSize {
		return n
	}
	return (n + blockSize - 1) / blockSize * blockSize
}

// padded returns v extended to size pad with copies of its last element.
func padded(v []float64, pad int) []float64 {
	if len(v) >= pad {
		return v
	}
	out := make([]float64, pad)
	copy(out, v)
	for i := len(v); i < pad; i++ {
		out[i] = v[len(v)-1]
	}
	return out
}

func (b *builder) newPop(idx int, ip *instance.Pop, needList bool) (*popGen, error) {
	u := ip.Unit
	p := &popGen{idx: idx, ip: ip, u: u, id: fmt.Sprintf("p%d_%s", idx, sanitize(ip.Name)), n: ip.N, pad: padSize(ip.N), needList: needList}
	for s, st := range u.States {
		p.states = append(p.states, b.data.values(p.id+"."+sanitize(st.Name), tF64, padded(ip.Init[s], p.pad)))
	}
	for j, q := range u.Params {
		v := ip.Params[j]
		if v.Homogeneous() {
			p.params = append(p.params, paramSrc{homog: true, c: v.Scalar, elem: tF64})
			continue
		}
		p.params = append(p.params, paramSrc{g: b.data.values(p.id+".param."+sanitize(q.Name), tF64, padded(v.Vec, p.pad)), elem: tF64})
	}
	// Delay rings and live inputs.
	maxDelay := map[[2]int]int{} // (state?1:0, index) → max delay
	for _, pj := range b.inst.Projections {
		if pj.Dst != idx {
			continue
		}
		k := [2]int{0, pj.TargetIndex}
		if pj.TargetState {
			k[0] = 1
		}
		if d, ok := maxDelay[k]; !ok || pj.MaxDelay() > d {
			maxDelay[k] = pj.MaxDelay()
		}
	}
	p.inputLive = make([]bool, len(u.Inputs))
	p.inputRing = make([]*ringGen, len(u.Inputs))
	p.stateRing = make([]*ringGen, len(u.States))
	p.stimsOf = make([][]int, len(u.Inputs))
	for i, in := range u.Inputs {
		if d, ok := maxDelay[[2]int{0, i}]; ok {
			p.inputLive[i] = true
			p.inputRing[i] = &ringGen{g: b.data.zero(p.id+".ring."+sanitize(in.Name), tF64, (d+1)*p.pad), l: d + 1, elem: tF64}
		}
	}
	for i, st := range u.States {
		if d, ok := maxDelay[[2]int{1, i}]; ok {
			p.stateRing[i] = &ringGen{g: b.data.zero(p.id+".ring."+sanitize(st.Name), tF64, (d+1)*p.pad), l: d + 1, elem: tF64}
		}
	}
	for j, st := range b.inst.Stimuli {
		if st.Pop == idx {
			p.inputLive[st.InputIndex] = true
			p.stimsOf[st.InputIndex] = append(p.stimsOf[st.InputIndex], j)
		}
	}
	pr, err := interp.Prepare(ip, b.inst.Dt, p.inputLive)
	if err != nil {
		return nil, err
	}
	p.g, p.roots, p.spikeE, p.resetE = pr.G, pr.Update, pr.Spike, pr.Reset
	p.cost = p.floatCost()
	p.hasCond = u.Spike != snn.NoNode
	if p.hasCond {
		p.prev = b.data.zero(p.id+".prev", tI8, p.pad)
		p.spk = b.data.zero(p.id+".spiked", tI8, (p.pad+7)/8*8)
	}
	p.held = make([]bool, len(u.States))
	for _, a := range u.Reset {
		s := ip.StateIndex(a.State)
		if s < 0 {
			return nil, fmt.Errorf("reset assigns unknown state %q", a.State)
		}
		p.held[s], p.anyHeld = true, true
	}
	p.hasRef = u.Refractory != snn.NoNode
	if p.hasRef {
		p.refUntil = b.data.zero(p.id+".refuntil", tI64, p.pad)
		rs := ip.RefractorySteps
		if rs.Homogeneous() {
			p.refSteps = paramSrc{homog: true, c: rs.Scalar, elem: tI64}
		} else {
			p.refSteps = paramSrc{g: b.data.values(p.id+".refsteps", tI64, padded(rs.Vec, p.pad)), elem: tI64}
		}
	}
	if p.needList {
		p.list = b.data.zero(p.id+".spikes", tI32, p.n+1)
		p.count = b.data.scalar(p.id+".nspikes", tI64)
	}
	return p, nil
}

func (b *builder) newSource(idx int, is *instance.Source, needList bool) *srcGen {
	s := &srcGen{idx: idx, is: is, id: fmt.Sprintf("s%d_%s", idx, sanitize(is.Name)), needList: needList}
	if !needList {
		return s
	}
	s.count = b.data.scalar(s.id+".nspikes", tI64)
	switch is.Kind {
	case snn.Poisson:
		s.list = b.data.zero(s.id+".spikes", tI32, is.N+1)
		s.keys = b.data.zero(s.id+".keys", tI64, is.N)
		if is.Thresholds == nil {
			s.thr = paramSrc{homog: true, c: float64(is.Threshold), elem: tI64}
		} else {
			t := make([]int64, len(is.Thresholds))
			for i, x := range is.Thresholds {
				t[i] = int64(x)
			}
			s.thr = paramSrc{g: b.data.ints(s.id+".thresholds", tI64, t), elem: tI64}
		}
	default:
		// The most events of one step bounds the list.
		most, run := 0, 0
		for i := range is.EvStep {
			if i > 0 && is.EvStep[i] == is.EvStep[i-1] {
				run++
			} else {
				run = 1
			}
			most = max(most, run)
		}
		s.list = b.data.zero(s.id+".spikes", tI32, most+1)
		s.nEv = len(is.EvStep)
		s.evStep = b.data.ints(s.id+".evstep", tI64, append(append([]int64(nil), is.EvStep...), math.MaxInt64))
		ev := make([]float64, len(is.EvNeuron)+1)
		for i, n := range is.EvNeuron {
			ev[i] = float64(n)
		}
		s.evNeur = b.data.values(s.id+".evneuron", tI32, ev)
		s.cursor = b.data.scalar(s.id+".cursor", tI64)
	}
	return s
}

func (b *builder) newProjection(ip *instance.Projection) *projGen {
	pg := b.newProjectionStructure(ip)
	if ip.Weights != nil {
		pg.weights = b.data.values(fmt.Sprintf("proj%d.weight", ip.Index), tF64, ip.Weights)
	} else {
		pg.weight = f64(ip.Weight)
	}
	dst := b.pops[ip.Dst]
	if ip.TargetState {
		pg.ring = dst.stateRing[ip.TargetIndex]
	} else {
		pg.ring = dst.inputRing[ip.TargetIndex]
	}
	return pg
}

// newProjectionStructure returns the CSR arrays of a projection: rows,
// targets and per-synapse delays.
func (b *builder) newProjectionStructure(ip *instance.Projection) *projGen {
	pg := &projGen{ip: ip}
	id := fmt.Sprintf("proj%d", ip.Index)
	row := make([]int64, len(ip.Row))
	for i, r := range ip.Row {
		row[i] = int64(r)
	}
	pg.row = b.data.ints(id+".row", tI64, row)
	post := make([]float64, len(ip.Post))
	for i, j := range ip.Post {
		post[i] = float64(j)
	}
	pg.post = b.data.values(id+".post", tI32, post)
	switch {
	case ip.Delays8 != nil:
		d := make([]float64, len(ip.Delays8))
		for i, x := range ip.Delays8 {
			d[i] = float64(x)
		}
		pg.delays, pg.delElem = b.data.values(id+".delay", tI8, d), tI8
	case ip.Delays16 != nil:
		d := make([]float64, len(ip.Delays16))
		for i, x := range ip.Delays16 {
			d[i] = float64(x)
		}
		pg.delays, pg.delElem = b.data.values(id+".delay", tI16, d), tI16
	}
	return pg
}

// newStim run-length encodes the stimulus over the run: the value at step
// k is At(k·dt), computed here exactly as the interpreter computes it.
func (b *builder) newStim(j int, st *instance.Stimulus) *stimGen {
	sg := &stimGen{is: st}
	var vals []float64
	var stepsI []int64
	for k := int64(0); k <= b.steps; k++ {
		v := st.At(float64(k) * b.inst.Dt)
		if len(vals) == 0 || math.Float64bits(v) != math.Float64bits(vals[len(vals)-1]) {
			stepsI = append(stepsI, k)
			vals = append(vals, v)
		}
	}
	stepsI = append(stepsI, math.MaxInt64)
	vals = append(vals, 0)
	id := fmt.Sprintf("stim%d", j)
	sg.nRuns = len(vals) - 1
	sg.runStep = b.data.ints(id+".runstep", tI64, stepsI)
	sg.runVal = b.data.values(id+".runval", tF64, vals)
	sg.cursor = b.data.scalar(id+".cursor", tI64)
	return sg
}

// setupRecords decides the outputs (in the interpreter's order) and the
// stream header.
func (b *builder) setupRecords() error {
	inst := b.inst
	b.meta = &Meta{Version: 1, Network: inst.Name, Mode: Float, Exp: b.opt.exp(), Dt: inst.Dt, Seed: inst.Seed, Steps: b.steps}
	spikeRange := func(pop, src, n int) (int, int, bool) {
		lo, hi, any := n, 0, false
		for _, r := range inst.Records {
			if r.Kind == instance.RecordSpikes && r.Pop == pop && r.Source == src {
				lo, hi, any = min(lo, r.Lo), max(hi, r.Hi), true
			}
		}
		return lo, hi, any
	}
	for pi, p := range b.pops {
		if lo, hi, ok := spikeRange(pi, -1, p.n); ok {
			b.meta.Spikes = append(b.meta.Spikes, MetaSpikes{Name: p.ip.Name, N: p.n, Lo: lo, Hi: hi})
			b.souts = append(b.souts, spikeOut{pop: pi, src: -1})
		}
	}
	for si, s := range inst.Sources {
		if lo, hi, ok := spikeRange(-1, si, s.N); ok {
			b.meta.Spikes = append(b.meta.Spikes, MetaSpikes{Name: s.Name, N: s.N, Lo: lo, Hi: hi})
			b.souts = append(b.souts, spikeOut{pop: -1, src: si})
		}
	}
	for _, r := range inst.Records {
		if r.Kind == instance.RecordSpikes {
			continue
		}
		p := b.pops[r.Pop]
		mt := MetaTrace{Name: p.ip.Name + "." + r.Var, Lo: r.Lo, Hi: r.Hi, Every: r.Every}
		if d, ok := p.u.DimOf(r.Var); ok {
			mt.Unit = d.String()
		}
		to := traceOut{rec: r, pop: p}
		switch r.Kind {
		case instance.RecordLet:
			p.storeInputs(b)
			to.g, to.expr = interp.PrepareLet(p.ip, r.Index, p.inputLive)
		case instance.RecordInput:
			p.storeInputs(b)
		}
		b.meta.Traces = append(b.meta.Traces, mt)
		b.tours = append(b.tours, to)
		b.maxTr = max(b.maxTr, r.Hi-r.Lo)
	}
	for _, p := range b.pops {
		mp := MetaPop{Name: p.ip.Name}
		for _, s := range p.u.States {
			mp.States = append(mp.States, s.Name)
		}
		b.meta.Pops = append(b.meta.Pops, mp)
	}
	b.scratch = b.data.zero("snnc.scratch", tF64, b.maxTr)
	return nil
}

// storeInputs makes the population keep its live inputs in arrays (for
// input and let records).
func (p *popGen) storeInputs(b *builder) {
	if p.inputs != nil {
		return
	}
	p.inputs = make([]*ir.Global, len(p.u.Inputs))
	for i, in := range p.u.Inputs {
		if p.inputLive[i] {
			p.inputs[i] = b.data.zero(p.id+".input."+sanitize(in.Name), tF64, p.pad)
		}
	}
}

// metaJSON is the stream header.
func (b *builder) metaJSON() []byte {
	j, err := json.Marshal(b.meta)
	if err != nil {
		panic(fmt.Sprintf("cpu: meta: %v", err))
	}
	return j
}

// ---- the per-population step ----

// timeOf emits float64(k)·dt.
func (b *builder) timeOf(blk *ir.Block, k value.Value) value.Value {
	return blk.NewFMul(blk.NewSIToFP(k, tF64), f64(b.inst.Dt))
}

// paramLeaf returns a param's value for neuron i.
func (p *popGen) paramLeaf(fb *fb, j int, i value.Value) val {
	ps := p.params[j]
	if ps.homog {
		return constVal(ps.c)
	}
	return dbl(fb.load(tF64, ps.g, i))
}

// leafFunc returns the leaf resolver of an expression context: states and
// inputs from the given values, params from the population, time t.
func (p *popGen) leafFunc(fb *fb, i value.Value, states []value.Value, inputs []val, t val) func(snn.Node) (val, error) {
	return func(n snn.Node) (val, error) {
		switch n.Op {
		case snn.OpState:
			s := p.ip.StateIndex(n.Name)
			if s < 0 {
				return val{}, fmt.Errorf("unknown state %q", n.Name)
			}
			return dbl(states[s]), nil
		case snn.OpInput:
			j := p.ip.InputIndex(n.Name)
			if j < 0 {
				return val{}, fmt.Errorf("unknown input %q", n.Name)
			}
			return inputs[j], nil
		case snn.OpParam:
			for j, q := range p.u.Params {
				if q.Name == n.Name {
					return p.paramLeaf(fb, j, i), nil
				}
			}
			return val{}, fmt.Errorf("unknown param %q", n.Name)
		case snn.OpTime:
			return t, nil
		}
		return val{}, fmt.Errorf("%v cannot be evaluated in a neuron model", n.Op)
	}
}

// emitPopStep emits i32 @pX.step(i64 k, i64 lo, i64 hi): steps 1–4 of
// step k (deliver, integrate, detect, reset) for neurons lo ≤ i < hi, as
// one loop whose body is the unit's update DAG in straight-line SSA. It
// returns non-zero when a state became NaN or infinite.
func (b *builder) emitPopStep(p *popGen) error {
	k, lo, hi := ir.NewParam("k", tI64), ir.NewParam("lo", tI64), ir.NewParam("hi", tI64)
	f := b.m.NewFunc(p.id+".step", tI32, k, lo, hi)
	defAttrs(f)
	p.step = f
	fb := newFB(f)
	entry := fb.cur
	t := fb.named(b.timeOf(entry, k), "t")
	t1 := fb.named(b.timeOf(entry, entry.NewAdd(k, i64(1))), "t1")
	u := p.u
	// Ring slots of step k.
	slotOf := func(r *ringGen, name string) value.Value {
		if r == nil {
			return nil
		}
		var off value.Value = i64(0)
		if r.l > 1 {
			off = entry.NewMul(entry.NewURem(k, i64(int64(r.l))), i64(int64(p.pad)))
		}
		return fb.named(entry.NewGetElementPtr(r.g.ContentType, r.g, i64(0), off), name)
	}
	stateSlot := make([]value.Value, len(u.States))
	for s, r := range p.stateRing {
		stateSlot[s] = slotOf(r, "slot."+sanitize(u.States[s].Name))
	}
	inputSlot := make([]value.Value, len(u.Inputs))
	stimVals := make([][]value.Value, len(u.Inputs))
	for j, r := range p.inputRing {
		inputSlot[j] = slotOf(r, "slot."+sanitize(u.Inputs[j].Name))
		for _, sj := range p.stimsOf[j] {
			stimVals[j] = append(stimVals[j], fb.named(fb.load(tF64, b.stimVal, i64(int64(sj))), fmt.Sprintf("stim%d", sj)))
		}
	}
	var err error
	out := fb.loop("n", lo, hi, []value.Value{i32(0)}, func(i value.Value, acc []value.Value) []value.Value {
		// 1. Deliver: jumps into states, inputs = ring + stimuli.
		x0 := make([]value.Value, len(u.States))
		for s, st := range u.States {
			x := fb.named(fb.load(tF64, p.states[s], i), sanitize(st.Name))
			if sl := stateSlot[s]; sl != nil {
				r := fb.load(tF64, sl, i)
				fb.store(tF64, f64(0), sl, i)
				x = fb.named(fb.cur.NewFAdd(x, r), sanitize(st.Name)+".in")
			}
			x0[s] = x
		}
		ins := make([]val, len(u.Inputs))
		for j, in := range u.Inputs {
			if !p.inputLive[j] {
				ins[j] = constVal(0)
				continue
			}
			// interp: x = 0; x += ring; x += each stimulus. 0 + r == r for
			// every ring value (a ring slot is never −0).
			var v value.Value
			if sl := inputSlot[j]; sl != nil {
				v = fb.load(tF64, sl, i)
				fb.store(tF64, f64(0), sl, i)
			}
			for _, sv := range stimVals[j] {
				if v == nil {
					v = fb.cur.NewFAdd(f64(0), sv)
				} else {
					v = fb.cur.NewFAdd(v, sv)
				}
			}
			ins[j] = dbl(fb.named(v, sanitize(in.Name)))
			if p.inputs != nil && p.inputs[j] != nil {
				fb.store(tF64, v, p.inputs[j], i)
			}
		}
		cur := func() *ir.Block { return fb.cur }
		// 2. Integrate: every state from the values at the start of the step.
		env := newEnv(p.g, b.lib, entry, cur, p.leafFunc(fb, i, x0, ins, val{v: t, uniform: true}))
		final := make([]value.Value, len(u.States))
		for s := range u.States {
			v, e := env.emit(p.roots[s])
			if e != nil {
				err = e
				return acc
			}
			final[s] = fb.named(asF64(fb.cur, v), sanitize(u.States[s].Name)+".new")
		}
		var ru, inRef value.Value
		if p.hasRef {
			ru = fb.load(tI64, p.refUntil, i)
			inRef = fb.cur.NewICmp(enum.IPredSLT, k, ru)
			if p.anyHeld {
				for s := range u.States {
					if p.held[s] {
						final[s] = fb.cur.NewSelect(inRef, x0[s], final[s])
					}
				}
			}
		}
		bad := acc[0]
		fabs := b.lib.intrinsic("fabs", 1)
		for s := range u.States {
			nf := fb.cur.NewFCmp(enum.FPredUEQ, fb.cur.NewCall(fabs, final[s]), f64(math.Inf(1)))
			bad = fb.cur.NewOr(bad, fb.cur.NewZExt(nf, tI32))
		}
		// 3. Detect an upward crossing outside the refractory period.
		curS := final
		if p.hasCond {
			envC := newEnv(p.g, b.lib, entry, cur, p.leafFunc(fb, i, final, ins, val{v: t1, uniform: true}))
			c, e := envC.emit(p.spikeE)
			if e != nil {
				err = e
				return acc
			}
			now := truth(fb.cur, c)
			prev := fb.cur.NewICmp(enum.IPredNE, fb.load(tI8, p.prev, i), i8(0))
			spike := fb.cur.NewAnd(now, fb.cur.NewXor(prev, i1(true)))
			if p.hasRef {
				spike = fb.cur.NewAnd(spike, fb.cur.NewXor(inRef, i1(true)))
			}
			spikeV := fb.named(spike, "spike")
			// 4. Reset (assignments in order, each over the current states)
			// and start the refractory period.
			curS = append([]value.Value(nil), final...)
			for ri, a := range u.Reset {
				s := p.ip.StateIndex(a.State)
				envR := newEnv(p.g, b.lib, entry, cur, p.leafFunc(fb, i, curS, ins, val{v: t1, uniform: true}))
				v, e := envR.emit(p.resetE[ri])
				if e != nil {
					err = e
					return acc
				}
				curS[s] = fb.cur.NewSelect(spikeV, asF64(fb.cur, v), curS[s])
			}
			var prevNew value.Value = now
			if len(u.Reset) > 0 {
				envC2 := newEnv(p.g, b.lib, entry, cur, p.leafFunc(fb, i, curS, ins, val{v: t1, uniform: true}))
				c2, e := envC2.emit(p.spikeE)
				if e != nil {
					err = e
					return acc
				}
				prevNew = fb.cur.NewSelect(spikeV, truth(fb.cur, c2), now)
			}
			fb.store(tI8, fb.cur.NewZExt(prevNew, tI8), p.prev, i)
			fb.store(tI8, fb.cur.NewZExt(spikeV, tI8), p.spk, i)
			if p.hasRef {
				var rs value.Value
				if p.refSteps.homog {
					rs = i64(int64(p.refSteps.c))
				} else {
					rs = fb.load(tI64, p.refSteps.g, i)
				}
				fb.store(tI64, fb.cur.NewSelect(spikeV, fb.cur.NewAdd(k, rs), ru), p.refUntil, i)
			}
		}
		for s := range u.States {
			fb.store(tF64, curS[s], p.states[s], i)
		}
		return []value.Value{bad}
	})
	if err != nil {
		return err
	}
	fb.cur.NewRet(out[0])
	return nil
}

// emitPopInit emits void @pX.init(i64 lo, i64 hi): the spike condition at
// the initial state (time 0, inputs 0), so that a neuron starting above
// threshold has not crossed it.
func (b *builder) emitPopInit(p *popGen) error {
	lo, hi := ir.NewParam("lo", tI64), ir.NewParam("hi", tI64)
	f := b.m.NewFunc(p.id+".init", tVoid, lo, hi)
	defAttrs(f)
	p.init = f
	fb := newFB(f)
	if !p.hasCond {
		fb.cur.NewRet(nil)
		return nil
	}
	entry := fb.cur
	var err error
	fb.loop("n", lo, hi, nil, func(i value.Value, _ []value.Value) []value.Value {
		xs := make([]value.Value, len(p.u.States))
		for s := range p.u.States {
			xs[s] = fb.load(tF64, p.states[s], i)
		}
		ins := make([]val, len(p.u.Inputs))
		for j := range ins {
			ins[j] = constVal(0)
		}
		env := newEnv(p.g, b.lib, entry, func() *ir.Block { return fb.cur }, p.leafFunc(fb, i, xs, ins, constVal(0)))
		c, e := env.emit(p.spikeE)
		if e != nil {
			err = e
			return nil
		}
		fb.store(tI8, fb.cur.NewZExt(truth(fb.cur, c), tI8), p.prev, i)
		return nil
	})
	if err != nil {
		return err
	}
	fb.cur.NewRet(nil)
	return nil
}

// charArray returns a private constant holding bytes, and its length.
func (b *builder) blob(name string, data []byte) (constant.Constant, int) {
	g := b.m.NewGlobalDef(name, constant.NewCharArray(data))
	g.Immutable = true
	g.Linkage = enum.LinkagePrivate
	return constant.NewGetElementPtr(g.ContentType, g, i64(0), i64(0)), len(data)
}
