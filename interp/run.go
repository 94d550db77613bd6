package interp

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"snnc/instance"
	"snnc/internal/results"
	"snnc/ir"
)

// RunOptions control a simulation run.
type RunOptions struct {
	Duration float64                 // simulated time in s; 0: the network's duration
	Threads  int                     // worker goroutines at most; 0: GOMAXPROCS (small networks use fewer)
	Progress func(step, total int64) // called from the running goroutine now and then, and at the end; may be nil
}

// NonFiniteError reports a state that became NaN or infinite. The run stops
// at the step where it happened.
type NonFiniteError struct {
	Pop    string
	Neuron int
	Var    string
	Value  float64
	Step   int64
	TimeMs float64 // time of the step's start, k·dt
}

func (e *NonFiniteError) Error() string {
	return fmt.Sprintf("non-finite state: population %s, neuron %d, variable %s = %g in step %d (t = %g ms)",
		e.Pop, e.Neuron, e.Var, e.Value, e.Step, e.TimeMs)
}

// chunkSize is the number of neurons a program runs over at once.
const chunkSize = 256

// minWorkPerThread is the per-step work (neurons × vector instructions and
// per-neuron passes) below which another thread costs more in
// synchronisation than it saves. (A variable so that tests can force
// threads on small networks.)
var minWorkPerThread = 100_000

// Run simulates inst and returns the recorded spikes and traces. On a
// non-finite state it returns what was recorded up to that step together
// with a *NonFiniteError.
func Run(inst *instance.Instance, opt RunOptions) (*results.Result, error) {
	s, err := newSim(inst, opt)
	if err != nil {
		return nil, err
	}
	return s.run()
}

// sim is one run.
type sim struct {
	inst    *instance.Instance
	dt      float64
	steps   int64
	clk     clock
	pops    []*popRT
	chunks  []chunk
	projs   []*instance.Projection
	srcSpk  [][]int32 // per source: spikes of the current step
	stimVal []float64 // per stimulus: value at the current step
	k       int64     // current step
	opt     RunOptions

	workers []*worker
	next    atomic.Int64
	wg      sync.WaitGroup
	task    func(w *worker, i int) // the current parallel phase
	ntask   int
	chunkFn func(w *worker, i int)

	// Propagation: projections grouped by target ring buffer, each group in
	// declaration order; groups are independent and run in parallel.
	groups  [][]*instance.Projection
	groupFn func(w *worker, i int)

	res      *results.Result
	spikeRec []spikeRec
	traces   []*traceRec
}

// popRT is a population's run-time state.
type popRT struct {
	ip         *instance.Pop
	n          int
	arr        popArrays
	update     *program
	cond       *program   // nil: no spike condition
	resets     []*program // one per reset assignment
	resetState []int      // state index per reset assignment
	held       []bool     // per state: held while refractory (assigned by the reset)
	anyHeld    bool
	prev       []bool  // spike condition after the previous step
	refUntil   []int64 // refractory while step < refUntil
	refSteps   instance.Value
	hasRef     bool
	stateRing  []*ring // per state: arriving jumps, or nil
	inputRing  []*ring // per input: arriving spikes, or nil
	inputLive  []bool
	inputStims [][]int // per input: stimulus indices
	spikes     []int32 // spikes of the current step, ascending
	c0, c1     int     // chunk index range
}

// ring is a delay ring buffer: slot k mod L accumulates what arrives at step k.
type ring struct {
	slots [][]float64
}

func newRing(n, maxDelay int) *ring {
	r := &ring{slots: make([][]float64, maxDelay+1)}
	for i := range r.slots {
		r.slots[i] = make([]float64, n)
	}
	return r
}

func (r *ring) slot(k int64) []float64 { return r.slots[k%int64(len(r.slots))] }

// chunk is a range of one population's neurons, and what it produced in
// the current step.
type chunk struct {
	pop    int
	lo, hi int
	spikes []int32
	err    *NonFiniteError
}

// worker holds one goroutine's scratch space.
type worker struct {
	vecs  [][]float64
	bufs  [][]float64
	start chan struct{}
}

type spikeRec struct {
	pop    int // population index, or -1
	src    int // source index, or -1
	lo, hi int
	out    *results.PopSpikes
}

type traceRec struct {
	rec   *instance.Record
	obs   *program // RecordLet: the let's expression
	trace *results.Trace
}

// clock converts steps to milliseconds; when 1 ms is a whole number of
// steps it divides (k/perMs is the float64 nearest the decimal time).
type clock struct {
	dtMs  float64
	perMs int64
}

func newClock(dt float64) clock {
	c := clock{dtMs: dt * 1e3}
	r := 1e-3 / dt
	if rr := math.Round(r); rr >= 1 && math.Abs(r-rr) < 1e-9*rr {
		c.perMs = int64(rr)
		c.dtMs = 1 / rr
	}
	return c
}

func (c clock) ms(k int64) float64 {
	if c.perMs > 0 {
		return float64(k) / float64(c.perMs)
	}
	return float64(k) * c.dtMs
}

// tkey names a target of projections: a state or an input of a population.
type tkey struct {
	pop   int
	state bool
	idx   int
}

func newSim(inst *instance.Instance, opt RunOptions) (*sim, error) {
	s := &sim{inst: inst, dt: inst.Dt, steps: inst.Steps, opt: opt, projs: inst.Projections}
	if opt.Duration < 0 || math.IsNaN(opt.Duration) || math.IsInf(opt.Duration, 0) {
		return nil, fmt.Errorf("invalid duration %g s", opt.Duration)
	}
	if opt.Duration > 0 {
		s.steps = instance.StepsFor(opt.Duration, inst.Dt)
	}
	s.clk = newClock(inst.Dt)

	// Which inputs and states receive anything, and the largest delay to each.
	maxDelay := map[tkey]int{}
	for _, p := range inst.Projections {
		k := tkey{p.Dst, p.TargetState, p.TargetIndex}
		maxDelay[k] = max(maxDelay[k], p.MaxDelay())
	}
	for pi, ip := range inst.Pops {
		u := ip.Unit
		pr := &popRT{ip: ip, n: ip.N, refSteps: ip.RefractorySteps, hasRef: u.Refractory != ir.NoNode}
		pr.inputLive = make([]bool, len(u.Inputs))
		pr.inputRing = make([]*ring, len(u.Inputs))
		pr.inputStims = make([][]int, len(u.Inputs))
		pr.stateRing = make([]*ring, len(u.States))
		for i := range u.Inputs {
			if d, ok := maxDelay[tkey{pi, false, i}]; ok {
				pr.inputLive[i] = true
				pr.inputRing[i] = newRing(ip.N, d)
			}
		}
		for i := range u.States {
			if d, ok := maxDelay[tkey{pi, true, i}]; ok {
				pr.stateRing[i] = newRing(ip.N, d)
			}
		}
		for j, st := range inst.Stimuli {
			if st.Pop == pi {
				pr.inputLive[st.InputIndex] = true
				pr.inputStims[st.InputIndex] = append(pr.inputStims[st.InputIndex], j)
			}
		}
		pr.arr.states = make([][]float64, len(u.States))
		for i := range u.States {
			pr.arr.states[i] = append([]float64(nil), ip.Init[i]...)
		}
		pr.arr.inputs = make([][]float64, len(u.Inputs))
		for i := range u.Inputs {
			pr.arr.inputs[i] = make([]float64, ip.N)
		}
		pr.arr.params = make([][]float64, len(u.Params))
		for i, v := range ip.Params {
			pr.arr.params[i] = v.Vec
		}
		if err := pr.compile(inst.Dt); err != nil {
			return nil, fmt.Errorf("pop %s: %w", ip.Name, err)
		}
		pr.prev = make([]bool, ip.N)
		pr.refUntil = make([]int64, ip.N)
		// The spike condition at the initial state: a neuron that starts
		// above threshold has not crossed it.
		if pr.cond != nil {
			pr.cond.setTime(0)
		}
		pr.c0 = len(s.chunks)
		for lo := 0; lo < ip.N; lo += chunkSize {
			s.chunks = append(s.chunks, chunk{pop: pi, lo: lo, hi: min(lo+chunkSize, ip.N)})
		}
		pr.c1 = len(s.chunks)
		s.pops = append(s.pops, pr)
	}
	s.srcSpk = make([][]int32, len(inst.Sources))
	s.stimVal = make([]float64, len(inst.Stimuli))

	// Scratch space: enough for the largest program.
	nslots, nbuf := 1, 1
	for _, p := range s.pops {
		for _, pg := range p.programs() {
			nslots = max(nslots, pg.slots())
			nbuf = max(nbuf, pg.nbuf)
		}
	}
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	// A thread is worth its per-step synchronisation only with enough work:
	// about minWorkPerThread element operations per step each. (Results
	// do not depend on the number of threads.)
	work := 0
	for _, p := range s.pops {
		ops := len(p.update.code) + 4*len(p.arr.states) + 8
		if p.cond != nil {
			ops += len(p.cond.code)
		}
		work += p.n * ops
	}
	threads = max(1, min(threads, len(s.chunks), work/minWorkPerThread))
	for range threads {
		w := &worker{vecs: make([][]float64, nslots), bufs: make([][]float64, nbuf)}
		for j := range w.bufs {
			w.bufs[j] = make([]float64, chunkSize)
		}
		s.workers = append(s.workers, w)
	}
	s.chunkFn = func(w *worker, i int) { s.stepChunk(w, &s.chunks[i]) }
	s.groupFn = func(_ *worker, g int) { s.propagateGroup(g) }
	// Group projections by target buffer (first appearance order), largest
	// groups first so that they start early.
	gi := map[tkey]int{}
	for _, p := range inst.Projections {
		k := tkey{p.Dst, p.TargetState, p.TargetIndex}
		g, ok := gi[k]
		if !ok {
			g = len(s.groups)
			gi[k] = g
			s.groups = append(s.groups, nil)
		}
		s.groups[g] = append(s.groups[g], p)
	}
	size := func(g []*instance.Projection) (n int) {
		for _, p := range g {
			n += p.NumSynapses()
		}
		return n
	}
	sort.SliceStable(s.groups, func(a, b int) bool { return size(s.groups[a]) > size(s.groups[b]) })

	// Initial spike-condition values.
	w0 := s.workers[0]
	for _, p := range s.pops {
		if p.cond == nil {
			continue
		}
		for lo := 0; lo < p.n; lo += chunkSize {
			hi := min(lo+chunkSize, p.n)
			p.cond.run(&p.arr, lo, hi, w0.vecs, w0.bufs)
			c, cs := p.cond.out(0, w0.vecs)
			for i := lo; i < hi; i++ {
				p.prev[i] = truth(c, cs, i-lo)
			}
		}
	}
	return s, s.setupRecords()
}

func truth(v []float64, sc float64, i int) bool {
	if v == nil {
		return sc != 0
	}
	return v[i] != 0
}

// compile builds the population's programs.
func (p *popRT) compile(dt float64) error {
	u := p.ip.Unit
	g := u.G.Clone()
	roots, err := updateRoots(u, g, dt)
	if err != nil {
		return err
	}
	b := &binding{pop: p.ip, liveInputs: p.inputLive}
	// Simplify all expressions together (shared subexpressions stay shared).
	all := append([]ir.NodeID(nil), roots...)
	if u.Spike != ir.NoNode {
		all = append(all, u.Spike)
	}
	for _, a := range u.Reset {
		all = append(all, a.Value)
	}
	all = simplify(g, all, b.constOf)
	roots, rest := all[:len(roots)], all[len(roots):]
	if p.update, err = compile(g, roots, b); err != nil {
		return err
	}
	if u.Spike != ir.NoNode {
		if p.cond, err = compile(g, rest[:1], b); err != nil {
			return fmt.Errorf("spike condition: %w", err)
		}
		rest = rest[1:]
	}
	p.held = make([]bool, len(u.States))
	for j, a := range u.Reset {
		i := p.ip.StateIndex(a.State)
		if i < 0 {
			return fmt.Errorf("reset assigns unknown state %q", a.State)
		}
		pg, err := compile(g, rest[j:j+1], b)
		if err != nil {
			return fmt.Errorf("reset %s: %w", a.State, err)
		}
		p.resets = append(p.resets, pg)
		p.resetState = append(p.resetState, i)
		p.held[i] = true
		p.anyHeld = true
	}
	return nil
}

func (p *popRT) programs() []*program {
	ps := []*program{p.update}
	if p.cond != nil {
		ps = append(ps, p.cond)
	}
	return append(ps, p.resets...)
}

// setupRecords prepares the result and the trace recorders.
func (s *sim) setupRecords() error {
	inst := s.inst
	s.res = &results.Result{
		Network:    inst.Name,
		DtMs:       s.clk.ms(1),
		DurationMs: s.clk.ms(s.steps),
		Seed:       inst.Seed,
	}
	// Spike records: one PopSpikes per population, in declaration order,
	// then one per recorded source.
	spikeRange := func(pop, src, n int) (int, int, bool) {
		lo, hi, any := n, 0, false
		for _, r := range inst.Records {
			if r.Kind == instance.RecordSpikes && r.Pop == pop && r.Source == src {
				lo, hi, any = min(lo, r.Lo), max(hi, r.Hi), true
			}
		}
		return lo, hi, any
	}
	for pi, p := range s.pops {
		if lo, hi, ok := spikeRange(pi, -1, p.n); ok {
			s.res.Spikes = append(s.res.Spikes, results.PopSpikes{Pop: p.ip.Name, N: p.n})
			s.spikeRec = append(s.spikeRec, spikeRec{pop: pi, src: -1, lo: lo, hi: hi})
		}
	}
	for si, src := range inst.Sources {
		if lo, hi, ok := spikeRange(-1, si, src.N); ok {
			s.res.Spikes = append(s.res.Spikes, results.PopSpikes{Pop: src.Name, N: src.N})
			s.spikeRec = append(s.spikeRec, spikeRec{pop: -1, src: si, lo: lo, hi: hi})
		}
	}
	for i := range s.spikeRec {
		s.spikeRec[i].out = &s.res.Spikes[i]
	}
	for _, r := range inst.Records {
		if r.Kind == instance.RecordSpikes {
			continue
		}
		p := s.pops[r.Pop]
		u := p.ip.Unit
		tr := &traceRec{rec: r, trace: &results.Trace{Name: p.ip.Name + "." + r.Var}}
		if d, ok := u.DimOf(r.Var); ok {
			tr.trace.Unit = d.String()
		}
		for i := r.Lo; i < r.Hi; i++ {
			tr.trace.Neurons = append(tr.trace.Neurons, i)
		}
		if r.Kind == instance.RecordLet {
			g := u.G.Clone()
			b := &binding{pop: p.ip, liveInputs: p.inputLive}
			pg, err := compile(g, simplify(g, []ir.NodeID{u.Lets[r.Index].Expr}, b.constOf), b)
			if err != nil {
				return fmt.Errorf("record %s: %w", tr.trace.Name, err)
			}
			tr.obs = pg
			w := s.workers[0]
			if pg.slots() > len(w.vecs) {
				w.vecs = make([][]float64, pg.slots())
			}
			for len(w.bufs) < pg.nbuf {
				w.bufs = append(w.bufs, make([]float64, chunkSize))
			}
		}
		s.traces = append(s.traces, tr)
	}
	return nil
}

func (s *sim) run() (*results.Result, error) {
	defer s.stopWorkers()
	s.startWorkers()
	s.sample(0)
	every := max(1, s.steps/1000)
	for k := int64(0); k < s.steps; k++ {
		s.k = k
		t := float64(k) * s.dt
		t1 := float64(k+1) * s.dt
		for _, p := range s.pops {
			p.update.setTime(t)
			if p.cond != nil {
				p.cond.setTime(t1)
			}
			for _, r := range p.resets {
				r.setTime(t1)
			}
		}
		for j, st := range s.inst.Stimuli {
			s.stimVal[j] = st.At(t)
		}
		s.parallel(len(s.chunks), s.chunkFn)
		if err := s.firstError(); err != nil {
			s.res.Steps = k
			return s.finish(), err
		}
		s.collectSpikes()
		s.propagate()
		s.sample(k + 1)
		s.res.Steps = k + 1
		if s.opt.Progress != nil && ((k+1)%every == 0 || k+1 == s.steps) {
			s.opt.Progress(k+1, s.steps)
		}
	}
	if s.opt.Progress != nil && s.steps == 0 {
		s.opt.Progress(0, 0)
	}
	return s.finish(), nil
}

// ---- the parallel phase ----

func (s *sim) startWorkers() {
	for _, w := range s.workers[1:] {
		w.start = make(chan struct{})
		go func(w *worker) {
			for range w.start {
				s.work(w)
				s.wg.Done()
			}
		}(w)
	}
}

func (s *sim) stopWorkers() {
	for _, w := range s.workers[1:] {
		close(w.start)
	}
}

// parallel runs task(w, i) for i = 0 … n−1 on all workers (worker w is
// the calling goroutine's scratch space); tasks are taken from a shared
// counter.
func (s *sim) parallel(n int, task func(w *worker, i int)) {
	s.task, s.ntask = task, n
	s.next.Store(0)
	if len(s.workers) == 1 || n == 1 {
		s.work(s.workers[0])
		return
	}
	s.wg.Add(len(s.workers) - 1)
	for _, w := range s.workers[1:] {
		w.start <- struct{}{}
	}
	s.work(s.workers[0])
	s.wg.Wait()
}

func (s *sim) work(w *worker) {
	for {
		i := int(s.next.Add(1) - 1)
		if i >= s.ntask {
			return
		}
		s.task(w, i)
	}
}

// stepChunk runs steps 1–4 of the current step for one chunk: deliver,
// integrate, detect, reset.
func (s *sim) stepChunk(w *worker, c *chunk) {
	p := s.pops[c.pop]
	k := s.k
	lo, hi := c.lo, c.hi
	c.spikes = c.spikes[:0]
	c.err = nil

	// 1. Deliver.
	for i, in := range p.arr.inputs {
		if !p.inputLive[i] {
			continue
		}
		x := in[lo:hi]
		clear(x)
		if r := p.inputRing[i]; r != nil {
			sl := r.slot(k)[lo:hi]
			addInto(x, sl)
			clear(sl)
		}
		for _, sj := range p.inputStims[i] {
			v := s.stimVal[sj]
			for j := range x {
				x[j] += v
			}
		}
	}
	for i, r := range p.stateRing {
		if r == nil {
			continue
		}
		sl := r.slot(k)[lo:hi]
		addInto(p.arr.states[i][lo:hi], sl)
		clear(sl)
	}

	// 2. Integrate and write back.
	p.update.run(&p.arr, lo, hi, w.vecs, w.bufs)
	refractory := false
	if p.hasRef && p.anyHeld {
		for _, u := range p.refUntil[lo:hi] {
			if k < u {
				refractory = true
				break
			}
		}
	}
	for si := range p.arr.states {
		out, _ := p.update.out(si, w.vecs)
		dst := p.arr.states[si][lo:hi]
		if refractory && p.held[si] {
			ru := p.refUntil[lo:hi]
			for j, x := range out {
				if k >= ru[j] {
					dst[j] = x
				}
			}
		} else {
			copy(dst, out)
		}
		if c.err == nil && !allFinite(dst) {
			for j, x := range dst {
				if x-x != 0 {
					c.err = &NonFiniteError{Pop: p.ip.Name, Neuron: lo + j, Var: p.ip.Unit.States[si].Name,
						Value: x, Step: k, TimeMs: s.clk.ms(k)}
					break
				}
			}
		}
	}
	if c.err != nil || p.cond == nil {
		return
	}

	// 3. Detect: an upward crossing outside the refractory period.
	p.cond.run(&p.arr, lo, hi, w.vecs, w.bufs)
	cv, cs := p.cond.out(0, w.vecs)
	for j := 0; j < hi-lo; j++ {
		now := truth(cv, cs, j)
		g := lo + j
		if now && !p.prev[g] && k >= p.refUntil[g] {
			c.spikes = append(c.spikes, int32(g))
		}
		p.prev[g] = now
	}

	// 4. Reset and start the refractory period.
	for _, g32 := range c.spikes {
		g := int(g32)
		for j, r := range p.resets {
			r.run(&p.arr, g, g+1, w.vecs, w.bufs)
			v, vs := r.out(0, w.vecs)
			if v != nil {
				vs = v[0]
			}
			p.arr.states[p.resetState[j]][g] = vs
		}
		if len(p.resets) > 0 {
			p.cond.run(&p.arr, g, g+1, w.vecs, w.bufs)
			cv, cs := p.cond.out(0, w.vecs)
			p.prev[g] = truth(cv, cs, 0)
		}
		if p.hasRef {
			p.refUntil[g] = k + int64(p.refSteps.At(g))
		}
	}
}

// firstError returns the non-finite error of the lowest chunk, if any.
func (s *sim) firstError() error {
	for i := range s.chunks {
		if e := s.chunks[i].err; e != nil {
			return e
		}
	}
	return nil
}

// ---- spikes ----

// collectSpikes merges the chunks' spikes per population (in neuron
// order), records them, and draws the sources' spikes.
func (s *sim) collectSpikes() {
	for _, p := range s.pops {
		p.spikes = p.spikes[:0]
		for c := p.c0; c < p.c1; c++ {
			p.spikes = append(p.spikes, s.chunks[c].spikes...)
		}
	}
	for j, src := range s.inst.Sources {
		s.srcSpk[j] = src.SpikesAt(s.k, s.srcSpk[j][:0])
	}
	tms := s.clk.ms(s.k)
	for _, r := range s.spikeRec {
		var spikes []int32
		if r.pop >= 0 {
			spikes = s.pops[r.pop].spikes
		} else {
			spikes = s.srcSpk[r.src]
		}
		for _, i := range spikes {
			if int(i) >= r.lo && int(i) < r.hi {
				r.out.Neuron = append(r.out.Neuron, i)
				r.out.TimeMs = append(r.out.TimeMs, tms)
			}
		}
	}
}

// propagate adds the spikes of step k to the ring buffers of their
// targets: per target buffer, projection by projection in declaration
// order, spikes in neuron order, synapses in CSR order — a fixed summation
// order. Different target buffers are independent and filled in parallel
// when there is enough work.
func (s *sim) propagate() {
	events := 0
	for _, pj := range s.projs {
		for _, i := range s.spikesOf(pj) {
			events += pj.Row[i+1] - pj.Row[i]
		}
	}
	if events == 0 {
		return
	}
	if events < 4096 || len(s.groups) == 1 {
		for g := range s.groups {
			s.propagateGroup(g)
		}
		return
	}
	s.parallel(len(s.groups), s.groupFn)
}

func (s *sim) spikesOf(pj *instance.Projection) []int32 {
	if pj.SrcPop >= 0 {
		return s.pops[pj.SrcPop].spikes
	}
	return s.srcSpk[pj.SrcSrc]
}

// propagateGroup adds the current step's spikes of the projections of
// group g (which share one target buffer).
func (s *sim) propagateGroup(g int) {
	k := s.k
	for _, pj := range s.groups[g] {
		spikes := s.spikesOf(pj)
		if len(spikes) == 0 {
			continue
		}
		dst := s.pops[pj.Dst]
		var r *ring
		if pj.TargetState {
			r = dst.stateRing[pj.TargetIndex]
		} else {
			r = dst.inputRing[pj.TargetIndex]
		}
		if pj.Weights == nil && pj.Delays8 == nil && pj.Delays16 == nil {
			buf, w := r.slot(k+1+int64(pj.Delay)), pj.Weight
			for _, i := range spikes {
				for _, j := range pj.Post[pj.Row[i]:pj.Row[i+1]] {
					buf[j] += w
				}
			}
			continue
		}
		for _, i := range spikes {
			for syn := pj.Row[i]; syn < pj.Row[i+1]; syn++ {
				r.slot(k + 1 + int64(pj.DelayAt(syn)))[pj.Post[syn]] += pj.WeightAt(syn)
			}
		}
	}
}

// ---- traces ----

// sample records every trace due at step boundary k (time k·dt).
func (s *sim) sample(k int64) {
	w := s.workers[0]
	for _, tr := range s.traces {
		r := tr.rec
		if k%r.Every != 0 {
			continue
		}
		p := s.pops[r.Pop]
		row := make([]float64, 0, r.Hi-r.Lo)
		switch r.Kind {
		case instance.RecordState:
			row = append(row, p.arr.states[r.Index][r.Lo:r.Hi]...)
		case instance.RecordInput:
			row = append(row, p.arr.inputs[r.Index][r.Lo:r.Hi]...)
		case instance.RecordParam:
			v := p.ip.Params[r.Index]
			for i := r.Lo; i < r.Hi; i++ {
				row = append(row, v.At(i))
			}
		case instance.RecordLet:
			tr.obs.setTime(float64(k) * s.dt)
			for lo := r.Lo; lo < r.Hi; lo += chunkSize {
				hi := min(lo+chunkSize, r.Hi)
				tr.obs.run(&p.arr, lo, hi, w.vecs, w.bufs)
				v, vs := tr.obs.out(0, w.vecs)
				for j := 0; j < hi-lo; j++ {
					if v != nil {
						row = append(row, v[j])
					} else {
						row = append(row, vs)
					}
				}
			}
		}
		tr.trace.TimeMs = append(tr.trace.TimeMs, s.clk.ms(k))
		tr.trace.Values = append(tr.trace.Values, row)
	}
}

// finish puts the recorded traces into the result.
func (s *sim) finish() *results.Result {
	s.res.Traces = s.res.Traces[:0]
	for _, tr := range s.traces {
		s.res.Traces = append(s.res.Traces, *tr.trace)
	}
	return s.res
}

// allFinite reports whether no element of x is NaN or ±Inf (x − x is 0
// for finite x and NaN otherwise; four sums break the dependency chain).
func allFinite(x []float64) bool {
	var a, b, c, d float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a += x[i] - x[i]
		b += x[i+1] - x[i+1]
		c += x[i+2] - x[i+2]
		d += x[i+3] - x[i+3]
	}
	for ; i < len(x); i++ {
		a += x[i] - x[i]
	}
	return a+b+c+d == 0
}

// addInto sets x[i] += y[i].
func addInto(x, y []float64) {
	y = y[:len(x)]
	for i := vecVV(kAddVV, x, x, y); i < len(x); i++ {
		x[i] += y[i]
	}
}
