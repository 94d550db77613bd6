package passes

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

// quantize: a float network becomes a fixed-point one (docs/fixed-point.md
// is the definition of the result; §9 describes the choices made here).
//
//   - loihi_lif populations run Loihi's CUBA-LIF datapath with their integer
//     params (bit-exact with Loihi);
//   - LIF-like populations (one tv-LIF voltage with a constant tau and a
//     drive affine in the inputs, a threshold, a constant reset and
//     refractory period) are mapped onto the CUBA-LIF datapath: du, dv, vth,
//     bias, and per projection an 8-bit weight mantissa and an exponent;
//   - every other unit becomes an integer program with lookup tables
//     (quantize_prog.go): exponential Euler as x·E + A·dt·exprel(B·dt),
//     single-variable transcendental subexpressions as interpolated tables,
//     formats from the observed ranges of a profiling run of the reference
//     simulator widened by a margin, cross-checked by interval arithmetic.
//
// The product is a *fixed.Net (with the instance it was built from); the
// module itself is unchanged. Quantize returns it with a report that gives
// per state the format chosen and the error against float on the profiling
// run.

// QuantizeOptions control quantisation.
type QuantizeOptions struct {
	Network  string             // the network to quantise ("" when the module has one)
	Instance instance.Options   // how to instantiate it
	Inst     *instance.Instance // an existing instance (then Network and Instance are ignored)

	ProfileSteps   int64   // steps of the profiling run (0: min(network steps, 20000))
	ProfileNeurons int     // neurons recorded per population in the profiling run (0: 32)
	Width          int     // word width of states and values (0: 32)
	Margin         float64 // range headroom factor over the profiled range (0: 2)
	LUTTol         float64 // target interpolation error of a table, relative to its largest |value| (0: 2e-7)
	LUTMax         int     // most entries of one table (0: 8192)
	NoCuba         bool    // never map LIF-like units onto the CUBA-LIF datapath (loihi_lif still is)
	NoErrorRun     bool    // skip the fixed-point run that measures the error against float
}

func (o *QuantizeOptions) defaults() {
	if o.ProfileNeurons <= 0 {
		o.ProfileNeurons = 32
	}
	if o.Width <= 0 {
		o.Width = 32
	}
	if o.Margin <= 0 {
		o.Margin = 2
	}
	if o.LUTTol <= 0 {
		o.LUTTol = 2e-7
	}
	if o.LUTMax <= 0 {
		o.LUTMax = 8192
	}
}

// QuantReport is what quantize chose and what it cost in accuracy.
type QuantReport struct {
	Network      string
	ProfileSteps int64
	Pops         []*PopQuant
	Projs        []*ProjQuant
}

// ProjQuant is one projection's weights as a synapse holds them: an 8-bit
// mantissa in Mode (fixed.SignModeExc, Inh or Mixed) times 2^(6+WeightExp)
// accumulator LSBs, rounded to nearest from the float weights.
type ProjQuant struct {
	Name      string
	Synapses  int // 0 for one homogeneous weight
	Mode      string
	WeightExp int
	// Error of the integer weights against the float ones (SI, the
	// weight's unit): largest |error|, and that relative to the largest
	// |weight|.
	MaxErr, MaxRelErr float64
}

// PopQuant describes one population's quantisation.
type PopQuant struct {
	Pop, Unit string
	Datapath  string // "cuba-lif" or "program"
	Cuba      *fixed.CubaParams
	States    []*StateQuant
	// Lets are the recorded lets: each computed into a register of its
	// own at the end of the program (or read from the state or
	// accumulator it names, Alias), with its format and its error against
	// float (docs/fixed-point.md §3.4, "recorded lets").
	Lets   []*StateQuant
	Accs   []*AccQuant
	LUTs   []*LUTQuant
	Instrs int
	Regs   int
	// Spikes of the recorded neurons in the profiling run, float and fixed.
	SpikesFloat, SpikesFixed int
	Notes                    []string

	letReg map[string]int // recorded let → the register its record reads
}

// StateQuant is one state's format and error.
type StateQuant struct {
	Name   string
	Unit   string
	Type   fixed.Type
	Conv   fixed.Conv
	Lo, Hi float64 // observed range (SI) in the profiling run
	// Error of the fixed-point run against float over the profiling run's
	// recorded neurons and samples (SI): largest and root mean square.
	MaxErr, RMSErr float64
	Compared       bool
	// Alias names the register a recorded let is read from when the let is
	// just a state or an input (no instructions, no register of its own).
	Alias string
}

// AccQuant is one accumulator (an input, or jumps into a state).
type AccQuant struct {
	Name string
	Type fixed.Type
	Gain float64 // integer units per SI unit
	// Shift is how many fraction bits the accumulator holds fewer than the
	// format the program computes with (ReadFrac, what the profiled range
	// asks for): the program shifts it left by Shift where it reads it.
	// It is > 0 when the largest weight into the accumulator would
	// otherwise need a weight_exp above fixed.WeightExpMax. Weights that
	// keep 8 significant bits are unchanged by it; stimuli, and projections
	// whose weights are much smaller than the largest, are rounded to the
	// coarser LSB (1/Gain): StimErr and the projections' errors say how much.
	Shift    int
	ReadFrac int
	StimErr  float64 // largest |stimulus rounding error| (SI), over the stimuli into it
	HasStim  bool
}

// LUTQuant is one lookup table.
type LUTQuant struct {
	Name, Over, Func string
	N                int
	Lo, Hi           float64 // domain in SI
	MaxRelErr        float64 // worst interpolation error relative to the largest |value|
}

// String formats the report as text, one population per block.
func (r *QuantReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "quantize %s (profiling run: %d steps)\n", r.Network, r.ProfileSteps)
	for _, p := range r.Pops {
		fmt.Fprintf(&b, "  pop %s (%s): %s", p.Pop, p.Unit, p.Datapath)
		if p.Cuba != nil {
			c := p.Cuba
			fmt.Fprintf(&b, " du=%d dv=%d vth=%d bias=%d<<%d refractory=%d", c.Du, c.Dv, c.Vth, c.BiasMant, c.BiasExp, c.RefSteps)
		}
		fmt.Fprintf(&b, ", %d instructions, %d registers, %d tables\n", p.Instrs, p.Regs, len(p.LUTs))
		for _, s := range p.States {
			fmt.Fprintf(&b, "    state %-6s %-10s %-22s range [%.4g, %.4g] %s", s.Name, s.Type, describeFormat(s.Type, s.Conv, s.Unit), s.Lo, s.Hi, s.Unit)
			if s.Compared {
				fmt.Fprintf(&b, ", error vs float max %.3g rms %.3g %s", s.MaxErr, s.RMSErr, s.Unit)
			}
			b.WriteByte('\n')
		}
		for _, s := range p.Lets {
			if s.Alias != "" {
				fmt.Fprintf(&b, "    let   %-6s = %s (no instructions)", s.Name, s.Alias)
			} else {
				fmt.Fprintf(&b, "    let   %-6s %-10s %-22s range [%.4g, %.4g] %s", s.Name, s.Type, describeFormat(s.Type, s.Conv, s.Unit), s.Lo, s.Hi, s.Unit)
			}
			if s.Compared {
				fmt.Fprintf(&b, ", error vs float max %.3g rms %.3g %s", s.MaxErr, s.RMSErr, s.Unit)
			}
			b.WriteByte('\n')
		}
		for _, a := range p.Accs {
			fmt.Fprintf(&b, "    acc   %-6s %-10s gain %.6g per SI unit", a.Name, a.Type, a.Gain)
			if a.Shift > 0 {
				fmt.Fprintf(&b, ", read << %d as f%d (%d fraction bits fewer so that weight_exp <= %d)", a.Shift, a.ReadFrac, a.Shift, fixed.WeightExpMax)
			}
			if a.HasStim {
				fmt.Fprintf(&b, ", stimulus error max %.3g", a.StimErr)
			}
			b.WriteByte('\n')
		}
		for _, l := range p.LUTs {
			fmt.Fprintf(&b, "    lut   %-6s %s over %s in [%.4g, %.4g]: %d entries, max rel. error %.2g\n", l.Name, l.Func, l.Over, l.Lo, l.Hi, l.N, l.MaxRelErr)
		}
		if p.SpikesFloat >= 0 {
			fmt.Fprintf(&b, "    spikes of the recorded neurons: float %d, fixed %d\n", p.SpikesFloat, p.SpikesFixed)
		}
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "    note: %s\n", n)
		}
	}
	for _, q := range r.Projs {
		fmt.Fprintf(&b, "  connect %s: ", q.Name)
		if q.Synapses > 0 {
			fmt.Fprintf(&b, "%d synapses, ", q.Synapses)
		} else {
			b.WriteString("one weight, ")
		}
		fmt.Fprintf(&b, "8-bit mantissa (%s), weight_exp %d, error vs float max %.3g (%.2g of the largest |weight|)\n", q.Mode, q.WeightExp, q.MaxErr, q.MaxRelErr)
	}
	return b.String()
}

// projQuant measures the rounding of one projection's weights.
func projQuant(name string, perSyn bool, ws []float64, ints []int64, wexp int, gain float64) *ProjQuant {
	pq := &ProjQuant{Name: name, WeightExp: wexp}
	if perSyn {
		pq.Synapses = len(ws)
	}
	pq.Mode = fixed.SignModeOf(ws)
	big := 0.0
	for i, w := range ws {
		big = max(big, math.Abs(w))
		pq.MaxErr = max(pq.MaxErr, math.Abs(float64(ints[i])/gain-w))
	}
	if big > 0 {
		pq.MaxRelErr = pq.MaxErr / big
	}
	return pq
}

// describeFormat says what one LSB is worth.
func describeFormat(t fixed.Type, c fixed.Conv, unit string) string {
	if c.Offset == 0 && c.Scale == math.Ldexp(1, -int(t.Frac)) {
		return fmt.Sprintf("%s (LSB %.3g %s)", t.Q(), c.Scale, unit)
	}
	return fmt.Sprintf("LSB %.4g %s, offset %.4g", c.Scale, unit, c.Offset)
}

// Quantize quantises one network of m.
func Quantize(m *ir.Module, opt QuantizeOptions) (*fixed.Net, *QuantReport, error) {
	opt.defaults()
	inst := opt.Inst
	if inst == nil {
		var err error
		if inst, err = instance.Build(m, opt.Network, opt.Instance); err != nil {
			return nil, nil, fmt.Errorf("quantize: %w", err)
		}
	}
	steps := opt.ProfileSteps
	if steps <= 0 {
		steps = min(inst.Steps, 20000)
	}
	steps = min(steps, inst.Steps)
	// Recorded lets, per population (sorted let indices): only these are
	// computed by the programs.
	recLets := make([][]int, len(inst.Pops))
	for _, r := range inst.Records {
		if r.Kind == instance.RecordLet && r.Pop >= 0 && !slices.Contains(recLets[r.Pop], r.Index) {
			recLets[r.Pop] = append(recLets[r.Pop], r.Index)
		}
	}
	for _, l := range recLets {
		slices.Sort(l)
	}
	prof, err := profile(inst, steps, opt.ProfileNeurons, recLets)
	if err != nil {
		return nil, nil, fmt.Errorf("quantize: profiling run: %w", err)
	}
	net := &fixed.Net{Name: inst.Name, Dt: inst.Dt, Steps: inst.Steps, Seed: inst.Seed, Inst: inst}
	rep := &QuantReport{Network: inst.Name, ProfileSteps: steps}
	targets := make([]map[string]*accTarget, len(inst.Pops))
	for pi, ip := range inst.Pops {
		q := &popQuantizer{inst: inst, pop: ip, idx: pi, prof: prof.pops[pi], opt: &opt, lets: recLets[pi]}
		fp, pq, tg, err := q.run()
		if err != nil {
			return nil, nil, fmt.Errorf("quantize: pop %s (%s): %w", ip.Name, ip.Unit.Name, err)
		}
		net.Pops = append(net.Pops, fp)
		rep.Pops = append(rep.Pops, pq)
		targets[pi] = tg
	}
	// Projections: integer weights into the target accumulators.
	for i, ip := range inst.Projections {
		tg := targets[ip.Dst][ip.Target]
		if tg == nil {
			return nil, nil, fmt.Errorf("quantize: connect %s: %s has no accumulator for %s", ip.Name, inst.Pops[ip.Dst].Name, ip.Target)
		}
		pr := &fixed.Proj{Index: i, Dst: ip.Dst, Acc: tg.reg}
		ws := ip.Weights
		if ws == nil {
			ws = []float64{ip.Weight}
		}
		ints, mant8, wexp, err := tg.weights(ws)
		if err != nil {
			return nil, nil, fmt.Errorf("quantize: connect %s: %w", ip.Name, err)
		}
		rep.Projs = append(rep.Projs, projQuant(ip.Name, ip.Weights != nil, ws, ints, wexp, tg.gain))
		if ip.Weights == nil {
			pr.Weight = ints[0]
		} else {
			pr.Weights = ints
		}
		pr.Mant8, pr.WeightExp = mant8, wexp
		net.Projections = append(net.Projections, pr)
	}
	// Stimuli: integer sequences.
	for _, st := range inst.Stimuli {
		tg := targets[st.Pop][st.Input]
		if tg == nil {
			return nil, nil, fmt.Errorf("quantize: stim %s: no accumulator for %s", st.Name, st.Input)
		}
		s := &fixed.Stim{Name: st.Name, Pop: st.Pop, Acc: tg.reg}
		if tg.rep != nil {
			tg.rep.HasStim = true
		}
		for k := int64(0); k < inst.Steps; k++ {
			x := st.At(float64(k) * inst.Dt)
			v := fixed.RoundHalfAway(x * tg.gain)
			if tg.rep != nil {
				tg.rep.StimErr = max(tg.rep.StimErr, math.Abs(float64(v)/tg.gain-x))
			}
			if len(s.Runs) == 0 && v == 0 {
				continue
			}
			if len(s.Runs) == 0 || s.Runs[len(s.Runs)-1].Value != v {
				s.Runs = append(s.Runs, fixed.Run{Step: k, Value: v})
			}
		}
		net.Stims = append(net.Stims, s)
	}
	// Records.
	for _, r := range inst.Records {
		if r.Kind == instance.RecordSpikes {
			continue
		}
		p := net.Pops[r.Pop]
		ip := inst.Pops[r.Pop]
		rec := &fixed.Rec{Pop: r.Pop, Lo: r.Lo, Hi: r.Hi, Every: r.Every, Name: ip.Name + "." + r.Var}
		if d, ok := ip.Unit.DimOf(r.Var); ok {
			rec.Unit = d.String()
		}
		switch r.Kind {
		case instance.RecordState:
			rec.Reg = p.Prog.Reg(r.Var)
		case instance.RecordInput:
			if tg := targets[r.Pop][r.Var]; tg != nil && !tg.state {
				rec.Reg = tg.reg
			} else {
				rec.Reg = -1
			}
		case instance.RecordLet:
			if reg, ok := rep.Pops[r.Pop].letReg[r.Var]; ok {
				rec.Reg = reg
			} else {
				return nil, nil, fmt.Errorf("quantize: record %s: the let has no register (compiler bug)", rec.Name)
			}
		default:
			rec.Reg = -1
		}
		if rec.Reg < 0 {
			return nil, nil, fmt.Errorf("quantize: record %s: only states, lets and inputs with deliveries can be recorded in fixed point", rec.Name)
		}
		rec.Conv = p.Conv[rec.Reg]
		net.Records = append(net.Records, rec)
	}
	if err := net.Check(); err != nil {
		return nil, nil, fmt.Errorf("quantize: %w (compiler bug)", err)
	}
	if !opt.NoErrorRun {
		if err := measureError(net, prof, steps, rep); err != nil {
			return nil, nil, fmt.Errorf("quantize: error run: %w", err)
		}
	} else {
		for _, p := range rep.Pops {
			p.SpikesFloat, p.SpikesFixed = -1, -1
		}
	}
	return net, rep, nil
}

// accTarget is where deliveries to an input or a state go, and how float
// weights become integers.
type accTarget struct {
	reg   int
	state bool    // jumps into a state
	gain  float64 // integer units per SI unit
	cuba  bool    // weights are 8-bit mantissas · 2^(6+exp)
	max   int64   // largest |weight| the accumulator type takes
	rep   *AccQuant
}

// weights quantises one projection's weights.
func (t *accTarget) weights(ws []float64) ([]int64, bool, int, error) {
	// Every projection gets chip-representable weights (docs/fixed-point.md,
	// "Synaptic weights"): an 8-bit mantissa in the projection's sign mode
	// and one exponent, mantissas rounded to nearest (fixed.ChipWeights, as
	// nengo-loihi and Lava do). The integer weight is mant·2^shift with
	// shift = 6 + weight_exp.
	scaled := make([]float64, len(ws))
	for i, w := range ws {
		scaled[i] = w * t.gain
	}
	out, shift, _ := fixed.ChipWeights(scaled)
	e := shift - 6
	if t.cuba {
		if e > fixed.WeightExpMax {
			return nil, false, 0, fmt.Errorf("weights up to %g need weight_exp %d > %d", maxAbs(scaled), e, fixed.WeightExpMax)
		}
		return out, true, e, nil
	}
	if e > fixed.WeightExpMax {
		// accShift chose the accumulator's format so that this cannot happen.
		return nil, false, 0, fmt.Errorf("weights up to %g need weight_exp %d > %d (compiler bug)", maxAbs(scaled), e, fixed.WeightExpMax)
	}
	for i, w := range ws {
		if fixed.Abs(out[i]) > t.max {
			return nil, false, 0, fmt.Errorf("weight %g does not fit the accumulator", w)
		}
	}
	return out, true, e, nil
}

func maxAbs(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, math.Abs(x))
	}
	return m
}

// ---- profiling ----

// popProfile holds the profiling run's samples of one population: per
// state and per input, values[sample][neuron] for the recorded neurons
// (sample 0 is the initial state; inputs: sample s is the input of step s−1).
type popProfile struct {
	n       int // recorded neurons
	states  [][][]float64
	inputs  [][][]float64       // nil per input when nothing is delivered to it
	lets    map[int][][]float64 // recorded lets (by let index); sample s is the let at boundary s, as recorded
	spikes  int                 // spikes of the recorded neurons
	stateLo []float64
	stateHi []float64
}

type profileRun struct {
	pops []*popProfile
	res  *results.Result
}

func profile(inst *instance.Instance, steps int64, nrec int, lets [][]int) (*profileRun, error) {
	pi := *inst
	pi.Records = nil
	type slot struct{ pop, state, input, let int }
	var slots []slot
	live := map[[2]int]bool{} // (pop, input) receives something
	for _, p := range inst.Projections {
		if !p.TargetState {
			live[[2]int{p.Dst, p.TargetIndex}] = true
		}
	}
	for _, s := range inst.Stimuli {
		live[[2]int{s.Pop, s.InputIndex}] = true
	}
	for i, p := range inst.Pops {
		n := min(p.N, nrec)
		pi.Records = append(pi.Records, &instance.Record{Pop: i, Source: -1, Kind: instance.RecordSpikes, Lo: 0, Hi: n, Every: 1})
		for si, s := range p.Unit.States {
			pi.Records = append(pi.Records, &instance.Record{Pop: i, Source: -1, Var: s.Name, Kind: instance.RecordState, Index: si, Lo: 0, Hi: n, Every: 1})
			slots = append(slots, slot{i, si, -1, -1})
		}
		for ii, in := range p.Unit.Inputs {
			if !live[[2]int{i, ii}] {
				continue
			}
			pi.Records = append(pi.Records, &instance.Record{Pop: i, Source: -1, Var: in.Name, Kind: instance.RecordInput, Index: ii, Lo: 0, Hi: n, Every: 1})
			slots = append(slots, slot{i, -1, ii, -1})
		}
		for _, li := range lets[i] {
			pi.Records = append(pi.Records, &instance.Record{Pop: i, Source: -1, Var: p.Unit.Lets[li].Name, Kind: instance.RecordLet, Index: li, Lo: 0, Hi: n, Every: 1})
			slots = append(slots, slot{i, -1, -1, li})
		}
	}
	res, err := interp.Run(&pi, interp.RunOptions{Duration: float64(steps) * inst.Dt * (1 + 1e-9)})
	if err != nil {
		return nil, err
	}
	out := &profileRun{res: res}
	for _, p := range inst.Pops {
		pp := &popProfile{n: min(p.N, nrec), states: make([][][]float64, len(p.Unit.States)), inputs: make([][][]float64, len(p.Unit.Inputs)), lets: map[int][][]float64{}}
		for _, s := range res.Spikes {
			if s.Pop == p.Name {
				pp.spikes = len(s.Neuron)
			}
		}
		out.pops = append(out.pops, pp)
	}
	for j, s := range slots {
		tr := res.Traces[j]
		pp := out.pops[s.pop]
		if s.let >= 0 {
			pp.lets[s.let] = tr.Values
		} else if s.state >= 0 {
			pp.states[s.state] = tr.Values
		} else {
			pp.inputs[s.input] = tr.Values
		}
	}
	for _, pp := range out.pops {
		pp.stateLo = make([]float64, len(pp.states))
		pp.stateHi = make([]float64, len(pp.states))
		for si, vals := range pp.states {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, row := range vals {
				for _, x := range row {
					lo, hi = min(lo, x), max(hi, x)
				}
			}
			pp.stateLo[si], pp.stateHi[si] = lo, hi
		}
	}
	return out, nil
}

// measureError runs the quantised network over the profiling steps with
// the profiled neurons recorded and compares it with the float run.
func measureError(net *fixed.Net, prof *profileRun, steps int64, rep *QuantReport) error {
	tmp := *net
	tmp.Records = nil
	type key struct {
		pop, reg int
		let      *StateQuant // a recorded let (reg: the register its record reads)
		fl       [][]float64 // the let's float samples
	}
	var keys []key
	for pi, p := range net.Pops {
		for r, reg := range p.Prog.Regs {
			if reg.Kind != fixed.RegState || net.Inst.Pops[pi].StateIndex(reg.Name) < 0 {
				continue
			}
			tmp.Records = append(tmp.Records, &fixed.Rec{Pop: pi, Reg: r, Lo: 0, Hi: prof.pops[pi].n, Every: 1, Conv: p.Conv[r]})
			keys = append(keys, key{pop: pi, reg: r})
		}
		u := net.Inst.Pops[pi].Unit
		for _, lq := range rep.Pops[pi].Lets {
			r, ok := rep.Pops[pi].letReg[lq.Name]
			li := letIndex(u, lq.Name)
			if !ok || li < 0 || prof.pops[pi].lets[li] == nil {
				continue
			}
			tmp.Records = append(tmp.Records, &fixed.Rec{Pop: pi, Reg: r, Lo: 0, Hi: prof.pops[pi].n, Every: 1, Conv: p.Conv[r]})
			keys = append(keys, key{pop: pi, reg: r, let: lq, fl: prof.pops[pi].lets[li]})
		}
	}
	inst := *net.Inst
	inst.Records = nil
	for i := range net.Pops {
		inst.Records = append(inst.Records, &instance.Record{Pop: i, Source: -1, Kind: instance.RecordSpikes, Lo: 0, Hi: prof.pops[i].n, Every: 1})
	}
	tmp.Inst = &inst
	res, err := interp.RunFixed(&tmp, interp.RunOptions{Duration: float64(steps) * net.Dt * (1 + 1e-9)})
	if err != nil {
		return err
	}
	for pi, p := range rep.Pops {
		p.SpikesFloat = prof.pops[pi].spikes
		p.SpikesFixed = 0
		for _, s := range res.Spikes {
			if s.Pop == net.Pops[pi].Name {
				p.SpikesFixed = len(s.Neuron)
			}
		}
	}
	for j, k := range keys {
		name := net.Pops[k.pop].Prog.Regs[k.reg].Name
		var fl [][]float64
		if k.let != nil {
			fl = k.fl
		} else {
			fl = prof.pops[k.pop].states[net.Inst.Pops[k.pop].StateIndex(name)]
		}
		fx := res.Traces[j].Values
		var sq, mx float64
		n := 0
		for s := 0; s < len(fl) && s < len(fx); s++ {
			for i := range fl[s] {
				d := math.Abs(fl[s][i] - fx[s][i])
				mx = max(mx, d)
				sq += d * d
				n++
			}
		}
		if k.let != nil {
			if n > 0 {
				k.let.MaxErr, k.let.RMSErr, k.let.Compared = mx, math.Sqrt(sq/float64(n)), true
			}
			continue
		}
		for _, st := range rep.Pops[k.pop].States {
			if st.Name == name && n > 0 {
				st.MaxErr, st.RMSErr, st.Compared = mx, math.Sqrt(sq/float64(n)), true
			}
		}
	}
	return nil
}

// ---- per population ----

type popQuantizer struct {
	inst *instance.Instance
	pop  *instance.Pop
	idx  int
	prof *popProfile
	opt  *QuantizeOptions
	lets []int // the recorded lets (indices into Unit.Lets), ascending
}

func (q *popQuantizer) run() (*fixed.Pop, *PopQuant, map[string]*accTarget, error) {
	u := q.pop.Unit
	if u.Name == LoihiLIFName {
		if len(q.lets) > 0 {
			l := u.Lets[q.lets[0]].Name
			return nil, nil, nil, fmt.Errorf("record %s.%s: the let %s cannot be recorded in fixed point: %s runs on Loihi's CUBA-LIF datapath, which holds only the registers u and v; record u and v (the states it is computed from) instead", q.pop.Name, l, l, LoihiLIFName)
		}
		return q.loihiLIF()
	}
	if !q.opt.NoCuba {
		if fp, pq, tg, ok, err := q.cubaLIF(); ok || err != nil {
			if err != nil || len(q.lets) == 0 {
				return fp, pq, tg, err
			}
			// The datapath has no register for a let: run the unit as a
			// program, which computes the recorded lets.
			fp, pq, tg, err := q.program()
			if pq != nil {
				pq.Notes = append(pq.Notes, fmt.Sprintf("a program, not the CUBA-LIF datapath, because the let %s is recorded (record v instead to run on the datapath)", q.pop.Unit.Lets[q.lets[0]].Name))
			}
			return fp, pq, tg, err
		}
	}
	return q.program()
}

// letIndex returns the index of the let name in u.Lets, or -1.
func letIndex(u *ir.Unit, name string) int {
	for i, l := range u.Lets {
		if l.Name == name {
			return i
		}
	}
	return -1
}

// newPop returns a fixed.Pop for prog with zeroed value columns.
func (q *popQuantizer) newPop(prog *fixed.Program) *fixed.Pop {
	fp := &fixed.Pop{Name: q.pop.Name, N: q.pop.N, Unit: q.pop.Unit.Name, Prog: prog,
		Vals: make([][]int64, len(prog.Regs)), Conv: make([]fixed.Conv, len(prog.Regs))}
	for r, reg := range prog.Regs {
		if reg.Kind == fixed.RegState || reg.Kind == fixed.RegParam {
			fp.Vals[r] = make([]int64, q.pop.N)
		}
	}
	return fp
}

// sortedNames returns the keys of m in order.
func sortedNames[V any](m map[string]V) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
