package fpga

import (
	"fmt"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/ir"
)

// design is a quantised network laid out for the generated engine: the
// identifiers, storage types and tables of every population, ring,
// projection, source, stimulus and record. The emitter and the estimate
// both read it.
type design struct {
	net   *fixed.Net
	inst  *instance.Instance
	opt   Options
	id    string // the network's identifier: file names and the top function
	steps int64
	g     *namer

	pops      []*popD
	rings     []*ringD
	projs     []*projD
	srcs      []*srcD
	stims     []*stimD
	spikeRecs []*spikeRecD
	traceRecs []*traceRecD
}

type popD struct {
	idx   int
	p     *fixed.Pop
	id    string
	N     int
	lanes int
	nN    string // macro: number of neurons
	nL    string // macro: lanes
	nMul  string // macro: multiplier limit per lane
	regs  []*regD
	luts  []*lutD
	// accRing[r] and accStims[r] are the ring and stimuli of accumulator r.
	accRing  [][]*ringD
	accStims [][]*stimD
	recs     []*traceRecD
	queue    *queueD // spike queue; nil when nothing reads it
	mults    int     // multiplications in the program (mul, mulsh, decay, interpolating lut)
	divs     int
	update   string // update function
}

type regD struct {
	fixed.Reg
	idx   int
	used  bool    // read or written by the program
	local string  // local variable in the update loop
	typ   string  // typedef of the storage (state, param)
	st    storage // the storage
	arr   string  // state: its array; param: its internal copy (array or scalar)
	homog bool    // param: one value for all neurons; state: one initial value
	val   int64   // the homogeneous value
	vals  []int64 // per-neuron values (state: initial; param: default)
	init  string  // state with heterogeneous initial values: the ROM of them
	field string  // param: its member of params_t
	deflt string  // param (heterogeneous): the default-value ROM
}

type lutD struct {
	t     *fixed.LUT
	arr   string
	typ   string
	st    storage
	nN    string // macros
	nS    string
	nX0   string
	uses  int
	file  string
	owner *popD
}

type ringD struct {
	pop   *popD
	acc   int
	accT  fixed.Type
	slots int
	arr   string
	slot  string // the read slot of this step
	typ   string
	st    storage
	projs []*projD
	nSlot string
}

type projD struct {
	idx                int
	pr                 *fixed.Proj
	ip                 *instance.Projection
	id                 string
	ring               *ringD
	src                *queueD
	nSyn               int
	row                string
	post               string
	wArr               string // per-synapse weights, or ""
	w                  int64  // the homogeneous weight
	wSt                storage
	dArr               string // per-synapse delays, or ""
	d                  int    // the homogeneous delay
	rowSt, postSt, dSt storage
	// rowUnique: no two synapses of one row add into the same ring
	// element, so the delivery loop has no dependence within a row.
	rowUnique bool
	file      string
	fn        string
}

type queueD struct {
	arr, n string // the queue and its length
	cap    int
	owner  string // population or source name
	stSt   storage
}

type srcD struct {
	idx     int
	s       *instance.Source
	id      string
	N       int
	nN      string
	nL      string // Poisson: lanes macro
	poisson bool
	key     string // Poisson: key ROM
	thr     string // Poisson: threshold ROM, or "" for one threshold
	thr0    uint64
	lanes   int
	fn      string
	file    string
	queue   *queueD
	inOff   int // io parallel: offset of its neurons in the input array
	maxPer  int // spike lists: most events in one step
}

type stimD struct {
	idx int
	s   *fixed.Stim
	id  string // current value (a word)
	pop *popD
}

type spikeRecD struct {
	j      int
	pop    *popD
	src    *srcD
	lo, hi int
	queue  *queueD
	off    int // io parallel: offset in the output array
}

type traceRecD struct {
	j      int
	r      *fixed.Rec
	pop    *popD
	reg    *regD
	buf    string
	ctr    string
	due    string
	nEvery string
	off    int // io parallel: offset in the output array
}

// newDesign lays out n for opt (normalised).
func newDesign(n *fixed.Net, opt Options) (*design, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	d := &design{net: n, inst: n.Inst, opt: opt, g: newNamer(), steps: opt.Steps}
	if d.steps == 0 {
		d.steps = n.Steps
	}
	if d.steps < 1 {
		return nil, fmt.Errorf("fpga: network %s: nothing to run (%d steps)", n.Name, d.steps)
	}
	d.g.reserve("word", "uword", "ctrl_t", "status_t", "params_t", "in_word_t", "out_word_t",
		"k_step", "overflow", "init", "step", "read_inputs", "write_outputs", "update_phase",
		"propagate_phase", "advance", "emit_initial", "params", "ctrl", "status", "in", "out")
	d.id = d.g.name(n.Name)
	d.g.reserve(d.id + "_test")
	for pi, p := range n.Pops {
		pd, err := d.newPop(pi, p)
		if err != nil {
			return nil, err
		}
		d.pops = append(d.pops, pd)
	}
	for si, s := range d.inst.Sources {
		d.srcs = append(d.srcs, d.newSource(si, s))
	}
	for i, s := range n.Stims {
		sd := &stimD{idx: i, s: s, id: d.g.name("stim", s.Name), pop: d.pops[s.Pop]}
		d.stims = append(d.stims, sd)
		sd.pop.accStims[s.Acc] = append(sd.pop.accStims[s.Acc], sd)
	}
	for _, pr := range n.Projections {
		if err := d.newProj(pr); err != nil {
			return nil, err
		}
	}
	d.newRecords()
	d.srcInN() // sets the sources' input offsets
	// Queues that nothing reads are dropped.
	for _, p := range d.pops {
		if p.queue != nil && !d.queueRead(p.queue) {
			p.queue = nil
		}
	}
	for _, s := range d.srcs {
		if s.queue != nil && !d.queueRead(s.queue) && s.poisson {
			s.queue = nil
		}
	}
	return d, nil
}

func (d *design) queueRead(q *queueD) bool {
	for _, p := range d.projs {
		if p.src == q {
			return true
		}
	}
	for _, r := range d.spikeRecs {
		if r.queue == q {
			return true
		}
	}
	return false
}

func (d *design) newPop(pi int, p *fixed.Pop) (*popD, error) {
	if err := p.Prog.Verify(); err != nil {
		return nil, fmt.Errorf("fpga: population %s: %w", p.Name, err)
	}
	pd := &popD{idx: pi, p: p, N: p.N, id: d.g.name(p.Name)}
	pd.lanes = max(1, min(d.opt.Parallel, p.N))
	pd.nN = d.g.name("N", pd.id)
	pd.nL = d.g.name("LANES", pd.id)
	pd.nMul = d.g.name("MUL_LIMIT", pd.id)
	pd.update = d.g.name("update", pd.id)
	prog := p.Prog
	locals := newNamer()
	used := make([]bool, len(prog.Regs))
	for _, in := range prog.Code {
		used[in.Dst] = true
		for j := 0; j < in.Op.Info().NArgs; j++ {
			if a := in.Args[j]; !a.Imm {
				used[a.Reg] = true
			}
		}
	}
	if prog.Spike >= 0 {
		used[prog.Spike] = true
	}
	for r, reg := range prog.Regs {
		rd := &regD{Reg: reg, idx: r, used: used[r], local: locals.name("r", reg.Name)}
		switch reg.Kind {
		case fixed.RegState:
			rd.vals = p.Vals[r]
			rd.st = storageFor(reg.Type, rd.vals)
			rd.typ = d.g.name(pd.id, reg.Name, "t")
			rd.arr = d.g.name(pd.id, reg.Name)
			rd.homog, rd.val = homogeneous(rd.vals)
			if !rd.homog {
				rd.init = d.g.name(pd.id, reg.Name, "init")
			}
		case fixed.RegParam:
			rd.vals = p.Vals[r]
			rd.st = storageFor(reg.Type, rd.vals)
			rd.typ = d.g.name(pd.id, reg.Name, "t")
			rd.arr = d.g.name(pd.id, reg.Name)
			rd.field = d.g.name(pd.id, reg.Name, "p")
			rd.homog, rd.val = homogeneous(rd.vals)
			if !rd.homog {
				rd.deflt = d.g.name(pd.id, reg.Name, "default")
			}
		}
		pd.regs = append(pd.regs, rd)
	}
	for ti, t := range prog.LUTs {
		ld := &lutD{t: t, owner: pd, arr: d.g.name(pd.id, t.Name), st: storageFor(t.Type, t.Vals)}
		ld.typ = d.g.name(ld.arr, "t")
		ld.nN = d.g.name("N", ld.arr)
		ld.nS = d.g.name("SHIFT", ld.arr)
		ld.nX0 = d.g.name("X0", ld.arr)
		ld.file = ld.arr + ".h"
		_ = ti
		pd.luts = append(pd.luts, ld)
	}
	for _, in := range prog.Code {
		switch in.Op {
		case fixed.OpMul, fixed.OpMulSh, fixed.OpDecay:
			pd.mults++
		case fixed.OpDiv, fixed.OpRem:
			pd.divs++
		case fixed.OpLut:
			pd.luts[in.LUT].uses++
			if pd.luts[in.LUT].t.Interp {
				pd.mults++
			}
		}
	}
	pd.accRing = make([][]*ringD, len(prog.Regs))
	pd.accStims = make([][]*stimD, len(prog.Regs))
	if p.N > 0 && prog.Spike >= 0 {
		pd.queue = &queueD{arr: d.g.name(pd.id, "spikes"), n: d.g.name(pd.id, "nspikes"), cap: p.N, owner: p.Name,
			stSt: rangeStorage(0, int64(p.N))}
	}
	return pd, nil
}

func homogeneous(v []int64) (bool, int64) {
	if len(v) == 0 {
		return true, 0
	}
	for _, x := range v {
		if x != v[0] {
			return false, 0
		}
	}
	return true, v[0]
}

func (d *design) newSource(si int, s *instance.Source) *srcD {
	sd := &srcD{idx: si, s: s, N: s.N, id: d.g.name(s.Name), poisson: s.Kind == ir.Poisson}
	sd.nN = d.g.name("N", sd.id)
	sd.lanes = max(1, min(d.opt.Parallel, s.N))
	capacity := s.N
	if sd.poisson {
		sd.key = d.g.name(sd.id, "key")
		if s.Thresholds != nil {
			sd.thr = d.g.name(sd.id, "threshold")
		} else {
			sd.thr0 = s.Threshold
		}
		sd.fn = d.g.name("poisson", sd.id)
		sd.nL = d.g.name("LANES", sd.id)
		sd.file = sd.id + ".h"
	} else {
		// The most events of one step within the run.
		for i := 0; i < len(s.EvStep); {
			j := i
			for j < len(s.EvStep) && s.EvStep[j] == s.EvStep[i] {
				j++
			}
			if s.EvStep[i] < d.steps {
				sd.maxPer = max(sd.maxPer, j-i)
			}
			i = j
		}
		capacity = max(capacity, sd.maxPer)
	}
	if s.N > 0 {
		sd.queue = &queueD{arr: d.g.name(sd.id, "spikes"), n: d.g.name(sd.id, "nspikes"), cap: capacity, owner: s.Name,
			stSt: rangeStorage(0, int64(s.N))}
	}
	return sd
}

func (d *design) newProj(pr *fixed.Proj) error {
	ip := d.inst.Projections[pr.Index]
	pop := d.pops[pr.Dst]
	pd := &projD{idx: pr.Index, pr: pr, ip: ip, nSyn: ip.NumSynapses()}
	pd.id = d.g.name(fmt.Sprintf("proj%d", pr.Index), ip.Src, pop.p.Name, pop.p.Prog.Regs[pr.Acc].Name)
	pd.fn = d.g.name("propagate", pd.id)
	pd.file = pd.id + ".h"
	if ip.SrcPop >= 0 {
		pd.src = d.pops[ip.SrcPop].queue
	} else {
		pd.src = d.srcs[ip.SrcSrc].queue
	}
	if pd.nSyn == 0 || pd.src == nil {
		return nil // delivers nothing
	}
	// The ring of (pop, acc).
	var ring *ringD
	for _, r := range d.rings {
		if r.pop == pop && r.acc == pr.Acc {
			ring = r
		}
	}
	if ring == nil {
		accT := pop.p.Prog.Regs[pr.Acc].Type
		ring = &ringD{pop: pop, acc: pr.Acc, accT: accT}
		ring.arr = d.g.name("ring", pop.id, pop.p.Prog.Regs[pr.Acc].Name)
		ring.slot = d.g.name(ring.arr, "slot")
		ring.typ = d.g.name(ring.arr, "t")
		ring.nSlot = d.g.name("SLOTS", ring.arr)
		ring.st = storageFor(accT)
		d.rings = append(d.rings, ring)
		pop.accRing[pr.Acc] = append(pop.accRing[pr.Acc], ring)
	}
	ring.slots = max(ring.slots, ip.MaxDelay()+1)
	ring.projs = append(ring.projs, pd)
	pd.ring = ring
	pd.row = d.g.name(pd.id, "row")
	pd.post = d.g.name(pd.id, "post")
	pd.rowSt = rangeStorage(0, int64(pd.nSyn))
	pd.postSt = rangeStorage(0, int64(max(ip.NPost-1, 0)))
	if pr.Weights != nil {
		if h, v := homogeneous(pr.Weights); h {
			pd.w = v
		} else {
			pd.wArr = d.g.name(pd.id, "weight")
			pd.wSt = bitsFor(pr.Weights)
		}
	} else {
		pd.w = pr.Weight
	}
	delays := make([]int64, pd.nSyn)
	for k := range delays {
		delays[k] = int64(ip.DelayAt(k))
	}
	if h, v := homogeneous(delays); h {
		pd.d = int(v)
	} else {
		pd.dArr = d.g.name(pd.id, "delay")
		pd.dSt = bitsFor(delays)
	}
	pd.rowUnique = true
	seen := map[[2]int64]int{}
	for i := 0; i < ip.NPre && pd.rowUnique; i++ {
		for k := ip.Row[i]; k < ip.Row[i+1]; k++ {
			key := [2]int64{delays[k], int64(ip.Post[k])}
			if seen[key] == i+1 {
				pd.rowUnique = false
				break
			}
			seen[key] = i + 1
		}
	}
	d.projs = append(d.projs, pd)
	return nil
}

// newRecords lays out the records: spike records as fixed.Recorder makes
// them (one per recorded population, then per recorded source, over the
// union of the recorded ranges) and the net's trace records.
func (d *design) newRecords() {
	spikeRange := func(pop, src, size int) (int, int, bool) {
		lo, hi, any := size, 0, false
		for _, rec := range d.inst.Records {
			if rec.Kind == instance.RecordSpikes && rec.Pop == pop && rec.Source == src {
				lo, hi, any = min(lo, rec.Lo), max(hi, rec.Hi), true
			}
		}
		return lo, hi, any
	}
	off := 0
	for pi, p := range d.pops {
		if lo, hi, ok := spikeRange(pi, -1, p.N); ok {
			r := &spikeRecD{j: len(d.spikeRecs), pop: p, lo: lo, hi: hi, off: off, queue: p.queue}
			d.spikeRecs = append(d.spikeRecs, r)
			off += max(hi-lo, 0)
		}
	}
	for si, s := range d.srcs {
		if lo, hi, ok := spikeRange(-1, si, s.N); ok {
			r := &spikeRecD{j: len(d.spikeRecs), src: s, lo: lo, hi: hi, off: off, queue: s.queue}
			d.spikeRecs = append(d.spikeRecs, r)
			off += max(hi-lo, 0)
		}
	}
	off = 0
	for j, r := range d.net.Records {
		p := d.pops[r.Pop]
		tr := &traceRecD{j: j, r: r, pop: p, reg: p.regs[r.Reg], off: off}
		tr.buf = d.g.name(fmt.Sprintf("rec%d", j), p.id, p.p.Prog.Regs[r.Reg].Name)
		tr.ctr = d.g.name(tr.buf, "ctr")
		tr.due = d.g.name(tr.buf, "due")
		tr.nEvery = d.g.name("EVERY", tr.buf)
		d.traceRecs = append(d.traceRecs, tr)
		p.recs = append(p.recs, tr)
		off += r.Hi - r.Lo
	}
}

// streamed returns the sources whose spikes come in on the input.
func (d *design) streamed() []*srcD {
	var out []*srcD
	for _, s := range d.srcs {
		if !s.poisson && s.N > 0 {
			out = append(out, s)
		}
	}
	return out
}

// params returns the param registers of every population, in order.
func (d *design) params() []*regD {
	var out []*regD
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		for _, r := range p.regs {
			if r.Kind == fixed.RegParam {
				out = append(out, r)
			}
		}
	}
	return out
}

// spikeOutN and traceOutN are the sizes of the io-parallel output arrays.
func (d *design) spikeOutN() int {
	n := 0
	for _, r := range d.spikeRecs {
		n += max(r.hi-r.lo, 0)
	}
	return n
}

func (d *design) traceOutN() int {
	n := 0
	for _, r := range d.traceRecs {
		n += r.r.Hi - r.r.Lo
	}
	return n
}

func (d *design) srcInN() int {
	n := 0
	for _, s := range d.streamed() {
		s.inOff = n
		n += s.N
	}
	return n
}
