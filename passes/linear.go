package passes

import (
	"fmt"

	"snnc/ir"
)

// This file decides whether a canonical expression f is linear in a state
// x — f = A + B·x with A and B free of x — which is what turns a state's
// ODE x' = f into tv-LIF form (tau = −1/B, drive = −A/B) or an integrator
// (B = 0). It works on normal forms: a term is linear when x is one of its
// factors with exponent 1, or when one factor with exponent 1 is a sum that
// is itself linear in x.

// linearize decomposes the canonical expression id (a node of c.out) in
// state x. It returns a non-empty reason when f is not linear in x.
func (c *canon) linearize(id ir.NodeID, x string) (a, b nf, reason string) {
	return c.linearNF(c.nfOf(c.out, id), x)
}

func (c *canon) mentions(id ir.NodeID, x string) bool {
	return c.out.References(id, ir.OpState, x)
}

func (c *canon) linearNF(f nf, x string) (a, b nf, reason string) {
	a = constNF(f.c0)
	b = constNF(0)
	for _, t := range f.terms {
		at := -1
		for i, fc := range t.fac {
			if !c.mentions(fc.base, x) {
				continue
			}
			if at >= 0 {
				return nf{}, nf{}, fmt.Sprintf("%s is multiplied by an expression that also contains %s", x, x)
			}
			at = i
		}
		if at < 0 {
			a = c.mustAdd(a, nf{terms: []term{t}})
			continue
		}
		fc := t.fac[at]
		rest := make([]factor, 0, len(t.fac)-1)
		rest = append(rest, t.fac[:at]...)
		rest = append(rest, t.fac[at+1:]...)
		restNF := c.product(t.coef, rest)
		n := c.out.Node(fc.base)
		switch {
		case fc.exp != 1 && fc.exp < 0:
			return nf{}, nf{}, fmt.Sprintf("%s appears in a denominator", x)
		case fc.exp != 1:
			return nf{}, nf{}, fmt.Sprintf("%s is raised to the power %d", x, fc.exp)
		case n.Op == ir.OpState && n.Name == x:
			b = c.mustAdd(b, restNF)
		case isSumNode(c.out, fc.base):
			sa, sb, why := c.linearNF(c.nfOf(c.out, fc.base), x)
			if why != "" {
				return nf{}, nf{}, why
			}
			pa, ok1 := c.mul(restNF, sa)
			pb, ok2 := c.mul(restNF, sb)
			if !ok1 || !ok2 {
				return nf{}, nf{}, "a coefficient cannot be represented"
			}
			a = c.mustAdd(a, pa)
			b = c.mustAdd(b, pb)
		case n.Op.Info().Cost == ir.CostCmp:
			return nf{}, nf{}, fmt.Sprintf("%s appears in a comparison or condition", x)
		default:
			return nf{}, nf{}, fmt.Sprintf("%s appears inside %s(…)", x, n.Op)
		}
	}
	return a, b, ""
}

// mustAdd adds two normal forms; if the sum cannot be folded it is kept as
// an opaque add node.
func (c *canon) mustAdd(a, b nf) nf {
	if r, ok := c.add(a, b); ok {
		return r
	}
	return c.atomNF(c.out.Add(c.build(a), c.build(b)))
}

// dynamics is a state's canonical dynamics.
type dynamics struct {
	kind                    ir.Kind
	tau, drive, rate, deriv ir.NodeID
	why                     string // for General: why it is not linear
}

// linearDynamics turns x' = f (f canonical) into tv-LIF form when f is
// linear in x, an integrator when it does not depend on x, and general
// dynamics otherwise.
func (c *canon) linearDynamics(f ir.NodeID, x string) dynamics {
	a, b, why := c.linearize(f, x)
	none := ir.NoNode
	if why != "" {
		return dynamics{kind: ir.General, tau: none, drive: none, rate: none, deriv: f, why: why}
	}
	if b.isZero() {
		return dynamics{kind: ir.Integrator, tau: none, drive: none, rate: c.build(a), deriv: none}
	}
	// tau = -1/B, drive = -A/B = A·tau, distributed over A's terms so that
	// tau cancels where it can: (E/tau + I)·tau = E + I·tau.
	nb := c.scale(b, -1)
	tau, ok1 := c.inv(nb)
	drive := constNF(0)
	ok2 := ok1
	if ok1 {
		parts := []nf{constNF(a.c0)}
		for _, t := range a.terms {
			parts = append(parts, nf{terms: []term{t}})
		}
		for _, p := range parts {
			x, ok := c.mul(p, tau)
			if !ok {
				ok2 = false
				break
			}
			drive = c.mustAdd(drive, x)
		}
	}
	if !ok1 || !ok2 {
		return dynamics{kind: ir.General, tau: none, drive: none, rate: none, deriv: f, why: "its time constant cannot be represented"}
	}
	return dynamics{kind: ir.TVLIF, tau: c.build(tau), drive: c.build(drive), rate: none, deriv: none}
}

// derivative returns the canonical x' of a state (nodes of c.out, the
// state's expressions already canonical).
func (c *canon) derivative(s *ir.State) ir.NodeID {
	g := c.out
	switch s.Kind {
	case ir.TVLIF:
		return c.Expr(g, g.Div(g.Sub(s.Drive, g.Ref(ir.OpState, s.Name)), s.Tau))
	case ir.Integrator:
		return s.Rate
	}
	return s.Deriv
}
