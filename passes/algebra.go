package passes

import (
	"encoding/binary"
	"math"
	"sort"

	"snnc/ir"
)

// This file is the algebra expand-hh and fuse-hh reason with: an
// expression of a (canonical) unit graph read as a rational function
// num/den, where num and den are Laurent polynomials — sums of
// coefficient × Π atom^k, k any nonzero integer — fully expanded, over
// *atoms*: the nodes that are not arithmetic (params, states, inputs, time,
// function applications such as exp(…) with their canonical arguments,
// powers with non-integer exponents). Two expressions are equal when
// num1·den2 − num2·den1 expands to zero; coefficients are floats, so every
// coefficient carries the sum of the magnitudes that went into it and
// counts as zero when it is below a relative tolerance of that magnitude.
// Atoms are compared by node id, which is reliable on canonical graphs
// (equal canonical expressions are one node).

// algTol is the relative tolerance of zero tests; dropTol the one below
// which a coefficient that cancelled is removed while computing.
const (
	algTol  = 1e-9
	dropTol = 1e-12
	// algLimit bounds the number of terms of any polynomial; bigger
	// expressions are treated as atoms (equality then fails safe).
	algLimit = 4096
)

// pterm is one term of a polynomial: c · Π fac, with mag the sum of the
// magnitudes of the contributions to c.
type pterm struct {
	fac    []factor // sorted by base id, exponents nonzero
	c, mag float64
}

// poly is a Laurent polynomial: terms by key.
type poly map[string]*pterm

// rat is num/den.
type rat struct{ num, den poly }

func facKey(fac []factor) string {
	b := make([]byte, 0, 8*len(fac))
	for _, f := range fac {
		b = binary.AppendVarint(b, int64(f.base))
		b = binary.AppendVarint(b, int64(f.exp))
	}
	return string(b)
}

func constPoly(c float64) poly {
	p := poly{}
	if c != 0 {
		p[""] = &pterm{c: c, mag: math.Abs(c)}
	}
	return p
}

func atomPoly(id ir.NodeID) poly {
	f := []factor{{id, 1}}
	return poly{facKey(f): &pterm{fac: f, c: 1, mag: 1}}
}

// keys returns p's keys in order (for deterministic iteration).
func (p poly) keys() []string {
	ks := make([]string, 0, len(p))
	for k := range p {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// addTo adds s·q to p in place. Terms are visited in key order, so that
// sums of several contributions round the same way in every run.
func (p poly) addTo(q poly, s float64) {
	for _, k := range q.keys() {
		t := q[k]
		if x, ok := p[k]; ok {
			x.c += s * t.c
			x.mag += math.Abs(s) * t.mag
			if math.Abs(x.c) <= dropTol*x.mag {
				delete(p, k)
			}
			continue
		}
		p[k] = &pterm{fac: t.fac, c: s * t.c, mag: math.Abs(s) * t.mag}
	}
}

func (p poly) clone() poly {
	r := make(poly, len(p))
	for k, t := range p {
		c := *t
		r[k] = &c
	}
	return r
}

func mulFac(a, b []factor) []factor {
	r := make([]factor, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].base < b[j].base):
			r = append(r, a[i])
			i++
		case i == len(a) || b[j].base < a[i].base:
			r = append(r, b[j])
			j++
		default:
			if e := a[i].exp + b[j].exp; e != 0 {
				r = append(r, factor{a[i].base, e})
			}
			i++
			j++
		}
	}
	return r
}

func polyMul(p, q poly) poly {
	r := poly{}
	qk := q.keys()
	for _, ka := range p.keys() {
		a := p[ka]
		for _, kb := range qk {
			b := q[kb]
			f := mulFac(a.fac, b.fac)
			k := facKey(f)
			c, mag := a.c*b.c, a.mag*b.mag
			if x, ok := r[k]; ok {
				x.c += c
				x.mag += mag
				continue
			}
			r[k] = &pterm{fac: f, c: c, mag: mag}
		}
	}
	for k, t := range r {
		if math.Abs(t.c) <= dropTol*t.mag {
			delete(r, k)
		}
	}
	return r
}

// isZero reports whether every coefficient of p is zero within algTol.
func (p poly) isZero() bool {
	for _, t := range p {
		if math.Abs(t.c) > algTol*t.mag {
			return false
		}
	}
	return true
}

// isOne reports whether p is the constant 1 exactly.
func (p poly) isOne() bool {
	t, ok := p[""]
	return len(p) == 1 && ok && t.c == 1
}

// single returns p's only term.
func (p poly) single() (*pterm, bool) {
	if len(p) != 1 {
		return nil, false
	}
	for _, t := range p {
		return t, true
	}
	return nil, false
}

// algebra reads the expressions of one graph as rationals.
type algebra struct {
	g    *ir.Graph
	memo map[ir.NodeID]rat
	refs map[ir.NodeID]map[string]bool // state, param and input names under an atom
}

func newAlgebra(g *ir.Graph) *algebra {
	return &algebra{g: g, memo: map[ir.NodeID]rat{}, refs: map[ir.NodeID]map[string]bool{}}
}

func ratConst(c float64) rat { return rat{constPoly(c), constPoly(1)} }
func ratAtom(id ir.NodeID) rat {
	return rat{atomPoly(id), constPoly(1)}
}

// of returns the rational of node id.
func (a *algebra) of(id ir.NodeID) rat {
	if r, ok := a.memo[id]; ok {
		return r
	}
	for _, x := range a.g.PostOrder(id) {
		if _, ok := a.memo[x]; ok {
			continue
		}
		r, ok := a.compute(x)
		if !ok || len(r.num) > algLimit || len(r.den) > algLimit {
			r = ratAtom(x)
		}
		a.memo[x] = r
	}
	return a.memo[id]
}

func (a *algebra) compute(x ir.NodeID) (rat, bool) {
	n := a.g.Node(x)
	arg := func(i int) rat { return a.memo[n.Args[i]] }
	switch n.Op {
	case ir.OpConst:
		if !finite(n.Val) {
			return rat{}, false
		}
		return ratConst(n.Val), true
	case ir.OpAdd:
		return ratAdd(arg(0), arg(1), 1), true
	case ir.OpSub:
		return ratAdd(arg(0), arg(1), -1), true
	case ir.OpNeg:
		return ratScale(arg(0), -1), true
	case ir.OpMul:
		return ratMul(arg(0), arg(1)), true
	case ir.OpDiv:
		return ratDiv(arg(0), arg(1))
	case ir.OpPow:
		if k, ok := a.g.ConstValue(n.Args[1]); ok && k == math.Trunc(k) && math.Abs(k) <= maxPow {
			return ratPow(arg(0), int(k))
		}
	}
	return ratAtom(x), true
}

func ratScale(r rat, s float64) rat {
	num := poly{}
	num.addTo(r.num, s)
	return rat{num, r.den}
}

func ratAdd(x, y rat, s float64) rat {
	if polyEqualExact(x.den, y.den) {
		num := x.num.clone()
		num.addTo(y.num, s)
		return normRat(rat{num, x.den})
	}
	num := polyMul(x.num, y.den)
	num.addTo(polyMul(y.num, x.den), s)
	return normRat(rat{num, polyMul(x.den, y.den)})
}

func ratMul(x, y rat) rat {
	return normRat(rat{polyMul(x.num, y.num), polyMul(x.den, y.den)})
}

func ratInv(x rat) (rat, bool) {
	if x.num.isZero() {
		return rat{}, false
	}
	return normRat(rat{x.den, x.num}), true
}

func ratDiv(x, y rat) (rat, bool) {
	inv, ok := ratInv(y)
	if !ok {
		return rat{}, false
	}
	return ratMul(x, inv), true
}

func ratPow(x rat, k int) (rat, bool) {
	if k < 0 {
		inv, ok := ratInv(x)
		if !ok {
			return rat{}, false
		}
		x, k = inv, -k
	}
	r := ratConst(1)
	for i := 0; i < k; i++ {
		r = ratMul(r, x)
		if len(r.num) > algLimit || len(r.den) > algLimit {
			return rat{}, false
		}
	}
	return r, true
}

// normRat moves a one-term denominator into the numerator (Laurent
// monomials may have negative exponents), so a polynomial has den 1.
func normRat(r rat) rat {
	t, ok := r.den.single()
	if !ok || t.c == 0 {
		return r
	}
	inv := make([]factor, len(t.fac))
	for i, f := range t.fac {
		inv[i] = factor{f.base, -f.exp}
	}
	num := poly{}
	for _, x := range r.num {
		f := mulFac(x.fac, inv)
		k := facKey(f)
		num[k] = &pterm{fac: f, c: x.c / t.c, mag: x.mag / math.Abs(t.c)}
	}
	return rat{num, constPoly(1)}
}

func polyEqualExact(p, q poly) bool {
	if len(p) != len(q) {
		return false
	}
	for k, t := range p {
		u, ok := q[k]
		if !ok || u.c != t.c {
			return false
		}
	}
	return true
}

// equal reports whether x ≡ y.
func ratEqual(x, y rat) bool {
	d := polyMul(x.num, y.den)
	d.addTo(polyMul(y.num, x.den), -1)
	return d.isZero()
}

// isZero reports whether x ≡ 0.
func (x rat) isZero() bool { return x.num.isZero() }

// ratio returns λ with x ≡ λ·y, if there is one.
func ratio(x, y rat) (float64, bool) {
	p := polyMul(x.num, y.den)
	q := polyMul(y.num, x.den)
	if q.isZero() {
		return 0, false
	}
	var best *pterm
	bk := ""
	for _, k := range q.keys() {
		if t := q[k]; best == nil || math.Abs(t.c) > math.Abs(best.c) {
			best, bk = t, k
		}
	}
	l := 0.0
	if pt, ok := p[bk]; ok {
		l = pt.c / best.c
	}
	d := p.clone()
	d.addTo(q, -l)
	if !d.isZero() {
		return 0, false
	}
	return l, true
}

// names returns the state, param and input names an atom reads.
func (a *algebra) names(atom ir.NodeID) map[string]bool {
	if r, ok := a.refs[atom]; ok {
		return r
	}
	r := map[string]bool{}
	for _, x := range a.g.Refs(atom) {
		if n := a.g.Node(x); n.Op.IsRef() {
			r[n.Name] = true
		}
	}
	a.refs[atom] = r
	return r
}

// readsAny reports whether any atom of x reads one of the names; it
// returns the first such name (in sorted order of the names).
func (a *algebra) readsAny(x rat, names map[string]bool) (string, bool) {
	var found []string
	for _, p := range []poly{x.num, x.den} {
		for _, t := range p {
			for _, f := range t.fac {
				for n := range a.names(f.base) {
					if names[n] {
						found = append(found, n)
					}
				}
			}
		}
	}
	if len(found) == 0 {
		return "", false
	}
	sort.Strings(found)
	return found[0], true
}

// linearIn decomposes x as rest + Σ coef[v]·v over the state names vars.
// It fails (reason non-empty) if a var is in the denominator, inside an
// atom other than its own reference, multiplied by another var or raised
// to a power other than 1.
func (a *algebra) linearIn(x rat, vars map[string]bool) (coef map[string]rat, rest rat, reason string) {
	parts, restNum, reason := a.linearParts(x, vars)
	if reason != "" {
		return nil, rat{}, reason
	}
	coef = map[string]rat{}
	for v, p := range parts {
		coef[v] = normRat(rat{p, x.den})
	}
	return coef, normRat(rat{restNum, x.den}), ""
}

// linearParts is linearIn with the coefficients as numerators over x.den.
func (a *algebra) linearParts(x rat, vars map[string]bool) (parts map[string]poly, restNum poly, reason string) {
	if name, ok := a.readsAny(rat{x.den, constPoly(1)}, vars); ok {
		return nil, nil, name + " appears in a denominator"
	}
	parts = map[string]poly{}
	restNum = poly{}
	for _, k := range x.num.keys() {
		t := x.num[k]
		at := -1
		for i, f := range t.fac {
			n := a.g.Node(f.base)
			if n.Op == ir.OpState && vars[n.Name] {
				if at >= 0 {
					return nil, nil, a.g.Node(t.fac[at].base).Name + " is multiplied by " + n.Name
				}
				if f.exp != 1 {
					return nil, nil, n.Name + " is raised to a power"
				}
				at = i
				continue
			}
			if name, ok := a.readsAny(rat{atomPoly(f.base), constPoly(1)}, vars); ok {
				return nil, nil, name + " appears inside " + a.g.Op(f.base).String() + "(…)"
			}
		}
		if at < 0 {
			restNum.addTo(poly{k: t}, 1)
			continue
		}
		v := a.g.Node(t.fac[at].base).Name
		rf := append(append([]factor{}, t.fac[:at]...), t.fac[at+1:]...)
		p := parts[v]
		if p == nil {
			p = poly{}
			parts[v] = p
		}
		p.addTo(poly{facKey(rf): &pterm{fac: rf, c: t.c, mag: t.mag}}, 1)
	}
	return parts, restNum, ""
}

// node builds x as an (uncanonical) expression of the graph.
func (a *algebra) node(x rat) ir.NodeID {
	num := a.polyNode(x.num)
	if x.den.isOne() {
		return num
	}
	return a.g.Div(num, a.polyNode(x.den))
}

func (a *algebra) polyNode(p poly) ir.NodeID {
	g := a.g
	var terms []ir.NodeID
	for _, k := range p.keys() {
		t := p[k]
		x := g.Const(t.c)
		for _, f := range t.fac {
			b := f.base
			if f.exp != 1 {
				b = g.Pow(b, g.Const(float64(f.exp)))
			}
			x = g.Mul(x, b)
		}
		terms = append(terms, x)
	}
	if len(terms) == 0 {
		return g.Const(0)
	}
	return g.Sum(terms...)
}
