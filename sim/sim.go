// Package sim is the cycle-accurate simulator of snnc's Loihi-class chip
// (docs/chip.md): it executes a core image (backend/loihi) and returns the
// same results.Result as every other backend, plus cycles per time step,
// busy cycles per core and engine, network-on-chip statistics and the
// energy estimate.
//
// Values are bit-exact with docs/fixed-point.md (the interpreter's fixed
// mode and fixed.Simulate). Timing follows docs/chip.md §7–9: compartment
// engines run their units in compartment order, axon engines inject one
// packet per output axon, routers move packets with XY routing, FIFOs,
// credits and oldest-first arbitration, synapse engines drain the input
// queues, and a barrier ends the step. Because values never depend on
// timing (every synapse has at least one step of delay), each step first
// computes all cores' values — in parallel, with results identical for any
// number of threads — and then simulates the step's traffic at cycle
// resolution.
package sim

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"snnc/backend/loihi"
	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

// Options control a run.
type Options struct {
	Steps      int64 // steps to run; 0: the image's
	Threads    int   // goroutines for the compartment and synapse engines; 0: GOMAXPROCS
	StepCycles bool  // keep the cycles of every step in Stats.StepCycles
	NoTiming   bool  // values only: skip the pipeline and network timing (no cycle or NoC statistics)
	// Progress, when set, is called now and then with the steps done.
	Progress func(step, total int64)
}

// CoreStats are one core's counters over a run.
type CoreStats struct {
	ID         int       `json:"id"`
	Loc        loihi.Loc `json:"loc"`
	CEBusy     int64     `json:"ce_busy"` // compartment engine cycles
	SEBusy     int64     `json:"se_busy"` // synapse engine cycles
	AEBusy     int64     `json:"ae_busy"` // axon engine cycles
	Updates    int64     `json:"updates"` // unit updates (generators included)
	SynOps     int64     `json:"syn_ops"` // synapses processed
	PacketsIn  int64     `json:"packets_in"`
	PacketsOut int64     `json:"packets_out"`
	Spikes     int64     `json:"spikes"`
}

// Energy is the energy estimate of a run in pJ (docs/chip.md §10: a
// model from published per-operation figures, not a measurement).
type Energy struct {
	Synaptic   float64 `json:"synaptic"`   // synaptic ops
	CUBA       float64 `json:"cuba"`       // CUBA-LIF updates
	Microcode  float64 `json:"microcode"`  // microcode units
	Generators float64 `json:"generators"` // Poisson draws and spike-list events
	NoC        float64 `json:"noc"`        // within-tile deliveries, hops, chip links
	Total      float64 `json:"total"`
	PerStep    float64 `json:"per_step"` // Total / steps
}

// Stats are what a run measured besides spikes and traces.
type Stats struct {
	Steps          int64         `json:"steps"`
	Cycles         int64         `json:"cycles"` // Σ cycles of every step (compute + traffic + barrier)
	MinStepCycles  int64         `json:"min_step_cycles"`
	MeanStepCycles float64       `json:"mean_step_cycles"`
	MaxStepCycles  int64         `json:"max_step_cycles"`
	StepCycles     []int64       `json:"step_cycles"`    // per step, with Options.StepCycles
	BarrierCycles  int64         `json:"barrier_cycles"` // per step
	SimulatedTime  float64       `json:"simulated_time"` // chip time in s at the nominal clock: Cycles / ClockHz
	Cores          []CoreStats   `json:"cores"`
	NoC            NoCStats      `json:"noc"`
	Energy         Energy        `json:"energy"`
	SynEvents      int64         `json:"syn_events"` // synapses processed
	Updates        int64         `json:"updates"`    // compartment-engine unit updates
	CUBAActive     int64         `json:"cuba_active"`
	CUBAInactive   int64         `json:"cuba_inactive"`
	PoissonDraws   int64         `json:"poisson_draws"`
	ListEvents     int64         `json:"list_events"`
	Wall           time.Duration `json:"wall_ns"`
}

// Run executes an image.
func Run(img *loihi.Image, opt Options) (*results.Result, *Stats, error) {
	start := time.Now()
	m, err := newMachine(img, opt)
	if err != nil {
		return nil, nil, err
	}
	err = m.run()
	if m.tm != nil {
		if ferr := m.tm.finish(); err == nil {
			err = ferr
		}
	}
	return m.result(), m.finishStats(start), err
}

type machine struct {
	img     *loihi.Image
	cfg     *loihi.ChipConfig
	opt     Options
	steps   int64
	clk     fixed.Clock
	cores   []*core
	coreOf  map[int]int
	ents    [][]*piece // per entity: pieces in neuron order
	stims   []*stimRT
	threads int
	tm      *timer
	route   NoCStats // the timing-independent counters of the packets timed
	k       int64

	res     *results.Result
	stats   Stats
	seBusy  []int64
	aeBusy  []int64
	barrier int64
}

type stimRT struct {
	s   *loihi.ImgStim
	pos int
	val int64
}

// piece is one entity's units on one core, with their registers.
type piece struct {
	core       *core
	ent        int
	lo, hi     int
	comp0, k   int
	dp         loihi.Datapath
	regs       []loihi.ImgReg
	cols       [][]int64
	ops        []uop
	stateRegs  []int
	tempRegs   []int
	accRegs    []int   // accumulator registers
	accTarget  []int   // per accRegs entry: target compartment j, -1 for none
	accStims   [][]int // per accRegs entry: stimulus indices
	spikeReg   int
	spike      []bool
	cub        *cuba
	keys, thr  []uint64 // Poisson
	unitCycles int64
	unitEnergy float64
	outStart   []uint16 // per unit: soma output axons
	outCount   []uint16
	spikes     []int32 // this step: unit offsets (ascending; duplicates for spike lists)
	cubaHasRef bool
}

type emit struct {
	cycle int64
	p     *piece
	unit  int32
}

// core is one neurocore at run time.
type core struct {
	idx       int
	ic        *loihi.ImgCore
	loc       loihi.Loc
	ncomp     int
	mask      int64
	ring      []int64 // slot·ncomp + compartment
	pieces    []*piece
	compPiece []int32 // compartment → piece index in pieces (soma and others)

	// Decoded synapse memory, per input axon.
	axStart  []int32
	syn      []synapse
	maxDelay int32
	axCycles []int32 // SE cycles per packet on this axon

	evPos  int
	listAt int // index in pieces of the first spike-list piece, -1

	emits     []emit
	ce        int64
	in        []synRange // the synapses of the packets arriving this step
	touch     int32      // see propagate
	probeCost []probeCost
	stats     CoreStats
	energy    Energy
	out       []outAxon // per output axon (the image's OutAxons), resolved
	nCubaAct  int64
	nCubaIn   int64
	nPoisson  int64
	nList     int64
}

// synapse is one decoded synapse: its weight and its ring offset
// delay·ncomp + compartment.
type synapse struct {
	w   int32
	off int32
}

// outAxon is an output axon resolved once: destination core index, the
// destination SE's cycles for a packet on it, the input axon's synapses
// there, and the route.
type outAxon struct {
	dst, cost int32
	syn       synRange
	route     routeInfo
}

// synRange is an input axon's synapses: syn[lo:hi] of its core.
type synRange struct{ lo, hi int32 }

type probeCost struct {
	every int64
	n     int64
}

func newMachine(img *loihi.Image, opt Options) (*machine, error) {
	if err := img.Validate(); err != nil {
		return nil, err
	}
	if c := img.Chip.Cycles; c.RouterFIFO < 1 || c.RouterFIFO > maxFIFO || c.CoreInQueue < 1 || c.CoreInQueue > maxFIFO {
		return nil, fmt.Errorf("sim: the image's chip has router FIFOs of %d packets and core input queues of %d; the simulator supports 1..%d", c.RouterFIFO, c.CoreInQueue, maxFIFO)
	}
	m := &machine{img: img, cfg: &img.Chip, opt: opt, steps: img.Steps, clk: fixed.NewClock(img.Dt), coreOf: map[int]int{}}
	if opt.Steps > 0 {
		m.steps = opt.Steps
	}
	m.threads = opt.Threads
	if m.threads <= 0 {
		m.threads = runtime.GOMAXPROCS(0)
	}
	for _, s := range img.Stims {
		m.stims = append(m.stims, &stimRT{s: s})
	}
	// Programs, decoded once.
	codes := make([][]fixed.Instr, len(img.Programs))
	for i, p := range img.Programs {
		c, err := loihi.DecodeMicrocode(p.Code)
		if err != nil {
			return nil, err
		}
		codes[i] = c
	}
	for ci, ic := range img.Cores {
		c := &core{idx: ci, ic: ic, loc: m.cfg.CoreLoc(ic.ID, img.Chips), ncomp: len(ic.Comps), listAt: -1}
		c.mask = int64(ic.RingSlots - 1)
		c.ring = make([]int64, ic.RingSlots*c.ncomp)
		c.compPiece = make([]int32, c.ncomp)
		c.stats.ID, c.stats.Loc = ic.ID, c.loc
		m.coreOf[ic.ID] = ci
		if err := c.decodeSynapses(m.cfg); err != nil {
			return nil, err
		}
		m.cores = append(m.cores, c)
	}
	for _, c := range m.cores {
		c.out = make([]outAxon, len(c.ic.OutAxons))
		for i, oa := range c.ic.OutAxons {
			d, ok := m.coreOf[int(oa.Core)]
			if !ok || int(oa.Axon) >= len(m.cores[d].axCycles) {
				return nil, fmt.Errorf("sim: core %d: output axon %d leads to core %d axon %d, which does not exist", c.ic.ID, i, oa.Core, oa.Axon)
			}
			dc := m.cores[d]
			o := outAxon{dst: int32(d), cost: dc.axCycles[oa.Axon], syn: synRange{dc.axStart[oa.Axon], dc.axStart[oa.Axon+1]},
				route: resolveRoute(m.cfg, c.loc, dc.loc)}
			c.out[i] = o
		}
	}
	m.ents = make([][]*piece, len(img.Entities))
	for e, en := range img.Entities {
		for _, pc := range en.Pieces {
			p, err := m.newPiece(e, en, pc, codes)
			if err != nil {
				return nil, err
			}
			m.ents[e] = append(m.ents[e], p)
			p.core.pieces = append(p.core.pieces, p)
		}
	}
	for _, c := range m.cores {
		sortPieces(c.pieces)
		for pi, p := range c.pieces {
			for x := p.comp0; x < p.comp0+(p.hi-p.lo)*p.k; x++ {
				c.compPiece[x] = int32(pi)
			}
			if p.dp == loihi.DatapathSpikeList && c.listAt < 0 {
				c.listAt = pi
			}
		}
	}
	// Probe costs per core.
	for _, tp := range img.Traces {
		for _, p := range m.ents[tp.Entity] {
			n := min(p.hi, tp.Hi) - max(p.lo, tp.Lo)
			if n > 0 {
				p.core.probeCost = append(p.core.probeCost, probeCost{tp.Every, int64(n)})
			}
		}
	}
	if !opt.NoTiming {
		m.tm = newTimer(m, m.threads)
	}
	m.seBusy = make([]int64, len(m.cores))
	m.aeBusy = make([]int64, len(m.cores))
	tiles := map[[2]int]bool{}
	chips := map[int]bool{}
	for _, c := range m.cores {
		tiles[[2]int{c.loc.X, c.loc.Y}] = true
		chips[c.loc.Chip] = true
	}
	m.barrier = int64(m.cfg.Barrier(len(tiles), len(chips)))
	m.setupResult()
	return m, nil
}

func sortPieces(ps []*piece) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].comp0 < ps[j-1].comp0; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// decodeSynapses unpacks the core's synapse memory into flat arrays.
func (c *core) decodeSynapses(cfg *loihi.ChipConfig) error {
	ic := c.ic
	c.axStart = make([]int32, len(ic.InAxons)+1)
	c.axCycles = make([]int32, len(ic.InAxons))
	for a := range ic.InAxons {
		n0 := len(c.syn)
		wide := false
		err := ic.Synapses(a, func(comp, d int, w int64) {
			if w != int64(int32(w)) {
				wide = true
			}
			c.syn = append(c.syn, synapse{w: int32(w), off: int32(d*c.ncomp + comp)})
			c.maxDelay = max(c.maxDelay, int32(d))
		})
		if err != nil {
			return err
		}
		if wide {
			return fmt.Errorf("core %d: input axon %d has a synaptic weight outside 32 bits (a weight exponent beyond the chip's range)", ic.ID, a)
		}
		n := len(c.syn) - n0
		blocks := countBlocks(ic, a)
		c.axStart[a+1] = int32(len(c.syn))
		cost := cfg.Cycles.SEPacket + blocks*cfg.Cycles.SEBlock + n*cfg.Cycles.SESynapse
		if cost < 0 || cost > maxSECost {
			return fmt.Errorf("core %d: input axon %d costs its synapse engine %d cycles per packet; the simulator supports at most %d", ic.ID, a, cost, maxSECost)
		}
		c.axCycles[a] = int32(cost)
	}
	if d := int(c.maxDelay); d+2 > ic.RingSlots {
		return fmt.Errorf("core %d: delay %d needs more than the %d ring slots", ic.ID, d, ic.RingSlots)
	}
	return nil
}

// countBlocks returns the number of blocks of an input axon's list.
func countBlocks(ic *loihi.ImgCore, a int) int {
	ax := ic.InAxons[a]
	r := loihi.BitReader{Words: ic.SynMem[int(ax.Ptr) : int(ax.Ptr)+int(ax.Words)]}
	end := int(ax.Words) * loihi.WordBits
	n := 0
	for r.N < end {
		fi := int(r.Get(4))
		cnt := int(r.Get(6)) + 1
		f := &ic.Formats[fi]
		r.N += cnt * int(f.WeightBits+f.DelayBits+f.IndexBits)
		r.Align()
		n++
	}
	return n
}

func (m *machine) newPiece(e int, en *loihi.ImgEntity, pc loihi.ImgPiece, codes [][]fixed.Instr) (*piece, error) {
	c := m.cores[pc.Core]
	n := pc.Hi - pc.Lo
	p := &piece{core: c, ent: e, lo: pc.Lo, hi: pc.Hi, comp0: pc.Comp0, k: en.Comps, dp: en.Datapath,
		spike: make([]bool, n), spikeReg: -1}
	p.outStart = make([]uint16, n)
	p.outCount = make([]uint16, n)
	for i := 0; i < n; i++ {
		cm := c.ic.Comps[p.comp0+i*p.k]
		p.outStart[i], p.outCount[i] = cm.OutStart, cm.OutCount
	}
	cyc, en2 := &m.cfg.Cycles, &m.cfg.Energy
	switch en.Datapath {
	case loihi.DatapathPoisson:
		p.keys = make([]uint64, n)
		p.thr = make([]uint64, n)
		for i := 0; i < n; i++ {
			cm := c.ic.Comps[p.comp0+i]
			p.keys[i] = uint64(cm.Words[0]) | uint64(cm.Words[1])<<32
			p.thr[i] = c.ic.Profiles[cm.Profile].Poisson
		}
		p.unitCycles = int64(cyc.Poisson)
		p.unitEnergy = en2.Poisson
		return p, nil
	case loihi.DatapathSpikeList:
		return p, nil
	}
	prog := m.img.Programs[en.Program]
	p.regs = prog.Regs
	p.spikeReg = prog.Spike
	p.cols = make([][]int64, len(prog.Regs))
	for r := range p.cols {
		p.cols[r] = make([]int64, n)
	}
	// Initial registers from compartment words and profile constants.
	for r, reg := range prog.Regs {
		switch reg.Kind {
		case fixed.RegState, fixed.RegParam:
			w := -1
			if r < len(en.RegWord) {
				w = en.RegWord[r]
			}
			for i := 0; i < n; i++ {
				c0 := p.comp0 + i*p.k
				if w >= 0 {
					lo := c.ic.Comps[c0+w/2].Words[w%2]
					x := uint64(lo)
					if loihi.RegWords(reg.Type) == 2 {
						x |= uint64(c.ic.Comps[c0+(w+1)/2].Words[(w+1)%2]) << 32
					}
					p.cols[r][i] = reg.Type.Reduce(int64(x))
				} else if reg.Kind == fixed.RegParam && en.Datapath == loihi.DatapathMicrocode {
					p.cols[r][i] = c.ic.Profiles[c.ic.Comps[c0].Profile].Consts[r]
				}
			}
		}
		switch reg.Kind {
		case fixed.RegState:
			p.stateRegs = append(p.stateRegs, r)
		case fixed.RegTemp:
			p.tempRegs = append(p.tempRegs, r)
		case fixed.RegAcc:
			p.accRegs = append(p.accRegs, r)
			j := -1
			for x, t := range en.Targets {
				if t == r {
					j = x
				}
			}
			p.accTarget = append(p.accTarget, j)
			var st []int
			for si, s := range m.img.Stims {
				if s.Entity == e && s.Acc == r {
					st = append(st, si)
				}
			}
			p.accStims = append(p.accStims, st)
		}
	}
	if en.Datapath == loihi.DatapathCUBA {
		return p, m.setupCuba(p, prog)
	}
	ops, err := bindProgram(codes[en.Program], prog.LUTs, p.cols, n)
	if err != nil {
		return nil, err
	}
	p.ops = ops
	cycles := int64(cyc.UnitDispatch + cyc.UnitPerComp*p.k)
	energy := en2.UnitPerComp * float64(p.k)
	for _, in := range codes[en.Program] {
		interp := in.Op == fixed.OpLut && prog.LUTs[in.LUT].Interp
		cycles += int64(loihi.InstrCycles(cyc, in.Op, interp))
		energy += instrEnergy(en2, in.Op, interp)
	}
	p.unitCycles, p.unitEnergy = cycles, energy
	return p, nil
}

func instrEnergy(e *loihi.Energy, op fixed.Op, interp bool) float64 {
	switch op.Info().Cost {
	case fixed.CostMul:
		return e.InstrMul
	case fixed.CostDiv:
		return e.InstrDiv
	case fixed.CostLUT:
		if interp {
			return e.InstrLUTInterp
		}
		return e.InstrLUT
	}
	return e.InstrALU
}

// setupCuba binds the datapath: u, v, ref from the compartments, du, dv,
// refr from profiles, vth from threshold profiles, bias per compartment.
func (m *machine) setupCuba(p *piece, prog *loihi.ImgProgram) error {
	reg := func(name string) int {
		for r, x := range prog.Regs {
			if x.Name == name {
				return r
			}
		}
		return -1
	}
	ru, rv, rref, rain := reg(fixed.CubaRegU), reg(fixed.CubaRegV), reg(fixed.CubaRegRef), reg(fixed.CubaRegAin)
	if ru < 0 || rv < 0 || rain < 0 {
		return fmt.Errorf("sim: entity %s: a CUBA program without u, v and a_in", m.img.Entities[p.ent].Name)
	}
	n := p.hi - p.lo
	c := p.core
	cb := &cuba{u: p.cols[ru], v: p.cols[rv], ain: p.cols[rain], active: make([]bool, n),
		du: make([]int64, n), dv: make([]int64, n), refr: make([]int64, n), vth6: make([]int64, n), bias: make([]int64, n)}
	if rref >= 0 {
		cb.ref = p.cols[rref]
	}
	for i := 0; i < n; i++ {
		cm := c.ic.Comps[p.comp0+i]
		pf := c.ic.Profiles[cm.Profile]
		cb.du[i], cb.dv[i], cb.refr[i] = pf.Du, pf.Dv, pf.RefR
		cb.vth6[i] = c.ic.Thresholds[cm.Thresh] << fixed.CubaActShift
		cb.bias[i] = int64(cm.BiasMant) << cm.BiasExp
		cb.u[i] = int64(int32(cm.Words[0])) << 40 >> 40
		cb.v[i] = int64(int32(cm.Words[1])) << 40 >> 40
		if cb.ref != nil {
			cb.ref[i] = int64(cm.Ref)
		}
	}
	// The program's param registers hold the same values (traces may record them).
	set := func(name string, vals []int64, shift uint) {
		if r := reg(name); r >= 0 {
			for i := range vals {
				p.cols[r][i] = vals[i] >> shift
			}
		}
	}
	set(fixed.CubaRegDu, cb.du, 0)
	set(fixed.CubaRegDv, cb.dv, 0)
	set(fixed.CubaRegRefR, cb.refr, 0)
	set(fixed.CubaRegVth, cb.vth6, 0)
	set(fixed.CubaRegBias, cb.bias, 0)
	p.cub = cb
	p.cubaHasRef = cb.ref != nil
	return nil
}

// --- the step -------------------------------------------------------------

func (m *machine) run() error {
	m.sample(0)
	every := max(1, m.steps/200)
	for k := int64(0); k < m.steps; k++ {
		m.k = k
		for _, s := range m.stims {
			for s.pos < len(s.s.Runs) && s.s.Runs[s.pos].Step <= k {
				s.val = s.s.Runs[s.pos].Value
				s.pos++
			}
		}
		m.parallel(func(c *core) { m.update(c, k) })
		m.recordSpikes(k)
		var tr *traffic // the step's packets, for the timing model
		if m.tm != nil {
			tr = m.tm.batch(k)
		}
		m.propagate(k, tr)
		if tr != nil {
			for i, c := range m.cores {
				tr.ceEnd[i] = c.ce
			}
			if err := m.tm.submit(tr); err != nil {
				return err
			}
		}
		m.sample(k + 1)
		if m.opt.Progress != nil && ((k+1)%every == 0 || k+1 == m.steps) {
			m.opt.Progress(k+1, m.steps)
		}
	}
	return nil
}

// parallel runs f on every core, spread over the threads.
func (m *machine) parallel(f func(c *core)) {
	if m.threads <= 1 || len(m.cores) == 1 {
		for _, c := range m.cores {
			f(c)
		}
		return
	}
	var wg sync.WaitGroup
	var next int64
	var mu sync.Mutex
	for w := 0; w < min(m.threads, len(m.cores)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if int(i) >= len(m.cores) {
					return
				}
				f(m.cores[i])
			}
		}()
	}
	wg.Wait()
}

// update runs a core's compartment engine for step k.
func (m *machine) update(c *core, k int64) {
	cyc := &m.cfg.Cycles
	en := &m.cfg.Energy
	slot := k & c.mask
	row := c.ring[int(slot)*c.ncomp : int(slot+1)*c.ncomp]
	t := int64(cyc.StepStart)
	c.emits = c.emits[:0]
	for pi, p := range c.pieces {
		p.spikes = p.spikes[:0]
		n := p.hi - p.lo
		switch p.dp {
		case loihi.DatapathPoisson:
			for i := 0; i < n; i++ {
				t += p.unitCycles
				if p.thr[i] != 0 && instance.Draw(p.keys[i], uint64(k))>>11 < p.thr[i] {
					p.spikes = append(p.spikes, int32(i))
					c.emits = append(c.emits, emit{t, p, int32(i)})
				}
			}
			c.stats.Updates += int64(n)
			c.nPoisson += int64(n)
			c.energy.Generators += float64(n) * p.unitEnergy
			continue
		case loihi.DatapathSpikeList:
			if pi != c.listAt {
				continue
			}
			t += int64(cyc.ListBase)
			ev := c.ic.Events
			for c.evPos < len(ev) && ev[c.evPos].Step < k {
				c.evPos++
			}
			for ; c.evPos < len(ev) && ev[c.evPos].Step == k; c.evPos++ {
				comp := int(ev[c.evPos].Comp)
				q := c.pieces[c.compPiece[comp]]
				u := int32((comp - q.comp0) / q.k)
				t += int64(cyc.ListEvent)
				q.spikes = append(q.spikes, u)
				c.emits = append(c.emits, emit{t, q, u})
				c.energy.Generators += en.ListEvent
				c.stats.Updates++
				c.nList++
			}
			continue
		}
		// Accumulators: the ring slot of step k plus stimuli, reduced.
		for x, r := range p.accRegs {
			col := p.cols[r]
			var stim int64
			for _, si := range p.accStims[x] {
				stim += m.stims[si].val
			}
			if j := p.accTarget[x]; j >= 0 {
				for i := 0; i < n; i++ {
					cp := p.comp0 + i*p.k + j
					col[i] = row[cp] + stim
					row[cp] = 0
				}
			} else {
				for i := range col {
					col[i] = stim
				}
			}
			reduce(col, p.regs[r].Type)
		}
		if p.cub != nil {
			p.cub.step(p.spike)
			for i := 0; i < n; i++ {
				act := p.cub.active[i]
				if act {
					t += int64(cyc.CubaActive)
					c.nCubaAct++
				} else {
					t += int64(cyc.CubaInactive)
					c.nCubaIn++
				}
				if p.spike[i] {
					p.spikes = append(p.spikes, int32(i))
					c.emits = append(c.emits, emit{t, p, int32(i)})
				}
			}
		} else {
			for _, r := range p.tempRegs {
				clear(p.cols[r])
			}
			runOps(p.ops)
			for _, r := range p.stateRegs {
				reduce(p.cols[r], p.regs[r].Type)
			}
			var sc []int64
			if p.spikeReg >= 0 {
				sc = p.cols[p.spikeReg]
			}
			for i := 0; i < n; i++ {
				t += p.unitCycles
				if sc != nil && sc[i] != 0 {
					p.spikes = append(p.spikes, int32(i))
					c.emits = append(c.emits, emit{t, p, int32(i)})
				}
			}
			c.energy.Microcode += float64(n) * p.unitEnergy
		}
		c.stats.Updates += int64(n)
	}
	for _, pc := range c.probeCost {
		if (k+1)%pc.every == 0 {
			t += pc.n * int64(cyc.Probe)
		}
	}
	c.ce = t
	c.stats.CEBusy += t
	c.stats.Spikes += int64(len(c.emits))
}

// propagate sends the step's spikes along every output axon: values into
// the destination rings (in parallel per destination core) and packets
// into tr for the network model (nil: no timing).
func (m *machine) propagate(k int64, tr *traffic) {
	for _, c := range m.cores {
		c.in = c.in[:0]
	}
	for _, c := range m.cores {
		for _, e := range c.emits {
			s, n := int(e.p.outStart[e.unit]), int(e.p.outCount[e.unit])
			for _, oa := range c.out[s : s+n] {
				dc := m.cores[oa.dst]
				dc.in = append(dc.in, oa.syn)
				c.stats.PacketsOut++
				c.energy.NoC += oa.route.energy
				if tr != nil {
					tr.pkts = append(tr.pkts, trafficPkt{src: int32(c.idx), dst: oa.dst, cost: oa.cost, emit: e.cycle, due: e.cycle + int64(oa.route.unloaded)})
					m.route.countRoute(&oa.route)
				}
			}
		}
	}
	m.parallel(func(c *core) {
		// Slot (k+1+d) mod slots, compartment j is ring[row + d·ncomp + j]
		// with row = ((k+1) mod slots)·ncomp, wrapped once.
		ring := c.ring
		size := int32(len(ring))
		row := int32(((k + 1) & c.mask) * int64(c.ncomp))
		var syn int64
		// Synapse memory is read at random, a cache miss per packet: the
		// first synapse of the packet `ahead` places on is read early, so
		// that several misses are under way at once.
		const ahead = 6
		in, all := c.in, c.syn
		var touch int32
		for x, sr := range in {
			if x+ahead < len(in) {
				if lo := in[x+ahead].lo; int(lo) < len(all) {
					touch ^= all[lo].off
				}
			}
			ss := all[sr.lo:sr.hi]
			for _, sy := range ss {
				x := row + sy.off
				if x >= size {
					x -= size
				}
				ring[x] += int64(sy.w)
			}
			syn += int64(len(ss))
		}
		c.touch = touch // keeps the early reads
		c.stats.SynOps += syn
		c.stats.PacketsIn += int64(len(c.in))
		c.energy.Synaptic += float64(syn) * m.cfg.Energy.SynOp
	})
}

// --- results --------------------------------------------------------------

func (m *machine) setupResult() {
	img := m.img
	m.res = &results.Result{Network: img.Network, DtMs: m.clk.Ms(1), DurationMs: m.clk.Ms(m.steps), Seed: img.Seed, Steps: m.steps}
	for _, sp := range img.Spikes {
		m.res.Spikes = append(m.res.Spikes, results.PopSpikes{Pop: sp.Name, N: sp.N})
	}
	for _, tp := range img.Traces {
		tr := results.Trace{Name: tp.Name, Unit: tp.Unit}
		for i := tp.Lo; i < tp.Hi; i++ {
			tr.Neurons = append(tr.Neurons, i)
		}
		m.res.Traces = append(m.res.Traces, tr)
	}
}

func (m *machine) recordSpikes(k int64) {
	t := m.clk.Ms(k)
	for j, sp := range m.img.Spikes {
		out := &m.res.Spikes[j]
		for _, p := range m.ents[sp.Entity] {
			for _, u := range p.spikes {
				i := p.lo + int(u)
				if i >= sp.Lo && i < sp.Hi {
					out.Neuron = append(out.Neuron, int32(i))
					out.TimeMs = append(out.TimeMs, t)
				}
			}
		}
	}
}

// sample takes the trace samples due at step boundary b.
func (m *machine) sample(b int64) {
	for j, tp := range m.img.Traces {
		if b%tp.Every != 0 {
			continue
		}
		tr := &m.res.Traces[j]
		row := make([]float64, 0, tp.Hi-tp.Lo)
		for _, p := range m.ents[tp.Entity] {
			for i := max(p.lo, tp.Lo); i < min(p.hi, tp.Hi); i++ {
				row = append(row, tp.Conv.Value(p.cols[tp.Reg][i-p.lo]))
			}
		}
		tr.TimeMs = append(tr.TimeMs, m.clk.Ms(b))
		tr.Values = append(tr.Values, row)
	}
}

func (m *machine) result() *results.Result { return m.res }

func (m *machine) finishStats(start time.Time) *Stats {
	st := &m.stats
	st.Wall = time.Since(start)
	if m.opt.NoTiming {
		st.Steps = m.k + 1
		if m.steps == 0 {
			st.Steps = 0
		}
	}
	st.BarrierCycles = m.barrier
	if st.Steps > 0 {
		st.MeanStepCycles = float64(st.Cycles) / float64(st.Steps)
	}
	st.SimulatedTime = float64(st.Cycles) / m.cfg.ClockHz
	if m.tm != nil {
		st.NoC = m.tm.stats()
		st.NoC.add(m.route)
	}
	en := &m.cfg.Energy
	for i, c := range m.cores {
		cs := c.stats
		cs.SEBusy, cs.AEBusy = m.seBusy[i], m.aeBusy[i]
		st.Cores = append(st.Cores, cs)
		st.SynEvents += cs.SynOps
		st.Updates += cs.Updates
		st.Energy.Synaptic += c.energy.Synaptic
		st.Energy.CUBA += c.energy.CUBA
		st.Energy.Microcode += c.energy.Microcode
		st.Energy.Generators += c.energy.Generators
	}
	for _, c := range m.cores {
		st.Energy.NoC += c.energy.NoC
		st.CUBAActive += c.nCubaAct
		st.CUBAInactive += c.nCubaIn
		st.PoissonDraws += c.nPoisson
		st.ListEvents += c.nList
	}
	st.Energy.CUBA = float64(st.CUBAActive)*en.CubaActive + float64(st.CUBAInactive)*en.CubaInactive
	e := &st.Energy
	e.Total = e.Synaptic + e.CUBA + e.Microcode + e.Generators + e.NoC
	if st.Steps > 0 {
		e.PerStep = e.Total / float64(st.Steps)
	}
	return st
}
