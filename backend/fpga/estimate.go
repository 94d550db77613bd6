package fpga

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"

	"snnc/internal/fixed"
	"snnc/internal/units"
)

// Estimate is a rough resource and timing estimate of the generated design
// (docs/fpga.md gives every formula). Vitis HLS's synthesis report is the
// real number; this one exists to warn before synthesis would fail.
type Estimate struct {
	Network    string  `json:"network"`
	Part       Part    `json:"part"`
	Reuse      int     `json:"reuse"`
	Parallel   int     `json:"parallel"`
	IO         string  `json:"io"`
	ClockMHz   float64 `json:"clock_mhz"`
	ActivityHz float64 `json:"activity_hz"`
	DtMs       float64 `json:"dt_ms"`

	Multipliers int `json:"multipliers"` // multiplier instances working in parallel
	DSP         int `json:"dsp"`
	BRAM18      int `json:"bram18"`
	BRAM36      int `json:"bram36"` // BRAM18 / 2, rounded up
	LUT         int `json:"lut"`
	FF          int `json:"ff"`

	CyclesPerStep int64   `json:"cycles_per_step"`       // at the assumed activity
	CyclesWorst   int64   `json:"cycles_per_step_worst"` // every neuron fires every step
	StepRate      float64 `json:"steps_per_second"`      // at ClockMHz, assumed activity
	RealTime      float64 `json:"real_time_factor"`      // simulated seconds per second

	Units    []UnitEstimate `json:"units"`
	Memories []MemEstimate  `json:"memories"`
	// FitReuse is the smallest reuse factor with which the design fits the
	// part (and stays under MaxParallelMultipliers); 0 when none does.
	FitReuse int      `json:"fit_reuse"`
	Warnings []string `json:"warnings"`
}

// UnitEstimate is one hardware unit: a population's update datapath, a
// Poisson generator, a projection's delivery engine, the I/O and control.
type UnitEstimate struct {
	Kind        string `json:"kind"` // population, poisson, projection, io, control
	Name        string `json:"name"`
	Detail      string `json:"detail"`
	Multipliers int    `json:"multipliers"`
	DSP         int    `json:"dsp"`
	BRAM18      int    `json:"bram18"`
	LUT         int    `json:"lut"`
	FF          int    `json:"ff"`
	Cycles      int64  `json:"cycles"`       // per step, assumed activity
	CyclesWorst int64  `json:"cycles_worst"` // per step, every neuron fires
}

// MemEstimate is one memory of the design.
type MemEstimate struct {
	Name   string `json:"name"`
	Depth  int    `json:"depth"` // words per bank
	Width  int    `json:"width"` // bits
	Banks  int    `json:"banks"`
	BRAM18 int    `json:"bram18"`
	LUTRAM int    `json:"lutram"` // LUTs when small enough for distributed RAM
}

// MaxParallelMultipliers is the number of multipliers working in parallel
// beyond which HLS synthesis of fully unrolled designs is known to fail
// (hls4ml's experience with Vivado/Vitis HLS).
const MaxParallelMultipliers = 4096

// EstimateNet estimates the design of n with the knobs of opt.
func EstimateNet(n *fixed.Net, opt Options) (*Estimate, error) {
	opt, err := opt.norm()
	if err != nil {
		return nil, err
	}
	d, err := newDesign(n, opt)
	if err != nil {
		return nil, err
	}
	return estimate(d)
}

func estimate(d *design) (*Estimate, error) {
	est := estimateAt(d, d.opt.Reuse)
	part := est.Part
	// The smallest reuse factor that fits.
	maxR := 1
	for _, p := range d.pops {
		maxR = max(maxR, p.mults, p.divs)
	}
	for _, t := range d.pops {
		for _, l := range t.luts {
			maxR = max(maxR, l.uses)
		}
	}
	maxR = min(maxR, MaxReuse)
	for r := 1; r <= maxR; r++ {
		if fits(estimateAt(d, r), part) {
			est.FitReuse = r
			break
		}
	}
	fitText := func() string {
		if est.FitReuse > 0 {
			return fmt.Sprintf("--reuse %d fits the %s", est.FitReuse, part.Name)
		}
		var ok []string
		for _, q := range Parts {
			if q.Name != part.Name && fits(estimateAtPart(d, maxR, q), q) {
				ok = append(ok, q.Name)
			}
		}
		s := fmt.Sprintf("no reuse factor fits the %s (at --parallel %d)", part.Name, d.opt.Parallel)
		if len(ok) > 0 {
			s += "; parts that fit with a large enough reuse: " + strings.Join(ok, ", ")
		} else if d.opt.Parallel > 1 {
			s += "; lower --parallel"
		}
		return s
	}
	if est.Multipliers > MaxParallelMultipliers {
		r := 0
		for x := d.opt.Reuse; x <= maxR; x++ {
			if estimateAt(d, x).Multipliers <= MaxParallelMultipliers {
				r = x
				break
			}
		}
		msg := fmt.Sprintf("%d multipliers work in parallel: HLS synthesis of more than ~%d usually fails", est.Multipliers, MaxParallelMultipliers)
		if r > 0 {
			msg += fmt.Sprintf("; use --reuse %d (%d multipliers)", r, estimateAt(d, r).Multipliers)
		} else {
			msg += "; lower --parallel"
		}
		est.Warnings = append(est.Warnings, msg)
	}
	over := func(what string, need, have int) {
		est.Warnings = append(est.Warnings, fmt.Sprintf("%s: %d needed, the %s has %d (%.0f%%); %s",
			what, need, part.Name, have, 100*float64(need)/float64(have), fitText()))
	}
	if est.DSP > part.DSP {
		over("DSP", est.DSP, part.DSP)
	}
	if est.BRAM18 > 2*part.BRAM36 {
		fixedB := 0
		for _, m := range est.Memories {
			if !strings.HasPrefix(m.Name, "lut ") {
				fixedB += m.BRAM18
			}
		}
		over("BRAM18", est.BRAM18, 2*part.BRAM36)
		if fixedB > 2*part.BRAM36 {
			est.Warnings = append(est.Warnings, fmt.Sprintf("the synapse tables, rings and states alone need %d BRAM18: no knob reduces them (a larger part, or synapse tables in external memory, which this generator does not emit)", fixedB))
		}
	}
	if est.LUT > part.LUT {
		over("LUT", est.LUT, part.LUT)
	}
	if est.FF > part.FF {
		over("FF", est.FF, part.FF)
	}
	if d.opt.IO == IOParallel {
		if b := ioBits(d); b > 16384 {
			est.Warnings = append(est.Warnings, fmt.Sprintf("--io parallel: %d port bits (one port per array element); use --io stream", b))
		}
	}
	for _, p := range d.projs {
		if !p.rowUnique {
			est.Warnings = append(est.Warnings, fmt.Sprintf("projection %s: a row adds twice into one accumulator, so its delivery loop runs at II=2", p.ip.Name))
		}
	}
	return est, nil
}

func fits(e *Estimate, p Part) bool {
	return e.Multipliers <= MaxParallelMultipliers && e.DSP <= p.DSP && e.BRAM18 <= 2*p.BRAM36 && e.LUT <= p.LUT && e.FF <= p.FF
}

func estimateAt(d *design, reuse int) *Estimate {
	p, _ := LookupPart(d.opt.Part)
	return estimateAtPart(d, reuse, p)
}

// estimateAtPart computes the estimate with a given reuse factor.
func estimateAtPart(d *design, reuse int, part Part) *Estimate {
	dt := d.net.Dt
	est := &Estimate{Network: d.net.Name, Part: part, Reuse: reuse, Parallel: d.opt.Parallel, IO: d.opt.IO.String(),
		ClockMHz: d.opt.ClockMHz, ActivityHz: d.opt.ActivityHz, DtMs: dt * 1e3}
	mem := func(name string, depth, width, banks int) MemEstimate {
		m := MemEstimate{Name: name, Depth: ceilDiv(max(depth, 1), max(banks, 1)), Width: width, Banks: max(banks, 1)}
		m.BRAM18, m.LUTRAM = ramCost(m.Depth, m.Width)
		m.BRAM18 *= m.Banks
		m.LUTRAM *= m.Banks
		return m
	}
	addMem := func(u *UnitEstimate, m MemEstimate) {
		if m.Depth == 0 || m.Width == 0 {
			return
		}
		est.Memories = append(est.Memories, m)
		u.BRAM18 += m.BRAM18
		u.LUT += m.LUTRAM
	}
	// Populations.
	var updateMax, updateMaxW int64
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		c := analyzeProgram(p)
		lanes := p.lanes
		u := UnitEstimate{Kind: "population", Name: fmt.Sprintf("%s [%d]", p.p.Name, p.N)}
		kind := "program @" + p.p.Prog.Name
		if p.p.Cuba != nil {
			kind = "CUBA-LIF"
		}
		u.Detail = fmt.Sprintf("%s, %d instr, II=%d, %d lane(s), depth %d", kind, len(p.p.Prog.Code), reuse, lanes, c.depth)
		// Multipliers shared reuse ways: sort by cost, one instance per
		// group of `reuse` multiplications, costing the group's largest.
		costs := append([]int(nil), c.multDSP...)
		sort.Sort(sort.Reverse(sort.IntSlice(costs)))
		inst, dsp := 0, 0
		for i := 0; i < len(costs); i += reuse {
			inst++
			dsp += costs[i]
		}
		divInst := ceilDiv(len(c.divW), reuse)
		divLUT, divFF := 0, 0
		sortW := append([]int(nil), c.divW...)
		sort.Sort(sort.Reverse(sort.IntSlice(sortW)))
		for i := 0; i < len(sortW); i += reuse {
			w := sortW[i]
			divLUT += w*w + 4*w
			divFF += 2 * w * w
		}
		_ = divInst
		u.Multipliers = lanes * inst
		u.DSP = lanes * dsp
		u.LUT = lanes*(c.aluLUT+divLUT+c.multLUT) + 60
		u.FF = lanes*(c.ff+divFF) + 64
		iters := int64(ceilDiv(p.N, lanes))
		u.Cycles = (iters-1)*int64(reuse) + int64(c.depth) + 4
		u.CyclesWorst = u.Cycles
		for _, r := range p.regs {
			switch {
			case r.Kind == fixed.RegState:
				addMem(&u, mem("state "+p.p.Name+"."+r.Name, p.N, r.st.Width, lanes))
			case r.Kind == fixed.RegParam && !r.homog:
				// The internal copy, and the AXI-lite copy it is loaded from.
				addMem(&u, mem("param "+p.p.Name+"."+r.Name, p.N, r.st.Width, lanes))
				addMem(&u, mem("param "+p.p.Name+"."+r.Name+" (AXI-lite)", p.N, r.st.Width, 1))
			case r.Kind == fixed.RegParam:
				u.FF += 2 * r.st.Width
				u.LUT += 40
			}
		}
		for _, l := range p.luts {
			copies := lanes * ceilDiv(max(l.uses, 1), reuse)
			m := mem("lut "+p.p.Name+"."+l.t.Name, len(l.t.Vals), l.st.Width, 1)
			m.BRAM18 *= copies
			m.LUTRAM *= copies
			m.Banks = copies
			addMem(&u, m)
		}
		if p.queue != nil {
			addMem(&u, mem("queue "+p.p.Name, p.N, max(1, bits.Len(uint(p.N))), 1))
		}
		for _, r := range p.recs {
			if n := r.r.Hi - r.r.Lo; n > 0 {
				addMem(&u, mem("record "+r.r.Name, n, 64, lanes))
			}
		}
		updateMax = max(updateMax, u.Cycles)
		updateMaxW = max(updateMaxW, u.CyclesWorst)
		est.Units = append(est.Units, u)
	}
	for _, r := range d.rings {
		u := UnitEstimate{Kind: "ring", Name: r.arr, Detail: fmt.Sprintf("%d slots × %d neurons × %d bits", r.slots, r.pop.N, r.st.Width)}
		addMem(&u, mem("ring "+r.pop.p.Name+"."+r.pop.p.Prog.Regs[r.acc].Name, r.slots*r.pop.N, r.st.Width, r.pop.lanes))
		u.LUT += 40
		u.FF += 32
		est.Units = append(est.Units, u)
	}
	// Sources.
	var inEvents, inWorst float64
	for _, s := range d.srcs {
		if s.N == 0 {
			continue
		}
		if !s.poisson {
			n := 0
			for _, k := range s.s.EvStep {
				if k < d.steps {
					n++
				}
			}
			inEvents += float64(n) / float64(d.steps)
			inWorst += float64(max(s.maxPer, 1))
			continue
		}
		if s.queue == nil {
			continue
		}
		u := UnitEstimate{Kind: "poisson", Name: fmt.Sprintf("%s [%d]", s.s.Name, s.N), Detail: fmt.Sprintf("SplitMix64, %d lane(s)", s.lanes)}
		u.Multipliers = 2 * s.lanes
		u.DSP = 2 * s.lanes * dspCost(64, 64)
		u.LUT = s.lanes*(3*64+2*64+60) + 40
		u.FF = s.lanes * (12 * 64)
		u.Cycles = int64(ceilDiv(s.N, s.lanes)) + 14
		u.CyclesWorst = u.Cycles
		addMem(&u, mem("keys "+s.s.Name, s.N, 64, s.lanes))
		if s.thr != "" {
			addMem(&u, mem("thresholds "+s.s.Name, s.N, 54, s.lanes))
		}
		addMem(&u, mem("queue "+s.s.Name, s.N, max(1, bits.Len(uint(s.N))), 1))
		updateMax = max(updateMax, u.Cycles)
		updateMaxW = max(updateMaxW, u.CyclesWorst)
		est.Units = append(est.Units, u)
	}
	// Expected spikes per step of every queue.
	rateOf := func(q *queueD) (float64, float64) {
		for _, p := range d.pops {
			if p.queue == q {
				return float64(p.N) * d.opt.ActivityHz * dt, float64(p.N)
			}
		}
		for _, s := range d.srcs {
			if s.queue != q {
				continue
			}
			if s.poisson {
				r := s.s.Rate.Scalar
				if s.s.Rate.Vec != nil {
					r = 0
					for _, x := range s.s.Rate.Vec {
						r += x
					}
					r /= float64(len(s.s.Rate.Vec))
				}
				return float64(s.N) * math.Min(r*dt, 1), float64(s.N)
			}
			n := 0
			for _, k := range s.s.EvStep {
				if k < d.steps {
					n++
				}
			}
			return float64(n) / float64(d.steps), float64(max(s.maxPer, 1))
		}
		return 0, 0
	}
	var propCycles, propWorst float64
	for _, p := range d.projs {
		ip := p.ip
		u := UnitEstimate{Kind: "projection", Name: ip.Name}
		fan := float64(p.nSyn) / float64(max(ip.NPre, 1))
		ii := 1.0
		if !p.rowUnique {
			ii = 2
		}
		u.Detail = fmt.Sprintf("%d synapses, fan-out %.1f, II=%g", p.nSyn, fan, ii)
		spk, spkW := rateOf(p.src)
		const rowOverhead = 5 // row pointers, pipeline fill and drain
		c := spk * (fan*ii + rowOverhead)
		cw := spkW*rowOverhead + ii*float64(p.nSyn)
		if spkW < float64(ip.NPre) { // a spike list: its busiest step's rows, at most
			cw = spkW * (fan*ii + rowOverhead)
		}
		u.Cycles = int64(math.Ceil(c))
		u.CyclesWorst = int64(math.Ceil(cw))
		propCycles += c
		propWorst += cw
		u.LUT = 120 + 2*p.ring.st.Width
		u.FF = 160 + 2*p.ring.st.Width
		addMem(&u, mem("row "+ip.Name, ip.NPre+1, p.rowSt.Width, 1))
		addMem(&u, mem("post "+ip.Name, p.nSyn, p.postSt.Width, 1))
		if p.wArr != "" {
			addMem(&u, mem("weight "+ip.Name, p.nSyn, p.wSt.Width, 1))
		}
		if p.dArr != "" {
			addMem(&u, mem("delay "+ip.Name, p.nSyn, p.dSt.Width, 1))
		}
		est.Units = append(est.Units, u)
	}
	// I/O and control.
	io := UnitEstimate{Kind: "io", Name: d.opt.IO.String()}
	var outPerStep, outWorst float64
	for _, r := range d.spikeRecs {
		if r.queue == nil {
			continue
		}
		s, w := rateOf(r.queue)
		n := float64(r.hi - r.lo)
		if r.pop != nil && r.pop.N > 0 {
			s *= n / float64(r.pop.N)
			w *= n / float64(r.pop.N)
		}
		outPerStep += s
		outWorst += w
	}
	for _, r := range d.traceRecs {
		n := float64(r.r.Hi - r.r.Lo)
		outPerStep += n / float64(r.r.Every)
		outWorst += n
	}
	var inC, inW, outC, outW float64
	if d.opt.IO == IOStream {
		io.Detail = "AXI-stream in and out"
		io.LUT, io.FF = 2*150, 2*260
		inC, inW = inEvents+2, inWorst+2
		outC, outW = outPerStep+2, outWorst+2
	} else {
		b := ioBits(d)
		io.Detail = fmt.Sprintf("arrays, %d port bits", b)
		io.LUT, io.FF = b/2+100, b+100
		for _, s := range d.streamed() {
			inC += float64(s.N)
		}
		inC += 2
		inW = inC + inWorst
		outC = outPerStep + 4
		outW = outWorst + 4
	}
	io.Cycles = int64(math.Ceil(inC + outC))
	io.CyclesWorst = int64(math.Ceil(inW + outW))
	est.Units = append(est.Units, io)
	ctl := UnitEstimate{Kind: "control", Detail: "AXI-lite registers, step FSM"}
	ctl.LUT, ctl.FF = 900, 1200
	for range d.params() {
		ctl.LUT += 30
		ctl.FF += 40
	}
	const stepOverhead = 12 // phase hand-offs of one step
	ctl.Cycles, ctl.CyclesWorst = stepOverhead, stepOverhead
	est.Units = append(est.Units, ctl)

	for _, u := range est.Units {
		est.Multipliers += u.Multipliers
		est.DSP += u.DSP
		est.BRAM18 += u.BRAM18
		est.LUT += u.LUT
		est.FF += u.FF
	}
	est.BRAM36 = ceilDiv(est.BRAM18, 2)
	est.CyclesPerStep = int64(math.Ceil(inC+outC+propCycles)) + updateMax + stepOverhead
	est.CyclesWorst = int64(math.Ceil(inW+outW+propWorst)) + updateMaxW + stepOverhead
	est.StepRate = d.opt.ClockMHz * 1e6 / float64(est.CyclesPerStep)
	est.RealTime = est.StepRate * dt
	return est
}

func ioBits(d *design) int {
	b := 16*d.srcInN() + 64*len(d.stims) + 16*d.spikeOutN()
	if n := d.traceOutN(); n > 0 {
		b += 64*n + 8*len(d.traceRecs)
	}
	return b
}

// ramCost returns the BRAM18s of a depth × width memory in its cheapest
// aspect ratio, or, for at most 1 Kbit, the LUTs of distributed RAM
// (64 × 1 bit per LUT).
func ramCost(depth, width int) (bram18, lutram int) {
	if depth <= 0 || width <= 0 {
		return 0, 0
	}
	if depth*width <= 1024 {
		return 0, ceilDiv(depth, 64) * width
	}
	best := math.MaxInt
	for _, c := range [][2]int{{1, 16384}, {2, 8192}, {4, 4096}, {9, 2048}, {18, 1024}, {36, 512}} {
		best = min(best, ceilDiv(width, c[0])*ceilDiv(depth, c[1]))
	}
	return best, 0
}

// dspCost returns the DSP48E2 slices (27 × 18 signed) of an a × b bit
// signed multiplication.
func dspCost(a, b int) int {
	x, y := max(a, b), min(a, b)
	if y <= 1 {
		return 0
	}
	if x <= 27 && y <= 18 {
		return 1
	}
	return ceilDiv(x-1, 26) * ceilDiv(y-1, 17)
}

// progCost is what a program's datapath costs per lane.
type progCost struct {
	multDSP []int // DSPs of each multiplication
	multLUT int   // adders of multi-DSP products
	divW    []int // width of each division
	aluLUT  int
	ff      int
	depth   int // cycles from load to store
}

// sbits returns the signed width of v.
func sbits(v int64) int {
	if v < 0 {
		v = ^v
	}
	return bits.Len64(uint64(v)) + 1
}

func swidth(s storage) int {
	if s.Signed {
		return s.Width
	}
	return min(s.Width+1, 64)
}

// analyzeProgram propagates signed widths through the straight-line
// program (from the registers' storage types) and prices every operation.
func analyzeProgram(p *popD) progCost {
	prog := p.p.Prog
	wid := make([]int, len(prog.Regs))
	ready := make([]float64, len(prog.Regs))
	for r, rd := range p.regs {
		switch rd.Kind {
		case fixed.RegState, fixed.RegParam:
			wid[r] = swidth(rd.st)
		case fixed.RegAcc:
			wid[r] = swidth(storage{rd.Type.Signed, int(rd.Type.Width)})
		default:
			wid[r] = 1
		}
	}
	var c progCost
	cap64 := func(w int) int { return max(1, min(w, 64)) }
	for k := range prog.Code {
		in := &prog.Code[k]
		info := in.Op.Info()
		var w [3]int
		var t float64
		for j := 0; j < info.NArgs; j++ {
			if a := in.Args[j]; a.Imm {
				w[j] = sbits(a.Val)
			} else {
				w[j] = wid[a.Reg]
				t = math.Max(t, ready[a.Reg])
			}
		}
		imm := func(j int) int64 { return in.Args[j].Val }
		mulLat := func(n int) float64 {
			switch {
			case n <= 1:
				return 3
			case n <= 4:
				return 4
			}
			return 6
		}
		var res int
		var lat float64
		switch in.Op {
		case fixed.OpMov:
			res = w[0]
		case fixed.OpAdd, fixed.OpSub:
			res = max(w[0], w[1]) + 1
			c.aluLUT += res
			lat = 0.5
		case fixed.OpNeg, fixed.OpAbs:
			res = w[0] + 1
			c.aluLUT += res
			lat = 0.5
		case fixed.OpMul, fixed.OpMulSh:
			n := dspCost(w[0], w[1])
			for j := 0; j < 2; j++ {
				if a := in.Args[j]; a.Imm && (a.Val == 0 || a.Val&(a.Val-1) == 0) {
					n = 0 // times zero or a power of two: a shift
				}
			}
			c.multDSP = append(c.multDSP, n)
			res = w[0] + w[1]
			if n > 1 {
				c.multLUT += res
			}
			if in.Op == fixed.OpMulSh {
				res -= int(imm(2))
				if in.Rnd != fixed.Floor {
					res++
					c.aluLUT += res
				}
			}
			lat = mulLat(n)
		case fixed.OpShl:
			res = w[0] + int(imm(1))
		case fixed.OpShr:
			res = w[0] - int(imm(1))
			if in.Rnd != fixed.Floor {
				res++
				c.aluLUT += w[0]
				lat = 0.5
			}
		case fixed.OpDiv, fixed.OpRem:
			dw := cap64(max(w[0], w[1]))
			c.divW = append(c.divW, dw)
			res = w[0] + 1
			if in.Op == fixed.OpRem {
				res = min(w[0], w[1])
			}
			lat = float64(dw + 4)
		case fixed.OpMin, fixed.OpMax:
			res = max(w[0], w[1])
			c.aluLUT += 2 * res
			lat = 0.5
		case fixed.OpClamp:
			res = max(w[1], w[2])
			if !in.Args[1].Imm || !in.Args[2].Imm {
				res = max(res, w[0])
			}
			c.aluLUT += 3 * cap64(w[0])
			lat = 0.5
		case fixed.OpWrap:
			res = min(w[0], int(imm(1)))
		case fixed.OpDecay:
			n := dspCost(w[0], 13)
			c.multDSP = append(c.multDSP, n)
			res = w[0]
			c.aluLUT += res
			lat = mulLat(n) + 0.5
		case fixed.OpGt, fixed.OpGe, fixed.OpLt, fixed.OpLe, fixed.OpEq, fixed.OpNe:
			res = 1
			c.aluLUT += ceilDiv(max(w[0], w[1]), 2)
			lat = 0.5
		case fixed.OpAnd, fixed.OpOr, fixed.OpXor:
			res = max(w[0], w[1])
			c.aluLUT += res
			lat = 0.25
		case fixed.OpSel:
			res = max(w[1], w[2])
			c.aluLUT += res
			lat = 0.25
		case fixed.OpLut:
			l := p.luts[in.LUT]
			res = swidth(l.st)
			c.aluLUT += 2 * cap64(w[0]) // offset, clamp, index
			lat = 2.5
			if l.t.Interp {
				n := dspCost(res+1, int(l.t.Shift)+1)
				c.multDSP = append(c.multDSP, n)
				c.aluLUT += res
				lat += mulLat(n) + 0.5
			}
		}
		res = cap64(res)
		c.ff += res
		wid[in.Dst] = res
		ready[in.Dst] = t + lat
	}
	var depth float64
	for _, r := range ready {
		depth = math.Max(depth, r)
	}
	c.depth = int(math.Ceil(depth)) + 3 // load and store
	return c
}

// JSON returns the estimate as indented JSON.
func (e *Estimate) JSON() ([]byte, error) {
	if e.Units == nil {
		e.Units = []UnitEstimate{}
	}
	if e.Memories == nil {
		e.Memories = []MemEstimate{}
	}
	if e.Warnings == nil {
		e.Warnings = []string{}
	}
	return json.MarshalIndent(e, "", "  ")
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func factor(x float64) string {
	if x >= 100 {
		return units.Group(int64(math.Round(x)))
	}
	return fmt.Sprintf("%.3g", x)
}

func si(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.3g G", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.3g M", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.3g k", x/1e3)
	}
	return fmt.Sprintf("%.3g ", x)
}

// Table returns the estimate as an aligned text table with the totals,
// the part's capacity, the timing and the warnings.
func (e *Estimate) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FPGA estimate (rough, docs/fpga.md): network %s on %s (%s) at %g MHz, --reuse %d --parallel %d --io %s\n\n",
		e.Network, e.Part.Name, e.Part.Family, e.ClockMHz, e.Reuse, e.Parallel, e.IO)
	rows := [][]string{{"unit", "what", "mult", "DSP", "BRAM18", "LUT", "FF", "cycles/step", "worst"}}
	for _, u := range e.Units {
		rows = append(rows, []string{strings.TrimSpace(u.Kind + " " + u.Name), u.Detail, units.Group(int64(u.Multipliers)), units.Group(int64(u.DSP)), units.Group(int64(u.BRAM18)),
			units.Group(int64(u.LUT)), units.Group(int64(u.FF)), units.Group(u.Cycles), units.Group(u.CyclesWorst)})
	}
	rows = append(rows, []string{"total", "", units.Group(int64(e.Multipliers)), units.Group(int64(e.DSP)), units.Group(int64(e.BRAM18)),
		units.Group(int64(e.LUT)), units.Group(int64(e.FF)), units.Group(e.CyclesPerStep), units.Group(e.CyclesWorst)})
	p := e.Part
	rows = append(rows, []string{"part " + p.Name, p.Board, units.Group(MaxParallelMultipliers), units.Group(int64(p.DSP)), units.Group(int64(2 * p.BRAM36)),
		units.Group(int64(p.LUT)), units.Group(int64(p.FF)), "", ""})
	rows = append(rows, []string{"utilisation", "", pct(e.Multipliers, MaxParallelMultipliers), pct(e.DSP, p.DSP), pct(e.BRAM18, 2*p.BRAM36),
		pct(e.LUT, p.LUT), pct(e.FF, p.FF), "", ""})
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for ri, r := range rows {
		var line strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i < 2 {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
			if i < len(r)-1 {
				line.WriteString("  ")
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
		if ri == 0 || ri == len(rows)-4 {
			var sep []string
			for _, w := range width {
				sep = append(sep, strings.Repeat("-", w))
			}
			b.WriteString(strings.Join(sep, "  ") + "\n")
		}
	}
	fmt.Fprintf(&b, "\nBRAM36: %s (BRAM18 / 2). mult: multipliers working in parallel (HLS fails beyond ~%s).\n", units.Group(int64(e.BRAM36)), units.Group(MaxParallelMultipliers))
	fmt.Fprintf(&b, "cycles per step: %s with populations firing at %g Hz (Poisson and spike-list sources at their rates), %s worst case (every neuron fires)\n",
		units.Group(e.CyclesPerStep), e.ActivityHz, units.Group(e.CyclesWorst))
	fmt.Fprintf(&b, "time-step rate: %ssteps/s at %g MHz = %s × real time (dt %g ms); worst case %ssteps/s\n",
		si(e.StepRate), e.ClockMHz, factor(e.RealTime), e.DtMs, si(e.ClockMHz*1e6/float64(max(e.CyclesWorst, 1))))
	if e.FitReuse > 0 {
		fmt.Fprintf(&b, "fits the %s from --reuse %d\n", p.Name, e.FitReuse)
	} else {
		fmt.Fprintf(&b, "does not fit the %s with any reuse factor\n", p.Name)
	}
	for _, w := range e.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}
