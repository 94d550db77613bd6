package passes

import (
	"snnc/ir"
)

// canonicalize: every unit's expressions in canonical form (canon.go), its
// dynamics in tv-LIF form where the ODE is linear in its state, dead lets
// and dead states removed, and its graph rebuilt with only reachable nodes.
// Network graphs are left alone (random draws and their order belong to
// instantiate); networks only lose the pop sets of removed states.

func runCanonicalize(m *ir.Module, ctx *Context) error {
	uses := moduleUses(m)
	for _, u := range m.Units {
		ctx.SetUnit(u.Name)
		removed := canonicalizeUnit(u, uses[u.Name], ctx)
		if len(removed) > 0 {
			dropPopSets(m, u.Name, removed)
		}
	}
	ctx.SetUnit("")
	return nil
}

// unitUses is what the module's networks do with a unit's variables.
type unitUses struct {
	recorded map[string]bool // states, lets and inputs recorded
	targeted map[string]bool // states and inputs that projections deliver to
	set      map[string]bool // params and states set by pop sets
}

// moduleUses collects, per unit name, the variables networks use.
func moduleUses(m *ir.Module) map[string]*unitUses {
	out := map[string]*unitUses{}
	get := func(unit string) *unitUses {
		x := out[unit]
		if x == nil {
			x = &unitUses{recorded: map[string]bool{}, targeted: map[string]bool{}, set: map[string]bool{}}
			out[unit] = x
		}
		return x
	}
	for _, n := range m.Networks {
		unitOf := map[string]string{}
		for _, p := range n.Pops {
			unitOf[p.Name] = p.Unit
			for _, s := range p.Sets {
				get(p.Unit).set[s.Name] = true
			}
		}
		for _, r := range n.Records {
			if u, ok := unitOf[r.Pop]; ok && r.Var != "" {
				get(u).recorded[r.Var] = true
			}
		}
		for _, pr := range n.Projections {
			if u, ok := unitOf[pr.Dst]; ok {
				get(u).targeted[pr.Target] = true
			}
		}
	}
	return out
}

// dropPopSets removes the pop sets of the named (removed) states from every
// pop of unit.
func dropPopSets(m *ir.Module, unit string, removed map[string]bool) {
	for _, n := range m.Networks {
		for _, p := range n.Pops {
			if p.Unit != unit {
				continue
			}
			keep := p.Sets[:0]
			for _, s := range p.Sets {
				if !removed[s.Name] {
					keep = append(keep, s)
				}
			}
			p.Sets = keep
		}
	}
}

// canonicalizeUnit canonicalizes u in place and returns the states it
// removed.
func canonicalizeUnit(u *ir.Unit, uses *unitUses, ctx *Context) map[string]bool {
	if uses == nil {
		uses = &unitUses{}
	}
	c := newCanon(ir.NewGraph())
	src := u.G
	ex := func(id ir.NodeID) ir.NodeID { return c.Expr(src, id) }
	for _, p := range u.Params {
		p.Default = ex(p.Default)
	}
	for _, s := range u.States {
		s.Init = ex(s.Init)
		s.Tau, s.Drive, s.Rate, s.Deriv = ex(s.Tau), ex(s.Drive), ex(s.Rate), ex(s.Deriv)
	}
	for _, l := range u.Lets {
		l.Expr = ex(l.Expr)
	}
	u.Spike = ex(u.Spike)
	for _, a := range u.Reset {
		a.Value = ex(a.Value)
	}
	u.Refractory = ex(u.Refractory)
	u.G = c.out

	// Dynamics: tv-LIF form wherever the ODE is linear in its own state.
	for _, s := range u.States {
		normalizeDynamics(c, u, s, ctx)
	}

	removed := removeDead(c, u, uses, ctx)
	compact(u)
	return removed
}

// normalizeDynamics rewrites a state's dynamics into tv-LIF or integrator
// form when its ODE is linear in the state; states already in that form
// whose expressions do not read the state are left as they are.
func normalizeDynamics(c *canon, u *ir.Unit, s *ir.State, ctx *Context) {
	g := c.out
	self := func(id ir.NodeID) bool { return id != ir.NoNode && g.References(id, ir.OpState, s.Name) }
	switch s.Kind {
	case ir.TVLIF:
		if s.Tau == ir.NoNode || s.Drive == ir.NoNode || (!self(s.Tau) && !self(s.Drive)) {
			return
		}
	case ir.Integrator:
		if s.Rate == ir.NoNode || !self(s.Rate) {
			return
		}
	case ir.General:
		if s.Deriv == ir.NoNode {
			return
		}
	default:
		return
	}
	before := s.Kind
	d := c.linearDynamics(c.derivative(s), s.Name)
	if d.kind == ir.General && before != ir.General {
		// a tv-LIF or integrator state whose expressions read it nonlinearly
		// keeps its form (exp_euler holds the drive over a step)
		return
	}
	s.Kind, s.Tau, s.Drive, s.Rate, s.Deriv = d.kind, d.tau, d.drive, d.rate, d.deriv
	if before == ir.General && d.kind != ir.General {
		ctx.Remark(u.Name, "state %s: ODE is linear in %s: now %s", s.Name, s.Name, d.kind)
	}
}

// removeDead removes the states nothing observable depends on and the lets
// no network records. Live states: those read by the spike condition or
// the refractory period, recorded or delivered to by a network, read by a
// live state's dynamics or by the reset of a live state, and those whose
// (pop-set) initial value a live state's initial value reads. Inits that
// read a removed state get its initial value substituted.
func removeDead(c *canon, u *ir.Unit, uses *unitUses, ctx *Context) map[string]bool {
	g := c.out
	isState := map[string]bool{}
	for _, s := range u.States {
		isState[s.Name] = true
	}
	live := map[string]bool{}
	var work []string
	mark := func(name string) {
		if isState[name] && !live[name] {
			live[name] = true
			work = append(work, name)
		}
	}
	markRefs := func(ids ...ir.NodeID) {
		for _, r := range g.Refs(ids...) {
			if n := g.Node(r); n.Op == ir.OpState {
				mark(n.Name)
			}
		}
	}
	markRefs(u.Spike, u.Refractory)
	for _, name := range sortedKeys(uses.recorded) {
		mark(name)
		if l := u.Let(name); l != nil {
			markRefs(l.Expr)
		}
	}
	for _, name := range sortedKeys(uses.targeted) {
		mark(name)
	}
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		s := u.State(name)
		markRefs(s.Tau, s.Drive, s.Rate, s.Deriv)
		for _, a := range u.Reset {
			if a.State == name {
				markRefs(a.Value)
			}
		}
		// Inits: a removed state's init is substituted into the inits that
		// read it, so follow inits transitively; a state whose initial value
		// a network sets per neuron must then stay.
		seen := map[string]bool{}
		var follow func(id ir.NodeID)
		follow = func(id ir.NodeID) {
			for _, r := range g.Refs(id) {
				n := g.Node(r)
				if n.Op != ir.OpState || seen[n.Name] || !isState[n.Name] {
					continue
				}
				seen[n.Name] = true
				if uses.set[n.Name] {
					mark(n.Name)
				}
				follow(u.State(n.Name).Init)
			}
		}
		follow(s.Init)
	}

	removed := map[string]bool{}
	deadInit := map[string]ir.NodeID{}
	var keep []*ir.State
	for _, s := range u.States {
		if len(deadInit) > 0 {
			s.Init = c.Expr(g, g.Substitute(s.Init, deadInit))
		}
		if live[s.Name] {
			keep = append(keep, s)
			continue
		}
		deadInit[s.Name] = s.Init
		removed[s.Name] = true
		ctx.Remark(u.Name, "removed dead state %s", s.Name)
	}
	u.States = keep
	var resets []*ir.Assign
	for _, a := range u.Reset {
		if !removed[a.State] {
			resets = append(resets, a)
		}
	}
	u.Reset = resets
	var lets []*ir.Let
	for _, l := range u.Lets {
		if uses.recorded[l.Name] {
			lets = append(lets, l)
		}
	}
	u.Lets = lets
	return removed
}

// compact rebuilds u's graph with only the nodes reachable from its roots.
func compact(u *ir.Unit) {
	g := ir.NewGraph()
	old := u.G
	im := func(id ir.NodeID) ir.NodeID {
		if id == ir.NoNode {
			return id
		}
		return g.Import(old, id)
	}
	for _, p := range u.Params {
		p.Default = im(p.Default)
	}
	for _, s := range u.States {
		s.Init = im(s.Init)
		s.Tau, s.Drive, s.Rate, s.Deriv = im(s.Tau), im(s.Drive), im(s.Rate), im(s.Deriv)
	}
	for _, l := range u.Lets {
		l.Expr = im(l.Expr)
	}
	u.Spike = im(u.Spike)
	for _, a := range u.Reset {
		a.Value = im(a.Value)
	}
	u.Refractory = im(u.Refractory)
	u.G = g
}
