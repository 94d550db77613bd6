package cpu

import (
	"context"
	"slices"
	"testing"

	"snnc/instance"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

// fixedBackend runs the CPU program in fixed mode with the given threads.
func fixedBackend(threads int) corpus.Backend {
	return corpus.Backend{Name: "cpu-fixed", Run: func(n *fixed.Net) (*results.Result, error) {
		p, err := BuildFixed(n, Options{})
		if err != nil {
			return nil, err
		}
		r, _, err := Run(context.Background(), p, RunOptions{Threads: threads})
		return r, err
	}}
}

// TestFixedCorpus: the CPU program in fixed mode is bit-exact with the
// reference fixed-point simulator (and so with the interpreter's fixed
// mode, sim and the FPGA C-simulation) on the shared corpus.
func TestFixedCorpus(t *testing.T) {
	corpus.Compare(t, corpus.Reference, fixedBackend(-2))
}

// TestFixedGoldenVectors: docs/fixed-point.md §5's CUBA-LIF vectors
// through the program on the CPU — population a (two neurons with
// heterogeneous params: the current and the voltage decay) gets
// a_in = 128 at step 0; population b (one neuron) only its bias.
func TestFixedGoldenVectors(t *testing.T) {
	prog := fixed.CubaLIFProgram("loihi_lif", false)
	params := []fixed.CubaParams{
		{Du: 2047, Dv: 0, Vth: fixed.CubaVthMax},
		{Du: 0, Dv: 2048, Vth: fixed.CubaVthMax},
		{BiasMant: 4095, BiasExp: 5, Vth: 1 << 17},
	}
	pop := func(name string, ps []fixed.CubaParams) *fixed.Pop {
		p := &fixed.Pop{Name: name, N: len(ps), Prog: prog, Vals: make([][]int64, len(prog.Regs)), Conv: make([]fixed.Conv, len(prog.Regs))}
		for r, reg := range prog.Regs {
			if reg.Kind != fixed.RegState && reg.Kind != fixed.RegParam {
				continue
			}
			p.Vals[r] = make([]int64, len(ps))
			for i, c := range ps {
				p.Vals[r][i] = fixed.CubaParamValues(c)[reg.Name]
			}
		}
		return p
	}
	inst := &instance.Instance{Name: "golden", Dt: 1e-3, Steps: 8,
		Pops: []*instance.Pop{{Index: 0, Name: "a", N: 2}, {Index: 1, Name: "b", N: 1}}}
	u, v := prog.Reg(fixed.CubaRegU), prog.Reg(fixed.CubaRegV)
	net := &fixed.Net{Name: "golden", Dt: 1e-3, Steps: 8, Inst: inst,
		Pops:  []*fixed.Pop{pop("a", params[:2]), pop("b", params[2:])},
		Stims: []*fixed.Stim{{Name: "kick", Pop: 0, Acc: prog.Reg(fixed.CubaRegAin), Runs: []fixed.Run{{Step: 0, Value: 128 << fixed.CubaActShift}, {Step: 1, Value: 0}}}},
		Records: []*fixed.Rec{
			{Pop: 0, Reg: u, Lo: 0, Hi: 2, Every: 1, Name: "a.u", Conv: fixed.Conv{Scale: 1}},
			{Pop: 0, Reg: v, Lo: 0, Hi: 2, Every: 1, Name: "a.v", Conv: fixed.Conv{Scale: 1}},
			{Pop: 1, Reg: v, Lo: 0, Hi: 1, Every: 1, Name: "b.v", Conv: fixed.Conv{Scale: 1}},
		}}
	got, err := fixedBackend(1).Run(net)
	if err != nil {
		t.Fatal(err)
	}
	want, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := corpus.Diff(want, got, "fixed.Simulate", "cpu"); d != "" {
		t.Fatal(d)
	}
	col := func(tr results.Trace, j int) []int64 {
		var out []int64
		for _, row := range tr.Values[1:] { // the samples after steps 0 … 7
			out = append(out, int64(row[j]))
		}
		return out
	}
	if u0 := col(got.Traces[0], 0); !slices.Equal(u0, []int64{8192, 4096, 2048, 1024, 512, 256, 128, 64}) {
		t.Errorf("current decay: u = %v", u0)
	}
	if v1 := col(got.Traces[1], 1); !slices.Equal(v1, []int64{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295}) {
		t.Errorf("voltage decay: v = %v", v1)
	}
	if vb := col(got.Traces[2], 0); vb[0] != 131040 {
		t.Errorf("bias: v = %d after one step, want 131040", vb[0])
	}
}
