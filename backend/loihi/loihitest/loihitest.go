// Package loihitest builds small quantised networks (fixed.Net) by hand,
// for testing the chip back end and simulator without the quantize pass:
// every population runs either the CUBA-LIF datapath or a general test
// program that exercises every kind of microcode instruction (LUTs with and
// without interpolation, rounding modes, division, per-neuron params,
// several accumulators, upward-crossing spikes and refractoriness).
package loihitest

import (
	"fmt"
	"math"

	"snnc/instance"
	"snnc/internal/fixed"
)

// Kind selects the program of a population.
type Kind int

const (
	Cuba Kind = iota // the CUBA-LIF datapath
	Prog             // the general test program
)

// Net quantises inst with the given kind per population (missing entries:
// Cuba when the population's unit has at most one synaptic target, else
// Prog). Float weights are turned into integers by scale (per projection:
// the largest |weight| maps to 100·2^wexp units); stimuli become a_in/acc
// sequences from their waveforms; every recorded state becomes a trace of
// the program's first state register.
func Net(inst *instance.Instance, kinds map[string]Kind) (*fixed.Net, error) {
	n := &fixed.Net{Name: inst.Name, Dt: inst.Dt, Steps: inst.Steps, Seed: inst.Seed, Inst: inst}
	// Targets per population, in (state?, index) order.
	type tgt struct {
		state bool
		idx   int
	}
	targets := make([][]tgt, len(inst.Pops))
	for _, q := range inst.Projections {
		t := tgt{q.TargetState, q.TargetIndex}
		found := false
		for _, x := range targets[q.Dst] {
			found = found || x == t
		}
		if !found {
			targets[q.Dst] = append(targets[q.Dst], t)
		}
	}
	accOf := make([]map[tgt]int, len(inst.Pops))
	for pi, ip := range inst.Pops {
		k, ok := kinds[ip.Name]
		if !ok {
			k = Cuba
			if len(targets[pi]) > 1 {
				k = Prog
			}
		}
		hasRef := ip.Unit.Refractory != -1
		var p *fixed.Pop
		var err error
		switch k {
		case Cuba:
			p, err = cubaPop(ip, hasRef)
		default:
			p, err = progPop(ip, max(len(targets[pi]), 1))
		}
		if err != nil {
			return nil, fmt.Errorf("pop %s: %w", ip.Name, err)
		}
		accOf[pi] = map[tgt]int{}
		accs := p.Prog.RegsOf(fixed.RegAcc)
		for j, t := range targets[pi] {
			accOf[pi][t] = accs[min(j, len(accs)-1)]
		}
		n.Pops = append(n.Pops, p)
	}
	for _, q := range inst.Projections {
		pr := &fixed.Proj{Index: q.Index, Dst: q.Dst, Acc: accOf[q.Dst][tgt{q.TargetState, q.TargetIndex}]}
		maxw := 0.0
		for k := 0; k < max(q.NumSynapses(), 1); k++ {
			if q.NumSynapses() > 0 {
				maxw = math.Max(maxw, math.Abs(q.WeightAt(k)))
			}
		}
		if maxw == 0 {
			maxw = 1
		}
		const wexp = 6
		toInt := func(w float64) int64 { return int64(math.Round(w/maxw*100)) << wexp }
		if q.Weights == nil {
			pr.Weight = toInt(q.Weight)
		} else {
			pr.Weights = make([]int64, len(q.Weights))
			for k, w := range q.Weights {
				pr.Weights[k] = toInt(w)
			}
			pr.Mant8, pr.WeightExp = true, wexp
		}
		n.Projections = append(n.Projections, pr)
	}
	for _, s := range inst.Stimuli {
		p := n.Pops[s.Pop]
		acc := p.Prog.RegsOf(fixed.RegAcc)[0]
		st := &fixed.Stim{Name: s.Name, Pop: s.Pop, Acc: acc}
		prev := int64(math.MinInt64)
		for k := int64(0); k < inst.Steps; k++ {
			v := int64(math.Round(s.At(float64(k)*inst.Dt)*1e9)) << 6 // nA-ish scale
			if v != prev {
				st.Runs = append(st.Runs, fixed.Run{Step: k, Value: v})
				prev = v
			}
		}
		n.Stims = append(n.Stims, st)
	}
	for _, r := range inst.Records {
		if r.Kind == instance.RecordSpikes || r.Pop < 0 {
			continue
		}
		p := n.Pops[r.Pop]
		reg := p.Prog.RegsOf(fixed.RegState)[0]
		if r.Kind == instance.RecordState {
			// The same state by position when the program has enough.
			if st := p.Prog.RegsOf(fixed.RegState); r.Index < len(st) {
				reg = st[r.Index]
			}
		}
		n.Records = append(n.Records, &fixed.Rec{Pop: r.Pop, Reg: reg, Lo: r.Lo, Hi: r.Hi, Every: r.Every,
			Name: p.Name + "." + r.Var, Unit: "1", Conv: p.Conv[reg]})
	}
	return n, n.Check()
}

func cubaPop(ip *instance.Pop, hasRef bool) (*fixed.Pop, error) {
	prog := fixed.CubaLIFProgram("loihi_lif", hasRef)
	p := &fixed.Pop{Name: ip.Name, N: ip.N, Unit: ip.Unit.Name, Prog: prog}
	p.Vals = make([][]int64, len(prog.Regs))
	p.Conv = make([]fixed.Conv, len(prog.Regs))
	c := fixed.CubaParams{Du: 4095, Dv: 200, Vth: 1000, BiasMant: 0, BiasExp: 0, RefSteps: 3}
	if hasRef {
		r := ip.RefractorySteps
		c.RefSteps = int64(min(r.Scalar, 63))
	}
	p.Cuba = &c
	vals := fixed.CubaParamValues(c)
	for r, reg := range prog.Regs {
		p.Conv[r] = fixed.QConv(0)
		switch reg.Kind {
		case fixed.RegState, fixed.RegParam:
			col := make([]int64, ip.N)
			for i := range col {
				if reg.Kind == fixed.RegParam {
					col[i] = vals[reg.Name]
					if reg.Name == fixed.CubaRegVth {
						col[i] = (1000 + int64(i%3)*10) << fixed.CubaActShift // three thresholds
					}
					if reg.Name == fixed.CubaRegBias {
						col[i] = int64(i%5) << 3
					}
				} else if reg.Name == fixed.CubaRegV {
					col[i] = int64(i*37%5000) - 2000
				}
			}
			p.Vals[r] = col
		}
	}
	return p, nil
}

// TestProgram is the general test program with nacc accumulators.
func TestProgram(nacc int) *fixed.Program {
	b := fixed.NewBuilder("testprog")
	x := b.AddReg("x", fixed.RegState, fixed.S(32, 16), "potential")
	y := b.AddReg("y", fixed.RegState, fixed.S(16, 4), "filtered")
	big := b.AddReg("big", fixed.RegState, fixed.S(40, 0), "a 40-bit counter")
	prev := b.AddReg("prev", fixed.RegState, fixed.U(1, 0), "condition before")
	ref := b.AddReg("ref", fixed.RegState, fixed.U(6, 0), "refractory left")
	leak := b.AddReg("leak", fixed.RegParam, fixed.S(16, 12), "")
	gain := b.AddReg("gain", fixed.RegParam, fixed.S(16, 8), "per neuron")
	var accs []int
	for j := 0; j < nacc; j++ {
		accs = append(accs, b.AddReg(fmt.Sprintf("acc%d", j), fixed.RegAcc, fixed.S(32, 0), ""))
	}
	t := make([]int, 6)
	for i := range t {
		t[i] = b.AddReg(fmt.Sprintf("t%d", i), fixed.RegTemp, fixed.I64, "")
	}
	vals := make([]int64, 33)
	for i := range vals {
		vals[i] = int64(math.Round(2000 * math.Tanh(float64(i-16)/6)))
	}
	sq := make([]int64, 17)
	for i := range sq {
		sq[i] = int64(i * i)
	}
	f := b.AddLUT(&fixed.LUT{Name: "f", Type: fixed.S(32, 0), X0: -16 << 16, Shift: 16, Interp: true, Vals: vals})
	g := b.AddLUT(&fixed.LUT{Name: "g", Type: fixed.S(32, 0), X0: 0, Shift: 2, Vals: sq})
	R, I := fixed.R, fixed.Imm
	// Refractory: t5 = ref > 0; ref -= t5.
	b.Emit(fixed.OpGt, t[5], R(ref), I(0))
	b.Emit(fixed.OpSub, ref, R(ref), R(t[5]))
	b.EmitLUT(t[0], f, R(x))                                         // t0 = f(x)
	b.EmitR(fixed.OpMulSh, fixed.HalfUp, t[1], R(x), R(leak), I(12)) // x·leak
	for j, a := range accs {
		op := fixed.OpAdd
		if j%2 == 1 {
			op = fixed.OpSub
		}
		b.Emit(op, t[1], R(t[1]), R(a))
	}
	b.Emit(fixed.OpAdd, t[1], R(t[1]), R(t[0]))
	b.EmitR(fixed.OpMulSh, fixed.Trunc, t[2], R(t[1]), R(gain), I(8))
	b.Emit(fixed.OpClamp, x, R(t[2]), I(-(1 << 30)), I(1<<30))
	b.EmitR(fixed.OpShr, fixed.Trunc, t[3], R(x), I(12))
	b.Emit(fixed.OpAbs, t[4], R(t[3]))
	b.Emit(fixed.OpMin, t[4], R(t[4]), I(60))
	b.EmitLUT(t[4], g, R(t[4]))
	b.Emit(fixed.OpDiv, t[4], R(t[4]), I(3))
	b.Emit(fixed.OpRem, t[0], R(t[3]), I(7))
	b.Emit(fixed.OpAdd, t[4], R(t[4]), R(t[0]))
	b.Emit(fixed.OpDecay, y, R(y), I(512))
	b.Emit(fixed.OpAdd, y, R(y), R(t[4]))
	b.Emit(fixed.OpAdd, big, R(big), I(1<<20))
	b.Emit(fixed.OpXor, t[0], R(big), I(0x5555))
	b.Emit(fixed.OpAnd, t[0], R(t[0]), I(1))
	b.Emit(fixed.OpAdd, y, R(y), R(t[0]))
	b.Emit(fixed.OpWrap, y, R(y), I(16))
	// Spike on an upward crossing of x > 2^18 when not refractory.
	b.Emit(fixed.OpGt, t[0], R(x), I(1<<18))
	b.Emit(fixed.OpSub, t[1], R(t[0]), R(prev))
	b.Emit(fixed.OpGt, t[1], R(t[1]), I(0))
	b.Emit(fixed.OpSel, t[1], R(t[5]), I(0), R(t[1]))
	b.Emit(fixed.OpMov, prev, R(t[0]))
	b.Emit(fixed.OpSel, x, R(t[1]), I(0), R(x)) // reset
	b.Emit(fixed.OpSel, ref, R(t[1]), I(4), R(ref))
	b.SetSpike(t[1])
	return b.P
}

func progPop(ip *instance.Pop, nacc int) (*fixed.Pop, error) {
	prog := TestProgram(nacc)
	if err := prog.Verify(); err != nil {
		return nil, err
	}
	p := &fixed.Pop{Name: ip.Name, N: ip.N, Unit: ip.Unit.Name, Prog: prog}
	p.Vals = make([][]int64, len(prog.Regs))
	p.Conv = make([]fixed.Conv, len(prog.Regs))
	for r, reg := range prog.Regs {
		p.Conv[r] = fixed.QConv(int(reg.Type.Frac))
		if reg.Kind != fixed.RegState && reg.Kind != fixed.RegParam {
			continue
		}
		col := make([]int64, ip.N)
		for i := range col {
			switch reg.Name {
			case "x":
				col[i] = int64(i*7919%40000-20000) << 4
			case "big":
				col[i] = int64(1)<<38 - int64(i)
			case "leak":
				col[i] = 3900
			case "gain":
				col[i] = 240 + int64(i%16)
			}
		}
		p.Vals[r] = col
	}
	return p, nil
}
