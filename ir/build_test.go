package ir

import (
	"snnc/internal/units"
)

// Dimensions used by the hand-built models.
var (
	dimV     = units.Voltage
	dimCap   = units.Capacitance.Div(units.Area)     // F/m^2
	dimCond  = units.Conductance.Div(units.Area)     // S/m^2
	dimCurr  = units.Ampere.Div(units.Area)          // A/m^2
	dimRate  = units.Frequency                       // 1/s
	dimOne   = units.Dimensionless                   // 1
	dimTime  = units.Time                            // s
	dimNS    = units.Conductance                     // S
	dimAmp   = units.Ampere                          // A
	dimOhm   = units.Resistance                      // ohm
	dimVoltS = units.Voltage.Div(units.Time)         // V/s
	_        = []units.Dim{dimRate, dimVoltS, dimNS} // keep all names used
)

// buildHH builds PAPER.md §1's squid HH neuron, in SI units, with every
// state in tv-LIF form (tau = 1/(a+b), drive = a/(a+b) for the gates).
func buildHH() *Unit {
	u := NewUnit("hh")
	g := u.G
	c := g.Const
	for _, p := range []struct {
		name string
		dim  units.Dim
		v    float64
	}{{"C", dimCap, 0.01}, {"gNa", dimCond, 1200}, {"gK", dimCond, 360}, {"gL", dimCond, 3},
		{"ENa", dimV, 0.05}, {"EK", dimV, -0.077}, {"EL", dimV, -0.054387}, {"Vth", dimV, 0}} {
		u.AddParam(p.name, p.dim, c(p.v))
	}
	u.AddInput("I", dimCurr)
	V := u.S("V")
	mv := g.Div(V, c(1e-3)) // u = V/mV
	// rate(k, x) = k * x / ms;  lin(k, s, h) = k / exprel(-(u+s)/h) / ms
	perMs := func(x NodeID) NodeID { return g.Div(x, c(1e-3)) }
	expo := func(k, s, h float64) NodeID {
		return perMs(g.Mul(c(k), g.Exp(g.Div(g.Neg(g.Add(mv, c(s))), c(h)))))
	}
	lin := func(k, s, h float64) NodeID {
		return perMs(g.Div(c(k), g.Exprel(g.Div(g.Neg(g.Add(mv, c(s))), c(h)))))
	}
	am, bm := lin(1, 40, 10), expo(4, 65, 18)
	ah := expo(0.07, 65, 20)
	bh := perMs(g.Div(c(1), g.Add(c(1), g.Exp(g.Div(g.Neg(g.Add(mv, c(35))), c(10))))))
	an, bn := lin(0.1, 55, 10), expo(0.125, 65, 80)
	u.AddState("V", dimV, c(-0.065))
	gates := []struct {
		name string
		a, b NodeID
	}{{"m", am, bm}, {"h", ah, bh}, {"n", an, bn}}
	for _, x := range gates {
		u.AddState(x.name, dimOne, g.Div(x.a, g.Add(x.a, x.b)))
	}
	u.AddLet("u", dimOne, mv)
	gNa := g.Product(u.P("gNa"), g.Pow(u.S("m"), c(3)), u.S("h"))
	gK := g.Mul(u.P("gK"), g.Pow(u.S("n"), c(4)))
	gs := g.Sum(gNa, gK, u.P("gL"))
	drive := g.Sum(g.Mul(gNa, u.P("ENa")), g.Mul(gK, u.P("EK")), g.Mul(u.P("gL"), u.P("EL")), u.I("I"))
	u.State("V").SetTVLIF(g.Div(u.P("C"), gs), g.Div(drive, gs))
	for _, x := range gates {
		sum := g.Add(x.a, x.b)
		u.State(x.name).SetTVLIF(g.Div(c(1), sum), g.Div(x.a, sum))
	}
	u.Spike = g.Gt(V, u.P("Vth"))
	return u
}

// buildLIF builds a conductance-based LIF with a reset, a refractory
// period, an integrator state and a general (nonlinear) state.
func buildLIF() *Unit {
	u := NewUnit("lif")
	g := u.G
	c := g.Const
	u.AddParam("tau", dimTime, c(0.02))
	u.AddParam("El", dimV, c(-0.065))
	u.AddParam("Vth", dimV, c(-0.05))
	u.AddParam("Vr", dimV, u.P("El")) // an expression of an earlier param
	u.AddParam("R", dimOhm, c(1e7))
	u.AddParam("tref", dimTime, c(0.002))
	u.AddParam("Ee", dimV, c(0))
	u.AddParam("taue", dimTime, c(0.005))
	u.AddInput("I", dimAmp)
	v := u.S("v")
	u.AddState("v", dimV, u.P("El"))
	u.AddState("ge", dimOne, c(0))
	u.AddState("count", dimOne, c(0))
	// v' = (-(v - El) + R*I + ge*(Ee - v))/tau: linear in v.
	drive := g.Add(g.Add(u.P("El"), g.Mul(u.P("R"), u.I("I"))), g.Mul(u.S("ge"), u.P("Ee")))
	u.State("v").SetTVLIF(g.Div(u.P("tau"), g.Add(c(1), u.S("ge"))), g.Div(drive, g.Add(c(1), u.S("ge"))))
	u.State("ge").SetTVLIF(u.P("taue"), c(0))
	u.State("count").SetIntegrator(c(0))
	u.Spike = g.Gt(v, u.P("Vth"))
	u.AddReset("v", u.P("Vr"))
	u.AddReset("count", g.Add(u.S("count"), c(1)))
	u.Refractory = u.P("tref")
	return u
}

// buildSquid builds the DSL.md squid network around buildHH.
func buildSquid() *Network {
	n := NewNetwork("squid")
	n.Dt, n.Duration = 1e-5, 0.2
	n.AddPop("cell", "hh", 1)
	n.AddStim("drive", "cell", "I", dimCurr, Wave{Kind: WaveStep, Args: []WaveArg{{"a", 0.1}, {"from", 0}, {"to", 0.2}}})
	n.AddRecord("cell", "")
	n.AddRecord("cell", "V").Every = 1e-4
	return n
}

// buildNet builds a small network exercising every network feature.
func buildNet() *Network {
	n := NewNetwork("tiny")
	n.Dt, n.Duration, n.Seed = 1e-4, 0.5, 12345
	g := n.G
	c := g.Const
	exc := n.AddPop("exc", "lif", 8)
	exc.SetExpr("v", g.Add(c(-0.06), g.Normal(c(-0.005), c(0.005))))
	exc.SetExpr("tau", g.Add(c(0.02), g.Mul(g.Index(), c(1e-4))))
	inh := n.AddPop("inh", "lif", 2)
	inh.SetValues("El", []float64{-0.065, -0.066})
	n.AddPop("hhs", "hh", 3)
	n.AddPoisson("noise", 20, c(20))
	n.AddSpikeList("kick", [][]float64{{0.001, 0.005}, {}, {0.003}})
	n.AddSpikeFile("replay", 4, "spikes.csv")
	n.Connect("exc", "exc", "ge", RandomRule(0.25), g.Uniform(c(0.1), c(0.2))).Delay = c(0.001)
	n.Connect("exc", "inh", "ge", Rule{Kind: AllToAll}, c(0.15))
	n.Connect("noise", "exc", "ge", FixedIndegreeRule(5), c(0.05))
	n.Connect("kick", "hhs", "I", Rule{Kind: OneToOne}, c(0.5))
	n.Connect("replay", "inh", "I", FromFileRule("edges.csv"), c(1e-9))
	n.AddStim("bias", "exc", "I", dimAmp, Wave{Kind: WaveSine, Args: []WaveArg{{"amp", 1e-10}, {"freq", 10}, {"offset", 2e-10}}})
	n.AddStim("ramp", "inh", "I", dimAmp, Wave{Kind: WaveFile, File: "current.csv"})
	n.AddRecord("exc", "")
	r := n.AddRecord("exc", "v")
	r.Lo, r.Hi, r.Every = 0, 4, 1e-3
	n.AddRecord("kick", "")
	return n
}

// buildModule returns a module with all hand-built units and networks.
func buildModule() *Module {
	m := NewModule()
	m.AddUnit(buildHH())
	m.AddUnit(buildLIF())
	m.AddNetwork(buildSquid())
	m.AddNetwork(buildNet())
	return m
}
