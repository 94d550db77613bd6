package passes

import (
	"fmt"
	"math"

	"snnc/internal/fixed"
	"snnc/ir"
)

// LoihiLIFName is the standard model quantize maps onto the CUBA-LIF
// datapath with its integer params (docs/fixed-point.md §8).
const LoihiLIFName = "loihi_lif"

// intParam returns the named param of every neuron as integers in lo..hi.
func (q *popQuantizer) intParam(name string, lo, hi int64) ([]int64, error) {
	v, ok := q.pop.Param(name)
	if !ok {
		return nil, fmt.Errorf("%s has no param %s", q.pop.Unit.Name, name)
	}
	out := make([]int64, q.pop.N)
	for i := range out {
		x := v.At(i)
		if x != math.Trunc(x) || x < float64(lo) || x > float64(hi) {
			return nil, fmt.Errorf("param %s = %g of neuron %d is not an integer in %d..%d", name, x, i, lo, hi)
		}
		out[i] = int64(x)
	}
	return out, nil
}

// loihiLIF maps the standard loihi_lif unit onto the datapath, bit-exact.
func (q *popQuantizer) loihiLIF() (*fixed.Pop, *PopQuant, map[string]*accTarget, error) {
	u := q.pop.Unit
	for _, name := range []string{"u", "v"} {
		if u.State(name) == nil {
			return nil, nil, nil, fmt.Errorf("loihi_lif without state %s", name)
		}
	}
	for _, p := range q.inst.Projections {
		if p.Dst == q.idx && p.TargetState {
			return nil, nil, nil, fmt.Errorf("connect %s: the CUBA-LIF datapath takes synaptic input only into a_in", p.Name)
		}
	}
	du, err := q.intParam("du", 0, fixed.CubaDecayMax)
	if err != nil {
		return nil, nil, nil, err
	}
	dv, err := q.intParam("dv", 0, fixed.CubaDecayMax)
	if err != nil {
		return nil, nil, nil, err
	}
	vth, err := q.intParam("vth", 0, fixed.CubaVthMax+1)
	if err != nil {
		return nil, nil, nil, err
	}
	bm, err := q.intParam("bias_mant", fixed.CubaBiasMin, fixed.CubaBiasMax)
	if err != nil {
		return nil, nil, nil, err
	}
	be, err := q.intParam("bias_exp", 0, fixed.CubaBiasExp)
	if err != nil {
		return nil, nil, nil, err
	}
	ref := int64(0)
	if u.Refractory != ir.NoNode {
		if !q.pop.RefractorySteps.Homogeneous() {
			return nil, nil, nil, fmt.Errorf("the refractory period differs between neurons")
		}
		ref = int64(q.pop.RefractorySteps.Scalar)
	}
	prog := fixed.CubaLIFProgram(LoihiLIFName, ref > 1)
	fp := q.newPop(prog)
	for i := 0; i < q.pop.N; i++ {
		c := fixed.CubaParams{Du: du[i], Dv: dv[i], Vth: vth[i], BiasMant: bm[i], BiasExp: be[i], RefSteps: ref}
		if err := c.Check(); err != nil {
			return nil, nil, nil, fmt.Errorf("neuron %d: %w", i, err)
		}
		if i == 0 {
			c0 := c
			fp.Cuba = &c0
		}
		for name, v := range fixed.CubaParamValues(c) {
			if r := prog.Reg(name); r >= 0 {
				fp.Vals[r][i] = v
			}
		}
	}
	for _, name := range []string{"u", "v"} {
		si := q.pop.StateIndex(name)
		r := prog.Reg(name)
		for i, x := range q.pop.Init[si] {
			if x != math.Trunc(x) || math.Abs(x) > fixed.CubaVMax {
				return nil, nil, nil, fmt.Errorf("initial %s = %g of neuron %d is not a 24-bit integer", name, x, i)
			}
			fp.Vals[r][i] = int64(x)
		}
		fp.Conv[r] = fixed.Conv{Scale: 1}
	}
	ra := prog.Reg(fixed.CubaRegAin)
	fp.Conv[ra] = fixed.Conv{Scale: 1.0 / 64}
	pq := &PopQuant{Pop: q.pop.Name, Unit: u.Name, Datapath: "cuba-lif", Cuba: fp.Cuba, Instrs: len(prog.Code), Regs: len(prog.Regs)}
	for _, name := range []string{"u", "v"} {
		si := q.pop.StateIndex(name)
		pq.States = append(pq.States, &StateQuant{Name: name, Unit: "1", Type: fixed.S(24, 0), Conv: fixed.Conv{Scale: 1},
			Lo: q.prof.stateLo[si], Hi: q.prof.stateHi[si]})
	}
	pq.Accs = append(pq.Accs, &AccQuant{Name: fixed.CubaRegAin, Type: fixed.S(32, 0), Gain: 64})
	pq.Notes = append(pq.Notes, "loihi_lif: params taken as Loihi's integers; bit-exact with the CUBA-LIF datapath")
	tg := map[string]*accTarget{}
	if len(u.Inputs) > 0 {
		tg[u.Inputs[0].Name] = &accTarget{reg: ra, gain: 64, cuba: true, max: math.MaxInt32}
	}
	return fp, pq, tg, nil
}

// cubaLIF maps a LIF-like unit onto the datapath when it has that shape
// (ok false, err nil otherwise).
func (q *popQuantizer) cubaLIF() (*fixed.Pop, *PopQuant, map[string]*accTarget, bool, error) {
	u := q.pop.Unit
	if len(u.States) != 1 || u.Method != ir.ExpEuler || u.Spike == ir.NoNode || len(u.Reset) != 1 {
		return nil, nil, nil, false, nil
	}
	st := u.States[0]
	if st.Kind != ir.TVLIF || u.Reset[0].State != st.Name {
		return nil, nil, nil, false, nil
	}
	for _, p := range q.pop.Params {
		if !p.Homogeneous() {
			return nil, nil, nil, false, nil
		}
	}
	for _, p := range q.inst.Projections {
		if p.Dst == q.idx && p.TargetState {
			return nil, nil, nil, false, nil
		}
	}
	g := u.G.Clone()
	sub := map[string]ir.NodeID{}
	for i, p := range u.Params {
		sub[p.Name] = g.Const(q.pop.Params[i].Scalar)
	}
	constOf := func(id ir.NodeID) (float64, bool) {
		return g.ConstValue(g.Fold(g.Substitute(id, sub)))
	}
	tau, ok1 := constOf(st.Tau)
	vr, ok2 := constOf(u.Reset[0].Value)
	if !ok1 || !ok2 || !(tau > 0) {
		return nil, nil, nil, false, nil
	}
	// spike when v > Vth
	sp := g.Node(u.Spike)
	if sp.Op != ir.OpGt || g.Op(sp.Args[0]) != ir.OpState || g.Node(sp.Args[0]).Name != st.Name {
		return nil, nil, nil, false, nil
	}
	vth, ok := constOf(sp.Args[1])
	if !ok || !(vth > vr) {
		return nil, nil, nil, false, nil
	}
	// drive = c0 + Σ c_i·input_i, free of the state
	drive := g.Fold(g.Substitute(st.Drive, sub))
	if g.References(drive, ir.OpState, st.Name) {
		return nil, nil, nil, false, nil
	}
	nin := len(u.Inputs)
	eval := func(in []float64) float64 {
		return g.Eval(drive, func(n ir.Node, _ []float64) float64 {
			if n.Op == ir.OpInput {
				for i, x := range u.Inputs {
					if x.Name == n.Name {
						return in[i]
					}
				}
			}
			return math.NaN()
		})
	}
	zero := make([]float64, nin)
	c0 := eval(zero)
	coef := make([]float64, nin)
	for i := range coef {
		e := make([]float64, nin)
		e[i] = 1
		coef[i] = eval(e) - c0
	}
	for trial := 0; trial < 4; trial++ { // affine?
		x := make([]float64, nin)
		want := c0
		for i := range x {
			x[i] = float64(trial*7+i*3+1) * 0.37
			want += coef[i] * x[i]
		}
		if got := eval(x); math.IsNaN(got) || math.Abs(got-want) > 1e-9*(math.Abs(want)+math.Abs(c0)+1e-300) {
			return nil, nil, nil, false, nil
		}
	}
	if math.IsNaN(c0) {
		return nil, nil, nil, false, nil
	}
	ref := int64(0)
	if u.Refractory != ir.NoNode {
		if !q.pop.RefractorySteps.Homogeneous() {
			return nil, nil, nil, false, nil
		}
		ref = int64(q.pop.RefractorySteps.Scalar)
		if ref-1 > fixed.CubaRefMax {
			return nil, nil, nil, false, nil
		}
	}
	si := 0
	lo, hi := q.prof.stateLo[si], q.prof.stateHi[si]
	for _, x := range q.pop.Init[si] {
		if x > vth {
			return nil, nil, nil, false, nil // starts above threshold: the level test would differ
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	// Scale: v = Vr + q·x, threshold exactly at vth << 6.
	dt := q.inst.Dt
	alpha := math.Exp(-dt / tau)
	dv := fixed.Clamp(fixed.RoundHalfAway(4096*(1-alpha)), 0, fixed.CubaDecayMax)
	ae := float64(4096-dv) / 4096
	span := max(vth-vr, vr-lo, hi-vr) * q.opt.Margin
	qmin := span / fixed.CubaVMax
	vthI := min(int64(math.Floor((vth-vr)/(qmin*64))), fixed.CubaVthMax)
	if vthI < 1 {
		return nil, nil, nil, false, nil
	}
	qs := (vth - vr) / float64(vthI*64)
	bias := (1 - ae) * (c0 - vr) / qs
	bexp := int64(0)
	for math.Abs(math.Round(bias/math.Ldexp(1, int(bexp)))) > fixed.CubaBiasMax && bexp < fixed.CubaBiasExp {
		bexp++
	}
	bmant := fixed.RoundHalfAway(bias / math.Ldexp(1, int(bexp)))
	if bmant > fixed.CubaBiasMax || bmant < fixed.CubaBiasMin {
		return nil, nil, nil, false, nil
	}
	c := fixed.CubaParams{Du: fixed.CubaDecayMax, Dv: dv, Vth: vthI, BiasMant: bmant, BiasExp: bexp, RefSteps: ref}
	if err := c.Check(); err != nil {
		return nil, nil, nil, false, nil
	}
	prog := fixed.CubaLIFProgram(u.Name, ref > 1)
	// The program's state "v" is this unit's state; rename it so records
	// and reports use the unit's name.
	rv := prog.Reg(fixed.CubaRegV)
	if st.Name != fixed.CubaRegV {
		if prog.Reg(st.Name) >= 0 {
			return nil, nil, nil, false, nil
		}
		prog.Regs[rv].Name = st.Name
	}
	fp := q.newPop(prog)
	fp.Cuba = &c
	for name, v := range fixed.CubaParamValues(c) {
		if r := prog.Reg(name); r >= 0 {
			for i := range fp.Vals[r] {
				fp.Vals[r][i] = v
			}
		}
	}
	for i, x := range q.pop.Init[si] {
		fp.Vals[rv][i] = fixed.RoundHalfAway((x - vr) / qs)
	}
	conv := fixed.Conv{Scale: qs, Offset: vr}
	fp.Conv[rv] = conv
	ra := prog.Reg(fixed.CubaRegAin)
	pq := &PopQuant{Pop: q.pop.Name, Unit: u.Name, Datapath: "cuba-lif", Cuba: &c, Instrs: len(prog.Code), Regs: len(prog.Regs)}
	pq.States = append(pq.States, &StateQuant{Name: st.Name, Unit: st.Dim.String(), Type: fixed.S(24, 0), Conv: conv, Lo: q.prof.stateLo[si], Hi: q.prof.stateHi[si]})
	pq.Notes = append(pq.Notes, fmt.Sprintf("decay per step %.6g (float %.6g), threshold exact, reset %g maps to 0", ae, alpha, vr))
	tg := map[string]*accTarget{}
	for i, in := range u.Inputs {
		gain := (1 - ae) * coef[i] / qs
		tg[in.Name] = &accTarget{reg: ra, gain: gain, cuba: true, max: math.MaxInt32}
		if i == 0 && gain != 0 {
			fp.Conv[ra] = fixed.Conv{Scale: 1 / gain}
		}
		pq.Accs = append(pq.Accs, &AccQuant{Name: in.Name + "→" + fixed.CubaRegAin, Type: fixed.S(32, 0), Gain: gain})
	}
	if nin > 1 {
		pq.Notes = append(pq.Notes, "several inputs share the one accumulator a_in, each with its own gain")
	}
	return fp, pq, tg, true, nil
}
