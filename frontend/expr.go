package frontend

import (
	"fmt"
	"math"
	"strings"

	"snnc/internal/textdist"
	"snnc/internal/units"
	"snnc/ir"
)

// This file checks and lowers expressions in one walk: each expression
// gets a dimension, a kind (quantity or truth value), its compile-time
// value when it has one, and an IR node in the graph of the declaration
// being lowered.

type valKind uint8

const (
	kBad    valKind = iota // an error was reported; suppress follow-on errors
	kQty                   // a physical quantity
	kBool                  // a truth value (comparisons, && || !)
	kString                // a string literal
	kList                  // a list literal
)

// val is a checked expression.
type val struct {
	kind    valKind
	dim     units.Dim
	node    ir.NodeID // in the scope's graph; ir.NoNode for strings and lists
	isConst bool      // known at compile time (no refs, no random draws)
	c       float64   // the value when isConst (SI)
	random  bool      // contains a random draw
	unit    string    // how the user spelled the unit, for messages ("mV")
	str     string    // kString
	elems   []val     // kList
}

var bad = val{kind: kBad, node: ir.NoNode}

// show names a value's dimension for a message: the user's unit word and
// the dimension's name, e.g. "mV (voltage)", "1 (dimensionless)".
func (v val) show() string {
	u := v.unit
	if u == "" {
		u = v.dim.String()
	}
	if v.kind == kBool {
		return "a truth value"
	}
	return fmt.Sprintf("%s (%s)", u, v.dim.Name())
}

// scope resolves names for the expressions of one declaration.
type scope struct {
	c           *checker
	g           *ir.Graph
	resolve     func(id *Ident) (val, bool) // declarations visible here
	allowRandom string                      // "" forbids uniform/normal; else a description for messages
	what        string                      // what is being checked, for messages
}

// builtin functions: name → arity and checker.
type builtin struct {
	arity int
	op    ir.Op
	// check returns the result dimension, or an error message.
	check func(args []val) (units.Dim, string)
}

func dimensionlessArgs(name string) func(args []val) (units.Dim, string) {
	return func(args []val) (units.Dim, string) {
		for _, a := range args {
			if !a.dim.IsZero() {
				return units.Dim{}, fmt.Sprintf("%s takes a dimensionless argument, found %s (write e.g. %s(V/mV))", name, a.show(), name)
			}
		}
		return units.Dim{}, ""
	}
}

func sameDimArgs(name string) func(args []val) (units.Dim, string) {
	return func(args []val) (units.Dim, string) {
		for _, a := range args[1:] {
			if a.dim != args[0].dim {
				return units.Dim{}, fmt.Sprintf("%s arguments must have the same dimension, found %s and %s", name, args[0].show(), a.show())
			}
		}
		return args[0].dim, ""
	}
}

var builtins = map[string]builtin{
	"exp":    {1, ir.OpExp, dimensionlessArgs("exp")},
	"log":    {1, ir.OpLog, dimensionlessArgs("log")},
	"sin":    {1, ir.OpSin, dimensionlessArgs("sin")},
	"cos":    {1, ir.OpCos, dimensionlessArgs("cos")},
	"tanh":   {1, ir.OpTanh, dimensionlessArgs("tanh")},
	"exprel": {1, ir.OpExprel, dimensionlessArgs("exprel")},
	"abs":    {1, ir.OpAbs, func(a []val) (units.Dim, string) { return a[0].dim, "" }},
	"sqrt": {1, ir.OpSqrt, func(a []val) (units.Dim, string) {
		d := a[0].dim
		var h units.Dim
		for i, e := range d {
			if e%2 != 0 {
				return h, fmt.Sprintf("sqrt of %s has no physical dimension (odd power)", a[0].show())
			}
			h[i] = e / 2
		}
		return h, ""
	}},
	"min":     {2, ir.OpMin, sameDimArgs("min")},
	"max":     {2, ir.OpMax, sameDimArgs("max")},
	"pow":     {2, ir.OpPow, nil}, // checked like ^
	"uniform": {2, ir.OpUniform, sameDimArgs("uniform")},
	"normal":  {2, ir.OpNormal, sameDimArgs("normal")},
}

// expr checks and lowers e.
func (s *scope) expr(e Expr) val {
	switch e := e.(type) {
	case nil:
		return bad
	case *BadExpr:
		return bad
	case *NumberLit:
		return s.constant(e.Value, units.Dim{}, "1")
	case *QuantityLit:
		u, ok := s.c.unitOf(e.Unit)
		if !ok {
			return bad
		}
		x, err := units.ScaleDecimal(e.Number.Raw, u.Pow10)
		if err != nil {
			x = e.Number.Value * u.Scale
		}
		if math.IsInf(x, 0) || (x == 0 && e.Number.Value != 0) {
			s.c.errorf(e.Number.Pos(), "number out of range: %s %s is not representable as a 64-bit float in SI units", e.Number.Raw, e.Unit.String())
			return bad
		}
		return s.constant(x, u.Dim, e.Unit.String())
	case *StringLit:
		return val{kind: kString, node: ir.NoNode, str: e.Value}
	case *Ident:
		if v, ok := s.resolve(e); ok {
			return v
		}
		if u, ok := units.Lookup(e.Name); ok {
			return s.constant(u.Scale, u.Dim, e.Name)
		}
		if _, ok := builtins[e.Name]; ok {
			s.c.errorf(e.Pos(), "%s is a function; call it as %s(…)", e.Name, e.Name)
			return bad
		}
		s.c.errorf(e.Pos(), "undefined: %s%s", e.Name, s.c.suggest(e.Name))
		return bad
	case *ParenExpr:
		return s.expr(e.X)
	case *UnaryExpr:
		return s.unary(e)
	case *BinaryExpr:
		return s.binary(e)
	case *CallExpr:
		return s.call(e)
	case *ListExpr:
		v := val{kind: kList, node: ir.NoNode}
		for _, x := range e.Elems {
			v.elems = append(v.elems, s.expr(x))
		}
		return v
	}
	panic(fmt.Sprintf("frontend: unexpected expression %T", e))
}

// qty checks e and requires a quantity (not a truth value, string or list).
func (s *scope) qty(e Expr) val {
	v := s.expr(e)
	switch v.kind {
	case kBool:
		s.c.errorf(e.Pos(), "expected a quantity, found a truth value")
		return bad
	case kString:
		s.c.errorf(e.Pos(), "expected a quantity, found a string")
		return bad
	case kList:
		s.c.errorf(e.Pos(), "expected a quantity, found a list")
		return bad
	}
	return v
}

// cond checks e and requires a truth value.
func (s *scope) cond(e Expr) val {
	v := s.expr(e)
	switch v.kind {
	case kBad, kBool:
		return v
	}
	s.c.errorf(e.Pos(), "expected a condition (a comparison such as V > Vth), found %s", v.show())
	return bad
}

func (s *scope) constant(x float64, d units.Dim, unit string) val {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return val{kind: kQty, dim: d, node: s.g.Const(0), unit: unit, isConst: true}
	}
	return val{kind: kQty, dim: d, node: s.g.Const(x), isConst: true, c: x, unit: unit}
}

// apply builds op(args) and folds it when every argument is constant.
func (s *scope) apply(pos Pos, op ir.Op, d units.Dim, kind valKind, args ...val) val {
	v := val{kind: kind, dim: d}
	ids := make([]ir.NodeID, len(args))
	allConst := true
	cs := make([]float64, len(args))
	for i, a := range args {
		ids[i] = a.node
		cs[i] = a.c
		allConst = allConst && a.isConst
		v.random = v.random || a.random
	}
	info := op.Info()
	if info.Random {
		v.random = true
		allConst = false
	}
	if allConst && info.Eval != nil {
		x := info.Eval(cs)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			s.c.errorf(pos, "%s is not a finite number (%s of constant arguments)", "this expression", op)
			return bad
		}
		v.isConst, v.c = true, x
		v.node = s.g.Const(x)
		return v
	}
	v.node = s.g.Apply(op, ids...)
	return v
}

func (s *scope) unary(e *UnaryExpr) val {
	switch e.Op {
	case NOT:
		x := s.cond(e.X)
		if x.kind == kBad {
			return bad
		}
		return s.apply(e.Pos(), ir.OpNot, units.Dim{}, kBool, x)
	case ADD:
		return s.qty(e.X)
	case SUB:
		x := s.qty(e.X)
		if x.kind == kBad {
			return bad
		}
		r := s.apply(e.Pos(), ir.OpNeg, x.dim, kQty, x)
		r.unit = x.unit
		return r
	}
	panic("frontend: unexpected unary operator " + e.Op.String())
}

var binOps = map[Token]ir.Op{
	ADD: ir.OpAdd, SUB: ir.OpSub, MUL: ir.OpMul, QUO: ir.OpDiv, POW: ir.OpPow,
	LSS: ir.OpLt, GTR: ir.OpGt, LEQ: ir.OpLe, GEQ: ir.OpGe, EQL: ir.OpEq, NEQ: ir.OpNe,
	LAND: ir.OpAnd, LOR: ir.OpOr,
}

var opVerb = map[Token]string{ADD: "add", SUB: "subtract", LSS: "compare", GTR: "compare",
	LEQ: "compare", GEQ: "compare", EQL: "compare", NEQ: "compare"}

func (s *scope) binary(e *BinaryExpr) val {
	op := binOps[e.Op]
	switch e.Op {
	case LAND, LOR:
		x, y := s.cond(e.X), s.cond(e.Y)
		if x.kind == kBad || y.kind == kBad {
			return bad
		}
		return s.apply(e.OpPos, op, units.Dim{}, kBool, x, y)
	case POW:
		x, y := s.qty(e.X), s.qty(e.Y)
		return s.power(e.OpPos, e.Y.Pos(), x, y)
	}
	x, y := s.qty(e.X), s.qty(e.Y)
	if x.kind == kBad || y.kind == kBad {
		return bad
	}
	switch e.Op {
	case ADD, SUB:
		if x.dim != y.dim {
			s.c.errorf(e.OpPos, "cannot %s %s and %s", opVerb[e.Op], x.show(), y.show())
			return bad
		}
		r := s.apply(e.OpPos, op, x.dim, kQty, x, y)
		r.unit = x.unit
		return r
	case MUL:
		if !s.dimFits(e.OpPos, x.dim, y.dim, 1) {
			return bad
		}
		return s.apply(e.OpPos, op, x.dim.Mul(y.dim), kQty, x, y)
	case QUO:
		if y.isConst && y.c == 0 {
			s.c.errorf(e.OpPos, "division by zero")
			return bad
		}
		if !s.dimFits(e.OpPos, x.dim, y.dim, -1) {
			return bad
		}
		return s.apply(e.OpPos, op, x.dim.Div(y.dim), kQty, x, y)
	default: // comparisons
		if x.dim != y.dim {
			s.c.errorf(e.OpPos, "cannot %s %s and %s", opVerb[e.Op], x.show(), y.show())
			return bad
		}
		return s.apply(e.OpPos, op, units.Dim{}, kBool, x, y)
	}
}

// power checks x^y: the exponent is dimensionless, and a constant integer
// when the base has a dimension.
func (s *scope) power(pos, ypos Pos, x, y val) val {
	if x.kind == kBad || y.kind == kBad {
		return bad
	}
	if !y.dim.IsZero() {
		s.c.errorf(ypos, "exponent must be dimensionless, found %s", y.show())
		return bad
	}
	d := units.Dim{}
	if !x.dim.IsZero() {
		if !y.isConst || y.c != math.Trunc(y.c) || math.Abs(y.c) > 16 {
			s.c.errorf(ypos, "a quantity with dimension %s can only be raised to a constant integer power (at most 16), found %s", x.show(), describeExponent(y))
			return bad
		}
		if !s.dimFits(pos, units.Dim{}, x.dim, int(y.c)) {
			return bad
		}
		d = x.dim.Pow(int(y.c))
	}
	return s.apply(pos, ir.OpPow, d, kQty, x, y)
}

// maxDimExp bounds the exponents of a dimension (units.Dim holds int8s,
// which must not wrap around: m^256 is not dimensionless).
const maxDimExp = 32

// dimFits reports whether a·b^k keeps every exponent of the dimension
// within ±maxDimExp, and reports an error if not.
func (s *scope) dimFits(pos Pos, a, b units.Dim, k int) bool {
	for i := range a {
		if r := int(a[i]) + k*int(b[i]); r > maxDimExp || r < -maxDimExp {
			var base units.Dim
			base[i] = 1
			s.c.errorf(pos, "dimension out of range: the result has %s^%d (exponents are limited to ±%d)", base.String(), r, maxDimExp)
			return false
		}
	}
	return true
}

func describeExponent(y val) string {
	if y.isConst {
		return fmt.Sprintf("%g", y.c)
	}
	return "a non-constant exponent"
}

func (s *scope) call(e *CallExpr) val {
	name := e.Fun.Name
	b, ok := builtins[name]
	if !ok {
		s.c.errorf(e.Fun.Pos(), "unknown function %s (the functions are %s)", name, builtinList())
		return bad
	}
	if len(e.Named) > 0 {
		s.c.errorf(e.Named[0].Pos(), "%s takes no named arguments", name)
		return bad
	}
	if len(e.Args) != b.arity {
		s.c.errorf(e.Fun.Pos(), "%s takes %d argument%s, found %d", name, b.arity, plural(b.arity), len(e.Args))
		return bad
	}
	if b.op.Info().Random && s.allowRandom == "" {
		s.c.errorf(e.Fun.Pos(), "random draw %s(…) is not allowed in %s (only in population initialisers, weights and delays)", name, s.what)
		return bad
	}
	args := make([]val, len(e.Args))
	for i, a := range e.Args {
		args[i] = s.qty(a)
		if args[i].kind == kBad {
			return bad
		}
	}
	if name == "pow" {
		return s.power(e.Fun.Pos(), e.Args[1].Pos(), args[0], args[1])
	}
	d, msg := b.check(args)
	if msg != "" {
		s.c.errorf(e.Args[0].Pos(), "%s", msg)
		return bad
	}
	if name == "normal" && args[1].isConst && args[1].c < 0 {
		s.c.errorf(e.Args[1].Pos(), "normal: standard deviation must not be negative, found %s", fmtQty(args[1]))
		return bad
	}
	r := s.apply(e.Fun.Pos(), b.op, d, kQty, args...)
	if name == "uniform" || name == "normal" || name == "min" || name == "max" || name == "abs" {
		r.unit = args[0].unit
	}
	return r
}

func builtinList() string {
	return "exp, log, sqrt, sin, cos, tanh, abs, min, max, pow, exprel, uniform, normal"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// fmtQty prints a constant in the user's unit when known.
func fmtQty(v val) string {
	if v.unit != "" && v.unit != "1" {
		if u, err := units.Parse(v.unit); err == nil && u.Dim == v.dim {
			return fmt.Sprintf("%g %s", v.c/u.Scale, v.unit)
		}
	}
	if v.dim.IsZero() {
		return fmt.Sprintf("%g", v.c)
	}
	return fmt.Sprintf("%g %s", v.c, v.dim.String())
}

// unitOf resolves a unit expression, reporting unknown words.
func (c *checker) unitOf(u *UnitExpr) (units.Unit, bool) {
	res, _ := units.Parse("1")
	for i, t := range u.Terms {
		var w units.Unit
		if t.Name == "1" && i == 0 {
			w = res
		} else {
			var ok bool
			w, ok = units.Lookup(t.Name)
			if !ok {
				c.errorf(t.NamePos, "unknown unit %q (units are SI words with optional prefixes p n u m c k M G: s, Hz, V, A, ohm, S, F, m, mol, K, g)", t.Name)
				return units.Unit{}, false
			}
		}
		if p := t.Power(); p != 1 {
			if p < -16 || p > 16 {
				c.errorf(t.Caret, "unit power %d out of range (at most 16)", p)
				return units.Unit{}, false
			}
			w = w.Pow(p)
		}
		if t.Op == QUO {
			res = res.Div(w)
		} else {
			res = res.Mul(w)
		}
	}
	return res, true
}

// suggest proposes a close declared name for a misspelt one.
func (c *checker) suggest(name string) string { return suggestAmong(name, c.visibleNames) }

// suggestAmong proposes the candidate closest to a misspelt name, as
// " (did you mean X?)", or "" when none is close. A different case of the
// same word counts as distance 1 (V for v); otherwise a one-letter name has
// every other one-letter name at distance 1, so only a case variant is
// suggested for it.
func suggestAmong(name string, cands []string) string {
	best, bestD := "", 3
	for _, cand := range cands {
		d := textdist.Levenshtein(name, cand)
		if strings.EqualFold(name, cand) {
			d = 1
		}
		if d < bestD && (d < len(name) || strings.EqualFold(name, cand)) {
			best, bestD = cand, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}
