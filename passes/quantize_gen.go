package passes

import (
	"fmt"
	"math"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/ir"
)

// generate declares the registers and emits the program: jumps,
// refractory bookkeeping, integration into temporaries, held states,
// commit, spike test (an upward crossing outside the refractory period),
// resets, and the condition after the reset — the float interpreter's
// order (interp/run.go, docs/fixed-point.md §3); then the recorded lets.
func (gn *qgen) generate() error {
	if err := gn.generateStep(); err != nil {
		return err
	}
	return gn.generateLets()
}

// generateLets computes every recorded let into a register of its own at
// the end of the program, over the registers as they are then — the states
// after the step (resets included), the accumulators this step used, the
// params — which is where and how the float interpreter samples a let: at
// step boundary k+1, over the state after step k and the inputs step k
// used (docs/simulator.md, "Record"). A let that is just a state or an
// input is read from that register (no code). The initial sample (b = 0)
// is the register's initial value (finish).
func (gn *qgen) generateLets() error {
	u, g, b := gn.u, gn.g, gn.b
	W := gn.W
	gn.letR = make([]int, len(gn.letRoot))
	gn.letF = make([]int, len(gn.letRoot))
	gn.letAlias = make([]bool, len(gn.letRoot))
	return gn.withLetRanges(func() error {
		// After a spike test with no reset, the registers are those the
		// condition was computed from: its values (V = F + u4 in
		// tv-LIF2HH) are reused.
		if !gn.memoAfterStep {
			gn.memo = map[ir.NodeID]fx{}
		}
		for k, li := range gn.q.lets {
			l, r := u.Lets[li], gn.letRoot[k]
			n := g.Node(r)
			switch {
			case n.Op == ir.OpState:
				si := gn.q.pop.StateIndex(n.Name)
				gn.letR[k], gn.letF[k], gn.letAlias[k] = gn.stateR[si], gn.stateF[si], true
				continue
			case n.Op == ir.OpInput:
				ii := -1
				for i, in := range u.Inputs {
					if in.Name == n.Name {
						ii = i
					}
				}
				if ii >= 0 && gn.inputR[ii] >= 0 {
					gn.letR[k], gn.letF[k], gn.letAlias[k] = gn.inputR[ii], gn.inputF[ii]-gn.inputK[ii], true
					continue
				}
			}
			gn.letF[k] = gn.fracOf(r)
			name := l.Name
			if b.P.Reg(name) >= 0 { // a temporary's name
				name += ".let"
			}
			gn.letR[k] = b.AddReg(name, fixed.RegState, fixed.S(W, gn.letF[k]), "let, "+l.Dim.String())
			v, err := gn.gen(r)
			if err != nil {
				return fmt.Errorf("let %s: %w", l.Name, err)
			}
			if v.isC {
				continue // the register keeps its initial value, the constant
			}
			y := gn.convert(v, gn.letF[k])
			b.Emit(fixed.OpClamp, gn.letR[k], fixed.R(y.reg), fixed.Imm(fixed.MinOf(uint(W))), fixed.Imm(fixed.MaxOf(uint(W))))
		}
		return nil
	})
}

// generateStep emits the step: everything but the recorded lets.
func (gn *qgen) generateStep() error {
	u, q, g, b := gn.u, gn.q, gn.g, gn.b
	W := gn.W
	pp := q.prof
	// States.
	gn.stateF = make([]int, len(u.States))
	gn.stateR = make([]int, len(u.States))
	gn.jumpR = make([]int, len(u.States))
	gn.bind = map[ir.NodeID]fx{}
	resetConst := map[string]float64{}
	for j, a := range u.Reset {
		if c, ok := g.ConstValue(gn.resets[j]); ok {
			resetConst[a.State] = c
		}
	}
	for si, s := range u.States {
		m := max(math.Abs(pp.stateLo[si]), math.Abs(pp.stateHi[si]))
		if math.IsInf(m, 0) || math.IsNaN(m) {
			m = 0
		}
		for _, x := range q.pop.Init[si] {
			m = max(m, math.Abs(x))
		}
		if c, ok := resetConst[s.Name]; ok {
			m = max(m, math.Abs(c))
		}
		gn.stateF[si] = gn.fracFor(m * gn.margin)
		gn.stateR[si] = b.AddReg(s.Name, fixed.RegState, fixed.S(W, gn.stateF[si]), s.Dim.String())
		gn.bind[g.Ref(ir.OpState, s.Name)] = fx{reg: gn.stateR[si], f: gn.stateF[si]}
	}
	gn.prevR, gn.refR, gn.refrR = -1, -1, -1
	if gn.cond != ir.NoNode {
		gn.prevR = b.AddReg("_prev", fixed.RegState, fixed.U(1, 0), "spike condition after the previous step")
	}
	if u.Refractory != ir.NoNode {
		rs := q.pop.RefractorySteps
		maxR := rs.Scalar
		for _, v := range rs.Vec {
			maxR = max(maxR, v)
		}
		if maxR > 1 {
			gn.hasRef = true
			gn.refR = b.AddReg("_ref", fixed.RegState, fixed.U(16, 0), "refractory steps left")
			if rs.Homogeneous() {
				gn.refImm = int64(rs.Scalar) - 1
			} else {
				gn.refrR = b.AddReg("_refr", fixed.RegParam, fixed.U(16, 0), "refractory steps after a spike (R - 1)")
			}
			if maxR-1 > 65535 {
				return fmt.Errorf("refractory period of %g steps does not fit 16 bits", maxR)
			}
		}
	}
	// Heterogeneous params.
	gn.paramR = make([]int, len(u.Params))
	gn.paramF = make([]int, len(u.Params))
	for i, p := range u.Params {
		gn.paramR[i] = -1
		v := q.pop.Params[i]
		if v.Homogeneous() {
			continue
		}
		m := 0.0
		for _, x := range v.Vec {
			m = max(m, math.Abs(x))
		}
		gn.paramF[i] = gn.fracFor(m)
		gn.paramR[i] = b.AddReg(p.Name, fixed.RegParam, fixed.S(W, gn.paramF[i]), p.Dim.String())
		gn.bind[g.Ref(ir.OpParam, p.Name)] = fx{reg: gn.paramR[i], f: gn.paramF[i]}
	}
	// Accumulators: inputs, then jumps.
	gn.inputF = make([]int, len(u.Inputs))
	gn.inputR = make([]int, len(u.Inputs))
	gn.inputK = make([]int, len(u.Inputs))
	gn.jumpK = make([]int, len(u.States))
	for i, in := range u.Inputs {
		gn.inputR[i] = -1
		if !gn.live[i] {
			continue
		}
		m := 0.0
		if rows := pp.inputs[i]; rows != nil {
			for _, row := range rows {
				for _, x := range row {
					m = max(m, math.Abs(x))
				}
			}
		}
		for _, p := range q.inst.Projections {
			if p.Dst == q.idx && !p.TargetState && p.TargetIndex == i {
				m = max(m, maxAbsWeight(p.Weight, p.Weights))
			}
		}
		for _, s := range q.inst.Stimuli {
			if s.Pop == q.idx && s.InputIndex == i {
				for k := int64(0); k < q.inst.Steps; k += max(1, q.inst.Steps/4096) {
					m = max(m, math.Abs(s.At(float64(k)*q.inst.Dt)))
				}
			}
		}
		gn.inputF[i] = gn.fracFor(m * gn.margin)
		gn.inputK[i] = gn.accShift(func(p *instance.Projection) bool { return !p.TargetState && p.TargetIndex == i }, gn.inputF[i])
		gn.inputR[i] = b.AddReg(in.Name, fixed.RegAcc, fixed.S(W, gn.inputF[i]-gn.inputK[i]), in.Dim.String())
		gn.bind[g.Ref(ir.OpInput, in.Name)] = fx{reg: gn.inputR[i], f: gn.inputF[i]}
	}
	for si, s := range u.States {
		gn.jumpR[si] = -1
		if gn.jumped[si] {
			gn.jumpK[si] = gn.accShift(func(p *instance.Projection) bool { return p.TargetState && p.TargetIndex == si }, gn.stateF[si])
			gn.jumpR[si] = b.AddReg(s.Name+".jump", fixed.RegAcc, fixed.S(W, gn.stateF[si]-gn.jumpK[si]), "jumps into "+s.Name)
		}
	}
	// Range analysis reused the leaf nodes: make sure every variable's
	// node has its register's range for table domains.
	lo, hi := fixed.MinOf(uint(W)), fixed.MaxOf(uint(W))

	// 1. Jumps.
	for si := range u.States {
		if gn.jumpR[si] < 0 {
			continue
		}
		t := gn.temp()
		if k := gn.jumpK[si]; k > 0 {
			b.Emit(fixed.OpShl, t, fixed.R(gn.jumpR[si]), fixed.Imm(int64(k)))
			b.Emit(fixed.OpAdd, t, fixed.R(gn.stateR[si]), fixed.R(t))
		} else {
			b.Emit(fixed.OpAdd, t, fixed.R(gn.stateR[si]), fixed.R(gn.jumpR[si]))
		}
		b.Emit(fixed.OpClamp, gn.stateR[si], fixed.R(t), fixed.Imm(lo), fixed.Imm(hi))
	}
	// 2. Refractory this step.
	rflag := -1
	if gn.hasRef {
		rflag = gn.temp()
		b.Emit(fixed.OpGt, rflag, fixed.R(gn.refR), fixed.Imm(0))
		b.Emit(fixed.OpSub, gn.refR, fixed.R(gn.refR), fixed.R(rflag))
	}
	// Accumulators held with fewer fraction bits than the program computes
	// with are shifted back where the program reads them (exact: an input
	// is read as the value the weights deliver, at its own format).
	for i, in := range u.Inputs {
		if k := gn.inputK[i]; gn.inputR[i] >= 0 && k > 0 {
			t := gn.temp()
			b.Emit(fixed.OpShl, t, fixed.R(gn.inputR[i]), fixed.Imm(int64(k)))
			gn.bind[g.Ref(ir.OpInput, in.Name)] = fx{reg: t, f: gn.inputF[i]}
		}
	}
	// 3. Integrate every state from the start-of-step values.
	gn.memo = map[ir.NodeID]fx{}
	newv := make([]int, len(u.States))
	for si := range u.States {
		v, err := gn.gen(gn.next[si])
		if err != nil {
			return fmt.Errorf("state %s: %w", u.States[si].Name, err)
		}
		newv[si] = gn.store(v, gn.stateF[si])
	}
	// 4. Held states keep their value while refractory.
	held := map[string]bool{}
	for _, a := range u.Reset {
		held[a.State] = true
	}
	if gn.hasRef {
		for si, s := range u.States {
			if held[s.Name] {
				t := gn.temp()
				b.Emit(fixed.OpSel, t, fixed.R(rflag), fixed.R(gn.stateR[si]), fixed.R(newv[si]))
				newv[si] = t
			}
		}
	}
	// 5. Commit.
	for si := range u.States {
		b.Emit(fixed.OpMov, gn.stateR[si], fixed.R(newv[si]))
	}
	if gn.cond == ir.NoNode {
		return nil
	}
	// 6. Spike: an upward crossing, not refractory.
	gn.memo = map[ir.NodeID]fx{}
	c, err := gn.gen(gn.cond)
	if err != nil {
		return fmt.Errorf("spike condition: %w", err)
	}
	c = gn.asFlag(c)
	np := gn.temp()
	b.Emit(fixed.OpEq, np, fixed.R(gn.prevR), fixed.Imm(0))
	sp := gn.temp()
	b.Emit(fixed.OpAnd, sp, fixed.R(c.reg), fixed.R(np))
	if gn.hasRef {
		nr := gn.temp()
		b.Emit(fixed.OpEq, nr, fixed.R(rflag), fixed.Imm(0))
		b.Emit(fixed.OpAnd, sp, fixed.R(sp), fixed.R(nr))
	}
	b.Emit(fixed.OpMov, gn.prevR, fixed.R(c.reg))
	// 7. Resets, in order, each over the state after the previous ones.
	for j, a := range u.Reset {
		si := gn.q.pop.StateIndex(a.State)
		gn.memo = map[ir.NodeID]fx{}
		v, err := gn.gen(gn.resets[j])
		if err != nil {
			return fmt.Errorf("reset %s: %w", a.State, err)
		}
		t := gn.store(v, gn.stateF[si])
		b.Emit(fixed.OpSel, gn.stateR[si], fixed.R(sp), fixed.R(t), fixed.R(gn.stateR[si]))
	}
	gn.memoAfterStep = len(u.Reset) == 0
	if len(u.Reset) > 0 {
		gn.memo = map[ir.NodeID]fx{}
		c2, err := gn.gen(gn.cond)
		if err != nil {
			return err
		}
		c2 = gn.asFlag(c2)
		b.Emit(fixed.OpSel, gn.prevR, fixed.R(sp), fixed.R(c2.reg), fixed.R(gn.prevR))
	}
	// 8. Start the refractory period.
	if gn.hasRef {
		r := fixed.Imm(gn.refImm)
		if gn.refrR >= 0 {
			r = fixed.R(gn.refrR)
		}
		b.Emit(fixed.OpSel, gn.refR, fixed.R(sp), r, fixed.R(gn.refR))
	}
	b.SetSpike(sp)
	return nil
}

// store returns a temporary holding v at f fraction bits, saturated to the
// W-bit storage range.
func (gn *qgen) store(v fx, f int) int {
	t := gn.temp()
	if v.isC {
		x := fixed.Clamp(fixed.RoundHalfAway(math.Ldexp(v.cv, f)), fixed.MinOf(uint(gn.W)), fixed.MaxOf(uint(gn.W)))
		gn.b.Emit(fixed.OpMov, t, fixed.Imm(x))
		return t
	}
	y := gn.convert(v, f)
	gn.b.Emit(fixed.OpClamp, t, fixed.R(y.reg), fixed.Imm(fixed.MinOf(uint(gn.W))), fixed.Imm(fixed.MaxOf(uint(gn.W))))
	return t
}

// accShift returns how many fraction bits fewer than f an accumulator must
// hold so that every projection into it (those for which into is true) gets a
// weight_exp the chip's synapses hold: with gain 2^f a projection's weights
// need shift s (fixed.ChipWeights, weight_exp s − 6); at 2^(f−k) they need
// s − k with the very same mantissas (a power-of-two scaling commutes with
// the rounding) as long as s ≥ k. So k = max(0, s_max − 6 − WeightExpMax)
// keeps the largest projection at WeightExpMax and every weight with 8
// significant bits bit-identical after the program's shift back.
func (gn *qgen) accShift(into func(p *instance.Projection) bool, f int) int {
	k := 0
	for _, p := range gn.q.inst.Projections {
		if p.Dst != gn.q.idx || !into(p) {
			continue
		}
		ws := p.Weights
		if ws == nil {
			ws = []float64{p.Weight}
		}
		scaled := make([]float64, len(ws))
		for i, w := range ws {
			scaled[i] = math.Ldexp(w, f)
		}
		_, shift, _ := fixed.ChipWeights(scaled)
		k = max(k, shift-6-fixed.WeightExpMax)
	}
	return k
}

func maxAbsWeight(w float64, ws []float64) float64 {
	m := math.Abs(w)
	for _, x := range ws {
		m = max(m, math.Abs(x))
	}
	return m
}

// finish builds the population: initial values, conversions, targets and
// the report.
func (gn *qgen) finish(prog *fixed.Program) (*fixed.Pop, *PopQuant, map[string]*accTarget, error) {
	u, q, g := gn.u, gn.q, gn.g
	fp := q.newPop(prog)
	pq := &PopQuant{Pop: q.pop.Name, Unit: u.Name, Datapath: "program", Instrs: len(prog.Code), Regs: len(prog.Regs), LUTs: gn.lutRep}
	W := uint(gn.W)
	for si, s := range u.States {
		r := prog.Reg(s.Name)
		f := gn.stateF[si]
		for i, x := range q.pop.Init[si] {
			fp.Vals[r][i] = fixed.Clamp(fixed.RoundHalfAway(math.Ldexp(x, f)), fixed.MinOf(W), fixed.MaxOf(W))
		}
		fp.Conv[r] = fixed.QConv(f)
		pq.States = append(pq.States, &StateQuant{Name: s.Name, Unit: s.Dim.String(), Type: prog.Regs[r].Type, Conv: fp.Conv[r],
			Lo: q.prof.stateLo[si], Hi: q.prof.stateHi[si]})
	}
	for i, p := range u.Params {
		if gn.paramR[i] < 0 {
			continue
		}
		r := prog.Reg(p.Name)
		for j := range fp.Vals[r] {
			fp.Vals[r][j] = fixed.RoundHalfAway(math.Ldexp(q.pop.Params[i].At(j), gn.paramF[i]))
		}
	}
	if r := prog.Reg("_refr"); r >= 0 {
		for j := range fp.Vals[r] {
			fp.Vals[r][j] = int64(q.pop.RefractorySteps.At(j)) - 1
		}
	}
	// initLeaf gives neuron j's leaves at the quantised initial state:
	// states as rounded, inputs 0, parameters.
	initLeaf := func(j int) func(ir.NodeID) (float64, bool) {
		return func(id ir.NodeID) (float64, bool) {
			n := g.Node(id)
			switch n.Op {
			case ir.OpState:
				si := q.pop.StateIndex(n.Name)
				return float64(fp.Vals[gn.stateR[si]][j]) * fp.Conv[gn.stateR[si]].Scale, true
			case ir.OpInput:
				return 0, true
			case ir.OpParam:
				v, _ := q.pop.Param(n.Name)
				return v.At(j), true
			}
			return 0, false
		}
	}
	// The spike condition at the (quantised) initial state.
	if r := prog.Reg("_prev"); r >= 0 {
		order := g.PostOrder(gn.cond)
		for j := 0; j < q.pop.N; j++ {
			c := qeval(g, order, gn.cond, initLeaf(j))
			if c != 0 {
				fp.Vals[r][j] = 1
			}
		}
	}
	// Recorded lets: the initial sample is the let over the quantised
	// initial state, inputs 0 (as the float interpreter samples it at
	// t = 0), rounded to the let's format.
	pq.letReg = map[string]int{}
	for k, li := range q.lets {
		l, root := u.Lets[li], gn.letRoot[k]
		lq := &StateQuant{Name: l.Name, Unit: l.Dim.String()}
		lq.Lo, lq.Hi = math.Inf(1), math.Inf(-1)
		for _, row := range q.prof.lets[li] {
			for _, x := range row {
				lq.Lo, lq.Hi = min(lq.Lo, x), max(lq.Hi, x)
			}
		}
		// the register as numbered after allocateTemps
		reg := gn.b.P.Regs[gn.letR[k]]
		r := prog.Reg(reg.Name)
		pq.letReg[l.Name] = r
		lq.Type, lq.Conv = prog.Regs[r].Type, fp.Conv[r]
		pq.Lets = append(pq.Lets, lq)
		if gn.letAlias[k] {
			lq.Alias = reg.Name
			continue
		}
		f := gn.letF[k]
		fp.Conv[r] = fixed.QConv(f)
		lq.Conv = fp.Conv[r]
		order := g.PostOrder(root)
		for j := 0; j < q.pop.N; j++ {
			x := qeval(g, order, root, initLeaf(j))
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, nil, fmt.Errorf("let %s is %g at the initial state of neuron %d", l.Name, x, j)
			}
			fp.Vals[r][j] = fixed.Clamp(fixed.RoundHalfAway(math.Ldexp(x, f)), fixed.MinOf(W), fixed.MaxOf(W))
		}
	}
	tg := map[string]*accTarget{}
	for i, in := range u.Inputs {
		r := prog.Reg(in.Name)
		if gn.inputR[i] < 0 || r < 0 {
			continue
		}
		f := gn.inputF[i] - gn.inputK[i]
		fp.Conv[r] = fixed.QConv(f)
		aq := &AccQuant{Name: in.Name, Type: prog.Regs[r].Type, Gain: math.Ldexp(1, f), Shift: gn.inputK[i], ReadFrac: gn.inputF[i]}
		tg[in.Name] = &accTarget{reg: r, gain: aq.Gain, max: fixed.MaxOf(W), rep: aq}
		pq.Accs = append(pq.Accs, aq)
	}
	for si, s := range u.States {
		r := prog.Reg(s.Name + ".jump")
		if gn.jumpR[si] < 0 || r < 0 {
			continue
		}
		f := gn.stateF[si] - gn.jumpK[si]
		fp.Conv[r] = fixed.QConv(f)
		aq := &AccQuant{Name: s.Name + ".jump", Type: prog.Regs[r].Type, Gain: math.Ldexp(1, f), Shift: gn.jumpK[si], ReadFrac: gn.stateF[si]}
		tg[s.Name] = &accTarget{reg: r, state: true, gain: aq.Gain, max: fixed.MaxOf(W), rep: aq}
		pq.Accs = append(pq.Accs, aq)
	}
	return fp, pq, tg, nil
}

// allocateTemps removes instructions whose results are never used and
// renames the temporaries v1, v2, … onto as few registers t0, t1, … as
// their live ranges allow (the code is straight-line: linear scan).
func allocateTemps(p *fixed.Program) *fixed.Program {
	isTemp := func(r int32) bool { return p.Regs[r].Kind == fixed.RegTemp }
	// Dead code: backwards, a temp write is live if read later (or is the spike).
	live := map[int32]bool{}
	if p.Spike >= 0 {
		live[p.Spike] = true
	}
	keep := make([]bool, len(p.Code))
	for i := len(p.Code) - 1; i >= 0; i-- {
		in := &p.Code[i]
		if isTemp(in.Dst) && !live[in.Dst] {
			continue
		}
		keep[i] = true
		if isTemp(in.Dst) {
			delete(live, in.Dst)
		}
		for j := 0; j < in.Op.Info().NArgs; j++ {
			if a := in.Args[j]; !a.Imm {
				live[a.Reg] = true
			}
		}
	}
	var code []fixed.Instr
	for i, in := range p.Code {
		if keep[i] {
			code = append(code, in)
		}
	}
	// Last read of each temp value (each temp is written once, before its reads,
	// except the spike temp, which may be rewritten in place).
	last := map[int32]int{}
	for i, in := range code {
		for j := 0; j < in.Op.Info().NArgs; j++ {
			if a := in.Args[j]; !a.Imm && isTemp(a.Reg) {
				last[a.Reg] = i
			}
		}
	}
	if p.Spike >= 0 && isTemp(p.Spike) {
		last[p.Spike] = len(code)
	}
	// New register file: the non-temporaries in order, then t0, t1, ….
	out := &fixed.Program{Name: p.Name, LUTs: p.LUTs, Spike: -1}
	remap := make([]int32, len(p.Regs))
	for i, r := range p.Regs {
		if r.Kind != fixed.RegTemp {
			remap[i] = int32(len(out.Regs))
			out.Regs = append(out.Regs, r)
		}
	}
	phys := map[int32]int32{} // virtual temp → index of physical temp (0-based)
	var free []int32
	nphys := int32(0)
	var physRegs []int32
	for i, in := range code {
		// operands first (a value dying here frees its register after the read)
		for j := 0; j < in.Op.Info().NArgs; j++ {
			a := &code[i].Args[j]
			if a.Imm || !isTemp(a.Reg) {
				continue
			}
			a.Reg = -1 - phys[a.Reg] // mark as physical temp (negative), resolved below
		}
		for j := 0; j < in.Op.Info().NArgs; j++ {
			a := in.Args[j]
			if a.Imm || !isTemp(a.Reg) {
				continue
			}
			if last[a.Reg] == i && !dupFree(free, phys[a.Reg]) && !(isTemp(in.Dst) && in.Dst == a.Reg) {
				free = append(free, phys[a.Reg])
			}
		}
		if isTemp(in.Dst) {
			pr, ok := phys[in.Dst]
			if !ok {
				if len(free) > 0 {
					pr = free[len(free)-1]
					free = free[:len(free)-1]
				} else {
					pr = nphys
					nphys++
					physRegs = append(physRegs, 0)
				}
				phys[in.Dst] = pr
			}
			code[i].Dst = -1 - pr
		}
	}
	base := int32(len(out.Regs))
	for k, j := int32(0), 0; k < nphys; j++ {
		if name := fmt.Sprintf("t%d", j); out.Reg(name) < 0 { // not a state's, param's or let's name
			out.Regs = append(out.Regs, fixed.Reg{Name: name, Kind: fixed.RegTemp, Type: fixed.I64})
			k++
		}
	}
	res := func(r int32) int32 {
		if r < 0 {
			return base + (-1 - r)
		}
		return remap[r]
	}
	for i := range code {
		in := &code[i]
		in.Dst = res(in.Dst)
		for j := 0; j < in.Op.Info().NArgs; j++ {
			if !in.Args[j].Imm {
				in.Args[j].Reg = res(in.Args[j].Reg)
			}
		}
	}
	out.Code = code
	if p.Spike >= 0 {
		if isTemp(p.Spike) {
			out.Spike = base + phys[p.Spike]
		} else {
			out.Spike = remap[p.Spike]
		}
	}
	return out
}

func dupFree(free []int32, r int32) bool {
	for _, x := range free {
		if x == r {
			return true
		}
	}
	return false
}
