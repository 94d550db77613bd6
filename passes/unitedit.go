package passes

import (
	"fmt"
	"strconv"

	"snnc/ir"
)

// Helpers shared by expand-hh and fuse-hh: walking a unit's expressions
// with a description of where each one is, substituting states, fresh
// names, and removing params a rewrite left unused.

// site is one expression slot of a unit, with a description for remarks.
type site struct {
	where string
	state *ir.State // the state it belongs to (init or dynamics), if any
	init  bool      // the slot is a state's init
	p     *ir.NodeID
}

// sites returns every expression slot of u except param defaults, in the
// printer's order: inits, lets, dynamics, spike, resets, refractory.
func sites(u *ir.Unit) []site {
	var out []site
	for _, s := range u.States {
		out = append(out, site{fmt.Sprintf("the initial value of %s", s.Name), s, true, &s.Init})
	}
	for _, l := range u.Lets {
		out = append(out, site{fmt.Sprintf("let %s", l.Name), nil, false, &l.Expr})
	}
	for _, s := range u.States {
		w := fmt.Sprintf("the dynamics of %s", s.Name)
		for _, p := range []*ir.NodeID{&s.Tau, &s.Drive, &s.Rate, &s.Deriv} {
			if *p != ir.NoNode {
				out = append(out, site{w, s, false, p})
			}
		}
	}
	if u.Spike != ir.NoNode {
		out = append(out, site{"the spike condition", nil, false, &u.Spike})
	}
	for _, a := range u.Reset {
		out = append(out, site{fmt.Sprintf("the reset of %s", a.State), nil, false, &a.Value})
	}
	if u.Refractory != ir.NoNode {
		out = append(out, site{"the refractory period", nil, false, &u.Refractory})
	}
	return out
}

// declNames returns the names of u's params, inputs, states and lets.
func declNames(u *ir.Unit) map[string]bool {
	names := map[string]bool{}
	for _, p := range u.Params {
		names[p.Name] = true
	}
	for _, p := range u.Inputs {
		names[p.Name] = true
	}
	for _, p := range u.States {
		names[p.Name] = true
	}
	for _, p := range u.Lets {
		names[p.Name] = true
	}
	return names
}

// freshName returns base if it is not taken, else base_1, base_2, ….
func freshName(base string, taken map[string]bool) string {
	if !taken[base] {
		return base
	}
	for i := 1; ; i++ {
		if n := base + "_" + strconv.Itoa(i); !taken[n] {
			return n
		}
	}
}

// stateRefs returns the names of the states expression id reads.
func stateRefs(g *ir.Graph, id ir.NodeID) map[string]bool {
	out := map[string]bool{}
	if id == ir.NoNode {
		return out
	}
	for _, x := range g.Refs(id) {
		if n := g.Node(x); n.Op == ir.OpState {
			out[n.Name] = true
		}
	}
	return out
}

// firstRead returns the first name (in sorted order) of names that
// expression id reads as a state, param or input.
func firstRead(g *ir.Graph, id ir.NodeID, names map[string]bool) (string, bool) {
	if id == ir.NoNode {
		return "", false
	}
	var found []string
	for _, x := range g.Refs(id) {
		if n := g.Node(x); n.Op.IsRef() && names[n.Name] {
			found = append(found, n.Name)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	best := found[0]
	for _, f := range found[1:] {
		if f < best {
			best = f
		}
	}
	return best, true
}

// dropUnusedParams removes the params in cand that nothing in u reads any
// more (including other params' defaults) and that no pop set overrides;
// a removed param's default may make more params unused.
func dropUnusedParams(u *ir.Unit, cand map[string]bool, set map[string]bool) {
	for {
		used := map[string]bool{}
		for _, x := range u.G.Refs(u.Roots()...) {
			if n := u.G.Node(x); n.Op == ir.OpParam {
				used[n.Name] = true
			}
		}
		var keep []*ir.Param
		changed := false
		for _, p := range u.Params {
			if cand[p.Name] && !used[p.Name] && !set[p.Name] {
				changed = true
				for _, x := range u.G.Refs(p.Default) {
					if n := u.G.Node(x); n.Op == ir.OpParam {
						cand[n.Name] = true
					}
				}
				continue
			}
			keep = append(keep, p)
		}
		u.Params = keep
		if !changed {
			return
		}
	}
}

// paramRefs adds to out the params the expressions read.
func paramRefs(g *ir.Graph, out map[string]bool, ids ...ir.NodeID) {
	for _, x := range g.Refs(ids...) {
		if n := g.Node(x); n.Op == ir.OpParam {
			out[n.Name] = true
		}
	}
}

// placeState returns the index at which a new state with the given init
// can be inserted into states (a list without it): after every state its
// init reads, before every state whose init reads it, as early as
// possible from min. It returns -1 if there is no such place.
func placeState(g *ir.Graph, states []*ir.State, name string, init ir.NodeID, min int) int {
	reads := stateRefs(g, init)
	last := -1 // last state the init reads
	first := len(states)
	for i, s := range states {
		if reads[s.Name] {
			last = i
		}
		if first == len(states) && stateRefs(g, s.Init)[name] {
			first = i
		}
	}
	p := max(min, last+1)
	if p > first {
		p = last + 1
		if p > first {
			return -1
		}
	}
	return p
}
