package ir_test

import (
	"fmt"

	"snnc/internal/units"
	"snnc/ir"
)

// Build a leaky integrate-and-fire unit by hand, verify it and print it.
func Example() {
	m := ir.NewModule()
	u := m.AddUnit(ir.NewUnit("lif"))
	g := u.G
	u.AddParam("tau", units.Time, g.Const(0.02))
	u.AddParam("El", units.Voltage, g.Const(-0.065))
	u.AddParam("Vth", units.Voltage, g.Const(-0.05))
	u.AddParam("R", units.Resistance, g.Const(1e7))
	u.AddInput("I", units.Ampere)
	// tau v' = (El + R I) - v: a tv-LIF compartment.
	u.AddState("v", units.Voltage, u.P("El")).
		SetTVLIF(u.P("tau"), g.Add(u.P("El"), g.Mul(u.P("R"), u.I("I"))))
	u.Spike = g.Gt(u.S("v"), u.P("Vth"))
	u.AddReset("v", u.P("El"))

	n := m.AddNetwork(ir.NewNetwork("demo"))
	n.Dt, n.Duration = 1e-4, 0.1
	n.AddPop("cells", "lif", 10).SetExpr("v", n.G.Uniform(n.G.Const(-0.065), n.G.Const(-0.05)))
	n.AddStim("drive", "cells", "I", units.Ampere, ir.Wave{Kind: ir.WaveConstant, Args: []ir.WaveArg{{Name: "a", Value: 2e-9}}})
	n.AddRecord("cells", "")

	if err := ir.Verify(m); err != nil {
		fmt.Println(err)
	}
	fmt.Print(string(ir.Print(m)))
	fmt.Println(g.Format(u.State("v").Drive))
	// Output:
	// ; snnc IR v1
	//
	// unit @lif {
	//   %0 = const 0.02
	//   param tau : s = %0
	//   %1 = const -0.065
	//   param El : V = %1
	//   %2 = const -0.05
	//   param Vth : V = %2
	//   %3 = const 1e+07
	//   param R : ohm = %3
	//   input I : A
	//   %4 = param El
	//   state v : V = %4
	//   %5 = param tau
	//   %6 = param R
	//   %7 = input I
	//   %8 = mul %6, %7
	//   %9 = add %4, %8
	//   v' = tvlif tau %5 drive %9
	//   %10 = state v
	//   %11 = param Vth
	//   %12 = gt %10, %11
	//   spike %12
	//   reset v = %4
	//   method exp_euler
	// }
	//
	// network @demo {
	//   dt 0.0001
	//   duration 0.1
	//   seed 0
	//   %0 = const -0.065
	//   %1 = const -0.05
	//   %2 = uniform %0, %1
	//   pop @cells = @lif[10] {
	//     v = %2
	//   }
	//   stim @drive -> @cells.I : A = constant(a=2e-09)
	//   record @cells spikes
	// }
	// El + R * I
}
