package interp

import (
	"math"
	"math/rand/v2"
	"testing"

	"snnc/instance"
	"snnc/internal/units"
	"snnc/ir"
)

// TestProgramsMatchGraphEval compiles random expressions over states,
// homogeneous and heterogeneous params, an input and time (with the
// simplifier), runs them over neurons in chunks, and compares every value
// with the IR's own node-by-node evaluation (ir.Graph.Eval with math's
// functions). The two differ only by the documented roundings (reciprocal
// multiplication, fast exp), so values agree to ~1e-12 relative.
func TestProgramsMatchGraphEval(t *testing.T) {
	for seed := uint64(11); seed < 14; seed++ {
		programsMatchGraphEval(t, seed)
	}
}

func programsMatchGraphEval(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 12))
	const n = 300 // one full chunk and a partial one
	u := ir.NewUnit("rnd")
	g := u.G
	u.AddParam("ph", units.Dim{}, g.Const(0.75)) // homogeneous
	u.AddParam("pv", units.Dim{}, g.Const(0))    // heterogeneous (set below)
	u.AddInput("I", units.Dim{})
	for _, s := range []string{"x", "y", "z"} {
		u.AddState(s, units.Dim{}, g.Const(0)).SetIntegrator(g.Const(0))
	}
	pv := make([]float64, n)
	for i := range pv {
		pv[i] = r.Float64()*4 - 2
	}
	pop := &instance.Pop{Name: "p", N: n, Unit: u, Params: []instance.Value{{Scalar: 0.75}, {Vec: pv}}}
	arr := &popArrays{params: [][]float64{nil, pv}}
	for range u.States {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.Float64()*4 - 2
		}
		arr.states = append(arr.states, v)
	}
	in := make([]float64, n)
	for i := range in {
		in[i] = r.Float64()*4 - 2
	}
	arr.inputs = [][]float64{in}
	const tNow = 0.37

	leaves := []func() ir.NodeID{
		func() ir.NodeID { return u.S("x") },
		func() ir.NodeID { return u.S("y") },
		func() ir.NodeID { return u.S("z") },
		func() ir.NodeID { return u.P("ph") },
		func() ir.NodeID { return u.P("pv") },
		func() ir.NodeID { return u.I("I") },
		func() ir.NodeID { return u.T() },
		func() ir.NodeID { return g.Const(math.Round((r.Float64()*6-3)*8) / 8) },
		func() ir.NodeID { return g.Const(0) },
		func() ir.NodeID { return g.Const(1) },
	}
	var gen func(depth int) ir.NodeID
	gen = func(depth int) ir.NodeID {
		if depth == 0 || r.IntN(5) == 0 {
			return leaves[r.IntN(len(leaves))]()
		}
		a := gen(depth - 1)
		switch r.IntN(16) {
		case 0, 1:
			return g.Add(a, gen(depth-1))
		case 2, 3:
			return g.Sub(a, gen(depth-1))
		case 4, 5:
			return g.Mul(a, gen(depth-1))
		case 6: // safe division
			return g.Div(a, g.Add(g.Const(1.5), g.Abs(gen(depth-1))))
		case 7:
			return g.Div(gen(depth-1), g.Const(float64(r.IntN(7)+1)*0.1))
		case 8:
			return g.Neg(a)
		case 9:
			return g.Exp(g.Tanh(a))
		case 10:
			return g.Exprel(g.Mul(g.Tanh(a), g.Const(3)))
		case 11:
			return g.Pow(g.Tanh(a), g.Const(float64(r.IntN(4)+1)))
		case 12:
			return g.Sqrt(g.Abs(a))
		case 13:
			return g.Log(g.Add(g.Const(1), g.Abs(a)))
		case 14:
			return g.Sin(a)
		default:
			return g.Max(a, gen(depth-1))
		}
	}
	var roots []ir.NodeID
	for len(roots) < 200 {
		roots = append(roots, gen(6))
	}
	clone := g.Clone()
	b := &binding{pop: pop, liveInputs: []bool{true}}
	simple := simplify(clone, roots, b.constOf)
	pg, err := compile(clone, simple, b)
	if err != nil {
		t.Fatal(err)
	}
	pg.setTime(tNow)
	vecs := make([][]float64, pg.slots())
	bufs := make([][]float64, pg.nbuf)
	for i := range bufs {
		bufs[i] = make([]float64, chunkSize)
	}
	got := make([][]float64, len(roots))
	for lo := 0; lo < n; lo += chunkSize {
		hi := min(lo+chunkSize, n)
		pg.run(arr, lo, hi, vecs, bufs)
		for j := range roots {
			v, sc := pg.out(j, vecs)
			for i := lo; i < hi; i++ {
				if v != nil {
					got[j] = append(got[j], v[i-lo])
				} else {
					got[j] = append(got[j], sc)
				}
			}
		}
	}
	worst := 0.0
	for i := 0; i < n; i++ {
		leaf := func(nd ir.Node, _ []float64) float64 {
			switch nd.Op {
			case ir.OpState:
				return arr.states[pop.StateIndex(nd.Name)][i]
			case ir.OpParam:
				v, _ := pop.Param(nd.Name)
				return v.At(i)
			case ir.OpInput:
				return in[i]
			case ir.OpTime:
				return tNow
			}
			t.Fatalf("leaf %v", nd.Op)
			return 0
		}
		for j, root := range roots {
			want := g.Eval(root, leaf)
			d := math.Abs(got[j][i]-want) / math.Max(1, math.Abs(want))
			if !(d <= 1e-11) {
				t.Fatalf("expression %d, neuron %d: program %.17g, Graph.Eval %.17g", j, i, got[j][i], want)
			}
			worst = math.Max(worst, d)
		}
	}
	t.Logf("%d random expressions × %d neurons: %d vector instructions, largest relative difference %.2g", len(roots), n, len(pg.code), worst)
}
