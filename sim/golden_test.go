package sim

import (
	"testing"

	"snnc/backend/loihi"
	"snnc/internal/fixed"
)

// The golden vectors of HARDWARE.md §1 / docs/fixed-point.md §5, through
// the whole chip: a spike-list source delivers a_in = 128 at step 0 (it
// spikes at step -1's slot: a spike at step 0 arrives at step 1, so the
// vector starts one step later), the compartment runs on the CUBA
// datapath, and a probe reads u or v after every step.
func goldenChip(t *testing.T, c fixed.CubaParams, ain int64, reg string) []int64 {
	t.Helper()
	inst := build(t, `
network golden {
    dt = 1 ms
    duration = 10 ms
    source s = spikes[1] { times = [[0 ms]] }
    pop p = lif[1]
    connect s -> p.I : all_to_all { weight = 1 nA }
    record p.v
}
`)
	prog := fixed.CubaLIFProgram("loihi_lif", false)
	pop := &fixed.Pop{Name: "p", N: 1, Unit: "lif", Prog: prog, Cuba: &c,
		Vals: make([][]int64, len(prog.Regs)), Conv: make([]fixed.Conv, len(prog.Regs))}
	vals := fixed.CubaParamValues(c)
	for r, rg := range prog.Regs {
		pop.Conv[r] = fixed.QConv(0)
		if rg.Kind == fixed.RegState || rg.Kind == fixed.RegParam {
			pop.Vals[r] = []int64{vals[rg.Name]}
		}
	}
	net := &fixed.Net{Name: "golden", Dt: inst.Dt, Steps: inst.Steps, Inst: inst, Pops: []*fixed.Pop{pop},
		Projections: []*fixed.Proj{{Index: 0, Dst: 0, Acc: prog.Reg(fixed.CubaRegAin), Weight: ain << fixed.CubaActShift}},
		Records:     []*fixed.Rec{{Pop: 0, Reg: prog.Reg(reg), Lo: 0, Hi: 1, Every: 1, Name: "p." + reg, Conv: fixed.QConv(0)}}}
	if ain == 0 {
		net.Projections[0].Weight = 0
	}
	img, err := loihi.Compile(net, loihi.DefaultChip(), loihi.MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := Run(img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Boundary 0 is the initial state; the input spike of step 0 arrives in step 1.
	var out []int64
	for _, row := range res.Traces[0].Values {
		out = append(out, int64(row[0]))
	}
	return out
}

func TestGoldenVectorsOnChip(t *testing.T) {
	check := func(name string, got, want []int64) {
		t.Helper()
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: %v, want %v", name, got, want)
			}
		}
	}
	check("current decay", goldenChip(t, fixed.CubaParams{Du: 2047, Dv: 0, Vth: 1 << 17}, 128, "u")[2:],
		[]int64{8192, 4096, 2048, 1024, 512, 256, 128, 64})
	check("voltage decay", goldenChip(t, fixed.CubaParams{Du: 0, Dv: 2048, Vth: 1 << 17}, 128, "v")[2:],
		[]int64{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295})
	// No input, bias 4095 << 5: v = 131040 after the first step (boundary 1).
	check("bias", goldenChip(t, fixed.CubaParams{Du: 0, Dv: 0, Vth: 1 << 17, BiasMant: 4095, BiasExp: 5}, 0, "v")[1:2],
		[]int64{131040})
}
