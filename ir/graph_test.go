package ir

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestOpTable(t *testing.T) {
	names := make(map[string]bool)
	for _, op := range Ops() {
		info := op.Info()
		if info.Name == "" || names[info.Name] {
			t.Errorf("op %d: empty or duplicate name %q", op, info.Name)
		}
		names[info.Name] = true
		if got, ok := LookupOp(info.Name); !ok || got != op {
			t.Errorf("LookupOp(%q) = %v, %v", info.Name, got, ok)
		}
		pure := !info.Leaf && !info.Random
		if pure != (info.Eval != nil) {
			t.Errorf("op %s: pure=%v but Eval set=%v", info.Name, pure, info.Eval != nil)
		}
		if info.Leaf && info.Arity != 0 || !info.Leaf && (info.Arity < 1 || info.Arity > 3) {
			t.Errorf("op %s: arity %d", info.Name, info.Arity)
		}
		if info.Commutative && info.Arity != 2 {
			t.Errorf("op %s: commutative with arity %d", info.Name, info.Arity)
		}
		if pure && info.Cost == CostNone {
			t.Errorf("op %s: pure op without cost class", info.Name)
		}
	}
	if len(names) != int(numOps)-1 {
		t.Errorf("%d named ops, want %d", len(names), numOps-1)
	}
	if Op(200).String() != "invalid" || Op(200).Info().Name != "invalid" || Op(200).Valid() {
		t.Errorf("out-of-range op not handled")
	}
	// Commutative ops really commute.
	for _, op := range Ops() {
		info := op.Info()
		if info.Commutative {
			for _, p := range [][2]float64{{1, 2}, {-3, 0.5}, {0, 7}} {
				if a, b := info.Eval(p[:]), info.Eval([]float64{p[1], p[0]}); a != b {
					t.Errorf("%s(%v) = %v, reversed %v", info.Name, p, a, b)
				}
			}
		}
	}
}

func TestExprel(t *testing.T) {
	cases := []struct{ x, want float64 }{
		{0, 1},
		{1e-300, 1},
		{-1e-300, 1},
		{1e-10, 1.00000000005},
		{-1e-10, 0.99999999995},
		{1, math.E - 1},
		{-1, 1 - 1/math.E},
		{20, (math.Exp(20) - 1) / 20},
		{-745, 1.0 / 745},
		{math.Inf(1), math.Inf(1)},
		{math.Inf(-1), 0},
	}
	for _, c := range cases {
		got := Exprel(c.x)
		if got != c.want && math.Abs(got-c.want) > 1e-15*math.Abs(c.want) {
			t.Errorf("Exprel(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if !math.IsNaN(Exprel(math.NaN())) {
		t.Errorf("Exprel(NaN) is not NaN")
	}
	// Continuity across 0 (the HH a_m singularity at V = -40 mV).
	for _, x := range []float64{1e-8, 1e-12, 1e-16} {
		if d := math.Abs(Exprel(x) - Exprel(-x)); d > 2*x {
			t.Errorf("Exprel not continuous at %g: %g", x, d)
		}
	}
}

func TestHashConsing(t *testing.T) {
	g := NewGraph()
	a, b := g.Ref(OpState, "V"), g.Const(2)
	if g.Ref(OpState, "V") != a || g.Const(2) != b {
		t.Fatal("leaves not shared")
	}
	x := g.Add(a, b)
	if g.Add(a, b) != x {
		t.Error("add not shared")
	}
	if g.Add(b, a) == x {
		t.Error("Apply must not reorder commutative arguments")
	}
	if g.Ref(OpParam, "V") == a {
		t.Error("param V and state V are one node")
	}
	if g.Const(0) == g.Const(math.Copysign(0, -1)) {
		t.Error("0 and -0 are one node")
	}
	if g.Const(math.NaN()) != g.Const(math.Float64frombits(0x7ff8000000000123)) {
		t.Error("NaNs with different payloads are different nodes")
	}
	// No folding.
	if g.Add(g.Const(1), g.Const(2)) == g.Const(3) {
		t.Error("Apply folded constants")
	}
	// Random ops are never shared.
	u1, u2 := g.Uniform(b, b), g.Uniform(b, b)
	if u1 == u2 {
		t.Error("two uniform draws are one node")
	}
	if id, ok := g.Lookup(g.Node(u1)); !ok || id != u1 {
		t.Errorf("Lookup(random) = %v, %v", id, ok)
	}
	if id, ok := g.Lookup(g.Node(x)); !ok || id != x {
		t.Errorf("Lookup = %v, %v", id, ok)
	}
	if _, ok := g.Lookup(Node{Op: OpConst, Args: [3]NodeID{NoNode, NoNode, NoNode}, Val: 42}); ok {
		t.Error("Lookup found a node that does not exist")
	}
	for i := 0; i < g.Len(); i++ {
		n := g.Node(NodeID(i))
		for k, a := range n.Args {
			if k < n.NumArgs() && a >= NodeID(i) || k >= n.NumArgs() && a != NoNode {
				t.Errorf("node %d: bad arg slot %d = %d", i, k, a)
			}
		}
	}
}

func TestApplyPanics(t *testing.T) {
	g := NewGraph()
	c := g.Const(1)
	for name, f := range map[string]func(){
		"leaf":       func() { g.Apply(OpConst) },
		"arity":      func() { g.Apply(OpAdd, c) },
		"bad arg":    func() { g.Apply(OpNeg, 5) },
		"NoNode arg": func() { g.Apply(OpNeg, NoNode) },
		"invalid op": func() { g.Apply(Op(250), c) },
		"ref op":     func() { g.Ref(OpAdd, "x") },
		"time name":  func() { g.Ref(OpTime, "x") },
		"node range": func() { g.Node(99) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestWalkFreeRefs(t *testing.T) {
	u := buildHH()
	g := u.G
	tauV := u.State("V").Tau
	if !g.References(tauV, OpState, "m") || !g.References(tauV, OpParam, "C") {
		t.Error("tau_V should depend on m and C")
	}
	if g.References(tauV, OpInput, "I") || g.References(tauV, OpState, "V") {
		t.Error("tau_V does not depend on I or V")
	}
	if !g.Free(u.State("V").Drive, func(n Node) bool { return n.Op == OpInput }) {
		t.Error("drive_V depends on an input")
	}
	var names []string
	for _, id := range g.Refs(tauV) {
		names = append(names, g.Node(id).Name)
	}
	if want := "C gNa m h gK n gL"; joinStr(names) != want {
		t.Errorf("Refs(tau_V) = %q, want %q", joinStr(names), want)
	}
	// PostOrder: arguments before users, each node once.
	order := g.PostOrder(u.Roots()...)
	pos := make(map[NodeID]int)
	for i, id := range order {
		if _, dup := pos[id]; dup {
			t.Fatalf("node %d twice in post-order", id)
		}
		pos[id] = i
		for _, a := range g.Args(id) {
			if p, ok := pos[a]; !ok || p > i {
				t.Fatalf("argument %d of %d not before it", a, id)
			}
		}
	}
	count := 0
	g.Walk(tauV, func(NodeID, Node) { count++ })
	if count != len(g.PostOrder(tauV)) {
		t.Error("Walk and PostOrder disagree")
	}
}

func joinStr(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}

func TestSubstituteReplaceImport(t *testing.T) {
	g := NewGraph()
	V, I := g.Ref(OpState, "V"), g.Ref(OpInput, "I")
	e := g.Add(g.Mul(V, V), I)
	// Substitute V := 2, I untouched.
	two := g.Const(2)
	s := g.Substitute(e, map[string]NodeID{"V": two})
	if s != g.Add(g.Mul(two, two), I) {
		t.Error("Substitute result is not the expected node")
	}
	if g.Substitute(e, map[string]NodeID{"W": two}) != e {
		t.Error("Substitute without matches must return the same node")
	}
	// Replace a whole subexpression.
	r := g.Replace(e, map[NodeID]NodeID{g.Mul(V, V): I})
	if r != g.Add(I, I) {
		t.Error("Replace result is not the expected node")
	}
	// Import into another graph keeps structure and sharing.
	h := NewGraph()
	h.Const(99)
	x := h.Import(g, e)
	if h.Eval(x, func(n Node, _ []float64) float64 { return map[string]float64{"V": 3, "I": 1}[n.Name] }) != 10 {
		t.Error("imported expression evaluates wrongly")
	}
	if h.Import(g, e) != x {
		t.Error("importing twice should hash-cons to the same node")
	}
	if h.Import(g, NoNode) != NoNode {
		t.Error("Import(NoNode) != NoNode")
	}
	// Importing a random draw makes a new draw each time.
	d := g.Normal(two, two)
	if h.Import(g, d) == h.Import(g, d) {
		t.Error("imported random draws are shared")
	}
	// Replace of an expression with a random node under a changed argument makes a new draw.
	d2 := g.Replace(d, map[NodeID]NodeID{two: V})
	if d2 == d || g.Node(d2).Op != OpNormal || g.Node(d2).Args[0] != V {
		t.Error("Replace under a random node")
	}
}

func TestEvalAndFold(t *testing.T) {
	u := buildHH()
	g := u.G
	// a_m at V = -40 mV (the singular point) must be 1/ms.
	env := func(V float64) func(Node, []float64) float64 {
		return func(n Node, _ []float64) float64 {
			switch n.Op {
			case OpState:
				if n.Name == "V" {
					return V
				}
				return 0.5
			case OpParam:
				v, _ := g.ConstValue(u.Param(n.Name).Default)
				return v
			}
			return 0
		}
	}
	// m's init is a_m/(a_m+b_m): finite at the singular point.
	for _, V := range []float64{-0.04, -0.055, -0.065} {
		x := g.Eval(u.State("m").Init, env(V))
		if math.IsNaN(x) || x <= 0 || x >= 1 {
			t.Errorf("m_inf(%v) = %v", V, x)
		}
	}
	// m_inf at rest, by hand.
	um := -65.0
	am := 0.1 * (um + 40) / (1 - math.Exp(-(um+40)/10))
	bm := 4 * math.Exp(-(um+65)/18)
	if got, want := g.Eval(u.State("m").Init, env(-0.065)), am/(am+bm); math.Abs(got-want) > 1e-12 {
		t.Errorf("m_inf(-65 mV) = %v, want %v", got, want)
	}
	// Spike condition.
	if g.Eval(u.Spike, env(0.001)) != 1 || g.Eval(u.Spike, env(-0.001)) != 0 {
		t.Error("spike condition")
	}
	// Shared random node is one draw per Eval.
	n := NewGraph()
	r := n.Uniform(n.Const(0), n.Const(1))
	draws := 0
	v := n.Eval(n.Sub(r, r), func(Node, []float64) float64 { draws++; return 0.25 })
	if v != 0 || draws != 1 {
		t.Errorf("shared draw evaluated %d times, value %v", draws, v)
	}
	// Fold: constant subexpressions only.
	f := NewGraph()
	x := f.Ref(OpState, "x")
	e := f.Add(f.Mul(f.Const(2), f.Const(3)), f.Mul(x, f.Exp(f.Const(0))))
	got := f.Fold(e)
	if got != f.Add(f.Const(6), f.Mul(x, f.Const(1))) {
		t.Errorf("Fold gave %s", PrintUnit(&Unit{Name: "x", G: f, Spike: got, Refractory: NoNode}))
	}
	if f.Fold(f.Div(f.Const(1), f.Const(0))) == f.Const(math.Inf(1)) {
		t.Error("Fold folded to Inf")
	}
	if f.Fold(x) != x {
		t.Error("Fold changed a leaf")
	}
	rr := f.Uniform(f.Const(1), f.Const(2))
	if f.Fold(rr) != rr {
		t.Error("Fold folded a random draw")
	}
}

func TestClone(t *testing.T) {
	m := buildModule()
	before := Print(m)
	c := m.Clone()
	if !bytes.Equal(Print(c), before) {
		t.Fatal("clone prints differently")
	}
	// Mutate everything reachable in the clone.
	cu := c.Unit("hh")
	cu.G.Const(12345)
	cu.Params[0].Name = "X"
	cu.States[0].Tau = cu.G.Const(1)
	cu.Reset = append(cu.Reset, &Assign{"V", 0})
	cl := c.Unit("lif")
	cl.Reset[0].State = "ge"
	cn := c.Network("tiny")
	cn.Pop("inh").Sets[0].Values[0] = 7
	cn.Pop("exc").Sets[0].Name = "w"
	cn.Source("kick").Times[0][0] = 9
	cn.Stims[0].Wave.Args[0].Value = 3
	cn.Projections[0].Rule.P = 0.9
	cn.Records[0].Every = 1
	cn.G.Const(777)
	if !bytes.Equal(Print(m), before) {
		t.Errorf("mutating the clone changed the original:\n%s", diffLines(string(before), string(Print(m))))
	}
	if m.Unit("hh").G.Len() == cu.G.Len() {
		t.Error("graphs are shared")
	}
}

func TestLookups(t *testing.T) {
	m := buildModule()
	if m.Unit("hh") == nil || m.Unit("nope") != nil || m.Network("tiny") == nil || m.Network("x") != nil {
		t.Error("Module lookups")
	}
	u := m.Unit("lif")
	if u.Param("tau") == nil || u.Input("I") == nil || u.State("v") == nil || u.Let("x") != nil {
		t.Error("Unit lookups")
	}
	if d, ok := u.DimOf("v"); !ok || d != dimV {
		t.Error("DimOf")
	}
	n := m.Network("tiny")
	if n.Pop("exc") == nil || n.Source("kick") == nil || n.Stim("bias") == nil || n.Size("noise") != 20 || n.Size("x") != -1 {
		t.Error("Network lookups")
	}
	if n.Pop("exc").Set("tau") == nil || n.Pop("exc").Set("El") != nil {
		t.Error("Pop.Set")
	}
	if w := n.Stims[0].Wave; func() bool { v, ok := w.Arg("freq"); return !ok || v != 10 }() {
		t.Error("Wave.Arg")
	}
}

func TestRewriteCompactFormat(t *testing.T) {
	m := buildModule()
	before := Print(m)
	for _, u := range m.Units {
		u.G.Sin(u.G.Const(42)) // dead nodes
		u.Compact()
		if got := len(u.G.PostOrder(u.Roots()...)); got != u.G.Len() {
			t.Errorf("unit %s: %d reachable of %d nodes after Compact", u.Name, got, u.G.Len())
		}
	}
	for _, n := range m.Networks {
		n.G.Const(42)
		n.Compact()
	}
	if !bytes.Equal(Print(m), before) {
		t.Fatalf("Compact changed the printed form:\n%s", diffLines(string(before), string(Print(m))))
	}
	// After Compact, node ids are the printed numbers.
	hh := m.Unit("hh")
	if !strings.Contains(string(before), "spike %"+strconv.Itoa(int(hh.Spike))+"\n") {
		t.Errorf("spike node %d is not the printed number", hh.Spike)
	}
	// Rewrite with Fold: constants fold, structure otherwise kept.
	lif := m.Unit("lif")
	lif.AddLet("k", dimOne, lif.G.Mul(lif.G.Const(2), lif.G.Const(3)))
	calls := 0
	lif.Rewrite(func(id NodeID) NodeID { calls++; return lif.G.Fold(id) })
	if !lif.G.IsConst(lif.Let("k").Expr, 6) {
		t.Error("Rewrite(Fold) did not fold the let")
	}
	nonNil := 0
	for _, r := range lif.Roots() {
		if r != NoNode {
			nonNil++
		}
	}
	if calls != nonNil {
		t.Errorf("Rewrite called f %d times for %d roots", calls, nonNil)
	}
	if err := Verify(m); err != nil {
		t.Error(err)
	}
	// Format.
	g := hh.G
	for _, c := range []struct {
		id   NodeID
		want string
	}{
		{hh.State("V").Tau, "C / (gNa * pow(m, 3) * h + gK * pow(n, 4) + gL)"},
		{hh.Spike, "V > Vth"},
		{g.Sub(g.Const(1), g.Sub(g.Ref(OpState, "a"), g.Const(-2))), "1 - (a - (-2))"},
		{g.Neg(g.Add(g.Time(), g.Const(1))), "-(t + 1)"},
		{g.Mul(g.Neg(g.Time()), g.Exprel(g.Time())), "-t * exprel(t)"},
		{g.Select(g.And(g.Lt(g.Time(), g.Const(1)), g.Not(g.Time())), g.Const(1), g.Const(0)), "select(t < 1 && not(t), 1, 0)"},
		{NodeID(-5), "<bad node -5>"},
	} {
		if got := g.Format(c.id); got != c.want {
			t.Errorf("Format = %q, want %q", got, c.want)
		}
	}
}
