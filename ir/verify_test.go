package ir

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// TestVerifyErrors mutates the valid hand-built module, one error class
// per case, and checks that Verify reports it (and only problems that
// mention the expected text).
func TestVerifyErrors(t *testing.T) {
	hh := func(m *Module) *Unit { return m.Unit("hh") }
	lif := func(m *Module) *Unit { return m.Unit("lif") }
	tiny := func(m *Module) *Network { return m.Network("tiny") }
	cases := []struct {
		name   string
		mutate func(m *Module)
		want   string
	}{
		{"duplicate unit", func(m *Module) { m.AddUnit(buildHH()) }, "unit hh: declared twice"},
		{"duplicate network", func(m *Module) { m.AddNetwork(buildSquid()) }, "network squid: declared twice"},
		{"empty unit name", func(m *Module) { hh(m).Name = "" }, "unit #0 has an empty name"},
		{"nil unit", func(m *Module) { m.Units = append(m.Units, nil) }, "unit #2 is nil"},
		{"no graph", func(m *Module) { hh(m).G = nil }, "unit hh: no graph"},
		{"duplicate param/state name", func(m *Module) {
			u := hh(m)
			u.AddParam("V", dimV, u.G.Const(0))
		}, "unit hh: state V: name already declared as a param"},
		{"undeclared state ref", func(m *Module) {
			u := lif(m)
			u.Spike = u.G.Gt(u.S("w"), u.P("Vth"))
		}, "unit lif: spike: references undeclared state w"},
		{"param used as state", func(m *Module) {
			u := lif(m)
			u.Spike = u.G.Gt(u.S("Vth"), u.P("Vth"))
		}, "unit lif: spike: references undeclared state Vth"},
		{"undeclared input", func(m *Module) {
			u := lif(m)
			u.Lets = append(u.Lets, &Let{Name: "x", Dim: dimOne, Expr: u.I("J")})
		}, "unit lif: let x: references undeclared input J"},
		{"node id out of range", func(m *Module) { hh(m).Params[0].Default = 9999 }, "unit hh: param C: default: node id 9999 out of range"},
		{"param references later param", func(m *Module) {
			u := hh(m)
			u.Params[0].Default = u.P("gL")
		}, "unit hh: param C: default: references later param gL"},
		{"param references itself", func(m *Module) {
			u := hh(m)
			u.Params[0].Default = u.P("C")
		}, "unit hh: param C: default: references itself"},
		{"param references state", func(m *Module) {
			u := hh(m)
			u.Params[0].Default = u.S("V")
		}, "unit hh: param C: default: references state V (defaults may use only constants and earlier params)"},
		{"init references later state", func(m *Module) {
			u := hh(m)
			u.State("m").Init = u.S("n")
		}, "unit hh: state m: init: references later state n"},
		{"init references input", func(m *Module) {
			u := hh(m)
			u.State("m").Init = u.I("I")
		}, "unit hh: state m: init: references input I"},
		{"missing init", func(m *Module) { hh(m).State("m").Init = NoNode }, "unit hh: state m: init: missing"},
		{"missing default", func(m *Module) { hh(m).Params[1].Default = NoNode }, "unit hh: param gNa: default: missing"},
		{"tvlif missing drive", func(m *Module) { hh(m).State("h").Drive = NoNode }, "unit hh: state h: drive: missing"},
		{"tvlif with rate", func(m *Module) {
			u := hh(m)
			u.State("h").Rate = u.G.Const(0)
		}, "unit hh: state h: tvlif state has a rate expression"},
		{"integrator missing rate", func(m *Module) { lif(m).State("count").Rate = NoNode }, "unit lif: state count: rate: missing"},
		{"general with tau", func(m *Module) {
			s := lif(m).State("count")
			s.SetGeneral(s.Rate)
			s.Tau = s.Deriv
		}, "unit lif: state count: general state has a tau expression"},
		{"no dynamics", func(m *Module) {
			s := lif(m).State("count")
			s.Kind, s.Rate = TVLIF, NoNode
		}, "unit lif: state count: no dynamics"},
		{"invalid kind", func(m *Module) { lif(m).State("count").Kind = 7 }, "unit lif: state count: invalid kind 7"},
		{"invalid method", func(m *Module) { lif(m).Method = 9 }, "unit lif: invalid method 9"},
		{"non-positive tau", func(m *Module) {
			u := lif(m)
			u.State("ge").Tau = u.G.Const(0)
		}, "unit lif: state ge: tau is 0, must be positive"},
		{"random op in unit", func(m *Module) {
			u := lif(m)
			u.State("ge").Drive = u.G.Apply(OpUniform, u.G.Const(0), u.G.Const(1))
		}, "unit lif: state ge: drive: random op uniform outside a network graph"},
		{"index in unit", func(m *Module) {
			u := lif(m)
			u.State("ge").Drive = u.G.Index()
		}, "unit lif: state ge: drive: index outside a network graph"},
		{"NaN constant", func(m *Module) {
			u := lif(m)
			u.State("ge").Drive = u.G.Const(math.NaN())
		}, "unit lif: state ge: drive: constant NaN (constants must be finite)"},
		{"Inf constant", func(m *Module) {
			u := lif(m)
			u.Params[0].Default = u.G.Const(math.Inf(-1))
		}, "unit lif: param tau: default: constant -Inf"},
		{"reset of non-state", func(m *Module) {
			u := lif(m)
			u.AddReset("tau", u.G.Const(0))
		}, "unit lif: reset tau: not a state of the unit"},
		{"reset twice", func(m *Module) {
			u := lif(m)
			u.AddReset("v", u.G.Const(0))
		}, "unit lif: reset v: state reset twice"},
		{"negative refractory", func(m *Module) {
			u := lif(m)
			u.Refractory = u.G.Const(-1)
		}, "unit lif: refractory: period -1 is negative"},
		{"dt zero", func(m *Module) { tiny(m).Dt = 0 }, "network tiny: dt is 0, must be positive and finite"},
		{"duration NaN", func(m *Module) { tiny(m).Duration = math.NaN() }, "network tiny: duration is NaN"},
		{"pop size", func(m *Module) { tiny(m).Pop("hhs").N = 0 }, "network tiny: pop hhs: size 0, must be positive"},
		{"pop unknown unit", func(m *Module) { tiny(m).Pop("hhs").Unit = "traub" }, "network tiny: pop hhs: unknown unit traub"},
		{"duplicate pop/source", func(m *Module) { tiny(m).AddPop("noise", "hh", 1) }, "network tiny: source noise: name already declared as a pop"},
		{"set unknown var", func(m *Module) { tiny(m).Pop("hhs").SetExpr("gX", tiny(m).G.Const(1)) }, "network tiny: pop hhs: set gX: unit hh has no param or state gX"},
		{"set list length", func(m *Module) { tiny(m).Pop("inh").Sets[0].Values = []float64{1} }, "network tiny: pop inh: set El: 1 values for 2 neurons"},
		{"set both", func(m *Module) { tiny(m).Pop("inh").Sets[0].Expr = 0 }, "network tiny: pop inh: set El: has both an expression and a list of values"},
		{"network graph param ref", func(m *Module) {
			n := tiny(m)
			n.Pop("hhs").SetExpr("V", n.G.Ref(OpParam, "EL"))
		}, "network tiny: pop hhs: set V: references param EL (network expressions may use only constants, index and random draws)"},
		{"index in weight", func(m *Module) {
			n := tiny(m)
			n.Projections[1].Weight = n.G.Index()
		}, "network tiny: connect exc -> inh.ge: weight: uses index (allowed only in pop sets)"},
		{"random rate", func(m *Module) {
			n := tiny(m)
			n.Source("noise").Rate = n.G.Uniform(n.G.Const(1), n.G.Const(2))
		}, "network tiny: source noise: rate: uses random op uniform"},
		{"missing weight", func(m *Module) { tiny(m).Projections[0].Weight = NoNode }, "network tiny: connect exc -> exc.ge: weight: missing"},
		{"negative delay", func(m *Module) {
			n := tiny(m)
			n.Projections[0].Delay = n.G.Const(-0.001)
		}, "network tiny: connect exc -> exc.ge: delay -0.001 is negative"},
		{"unknown projection source", func(m *Module) { tiny(m).Projections[0].Src = "nobody" }, "network tiny: connect nobody -> exc.ge: unknown source population nobody"},
		{"unknown projection dst", func(m *Module) { tiny(m).Projections[0].Dst = "nobody" }, "unknown destination pop nobody"},
		{"projection to source", func(m *Module) { tiny(m).Projections[0].Dst = "noise" }, "destination noise is a source, not a pop"},
		{"unknown target", func(m *Module) { tiny(m).Projections[0].Target = "gi" }, "network tiny: connect exc -> exc.gi: unit lif has no state or input gi"},
		{"bad p", func(m *Module) { tiny(m).Projections[0].Rule.P = 1.5 }, "probability 1.5 not in [0, 1]"},
		{"bad k", func(m *Module) { tiny(m).Projections[2].Rule.K = 21 }, "indegree k = 21 exceeds the source size 20"},
		{"one_to_one sizes", func(m *Module) { tiny(m).Source("kick").N = 2 }, "one_to_one between sizes 2 and 3"},
		{"stray rule field", func(m *Module) { tiny(m).Projections[1].Rule.P = 0.5 }, "rule all_to_all has p"},
		{"from_file without file", func(m *Module) { tiny(m).Projections[4].Rule.File = "" }, "from_file without a file"},
		{"poisson without rate", func(m *Module) { tiny(m).Source("noise").Rate = NoNode }, "network tiny: source noise: rate: missing"},
		{"spike list length", func(m *Module) { tiny(m).Source("kick").Times = [][]float64{{0.001}} }, "network tiny: source kick: 1 spike lists for 3 neurons"},
		{"spike times order", func(m *Module) { tiny(m).Source("kick").Times[0] = []float64{0.005, 0.001} }, "neuron 0: spike times not in ascending order"},
		{"spike file without file", func(m *Module) { tiny(m).Source("replay").File = "" }, "network tiny: source replay: missing file"},
		{"stim unknown input", func(m *Module) { tiny(m).Stims[0].Input = "v" }, "network tiny: stim bias: unit lif has no input v"},
		{"stim dim", func(m *Module) { tiny(m).Stims[0].Dim = dimV }, "network tiny: stim bias: dimension V does not match input I : A"},
		{"stim unknown pop", func(m *Module) { tiny(m).Stims[0].Pop = "x" }, "network tiny: stim bias: unknown pop x"},
		{"wave missing arg", func(m *Module) { tiny(m).Stims[0].Wave.Args = tiny(m).Stims[0].Wave.Args[1:] }, "sine waveform needs argument amp"},
		{"wave unknown arg", func(m *Module) {
			w := &tiny(m).Stims[0].Wave
			w.Args = append(w.Args, WaveArg{"slope", 1})
		}, `unknown sine argument "slope" (want amp, freq, offset, phase)`},
		{"wave freq", func(m *Module) { tiny(m).Stims[0].Wave.Args[1].Value = 0 }, "network tiny: stim bias: freq is 0, must be positive"},
		{"wave phase", func(m *Module) {
			w := &tiny(m).Stims[0].Wave
			w.Args = append(w.Args, WaveArg{"phase", 2})
		}, "phase is 2, must be a fraction of the period in [0, 1]"},
		{"wave file missing", func(m *Module) { tiny(m).Stims[1].Wave.File = "" }, "file waveform without a file"},
		{"record unknown var", func(m *Module) { tiny(m).Records[1].Var = "w" }, "network tiny: record exc.w: unit lif has no state, let or input w"},
		{"record unknown pop", func(m *Module) { tiny(m).Records[0].Pop = "x" }, "network tiny: record x spikes: unknown pop x"},
		{"record range", func(m *Module) { tiny(m).Records[1].Hi = 9 }, "bad neuron range [0:9] (size 8)"},
		{"record source var", func(m *Module) { tiny(m).Records[2].Var = "v" }, "a source has only spikes"},
		{"record every", func(m *Module) { tiny(m).Records[1].Every = -1 }, "every -1, must be non-negative"},
		{"record dup stim", func(m *Module) { tiny(m).Stims[1].Name = "bias" }, "network tiny: stim bias: declared twice"},
		{"network no graph", func(m *Module) { tiny(m).G = nil }, "network tiny: no graph"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := buildModule()
			c.mutate(m)
			err := Verify(m)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got\n%v\nwant an error containing %q", err, c.want)
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error is not a non-empty ErrorList: %T", err)
			}
			// Whatever Verify rejects must still print and round-trip.
			// (Except out-of-range ids and enums, and nil parts, which
			// print as markers Parse rejects.)
			switch c.name {
			case "node id out of range", "no graph", "network no graph", "nil unit", "invalid kind", "invalid method":
			default:
				checkFixedPoint(t, c.name, Print(m))
			}
		})
	}
}

// TestVerifyReportsAll checks that several independent problems are all
// reported, in a deterministic order.
func TestVerifyReportsAll(t *testing.T) {
	m := buildModule()
	m.Unit("hh").State("m").Init = NoNode
	m.Network("tiny").Dt = -1
	m.Network("tiny").Records[0].Pop = "x"
	err := Verify(m)
	list, _ := err.(ErrorList)
	if len(list) != 3 {
		t.Fatalf("got %d errors, want 3:\n%v", len(list), err)
	}
	if again := Verify(m); again.Error() != err.Error() {
		t.Errorf("Verify is not deterministic")
	}
}

func TestVerifyValid(t *testing.T) {
	m := buildModule()
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	// General dynamics with rk4, time in a let, select and logic ops.
	u := m.AddUnit(NewUnit("osc"))
	g := u.G
	u.Method = RK4
	u.AddParam("w", dimRate, g.Const(6.28))
	u.AddState("x", dimOne, g.Const(1))
	u.AddState("y", dimOne, g.Const(0))
	u.State("x").SetGeneral(g.Mul(u.P("w"), u.S("y")))
	u.State("y").SetGeneral(g.Neg(g.Mul(u.P("w"), g.Sin(u.S("x")))))
	u.AddLet("on", dimOne, g.Select(g.And(g.Ge(u.T(), g.Const(0.1)), g.Not(g.Lt(u.S("x"), g.Const(0)))), g.Const(1), g.Const(0)))
	if err := Verify(m); err != nil {
		t.Fatal(err)
	}
	checkFixedPoint(t, "osc", Print(m))
}

// TestVerifyGraphStructure corrupts graphs directly (the API cannot build
// such graphs) to check the structural checks.
func TestVerifyGraphStructure(t *testing.T) {
	cases := []struct {
		name string
		node Node
		want string
	}{
		{"forward arg", Node{Op: OpNeg, Args: [3]NodeID{5, NoNode, NoNode}}, "argument 0 is 5, not an earlier node"},
		{"self arg", Node{Op: OpNeg, Args: [3]NodeID{3, NoNode, NoNode}}, "argument 0 is 3, not an earlier node"},
		{"unused slot", Node{Op: OpNeg, Args: [3]NodeID{0, 1, NoNode}}, "unused argument slot 1 is 1, want NoNode"},
		{"invalid op", Node{Op: 200, Args: [3]NodeID{NoNode, NoNode, NoNode}}, "invalid op 200"},
	}
	for _, c := range cases {
		m := buildModule()
		u := m.Unit("lif")
		g := NewGraph()
		g.Const(1)
		g.Const(2)
		g.Const(3)
		g.nodes = append(g.nodes, c.node) // node 3
		u.G = g
		u.Rewrite(func(NodeID) NodeID { return 0 })
		err := Verify(m)
		if err == nil || !strings.Contains(err.Error(), "unit lif: node 3") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	// A ref node carrying no name, a time node carrying one.
	m := buildModule()
	u := m.Unit("lif")
	u.G.nodes = append(u.G.nodes, Node{Op: OpParam, Args: [3]NodeID{NoNode, NoNode, NoNode}})
	u.Spike = NodeID(u.G.Len() - 1)
	u.G.nodes = append(u.G.nodes, Node{Op: OpTime, Args: [3]NodeID{NoNode, NoNode, NoNode}, Name: "x"})
	u.Refractory = NodeID(u.G.Len() - 1)
	err := Verify(m)
	for _, want := range []string{"unit lif: spike: param reference with an empty name", `unit lif: refractory: time node carries a name "x"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}
