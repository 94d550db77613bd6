package passes

import (
	"fmt"
	"sort"
	"strconv"

	"snnc/internal/units"
	"snnc/ir"
)

// expand-hh: replace a conductance-based membrane
//
//	C·V' = Σ_k g_k·(E_k − V) + I
//
// by the tv-LIF2HH construction of PAPER.md §3, generalised to K channels:
// K channel compartments u_k (tau tau_c, drive E_k + I/g_s), an accumulator
// F (F' = Σ_k g_k·(E_k + I/g_s − u_k)/C), and a soma S (tau C/g_s, drive
// −F + Σ_k g_k·u_k/g_s), with g_s = Σ_k g_k and V = F + S wherever V was
// read. tau_c is a new param (default 1 ms). It is exact in continuous
// time.
//
// The membrane is recognised by algebra on canonical IR: a tv-LIF state of
// voltage dimension, not reset, whose dynamics read no other voltage state.
// Its ODE is V' = A + B·V with B = −1/tau = −g_s/C: the terms of 1/tau
// (fully expanded) over their common denominator factor (the capacitance
// C) are the channels' conductances g_k, K ≥ 2 of them. A·C = drive·C/tau
// = Σ_k g_k E_k + I: each of its terms divisible by a g_k with a quotient
// free of states and inputs belongs to E_k; the rest is the current I.

func runExpandHH(m *ir.Module, ctx *Context) error {
	uses := moduleUses(m)
	for _, u := range m.Units {
		ctx.SetUnit(u.Name)
		us := uses[u.Name]
		if us == nil {
			us = &unitUses{}
		}
		expandUnit(m, u, us, ctx)
	}
	ctx.SetUnit("")
	return nil
}

// membrane is a recognised conductance-based membrane.
type membrane struct {
	V    *ir.State
	C    ir.NodeID   // capacitance (canonical)
	g    []ir.NodeID // conductances g_k (canonical), sorted
	E    []ir.NodeID // reversal potentials E_k (canonical; 0 if none)
	I    ir.NodeID   // the remaining current (canonical; 0 if none)
	gsum ir.NodeID   // Σ g_k (canonical)
}

type expander struct {
	m    *ir.Module
	u    *ir.Unit
	c    *canon
	al   *algebra
	num  map[ir.NodeID]int
	uses *unitUses
}

func expandUnit(m *ir.Module, u *ir.Unit, uses *unitUses, ctx *Context) {
	e := &expander{m: m, u: u, c: newCanon(u.G), al: newAlgebra(u.G), num: nodeNumbers(u), uses: uses}
	var found []*membrane
	for _, s := range u.States {
		if !s.Dim.Equal(units.Voltage) || s.Kind != ir.TVLIF || s.Tau == ir.NoNode || s.Drive == ir.NoNode {
			continue
		}
		mb, why := e.recognise(s)
		switch {
		case why != "":
			ctx.Missed(u.Name, "membrane %s: %s", s.Name, why)
		case mb != nil:
			found = append(found, mb)
		}
	}
	if len(found) == 0 {
		return
	}
	pick := found[0]
	if len(found) > 1 {
		spiking := stateRefs(u.G, u.Spike)
		for _, mb := range found {
			if spiking[mb.V.Name] {
				pick = mb
				break
			}
		}
		for _, mb := range found {
			if mb != pick {
				ctx.Missed(u.Name, "membrane %s: the unit has several membranes; expanded only %s", mb.V.Name, pick.V.Name)
			}
		}
	}
	names := e.expand(pick)
	ctx.Remark(u.Name, "expanded membrane %s into %d channel compartments + accumulator + soma (tv-LIF2HH, %d channels)",
		pick.V.Name, len(pick.g), len(pick.g))
	ctx.Notef(u.Name, "%s", names)
}

func (e *expander) show(id ir.NodeID) string {
	s := exprString(e.u.G, id, 120)
	if n, ok := e.num[id]; ok {
		return fmt.Sprintf("%%%d = %s", n, s)
	}
	return s
}

// recognise decomposes V's dynamics, or says why it is not a
// conductance-based membrane.
func (e *expander) recognise(V *ir.State) (*membrane, string) {
	u, g, al := e.u, e.u.G, e.al
	if g.References(V.Tau, ir.OpState, V.Name) || g.References(V.Drive, ir.OpState, V.Name) {
		return nil, "its tau or drive reads itself (run canonicalize first)"
	}
	var others []string
	for _, s := range u.States {
		if s != V && s.Dim.Equal(V.Dim) && (g.References(V.Tau, ir.OpState, s.Name) || g.References(V.Drive, ir.OpState, s.Name)) {
			others = append(others, s.Name)
		}
	}
	if len(others) > 0 {
		return nil, fmt.Sprintf("its dynamics read the voltage states %s (not a single-compartment membrane)", joinNames(others))
	}
	tau := al.of(V.Tau)
	rinv, ok := ratInv(tau)
	if !ok {
		return nil, fmt.Sprintf("its tau %s is zero", e.show(V.Tau))
	}
	// The common denominator factor m0 of the terms of 1/tau.
	keys := rinv.num.keys()
	exps := map[ir.NodeID]int{}
	for i, k := range keys {
		t := rinv.num[k]
		cur := map[ir.NodeID]int{}
		for _, f := range t.fac {
			cur[f.base] = f.exp
		}
		if i == 0 {
			for b, x := range cur {
				if x < 0 {
					exps[b] = x
				}
			}
			continue
		}
		for b, x := range exps {
			y := cur[b]
			if y >= 0 {
				delete(exps, b)
			} else if y > x {
				exps[b] = y
			}
		}
	}
	var m0inv []factor // 1/m0: positive powers
	for b, x := range exps {
		m0inv = append(m0inv, factor{b, -x})
	}
	sort.Slice(m0inv, func(i, j int) bool { return m0inv[i].base < m0inv[j].base })
	m0p := poly{facKey(m0inv): &pterm{fac: m0inv, c: 1, mag: 1}}
	if len(keys) < 2 {
		return nil, "" // one conductance: a plain leaky compartment, not a candidate
	}
	for _, a := range u.Reset {
		if a.State == V.Name {
			return nil, "it is reset after a spike (expand-hh handles membranes without reset)"
		}
	}
	mb := &membrane{V: V}
	mb.C = e.c.Expr(g, al.polyNode(polyMul(rinv.den, m0p)))
	gpolys := map[ir.NodeID]poly{}
	for _, k := range keys {
		gp := polyMul(poly{k: rinv.num[k]}, m0p)
		id := e.c.Expr(g, al.polyNode(gp))
		if _, dup := gpolys[id]; dup {
			return nil, "two of its conductance terms are equal"
		}
		gpolys[id] = gp
		mb.g = append(mb.g, id)
	}
	sort.Slice(mb.g, func(i, j int) bool { return e.c.cmp(mb.g[i], mb.g[j]) < 0 })
	var sum []ir.NodeID
	for _, x := range mb.g {
		sum = append(sum, x)
	}
	mb.gsum = e.c.Expr(g, g.Sum(sum...))
	for _, x := range mb.g {
		if name, ok := firstRead(g, x, map[string]bool{V.Name: true}); ok {
			return nil, fmt.Sprintf("its conductance %s reads %s", exprString(g, x, 80), name)
		}
	}

	// A·C = drive·C/tau = Σ g_k E_k + I.
	ac := al.of(e.c.Expr(g, g.Mul(V.Drive, g.Div(mb.C, V.Tau))))
	if !ac.den.isOne() {
		return nil, fmt.Sprintf("its drive %s times C/tau is not a sum of currents Σ g_k·E_k + I", e.show(V.Drive))
	}
	statesInputs := map[string]bool{}
	for _, s := range u.States {
		statesInputs[s.Name] = true
	}
	for _, in := range u.Inputs {
		statesInputs[in.Name] = true
	}
	Ep := make([]poly, len(mb.g))
	for k := range Ep {
		Ep[k] = poly{}
	}
	Ip := poly{}
	for _, key := range ac.num.keys() {
		t := ac.num[key]
		best, bestN := -1, -1
		var bestQ poly
		for k, gid := range mb.g {
			gt, _ := gpolys[gid].single()
			inv := make([]factor, len(gt.fac))
			for i, f := range gt.fac {
				inv[i] = factor{f.base, -f.exp}
			}
			qf := mulFac(t.fac, inv)
			q := poly{facKey(qf): &pterm{fac: qf, c: t.c / gt.c, mag: t.mag / abs(gt.c)}}
			if _, reads := al.readsAny(rat{q, constPoly(1)}, statesInputs); reads {
				continue
			}
			if len(gt.fac) > bestN {
				best, bestN, bestQ = k, len(gt.fac), q
			}
		}
		if best < 0 {
			Ip.addTo(poly{key: t}, 1)
		} else {
			Ep[best].addTo(bestQ, 1)
		}
	}
	for k := range mb.g {
		mb.E = append(mb.E, e.c.Expr(g, al.polyNode(Ep[k])))
	}
	mb.I = e.c.Expr(g, al.polyNode(Ip))
	if name, ok := firstRead(g, mb.I, map[string]bool{V.Name: true}); ok {
		return nil, fmt.Sprintf("its current term %s reads %s", exprString(g, mb.I, 80), name)
	}
	return mb, ""
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func joinNames(ns []string) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// expand rewrites the unit and returns a description of the new states.
func (e *expander) expand(mb *membrane) string {
	u, g := e.u, e.u.G
	V := mb.V
	taken := declNames(u)
	delete(taken, V.Name)
	tauc := freshName("tau_c", taken)
	taken[tauc] = true
	K := len(mb.g)
	chNames := make([]string, K)
	for k := range chNames {
		chNames[k] = freshName("u"+strconv.Itoa(k+1), taken)
		taken[chNames[k]] = true
	}
	fName := freshName("F", taken)
	taken[fName] = true
	sName := freshName("u"+strconv.Itoa(K+1), taken)
	taken[sName] = true

	fref, sref := g.Ref(ir.OpState, fName), g.Ref(ir.OpState, sName)
	// Every other read of V becomes F + S.
	sub := map[string]ir.NodeID{V.Name: g.Add(fref, sref)}
	for _, st := range sites(u) {
		if st.state == V {
			continue
		}
		*st.p = e.c.Expr(g, g.Substitute(*st.p, sub))
	}

	u.Params = append(u.Params, &ir.Param{Name: tauc, Dim: units.Time, Default: g.Const(1e-3)})
	zero := g.Const(0)
	inGs := g.Div(mb.I, mb.gsum)
	var rate, weighted []ir.NodeID
	var construct []*ir.State
	for k, gk := range mb.g {
		ch := &ir.State{Name: chNames[k], Dim: V.Dim, Init: zero, Rate: ir.NoNode, Deriv: ir.NoNode}
		drive := g.Add(mb.E[k], inGs)
		ch.SetTVLIF(g.Ref(ir.OpParam, tauc), e.c.Expr(g, drive))
		construct = append(construct, ch)
		uk := g.Ref(ir.OpState, chNames[k])
		rate = append(rate, g.Mul(gk, g.Sub(drive, uk)))
		weighted = append(weighted, g.Mul(gk, uk))
	}
	F := &ir.State{Name: fName, Dim: V.Dim, Init: zero, Tau: ir.NoNode, Drive: ir.NoNode, Deriv: ir.NoNode}
	F.SetIntegrator(e.c.Expr(g, g.Div(g.Sum(rate...), mb.C)))
	S := &ir.State{Name: sName, Dim: V.Dim, Init: V.Init, Rate: ir.NoNode, Deriv: ir.NoNode}
	S.SetTVLIF(e.c.Expr(g, g.Div(mb.C, mb.gsum)), e.c.Expr(g, g.Sub(g.Div(g.Sum(weighted...), mb.gsum), fref)))
	construct = append(construct, F, S)

	var states []*ir.State
	for _, s := range u.States {
		if s == V {
			states = append(states, construct...)
			continue
		}
		states = append(states, s)
	}
	u.States = states
	u.Lets = append([]*ir.Let{{Name: V.Name, Dim: V.Dim, Expr: e.c.Expr(g, g.Add(fref, sref))}}, u.Lets...)

	for _, n := range e.m.Networks {
		pops := map[string]bool{}
		for _, p := range n.Pops {
			if p.Unit != u.Name {
				continue
			}
			pops[p.Name] = true
			for _, s := range p.Sets {
				if s.Name == V.Name {
					s.Name = sName
				}
			}
		}
		for _, pr := range n.Projections {
			if pops[pr.Dst] && pr.Target == V.Name {
				pr.Target = sName
			}
		}
	}
	return fmt.Sprintf("channels %s (tau %s), accumulator %s, soma %s; %s is now the let %s = %s + %s",
		joinNames(chNames), tauc, fName, sName, V.Name, V.Name, fName, sName)
}
