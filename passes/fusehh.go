package passes

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// fuse-hh: find every unit whose compartments have the tv-LIF2HH structure
// (PAPER.md §3) and replace the construct with one conductance-based
// membrane. The match is by algebra on canonical IR, never by names or
// order: for each pair of an integrator state F (the accumulator) and a
// tv-LIF state S whose drive reads F (the soma),
//
//  1. S's drive is −F + Σ_k w_k·u_k: linear in F (coefficient exactly −1)
//     and in the states u_k of S's dimension it reads (the channels), with
//     nothing else and weights free of F, S and the u_k;
//  2. there are K ≥ 2 channels, each a tv-LIF compartment;
//  3. they share one tau (tau_c), free of the construct;
//  4. their drives are E_k + X: X the terms all drives share (the input
//     term I/g_s), E_k free of states and inputs (the reversal potentials);
//  5. the weights sum to 1 (w_k = g_k/g_s with g_s = Σ g_k);
//  6. S's tau is free of the construct, and F' = Σ_k c_k·(drive_k − u_k)
//     with c_k = w_k/tau_S, i.e. g_k/C with tau_S = C/g_s;
//  7. nothing else reads F, S or a channel except through V = F + S
//     (checked by substituting S = V − F and canonicalizing), and no reset
//     assigns them;
//  8. no network records, sets (except S's initial value, when F starts at
//     0) or delivers spikes to (except to S or F) a construct state.
//
// Then V' is exactly (Σ_k w_k·drive_k − V)/tau_S: the unit gets one state V
// (init S₀ + F₀) with tau tau_S and drive (Σ g_k E_k + I)/g_s, where g_k and
// g_s are the numerators and the common denominator of the weights and
// I = X·g_s; every read of F + S becomes V. Each candidate pair that fails
// is reported (the failure of the pair that got furthest) as a missed
// remark.

func runFuseHH(m *ir.Module, ctx *Context) error {
	uses := moduleUses(m)
	for _, u := range m.Units {
		ctx.SetUnit(u.Name)
		us := uses[u.Name]
		if us == nil {
			us = &unitUses{}
		}
		fuseUnit(m, u, us, ctx)
	}
	ctx.SetUnit("")
	return nil
}

type fuser struct {
	m    *ir.Module
	u    *ir.Unit
	uses *unitUses
	c    *canon
	al   *algebra
	num  map[ir.NodeID]int
}

// fuseMiss is why a candidate did not fuse; stage orders how far it got.
type fuseMiss struct {
	stage int
	msg   string
}

// hhFusion is a successful match.
type hhFusion struct {
	F, S  *ir.State
	chans []*ir.State
	tauC  ir.NodeID
	den   poly        // g_s: the weights' common denominator
	gk    []poly      // g_k: the weights' numerators
	E     []ir.NodeID // rests E_k (canonical)
	X     ir.NodeID   // the shared input term (canonical)
}

func fuseUnit(m *ir.Module, u *ir.Unit, uses *unitUses, ctx *Context) {
	f := &fuser{m: m, u: u, uses: uses, c: newCanon(u.G), al: newAlgebra(u.G), num: nodeNumbers(u)}
	var best *fuseMiss
	for _, F := range u.States {
		if F.Kind != ir.Integrator || F.Rate == ir.NoNode {
			continue
		}
		for _, S := range u.States {
			if S == F || S.Kind != ir.TVLIF || S.Drive == ir.NoNode || S.Tau == ir.NoNode ||
				!u.G.References(S.Drive, ir.OpState, F.Name) {
				continue
			}
			fu, miss := f.match(F, S)
			if miss == nil {
				name := f.apply(fu)
				ctx.Remark(u.Name, "fused %d tv-LIF compartments + accumulator into an HH unit (%d channels)", len(fu.chans)+1, len(fu.chans))
				ctx.Notef(u.Name, "channels %s (tau %s), accumulator %s, soma %s became the membrane %s",
					stateList(fu.chans), f.show(fu.tauC), F.Name, S.Name, name)
				return
			}
			if best == nil || miss.stage > best.stage {
				best = miss
			}
		}
	}
	if best != nil {
		ctx.Missed(u.Name, "%s", best.msg)
	}
}

func stateList(ss []*ir.State) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// show describes a node of the unit for a remark: "%12 = 2*tau_c" when the
// printed unit has it, else the expression alone.
func (f *fuser) show(id ir.NodeID) string {
	s := exprString(f.u.G, id, 120)
	if n, ok := f.num[id]; ok {
		return fmt.Sprintf("%%%d = %s", n, s)
	}
	return s
}

// coefNode returns the coefficient of state x in the canonical expression
// id (id linear in x), for display.
func (f *fuser) coefNode(id ir.NodeID, x string) ir.NodeID {
	_, b, why := f.c.linearize(id, x)
	if why != "" {
		return f.u.G.Const(0)
	}
	return f.c.build(b)
}

// showRat describes an algebraic value.
func (f *fuser) showRat(x rat) string {
	return exprString(f.u.G, f.c.Expr(f.u.G, f.al.node(x)), 120)
}

func (f *fuser) match(F, S *ir.State) (*hhFusion, *fuseMiss) {
	u, g, al := f.u, f.u.G, f.al
	fail := func(stage int, format string, args ...any) (*hhFusion, *fuseMiss) {
		return nil, &fuseMiss{stage, fmt.Sprintf(format, args...)}
	}
	if !F.Dim.Equal(S.Dim) {
		return fail(1, "accumulator %s and soma %s have different dimensions (%s, %s)", F.Name, S.Name, F.Dim, S.Dim)
	}

	// 1. The soma's drive: −F + Σ w_k u_k.
	if g.References(S.Drive, ir.OpState, S.Name) {
		return fail(1, "soma %s: its drive %s reads %s itself", S.Name, f.show(S.Drive), S.Name)
	}
	cands := map[string]bool{F.Name: true}
	for _, st := range u.States {
		if st != S && st != F && st.Dim.Equal(S.Dim) && g.References(S.Drive, ir.OpState, st.Name) {
			cands[st.Name] = true
		}
	}
	sr := al.of(S.Drive)
	parts, restNum, why := al.linearParts(sr, cands)
	if why != "" {
		return fail(1, "soma %s: its drive %s is not linear in the accumulator and channel states: %s", S.Name, f.show(S.Drive), why)
	}
	coefOf := func(v string) rat {
		if p, ok := parts[v]; ok {
			return normRat(rat{p, sr.den})
		}
		return ratConst(0)
	}
	if cF := coefOf(F.Name); !ratEqual(cF, ratConst(-1)) {
		return fail(1, "soma %s: its drive %s has %s with coefficient %s, expected -1 (the drive of a tv-LIF2HH soma is -F + Σ g_k·u_k/g_s)",
			S.Name, f.show(S.Drive), F.Name, f.showRat(cF))
	}
	if rest := normRat(rat{restNum, sr.den}); !rest.isZero() {
		return fail(1, "soma %s: its drive %s has the term %s besides -%s and the channel states",
			S.Name, f.show(S.Drive), f.showRat(rest), F.Name)
	}

	// 2. The channels.
	fu := &hhFusion{F: F, S: S, den: sr.den}
	for _, st := range u.States {
		if st != F && cands[st.Name] {
			if p, ok := parts[st.Name]; ok && !p.isZero() {
				fu.chans = append(fu.chans, st)
				fu.gk = append(fu.gk, p)
			}
		}
	}
	K := len(fu.chans)
	if K < 2 {
		return fail(2, "soma %s: its drive reads %d channel state(s) (%s), tv-LIF2HH needs at least 2", S.Name, K, stateList(fu.chans))
	}
	construct := map[string]bool{F.Name: true, S.Name: true}
	for _, ch := range fu.chans {
		construct[ch.Name] = true
	}
	for k, ch := range fu.chans {
		if ch.Kind != ir.TVLIF || ch.Tau == ir.NoNode || ch.Drive == ir.NoNode {
			return fail(2, "channel %s is not a tv-LIF compartment (it is %s)", ch.Name, ch.Kind)
		}
		if name, ok := al.readsAny(rat{fu.gk[k], sr.den}, construct); ok {
			return fail(2, "soma %s: the weight of channel %s reads the construct state %s", S.Name, ch.Name, name)
		}
	}

	// 3. One shared tau.
	count := map[ir.NodeID]int{}
	for _, ch := range fu.chans {
		count[ch.Tau]++
	}
	if len(count) > 1 {
		if K == 2 {
			a, b := fu.chans[0], fu.chans[1]
			return fail(3, "channels %s and %s have different taus %s and %s, expected one shared tau_c", a.Name, b.Name, f.show(a.Tau), f.show(b.Tau))
		}
		major := fu.chans[0].Tau
		for _, ch := range fu.chans { // the most common tau, first in state order on ties
			if count[ch.Tau] > count[major] {
				major = ch.Tau
			}
		}
		for _, ch := range fu.chans {
			if ch.Tau != major {
				return fail(3, "channel %s has tau %s, expected the shared tau_c %s", ch.Name, f.show(ch.Tau), f.show(major))
			}
		}
	}
	fu.tauC = fu.chans[0].Tau
	if name, ok := firstRead(g, fu.tauC, construct); ok {
		return fail(3, "the channels' tau %s reads the construct state %s", f.show(fu.tauC), name)
	}

	// 4. Drives E_k + X: X the terms that read states or inputs (the same
	// in every channel), E_k the rest.
	statesInputs := map[string]bool{}
	for _, st := range u.States {
		statesInputs[st.Name] = true
	}
	for _, in := range u.Inputs {
		statesInputs[in.Name] = true
	}
	xs := make([]ir.NodeID, K)
	xcount := map[ir.NodeID]int{}
	for k, ch := range fu.chans {
		d := f.c.nfOf(g, ch.Drive)
		var x nf
		e := nf{c0: d.c0}
		for _, t := range d.terms {
			if _, reads := firstRead(g, f.c.buildTerm(1, t.fac), statesInputs); reads {
				x.terms = append(x.terms, t)
			} else {
				e.terms = append(e.terms, t)
			}
		}
		xs[k] = f.c.build(x)
		xcount[xs[k]]++
		fu.E = append(fu.E, f.c.build(e))
	}
	fu.X = xs[0]
	for _, x := range xs {
		if xcount[x] > xcount[fu.X] {
			fu.X = x
		}
	}
	for k, ch := range fu.chans {
		if xs[k] == fu.X {
			continue
		}
		if K == 2 {
			return fail(4, "channels %s and %s have different input terms %s and %s in their drives, expected one shared term X = I/g_s",
				fu.chans[0].Name, fu.chans[1].Name, exprString(g, xs[0], 60), exprString(g, xs[1], 60))
		}
		return fail(4, "channel %s: its drive %s has the input term %s, expected the term %s shared by the other channels",
			ch.Name, f.show(ch.Drive), exprString(g, xs[k], 60), exprString(g, fu.X, 60))
	}
	if name, ok := firstRead(g, fu.X, construct); ok {
		return fail(4, "the channels' shared input term %s reads the construct state %s", exprString(g, fu.X, 80), name)
	}

	// 5. The weights sum to 1.
	sum := ratConst(0)
	for _, p := range fu.gk {
		sum = ratAdd(sum, normRat(rat{p, sr.den}), 1)
	}
	if !ratEqual(sum, ratConst(1)) {
		return fail(5, "soma %s: the weights of its channels sum to %s, not 1 (its g_s is not the sum of the channel conductances)",
			S.Name, f.showRat(sum))
	}

	// 6. The soma's tau and the accumulator.
	if name, ok := firstRead(g, S.Tau, construct); ok {
		return fail(6, "soma %s: its tau %s reads the construct state %s", S.Name, f.show(S.Tau), name)
	}
	cf, r0, why := al.linearIn(al.of(F.Rate), construct)
	if why != "" {
		return fail(6, "accumulator %s: its rate %s is not linear in the channel states: %s", F.Name, f.show(F.Rate), why)
	}
	for _, x := range []*ir.State{F, S} {
		if c, ok := cf[x.Name]; ok && !c.isZero() {
			return fail(6, "accumulator %s: its rate %s reads %s", F.Name, f.show(F.Rate), x.Name)
		}
	}
	tauS := al.of(S.Tau)
	cs := make([]rat, K)
	ratios := make([]rat, K)
	for k, ch := range fu.chans {
		c, ok := cf[ch.Name]
		if !ok || c.isZero() {
			return fail(6, "accumulator %s: its rate %s has no term for channel %s (expected g_k/C·(%s - %s))",
				F.Name, f.show(F.Rate), ch.Name, exprString(g, ch.Drive, 60), ch.Name)
		}
		cs[k] = ratScale(c, -1)
		w := normRat(rat{fu.gk[k], sr.den})
		ratios[k] = ratMul(cs[k], tauS)
		if q, ok := ratDiv(ratios[k], w); ok {
			ratios[k] = q
		}
	}
	var bad []int
	for k := range fu.chans {
		if !ratEqual(ratios[k], ratConst(1)) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		allSame := len(bad) == K
		for _, k := range bad[1:] {
			if !ratEqual(ratios[k], ratios[bad[0]]) {
				allSame = false
			}
		}
		if allSame {
			ch := fu.chans[0].Name
			want := g.Div(f.coefNode(S.Drive, ch), g.Neg(f.coefNode(F.Rate, ch)))
			return fail(6, "soma %s: its tau %s is not C/g_s (the accumulator's coefficients g_k/C and the soma's weights g_k/g_s give C/g_s = %s)",
				S.Name, f.show(S.Tau), exprString(g, f.c.Expr(g, want), 120))
		}
		ch := fu.chans[bad[0]].Name
		want := g.Div(f.coefNode(S.Drive, ch), S.Tau)
		return fail(6, "accumulator %s: the coefficient of channel %s is %s, expected g_k/C = %s (the soma's weight over its tau)",
			F.Name, ch, exprString(g, f.c.Expr(g, g.Neg(f.coefNode(F.Rate, ch))), 120), exprString(g, f.c.Expr(g, want), 120))
	}
	expect := ratConst(0)
	for k, ch := range fu.chans {
		expect = ratAdd(expect, ratMul(cs[k], al.of(ch.Drive)), 1)
	}
	if !ratEqual(r0, expect) {
		return fail(6, "accumulator %s: its rate %s does not integrate Σ g_k/C·(drive_k - u_k): the part without channel states is %s, expected %s",
			F.Name, f.show(F.Rate), f.showRat(r0), f.showRat(expect))
	}

	// 7. Every other read is through F + S; no resets of the construct.
	for _, a := range u.Reset {
		if construct[a.State] {
			return fail(7, "the unit resets %s after a spike", a.State)
		}
	}
	if name, ok := firstRead(g, g.Add(S.Init, F.Init), construct); ok {
		return fail(7, "the initial values of %s and %s read the construct state %s", S.Name, F.Name, name)
	}
	ph := g.Ref(ir.OpState, "\x00V")
	sub := map[string]ir.NodeID{S.Name: g.Sub(ph, g.Ref(ir.OpState, F.Name))}
	for _, st := range sites(u) {
		if st.state != nil && construct[st.state.Name] {
			continue
		}
		e := f.c.Expr(g, g.Substitute(*st.p, sub))
		if name, ok := firstRead(g, e, construct); ok {
			return fail(7, "%s reads %s other than through the membrane %s + %s", st.where, name, F.Name, S.Name)
		}
	}

	// 8. Networks.
	for _, n := range f.m.Networks {
		pops := map[string]bool{}
		for _, p := range n.Pops {
			if p.Unit != u.Name {
				continue
			}
			pops[p.Name] = true
			for _, s := range p.Sets {
				switch {
				case s.Name == S.Name:
					if !g.IsConst(f.c.Expr(g, F.Init), 0) {
						return fail(8, "network %s sets the initial value of soma %s in pop %s, and %s does not start at 0", n.Name, S.Name, p.Name, F.Name)
					}
				case construct[s.Name]:
					return fail(8, "network %s sets the initial value of %s in pop %s", n.Name, s.Name, p.Name)
				}
			}
		}
		for _, r := range n.Records {
			if pops[r.Pop] && construct[r.Var] {
				return fail(8, "network %s records %s of pop %s", n.Name, r.Var, r.Pop)
			}
		}
		for _, pr := range n.Projections {
			if pops[pr.Dst] && construct[pr.Target] && pr.Target != S.Name && pr.Target != F.Name {
				return fail(8, "network %s delivers spikes to channel state %s of pop %s", n.Name, pr.Target, pr.Dst)
			}
		}
	}
	return fu, nil
}

// hasTerm reports whether a has the term t (same product, same
// coefficient).
func hasTerm(c *canon, a nf, t term) bool {
	for _, x := range a.terms {
		if x.coef == t.coef && c.termCmp(x, t) == 0 {
			return true
		}
	}
	return false
}

// apply replaces the matched construct by one membrane state and returns
// its name.
func (f *fuser) apply(fu *hhFusion) string {
	u, g, al := f.u, f.u.G, f.al
	construct := map[string]bool{fu.F.Name: true, fu.S.Name: true}
	for _, ch := range fu.chans {
		construct[ch.Name] = true
	}
	// Params the construct read: candidates for removal afterwards.
	touched := map[string]bool{}
	for _, s := range u.States {
		if construct[s.Name] {
			paramRefs(g, touched, s.Init, s.Tau, s.Drive, s.Rate, s.Deriv)
		}
	}

	// Read-out lets: those that are F + S.
	ph := g.Ref(ir.OpState, "\x00V")
	fref := g.Ref(ir.OpState, fu.F.Name)
	readout := map[string]bool{}
	var readoutNames []string
	for _, l := range u.Lets {
		e := f.c.Expr(g, g.Substitute(l.Expr, map[string]ir.NodeID{fu.S.Name: g.Sub(ph, fref)}))
		if e == ph {
			readout[l.Name] = true
			readoutNames = append(readoutNames, l.Name)
		}
	}
	// The name: V if free, else the read-out let's name, else V_1, ….
	taken := map[string]bool{}
	for n := range declNames(u) {
		if !construct[n] && !readout[n] {
			taken[n] = true
		}
	}
	name := "V"
	if taken[name] && len(readoutNames) > 0 {
		name = readoutNames[0]
	}
	name = freshName(name, taken)

	// The membrane's dynamics.
	vdrive := ir.NoNode
	{
		var sum []ir.NodeID
		for k := range fu.chans {
			sum = append(sum, g.Mul(al.polyNode(fu.gk[k]), fu.E[k]))
		}
		xr := al.of(fu.X)
		var I ir.NodeID
		switch {
		case xr.isZero():
			I = g.Const(0)
		case fu.den.isOne():
			I = fu.X
		default:
			if l, ok := ratio(rat{xr.den, constPoly(1)}, rat{fu.den, constPoly(1)}); ok && l != 0 {
				I = g.Div(al.polyNode(xr.num), g.Const(l))
			} else {
				I = al.node(ratMul(xr, rat{fu.den, constPoly(1)}))
			}
		}
		sum = append(sum, I)
		vdrive = g.Div(g.Sum(sum...), al.polyNode(fu.den))
	}
	v := &ir.State{Name: name, Dim: fu.S.Dim, Kind: ir.TVLIF,
		Init:  f.c.Expr(g, g.Add(fu.S.Init, fu.F.Init)),
		Tau:   fu.S.Tau,
		Drive: f.c.Expr(g, vdrive),
		Rate:  ir.NoNode, Deriv: ir.NoNode}

	// Rewrite every other expression: S = V − F, with V first a placeholder
	// (the chosen name may be that of a construct state, e.g. F), then
	// renamed once no expression reads the construct any more.
	sub := map[string]ir.NodeID{fu.S.Name: g.Sub(ph, fref)}
	rename := map[string]ir.NodeID{"\x00V": g.Ref(ir.OpState, name)}
	for _, st := range sites(u) {
		if st.state != nil && construct[st.state.Name] {
			continue
		}
		*st.p = f.c.Expr(g, g.Substitute(f.c.Expr(g, g.Substitute(*st.p, sub)), rename))
	}
	var states []*ir.State
	minPos := -1 // where the first construct state was
	for _, s := range u.States {
		if construct[s.Name] {
			if minPos < 0 {
				minPos = len(states)
			}
			continue
		}
		states = append(states, s)
	}
	pos := placeState(g, states, name, v.Init, minPos)
	if pos < 0 {
		panic(fmt.Sprintf("passes: fuse-hh: no place for the membrane %s in unit %s", name, u.Name))
	}
	states = append(states[:pos], append([]*ir.State{v}, states[pos:]...)...)
	u.States = states
	var lets []*ir.Let
	for _, l := range u.Lets {
		if !readout[l.Name] {
			lets = append(lets, l)
		}
	}
	u.Lets = lets
	dropUnusedParams(u, touched, f.uses.set)

	// Networks: records of the read-out let, pop sets of S, spikes to S or F.
	for _, n := range f.m.Networks {
		pops := map[string]bool{}
		for _, p := range n.Pops {
			if p.Unit != u.Name {
				continue
			}
			pops[p.Name] = true
			for _, s := range p.Sets {
				if s.Name == fu.S.Name {
					s.Name = name
				}
			}
		}
		for _, r := range n.Records {
			if pops[r.Pop] && readout[r.Var] {
				r.Var = name
			}
		}
		for _, pr := range n.Projections {
			if pops[pr.Dst] && (pr.Target == fu.S.Name || pr.Target == fu.F.Name) {
				pr.Target = name
			}
		}
	}
	return name
}
