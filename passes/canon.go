package passes

import (
	"fmt"
	"math"
	"sort"

	"snnc/ir"
)

// This file is the expression half of canonicalize: it rewrites an
// expression DAG into a normal form in an output graph. docs/passes.md
// describes the form; in short, an expression is read as a *sum of terms*,
// each term a coefficient times a *product of factors* base^k (k a nonzero
// integer), where a base is a leaf, a function application with canonical
// arguments, or a sum that does not distribute (a sum multiplied by
// something that is not a constant). Sums and products are flattened, like
// terms and like factors collected, constants folded (never to NaN or
// ±Inf), terms and factors sorted by a structural order, and the result is
// rebuilt as binary add/sub/mul/div/neg/pow nodes in one deterministic
// shape. Reading that shape back gives the same sum, so canonicalizing is
// idempotent, and because the output graph is hash-consed, equal canonical
// expressions are one node.

// factor is base^exp with exp a nonzero integer. base is a node of the
// output graph.
type factor struct {
	base ir.NodeID
	exp  int
}

// term is coef · Π factors (factors sorted by base, bases distinct).
type term struct {
	coef float64
	fac  []factor
}

// nf is the normal form of an expression: c0 + Σ terms, terms sorted and
// distinct (no two with the same factor list). A term's coefficient is
// never 0 unless its product is unsafe to drop (see safe).
type nf struct {
	c0    float64
	terms []term
}

func constNF(v float64) nf {
	if v == 0 {
		v = 0 // no negative zero
	}
	return nf{c0: v}
}

func (a nf) isConst() bool { return len(a.terms) == 0 }
func (a nf) isZero() bool  { return len(a.terms) == 0 && a.c0 == 0 }

// canon rewrites expressions into canonical form in the graph out.
type canon struct {
	out   *ir.Graph
	memo  map[*ir.Graph]map[ir.NodeID]nf
	node  map[*ir.Graph]map[ir.NodeID]ir.NodeID // canonical node of a source node
	cmpM  map[[2]ir.NodeID]int
	safeM map[ir.NodeID]bool
}

func newCanon(out *ir.Graph) *canon {
	return &canon{
		out:   out,
		memo:  map[*ir.Graph]map[ir.NodeID]nf{},
		node:  map[*ir.Graph]map[ir.NodeID]ir.NodeID{},
		cmpM:  map[[2]ir.NodeID]int{},
		safeM: map[ir.NodeID]bool{},
	}
}

// Expr returns the canonical form of expression id of graph src, as a node
// of the output graph (src may be the output graph itself).
func (c *canon) Expr(src *ir.Graph, id ir.NodeID) ir.NodeID {
	if id == ir.NoNode {
		return ir.NoNode
	}
	nm := c.node[src]
	if nm == nil {
		nm = map[ir.NodeID]ir.NodeID{}
		c.node[src] = nm
	}
	if r, ok := nm[id]; ok {
		return r
	}
	r := c.build(c.nfOf(src, id))
	nm[id] = r
	if src == c.out {
		nm[r] = r
	}
	return r
}

// nfOf returns the normal form of node id of src.
func (c *canon) nfOf(src *ir.Graph, id ir.NodeID) nf {
	m := c.memo[src]
	if m == nil {
		m = map[ir.NodeID]nf{}
		c.memo[src] = m
	}
	if r, ok := m[id]; ok {
		return r
	}
	for _, x := range src.PostOrder(id) {
		if _, ok := m[x]; ok {
			continue
		}
		m[x] = c.compute(src, x, m)
	}
	return m[id]
}

// compute derives the normal form of node x from its arguments' (already
// in m).
func (c *canon) compute(src *ir.Graph, x ir.NodeID, m map[ir.NodeID]nf) nf {
	n := src.Node(x)
	info := n.Op.Info()
	arg := func(i int) nf { return m[n.Args[i]] }
	switch n.Op {
	case ir.OpConst:
		if math.IsNaN(n.Val) || math.IsInf(n.Val, 0) {
			return c.atomNF(c.out.Const(n.Val))
		}
		return constNF(n.Val)
	case ir.OpParam, ir.OpState, ir.OpInput:
		return c.atomNF(c.out.Ref(n.Op, n.Name))
	case ir.OpTime, ir.OpIndex:
		return c.atomNF(c.out.Ref(n.Op, ""))
	case ir.OpUniform, ir.OpNormal:
		// Random draws are never shared or rewritten; canonicalize does not
		// touch network graphs, so this only keeps the draw.
		return c.atomNF(c.out.Apply(n.Op, c.build(arg(0)), c.build(arg(1))))
	case ir.OpAdd:
		if r, ok := c.add(arg(0), arg(1)); ok {
			return r
		}
	case ir.OpSub:
		if r, ok := c.add(arg(0), c.scale(arg(1), -1)); ok {
			return r
		}
	case ir.OpNeg:
		return c.scale(arg(0), -1)
	case ir.OpMul:
		if r, ok := c.mul(arg(0), arg(1)); ok {
			return r
		}
	case ir.OpDiv:
		if d := arg(1); d.isConst() && d.c0 != 0 {
			// divide the coefficients (x/18 keeps 65/18 exact to the ulp)
			if r, ok := c.scaleOp(arg(0), d.c0, true); ok {
				return r
			}
		} else if inv, ok := c.inv(d); ok {
			if r, ok := c.mul(arg(0), inv); ok {
				return r
			}
		}
	case ir.OpPow:
		if k, ok := smallInt(arg(1)); ok {
			if r, ok := c.powi(arg(0), k); ok {
				return r
			}
		}
		return c.function(n.Op, []nf{arg(0), arg(1)})
	default:
		args := make([]nf, info.Arity)
		for i := range args {
			args[i] = arg(i)
		}
		return c.function(n.Op, args)
	}
	// Arithmetic that cannot be folded (a NaN/Inf or a division by zero):
	// keep the operation as an opaque base.
	args := make([]ir.NodeID, info.Arity)
	for i := range args {
		args[i] = c.build(arg(i))
	}
	return c.atomNF(c.out.Apply(n.Op, args...))
}

// maxPow bounds the integer exponents read as repeated products.
const maxPow = 64

// smallInt reports whether a is a constant integer k with |k| ≤ maxPow.
func smallInt(a nf) (int, bool) {
	if !a.isConst() || a.c0 != math.Trunc(a.c0) || math.Abs(a.c0) > maxPow {
		return 0, false
	}
	return int(a.c0), true
}

// atomNF is the normal form of a base node: 1 · id^1.
func (c *canon) atomNF(id ir.NodeID) nf {
	return nf{terms: []term{{coef: 1, fac: []factor{{id, 1}}}}}
}

// finite reports whether v is a usable coefficient.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// function is the normal form of a non-arithmetic op applied to args.
func (c *canon) function(op ir.Op, args []nf) nf {
	info := op.Info()
	allConst := info.Eval != nil
	vals := make([]float64, len(args))
	for i, a := range args {
		if !a.isConst() {
			allConst = false
		} else {
			vals[i] = a.c0
		}
	}
	if allConst {
		if v := info.Eval(vals); finite(v) {
			return constNF(v)
		}
	}
	switch op {
	case ir.OpSelect:
		if args[0].isConst() {
			if args[0].c0 != 0 {
				return args[1]
			}
			return args[2]
		}
		if c.sameNF(args[1], args[2]) {
			return args[1]
		}
	case ir.OpMin, ir.OpMax:
		if c.sameNF(args[0], args[1]) {
			return args[0]
		}
	case ir.OpAbs, ir.OpCos:
		// even: f(-x) = f(x)
		if c.leadingNegative(args[0]) {
			args[0] = c.scale(args[0], -1)
		}
	case ir.OpSin, ir.OpTanh:
		// odd: f(-x) = -f(x)
		if c.leadingNegative(args[0]) {
			return c.scale(c.function(op, []nf{c.scale(args[0], -1)}), -1)
		}
	case ir.OpPow:
		if args[1].isConst() && args[1].c0 == 1 {
			return args[0]
		}
	}
	ids := make([]ir.NodeID, len(args))
	for i, a := range args {
		ids[i] = c.build(a)
	}
	switch op {
	case ir.OpAnd, ir.OpOr, ir.OpMin, ir.OpMax:
		r := c.chain(op, ids)
		if v, ok := c.out.ConstValue(r); ok {
			return constNF(v)
		}
		if c.out.Op(r) != op { // one operand left
			return c.nfOf(c.out, r)
		}
		return c.atomNF(r)
	}
	if info.Commutative && len(ids) == 2 && c.cmp(ids[0], ids[1]) > 0 {
		ids[0], ids[1] = ids[1], ids[0]
	}
	return c.atomNF(c.out.Apply(op, ids...))
}

// chain returns op over the operands of ids, flattened through nested op
// nodes (op is associative and commutative), sorted, and rebuilt
// left-associated; min and max drop repeated operands.
func (c *canon) chain(op ir.Op, ids []ir.NodeID) ir.NodeID {
	var ops []ir.NodeID
	var flat func(id ir.NodeID)
	flat = func(id ir.NodeID) {
		if c.out.Op(id) == op {
			flat(c.out.Arg(id, 0))
			flat(c.out.Arg(id, 1))
			return
		}
		ops = append(ops, id)
	}
	for _, id := range ids {
		flat(id)
	}
	// fold the constant operands into one
	k, have := 0.0, false
	rest := ops[:0:0]
	for _, x := range ops {
		if v, ok := c.out.ConstValue(x); ok && finite(v) {
			if have {
				k = op.Info().Eval([]float64{k, v})
			} else {
				k, have = v, true
				if op == ir.OpAnd || op == ir.OpOr {
					k = b2f(v != 0)
				}
			}
			continue
		}
		rest = append(rest, x)
	}
	if have {
		switch {
		case op == ir.OpAnd && k == 0, op == ir.OpOr && k != 0:
			return c.out.Const(k) // 0 && x = 0, 1 || x = 1
		case (op == ir.OpAnd || op == ir.OpOr) && len(rest) > 0 && c.allBool(rest):
			// 1 && b = b and 0 || b = b for truth values b
		default:
			rest = append(rest, c.out.Const(k))
		}
	}
	ops = rest
	sort.SliceStable(ops, func(i, j int) bool { return c.cmp(ops[i], ops[j]) < 0 })
	if op == ir.OpMin || op == ir.OpMax {
		k := 0
		for i, x := range ops {
			if i == 0 || x != ops[k-1] {
				ops[k] = x
				k++
			}
		}
		ops = ops[:k]
	}
	r := ops[0]
	for _, x := range ops[1:] {
		r = c.out.Apply(op, r, x)
	}
	return r
}

// allBool reports whether every node is a truth value (0 or 1): a
// comparison or logic op.
func (c *canon) allBool(ids []ir.NodeID) bool {
	for _, id := range ids {
		switch c.out.Op(id) {
		case ir.OpLt, ir.OpGt, ir.OpLe, ir.OpGe, ir.OpEq, ir.OpNe, ir.OpAnd, ir.OpOr, ir.OpNot:
		default:
			return false
		}
	}
	return true
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// sameNF reports whether a and b build to the same node.
func (c *canon) sameNF(a, b nf) bool { return c.build(a) == c.build(b) }

// leadingNegative reports whether the first term of a (or its constant, if
// it has no terms) is negative.
func (c *canon) leadingNegative(a nf) bool {
	if len(a.terms) == 0 {
		return a.c0 < 0
	}
	return a.terms[0].coef < 0
}

// ---- arithmetic on normal forms ----

// scale returns k·a. Scaling by 0 keeps only terms that are unsafe to drop
// (with coefficient 0). k must be finite. If a coefficient overflows or
// underflows, the product is kept as an opaque mul node.
func (c *canon) scale(a nf, k float64) nf {
	if r, ok := c.scaleOp(a, k, false); ok {
		return r
	}
	return c.atomNF(c.out.Apply(ir.OpMul, c.out.Const(k), c.build(a)))
}

// scaleOp returns a·k, or a/k if div; false if a coefficient overflows or
// underflows.
func (c *canon) scaleOp(a nf, k float64, div bool) (nf, bool) {
	if k == 1 {
		return a, true
	}
	op := func(x float64) float64 {
		if div {
			return x / k
		}
		return x * k
	}
	r := nf{c0: op(a.c0)}
	if !finite(r.c0) || (r.c0 == 0 && a.c0 != 0 && k != 0) {
		return nf{}, false
	}
	if r.c0 == 0 {
		r.c0 = 0
	}
	for _, t := range a.terms {
		v := op(t.coef)
		if !finite(v) || (v == 0 && t.coef != 0 && k != 0) {
			return nf{}, false
		}
		if v == 0 && c.termSafe(t) {
			continue
		}
		if v == 0 {
			v = 0
		}
		r.terms = append(r.terms, term{v, t.fac})
	}
	return r, true
}

// add returns a + b, collecting like terms.
func (c *canon) add(a, b nf) (nf, bool) {
	r := nf{c0: a.c0 + b.c0}
	if !finite(r.c0) {
		return nf{}, false
	}
	if r.c0 == 0 {
		r.c0 = 0
	}
	i, j := 0, 0
	for i < len(a.terms) || j < len(b.terms) {
		var d int
		switch {
		case i == len(a.terms):
			d = 1
		case j == len(b.terms):
			d = -1
		default:
			d = c.termCmp(a.terms[i], b.terms[j])
		}
		switch {
		case d < 0:
			r.terms = append(r.terms, a.terms[i])
			i++
		case d > 0:
			r.terms = append(r.terms, b.terms[j])
			j++
		default:
			v := a.terms[i].coef + b.terms[j].coef
			if !finite(v) {
				return nf{}, false
			}
			if v != 0 || !c.termSafe(a.terms[i]) {
				if v == 0 {
					v = 0
				}
				r.terms = append(r.terms, term{v, a.terms[i].fac})
			}
			i++
			j++
		}
	}
	return r, true
}

// asProduct returns a as one product: its single term, or, for a real sum,
// sign · S^1 with S the sum normalised in sign (sumNegative).
func (c *canon) asProduct(a nf) term {
	if len(a.terms) == 1 && a.c0 == 0 {
		return a.terms[0]
	}
	sign := 1.0
	if sumNegative(a) {
		a, sign = c.scale(a, -1), -1
	}
	// content: if every coefficient has the same magnitude k, k·(x ± y)
	if k := commonMagnitude(a); k != 1 && k != 0 {
		if b, ok := c.scaleOp(a, k, true); ok {
			a, sign = b, sign*k
		}
	}
	return term{sign, []factor{{c.build(a), 1}}}
}

// commonMagnitude returns k if every coefficient of a (and its constant,
// if not 0) is ±k, else 1.
func commonMagnitude(a nf) float64 {
	k := math.Abs(a.c0)
	for _, t := range a.terms {
		v := math.Abs(t.coef)
		switch {
		case k == 0:
			k = v
		case v != k:
			return 1
		}
	}
	return k
}

// sumNegative decides the sign normalisation of a sum used as a factor:
// the sum is negated if more of its coefficients (constant included) are
// negative than positive; on a tie, if its constant is negative, or, with
// no constant, if its first term is negative. So a − b keeps its sign when
// a comes first, 1 − x stays, and −a − b becomes −(a + b).
func sumNegative(a nf) bool {
	pos, neg := 0, 0
	count := func(v float64) {
		if v > 0 {
			pos++
		} else if v < 0 {
			neg++
		}
	}
	count(a.c0)
	for _, t := range a.terms {
		count(t.coef)
	}
	switch {
	case neg != pos:
		return neg > pos
	case a.c0 != 0:
		return a.c0 < 0
	case len(a.terms) > 0:
		return a.terms[0].coef < 0
	}
	return false
}

// product returns the normal form of coef · Π fac: a constant if fac is
// empty, and a distributed sum if the product is one sum to the power 1
// (k·(a+b) = k·a + k·b).
func (c *canon) product(coef float64, fac []factor) nf {
	if len(fac) == 0 {
		return constNF(coef)
	}
	if len(fac) == 1 && fac[0].exp == 1 && isSumNode(c.out, fac[0].base) {
		return c.scale(c.nfOf(c.out, fac[0].base), coef)
	}
	if coef == 0 {
		coef = 0
		if c.termSafe(term{0, fac}) {
			return nf{}
		}
	}
	return nf{terms: []term{{coef, fac}}}
}

// isSumNode reports whether id is a canonical sum (an add or sub node).
func isSumNode(g *ir.Graph, id ir.NodeID) bool {
	op := g.Op(id)
	return op == ir.OpAdd || op == ir.OpSub
}

// mul returns a · b. Constants distribute over sums; two non-constant
// operands multiply as products (sums become bases).
func (c *canon) mul(a, b nf) (nf, bool) {
	switch {
	case a.isConst():
		return c.scaleChecked(b, a.c0)
	case b.isConst():
		return c.scaleChecked(a, b.c0)
	}
	ta, tb := c.asProduct(a), c.asProduct(b)
	coef := ta.coef * tb.coef
	if !finite(coef) || (coef == 0 && ta.coef != 0 && tb.coef != 0) {
		return nf{}, false
	}
	return c.product(coef, c.mergeFactors(ta.fac, tb.fac, 1)), true
}

func (c *canon) scaleChecked(a nf, k float64) (nf, bool) {
	if !finite(k) {
		return nf{}, false
	}
	return c.scale(a, k), true
}

// mergeFactors returns the factors of a times those of b raised to sb
// (±1), exponents of equal bases added, zero exponents dropped.
func (c *canon) mergeFactors(a, b []factor, sb int) []factor {
	var r []factor
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var d int
		switch {
		case i == len(a):
			d = 1
		case j == len(b):
			d = -1
		default:
			d = c.cmp(a[i].base, b[j].base)
		}
		switch {
		case d < 0:
			r = append(r, a[i])
			i++
		case d > 0:
			r = append(r, factor{b[j].base, sb * b[j].exp})
			j++
		default:
			if e := a[i].exp + sb*b[j].exp; e != 0 {
				r = append(r, factor{a[i].base, e})
			}
			i++
			j++
		}
	}
	return r
}

// inv returns 1/a; false for a zero constant or an unrepresentable
// coefficient.
func (c *canon) inv(a nf) (nf, bool) {
	if a.isConst() {
		if a.c0 == 0 {
			return nf{}, false
		}
		v := 1 / a.c0
		if !finite(v) || v == 0 {
			return nf{}, false
		}
		return constNF(v), true
	}
	t := c.asProduct(a)
	if t.coef == 0 {
		return nf{}, false
	}
	v := 1 / t.coef
	if !finite(v) || v == 0 {
		return nf{}, false
	}
	fac := make([]factor, len(t.fac))
	for i, f := range t.fac {
		fac[i] = factor{f.base, -f.exp}
	}
	return c.product(v, fac), true
}

// powi returns a^k for an integer k.
func (c *canon) powi(a nf, k int) (nf, bool) {
	switch {
	case k == 0:
		return constNF(1), true // Go's math.Pow(x, 0) is 1 for every x
	case k == 1:
		return a, true
	case a.isConst():
		if a.c0 == 0 && k < 0 {
			return nf{}, false
		}
		v := math.Pow(a.c0, float64(k))
		if !finite(v) || (v == 0 && a.c0 != 0) {
			return nf{}, false
		}
		return constNF(v), true
	}
	t := c.asProduct(a)
	v := math.Pow(t.coef, float64(k))
	if !finite(v) || (v == 0 && t.coef != 0) || (t.coef == 0 && k < 0) {
		return nf{}, false
	}
	fac := make([]factor, len(t.fac))
	for i, f := range t.fac {
		e := f.exp * k
		if e > maxPow*maxPow || e < -maxPow*maxPow {
			return nf{}, false
		}
		fac[i] = factor{f.base, e}
	}
	return c.product(v, fac), true
}

// ---- safety ----

// termSafe reports whether a term with coefficient 0 may be dropped: its
// product is finite whenever the leaves are (no division, no function that
// can overflow or is undefined somewhere).
func (c *canon) termSafe(t term) bool {
	for _, f := range t.fac {
		if f.exp < 0 || !c.safe(f.base) {
			return false
		}
	}
	return true
}

func (c *canon) safe(id ir.NodeID) bool {
	if r, ok := c.safeM[id]; ok {
		return r
	}
	n := c.out.Node(id)
	r := true
	switch n.Op {
	case ir.OpDiv, ir.OpExp, ir.OpExprel, ir.OpLog, ir.OpSqrt:
		r = false
	case ir.OpPow:
		k, ok := c.out.ConstValue(n.Args[1])
		r = ok && k > 0 && k == math.Trunc(k) && c.safe(n.Args[0])
	case ir.OpConst:
		r = finite(n.Val)
	default:
		for i := 0; i < n.Op.Info().Arity; i++ {
			if !c.safe(n.Args[i]) {
				r = false
				break
			}
		}
	}
	c.safeM[id] = r
	return r
}

// ---- structural order ----

// rank orders node kinds: constants, params, inputs, states, time, then
// operations (by op).
func rank(op ir.Op) int {
	switch op {
	case ir.OpConst:
		return 0
	case ir.OpParam:
		return 1
	case ir.OpInput:
		return 2
	case ir.OpState:
		return 3
	case ir.OpTime:
		return 4
	case ir.OpIndex:
		return 5
	}
	return 6 + int(op)
}

// cmp is a total order on nodes of the output graph that depends only on
// their structure (never on node ids): by kind, then value or name, then
// arguments left to right. Distinct nodes of a hash-consed graph are never
// equal under it.
func (c *canon) cmp(a, b ir.NodeID) int {
	if a == b {
		return 0
	}
	k := [2]ir.NodeID{a, b}
	if r, ok := c.cmpM[k]; ok {
		return r
	}
	r := c.cmp1(a, b)
	c.cmpM[k] = r
	c.cmpM[[2]ir.NodeID{b, a}] = -r
	return r
}

func (c *canon) cmp1(a, b ir.NodeID) int {
	na, nb := c.out.Node(a), c.out.Node(b)
	if ra, rb := rank(na.Op), rank(nb.Op); ra != rb {
		return sign(ra - rb)
	}
	switch na.Op {
	case ir.OpConst:
		switch {
		case na.Val < nb.Val:
			return -1
		case na.Val > nb.Val:
			return 1
		}
		// -0/0 or NaN: order by bits
		ba, bb := math.Float64bits(na.Val), math.Float64bits(nb.Val)
		if ba < bb {
			return -1
		} else if ba > bb {
			return 1
		}
		return 0
	case ir.OpParam, ir.OpState, ir.OpInput:
		switch {
		case na.Name < nb.Name:
			return -1
		case na.Name > nb.Name:
			return 1
		}
		return 0
	}
	for i := 0; i < na.Op.Info().Arity; i++ {
		if d := c.cmp(na.Args[i], nb.Args[i]); d != 0 {
			return d
		}
	}
	if na.Op.Info().Random { // distinct draws: by draw number
		switch {
		case na.Val < nb.Val:
			return -1
		case na.Val > nb.Val:
			return 1
		}
	}
	return 0
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// termCmp orders terms by their factor lists: factor by factor (base,
// then exponent), a shorter list first when it is a prefix.
func (c *canon) termCmp(a, b term) int {
	for i := 0; i < len(a.fac) && i < len(b.fac); i++ {
		if d := c.cmp(a.fac[i].base, b.fac[i].base); d != 0 {
			return d
		}
		if d := a.fac[i].exp - b.fac[i].exp; d != 0 {
			return sign(d)
		}
	}
	return sign(len(a.fac) - len(b.fac))
}

// sortTerms sorts terms (used when terms are assembled out of order).
func (c *canon) sortTerms(ts []term) {
	sort.SliceStable(ts, func(i, j int) bool { return c.termCmp(ts[i], ts[j]) < 0 })
}

// ---- rebuilding ----

// build returns the canonical node of a normal form.
//
// A sum starts with its first term (in term order) whose coefficient is
// positive — else with its constant if that is positive, else with its
// first term — and adds or subtracts the others in order, the constant
// last: the terms [a:-1, b:1] and the constant 3 give add(sub(b, a), 3);
// [x:-1] and 1 give sub(1, x).
func (c *canon) build(a nf) ir.NodeID {
	g := c.out
	if len(a.terms) == 0 {
		return g.Const(a.c0)
	}
	start := -1
	for i, t := range a.terms {
		if t.coef > 0 {
			start = i
			break
		}
	}
	c0 := a.c0
	var acc ir.NodeID
	switch {
	case start >= 0:
		acc = c.buildTerm(a.terms[start].coef, a.terms[start].fac)
	case c0 > 0: // only the constant is positive: c − x − y
		acc, c0 = g.Const(c0), 0
	default:
		start = 0
		acc = c.buildTerm(a.terms[0].coef, a.terms[0].fac)
	}
	for i, t := range a.terms {
		if i == start {
			continue
		}
		if t.coef < 0 {
			acc = g.Sub(acc, c.buildTerm(-t.coef, t.fac))
		} else {
			acc = g.Add(acc, c.buildTerm(t.coef, t.fac))
		}
	}
	switch {
	case c0 > 0:
		acc = g.Add(acc, g.Const(c0))
	case c0 < 0:
		acc = g.Sub(acc, g.Const(-c0))
	}
	return acc
}

// buildTerm returns the node of coef · Π fac (fac non-empty): positive
// powers times the coefficient over the negative powers:
// div(mul(k, mul(x, pow(y, 2))), z) for k·x·y²/z, neg(…) for k = -1.
func (c *canon) buildTerm(coef float64, fac []factor) ir.NodeID {
	g := c.out
	if coef == 0 {
		// a kept zero term (unsafe to drop): 0 times the whole product, so
		// that reading it back sees the same product
		return g.Mul(g.Const(0), c.buildTerm(1, fac))
	}
	num, den := ir.NoNode, ir.NoNode
	for _, f := range fac {
		e := f.exp
		p := &num
		if e < 0 {
			p, e = &den, -e
		}
		x := f.base
		if e != 1 {
			x = g.Pow(x, g.Const(float64(e)))
		}
		if *p == ir.NoNode {
			*p = x
		} else {
			*p = g.Mul(*p, x)
		}
	}
	neg := false
	switch {
	case coef == -1:
		neg = true
	case coef != 1 && num != ir.NoNode && isSumNode(g, num) && den != ir.NoNode:
		// k·S/d: written k*(S/d), because k*S would read back distributed
		return g.Mul(g.Const(coef), g.Div(num, den))
	case coef != 1:
		k := g.Const(coef)
		if num == ir.NoNode {
			num = k
		} else {
			num = g.Mul(k, num)
		}
	}
	if num == ir.NoNode {
		num = g.Const(1)
	}
	r := num
	if den != ir.NoNode {
		r = g.Div(num, den)
	}
	if neg {
		r = g.Neg(r)
	}
	return r
}

// String is a debugging aid.
func (a nf) String() string {
	s := fmt.Sprint(a.c0)
	for _, t := range a.terms {
		s += fmt.Sprintf(" + %g·%v", t.coef, t.fac)
	}
	return s
}
