package passes

import (
	"math"
	"math/rand"
	"testing"

	"snnc/ir"
)

// randExpr builds a random expression of depth ≤ d in g.
func randExpr(r *rand.Rand, g *ir.Graph, d int) ir.NodeID {
	leaves := func() ir.NodeID {
		switch r.Intn(7) {
		case 0:
			consts := []float64{0, 1, -1, 2, 0.5, 3, 10, 1e-3, -4, 0.1}
			return g.Const(consts[r.Intn(len(consts))])
		case 1:
			return g.Ref(ir.OpParam, []string{"a", "b", "c"}[r.Intn(3)])
		case 2:
			return g.Ref(ir.OpInput, "I")
		case 3:
			return g.Time()
		default:
			return g.Ref(ir.OpState, []string{"x", "y", "z"}[r.Intn(3)])
		}
	}
	if d == 0 || r.Intn(5) == 0 {
		return leaves()
	}
	sub := func() ir.NodeID { return randExpr(r, g, d-1) }
	switch r.Intn(22) {
	case 0, 1, 2:
		return g.Add(sub(), sub())
	case 3, 4:
		return g.Sub(sub(), sub())
	case 5, 6, 7:
		return g.Mul(sub(), sub())
	case 8, 9:
		return g.Div(sub(), sub())
	case 10:
		return g.Neg(sub())
	case 11:
		ks := []float64{2, 3, 4, -1, -2, 0, 1, 0.5}
		return g.Pow(sub(), g.Const(ks[r.Intn(len(ks))]))
	case 12:
		return g.Exp(g.Div(sub(), g.Const(10)))
	case 13:
		return g.Exprel(sub())
	case 14:
		return g.Sin(sub())
	case 15:
		return g.Abs(sub())
	case 16:
		return g.Min(sub(), sub())
	case 17:
		return g.Max(sub(), g.Max(sub(), sub()))
	case 18:
		return g.Select(g.Gt(sub(), sub()), sub(), sub())
	case 19:
		return g.And(g.Lt(sub(), sub()), g.And(g.Gt(sub(), sub()), g.Ne(sub(), sub())))
	case 20:
		x := sub()
		return g.Sub(g.Add(x, sub()), x) // cancellation
	default:
		x := sub()
		return g.Div(g.Mul(x, sub()), x)
	}
}

// evalScale evaluates id at the leaf values and returns its value and the
// largest magnitude of any subexpression (a bound for round-off); the
// scale is NaN if an intermediate is not finite or a comparison is decided
// by round-off (canonicalize assumes neither).
func evalScale(g *ir.Graph, id ir.NodeID, leaf map[string]float64) (float64, float64) {
	scale, bad := 0.0, false
	vals := map[ir.NodeID]float64{}
	tiny := map[ir.NodeID]bool{}
	for _, x := range g.PostOrder(id) {
		n := g.Node(x)
		info := n.Op.Info()
		var v float64
		switch {
		case n.Op == ir.OpConst:
			v = n.Val
		case n.Op == ir.OpTime:
			v = leaf["t"]
		case n.Op.IsRef():
			v = leaf[n.Name]
		default:
			args := make([]float64, info.Arity)
			for i := range args {
				args[i] = vals[n.Args[i]]
			}
			v = info.Eval(args)
			switch n.Op {
			case ir.OpAdd, ir.OpSub:
				// a result cancelled to (almost) zero by round-off
				if m := math.Max(math.Abs(args[0]), math.Abs(args[1])); math.Abs(v) <= 1e-9*m {
					tiny[x] = true
				}
			case ir.OpDiv:
				if tiny[n.Args[1]] {
					bad = true
				}
			case ir.OpPow:
				if tiny[n.Args[0]] && args[1] < 0 {
					bad = true
				}
			}
			if info.Cost == ir.CostCmp && info.Arity == 2 && n.Op != ir.OpAnd && n.Op != ir.OpOr &&
				math.Abs(args[0]-args[1]) <= 1e-9*math.Max(1, math.Abs(args[0])) {
				bad = true
			}
		}
		vals[x] = v
		if math.IsNaN(v) || math.IsInf(v, 0) {
			bad = true
		}
		scale = math.Max(scale, math.Abs(v))
	}
	if bad {
		scale = math.NaN()
	}
	return vals[id], scale
}

func TestCanonRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	checked, n := 0, 3000
	if testing.Short() {
		n = 500
	}
	for i := 0; i < n; i++ {
		src := ir.NewGraph()
		e := randExpr(r, src, 5)
		out := ir.NewGraph()
		c := newCanon(out)
		ce := c.Expr(src, e)
		// idempotent in the same graph and in a fresh one
		if again := c.Expr(out, ce); again != ce {
			t.Fatalf("#%d: not idempotent:\n  %s\n  %s\n  %s", i, exprString(src, e, 0), exprString(out, ce, 0), exprString(out, again, 0))
		}
		c2 := newCanon(ir.NewGraph())
		ce2 := c2.Expr(out, ce)
		if a, b := exprString(out, ce, 0), exprString(c2.out, ce2, 0); a != b {
			t.Fatalf("#%d: not idempotent in a fresh graph:\n  %s\n  %s", i, a, b)
		}
		for k := 0; k < 5; k++ {
			leaf := map[string]float64{}
			for _, name := range []string{"a", "b", "c", "x", "y", "z", "I", "t"} {
				leaf[name] = r.NormFloat64() * 3
			}
			v0, s0 := evalScale(src, e, leaf)
			v1, _ := evalScale(out, ce, leaf)
			// canonicalize assumes finite intermediates: skip points where
			// the original overflows or divides by zero anywhere
			if math.IsNaN(s0) || math.IsInf(s0, 0) || s0 > 1e8 {
				continue
			}
			checked++
			tol := 1e-9 * math.Max(1, s0)
			if math.IsNaN(v1) || math.Abs(v0-v1) > tol {
				t.Fatalf("#%d: value changed: %g -> %g (scale %g)\n  %s\n  %s", i, v0, v1, s0, exprString(src, e, 0), exprString(out, ce, 0))
			}
		}
	}
	if checked < n {
		t.Fatalf("only %d points checked", checked)
	}
}

func canonString(t *testing.T, build func(g *ir.Graph) ir.NodeID) string {
	t.Helper()
	src := ir.NewGraph()
	e := build(src)
	c := newCanon(ir.NewGraph())
	return exprString(c.out, c.Expr(src, e), 0)
}

func TestCanonRules(t *testing.T) {
	p := func(g *ir.Graph, n string) ir.NodeID { return g.Ref(ir.OpParam, n) }
	s := func(g *ir.Graph, n string) ir.NodeID { return g.Ref(ir.OpState, n) }
	k := func(g *ir.Graph, v float64) ir.NodeID { return g.Const(v) }
	cases := []struct {
		name  string
		build func(g *ir.Graph) ir.NodeID
		want  string
	}{
		{"fold", func(g *ir.Graph) ir.NodeID { return g.Mul(k(g, 2), g.Add(k(g, 3), k(g, 4))) }, "14"},
		{"x+0", func(g *ir.Graph) ir.NodeID { return g.Add(s(g, "x"), k(g, 0)) }, "x"},
		{"x*1", func(g *ir.Graph) ir.NodeID { return g.Mul(k(g, 1), s(g, "x")) }, "x"},
		{"x*0 safe", func(g *ir.Graph) ir.NodeID { return g.Mul(s(g, "x"), k(g, 0)) }, "0"},
		{"x*0 unsafe", func(g *ir.Graph) ir.NodeID { return g.Mul(g.Exp(s(g, "x")), k(g, 0)) }, "0*exp(x)"},
		{"x-x", func(g *ir.Graph) ir.NodeID { return g.Sub(s(g, "x"), s(g, "x")) }, "0"},
		{"--x", func(g *ir.Graph) ir.NodeID { return g.Neg(g.Neg(s(g, "x"))) }, "x"},
		{"neg const", func(g *ir.Graph) ir.NodeID { return g.Neg(k(g, 3)) }, "-3"},
		{"(a/b)/(c/b)", func(g *ir.Graph) ir.NodeID {
			return g.Div(g.Div(p(g, "a"), p(g, "b")), g.Div(p(g, "c"), p(g, "b")))
		}, "a/c"},
		{"order", func(g *ir.Graph) ir.NodeID { return g.Add(s(g, "y"), g.Add(s(g, "x"), p(g, "a"))) }, "a + x + y"},
		{"like terms", func(g *ir.Graph) ir.NodeID { return g.Add(s(g, "x"), g.Mul(k(g, 2), s(g, "x"))) }, "3*x"},
		{"pow kept", func(g *ir.Graph) ir.NodeID { return g.Mul(s(g, "x"), g.Mul(s(g, "x"), s(g, "x"))) }, "x^3"},
		{"x/x", func(g *ir.Graph) ir.NodeID { return g.Div(g.Add(s(g, "x"), p(g, "a")), g.Add(p(g, "a"), s(g, "x"))) }, "1"},
		{"distribute const", func(g *ir.Graph) ir.NodeID {
			return g.Div(g.Neg(g.Add(g.Div(s(g, "V"), k(g, 0.001)), k(g, 40))), k(g, 10))
		}, "-100*V - 4"},
		{"sign of sum base", func(g *ir.Graph) ir.NodeID {
			return g.Div(k(g, -1), g.Div(g.Sub(g.Neg(p(g, "a")), p(g, "b")), p(g, "c")))
		}, "c/(a + b)"},
		{"1-x base", func(g *ir.Graph) ir.NodeID { return g.Div(s(g, "x"), g.Sub(k(g, 1), p(g, "d"))) }, "x/(1 - d)"},
		{"no NaN fold", func(g *ir.Graph) ir.NodeID { return g.Div(k(g, 1), k(g, 0)) }, "1/0"},
		{"no Inf fold", func(g *ir.Graph) ir.NodeID { return g.Exp(k(g, 1000)) }, "exp(1000)"},
		{"and chain", func(g *ir.Graph) ir.NodeID {
			return g.And(g.Gt(s(g, "z"), p(g, "a")), g.And(g.Gt(s(g, "x"), p(g, "a")), g.Gt(s(g, "y"), p(g, "a"))))
		}, "x > a && y > a && z > a"},
		{"select const", func(g *ir.Graph) ir.NodeID { return g.Select(k(g, 1), s(g, "x"), s(g, "y")) }, "x"},
		{"min same", func(g *ir.Graph) ir.NodeID { return g.Min(s(g, "x"), s(g, "x")) }, "x"},
		{"abs(-x)", func(g *ir.Graph) ir.NodeID { return g.Abs(g.Neg(s(g, "x"))) }, "abs(x)"},
		{"sin(-x)", func(g *ir.Graph) ir.NodeID { return g.Sin(g.Neg(s(g, "x"))) }, "-sin(x)"},
		{"pow 0", func(g *ir.Graph) ir.NodeID { return g.Pow(s(g, "x"), k(g, 0)) }, "1"},
		{"pow half", func(g *ir.Graph) ir.NodeID { return g.Pow(s(g, "x"), k(g, 0.5)) }, "x^0.5"},
	}
	for _, tc := range cases {
		if got := canonString(t, tc.build); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestCanonCSE: structurally equal expressions built in different orders
// canonicalize to one node.
func TestCanonCSE(t *testing.T) {
	src := ir.NewGraph()
	a, b, x := src.Ref(ir.OpParam, "a"), src.Ref(ir.OpParam, "b"), src.Ref(ir.OpState, "x")
	e1 := src.Mul(src.Add(a, x), src.Exp(src.Mul(b, x)))
	e2 := src.Mul(src.Exp(src.Mul(x, b)), src.Add(x, a))
	c := newCanon(ir.NewGraph())
	if c.Expr(src, e1) != c.Expr(src, e2) {
		t.Fatalf("not shared: %s vs %s", exprString(c.out, c.Expr(src, e1), 0), exprString(c.out, c.Expr(src, e2), 0))
	}
}
