package fixed

import (
	"math/rand"
	"slices"
	"testing"
)

// goldenRun runs a CUBA-LIF compartment for n steps with a_in = ain at
// step 0 only, on both the Go datapath and the program (Exec and
// ExecBatch), checks they agree, and returns u and v after each step.
func goldenRun(t *testing.T, c CubaParams, ain int64, n int) (us, vs []int64) {
	t.Helper()
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	p := CubaLIFProgram("loihi_lif", false)
	if err := p.Verify(); err != nil {
		t.Fatal(err)
	}
	regs := make([]int64, len(p.Regs))
	for name, v := range CubaParamValues(c) {
		if r := p.Reg(name); r >= 0 {
			regs[r] = v
		}
	}
	cols := make([][]int64, len(p.Regs))
	for i := range cols {
		cols[i] = []int64{regs[i]}
	}
	var s CubaState
	ru, rv, ra := p.Reg("u"), p.Reg("v"), p.Reg("a_in")
	spk := make([]bool, 1)
	for k := 0; k < n; k++ {
		a := int64(0)
		if k == 0 {
			a = ain << CubaActShift
		}
		s1 := CubaStep(&s, c, a)
		regs[ra] = a
		cols[ra][0] = a
		p.ClearTemps(regs)
		s2 := p.Exec(regs)
		p.ExecBatch(cols, 1, spk)
		if s1 != s2 || s1 != spk[0] || regs[ru] != s.U || regs[rv] != s.V || cols[ru][0] != s.U || cols[rv][0] != s.V {
			t.Fatalf("step %d: datapath u=%d v=%d spike=%v, program u=%d v=%d spike=%v, batch u=%d v=%d spike=%v",
				k, s.U, s.V, s1, regs[ru], regs[rv], s2, cols[ru][0], cols[rv][0], spk[0])
		}
		us = append(us, s.U)
		vs = append(vs, s.V)
	}
	return us, vs
}

// The three golden vectors of HARDWARE.md §1 / docs/fixed-point.md §5.
func TestCubaGoldenCurrentDecay(t *testing.T) {
	us, _ := goldenRun(t, CubaParams{Du: 2047, Dv: 0, Vth: CubaVthMax}, 128, 8)
	want := []int64{8192, 4096, 2048, 1024, 512, 256, 128, 64}
	if !slices.Equal(us, want) {
		t.Fatalf("u = %v, want %v", us, want)
	}
}

func TestCubaGoldenVoltageDecay(t *testing.T) {
	_, vs := goldenRun(t, CubaParams{Du: 0, Dv: 2048, Vth: CubaVthMax}, 128, 8)
	want := []int64{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295}
	if !slices.Equal(vs, want) {
		t.Fatalf("v = %v, want %v", vs, want)
	}
}

func TestCubaGoldenBias(t *testing.T) {
	_, vs := goldenRun(t, CubaParams{BiasMant: 4095, BiasExp: 5, Vth: 1 << 17}, 0, 1)
	if vs[0] != 131040 {
		t.Fatalf("v = %d after one step, want 131040", vs[0])
	}
}

// Without the +1 on du the first vector would read 8192, 4098, …: make
// sure the test would catch it.
func TestCubaDecayOffsetMatters(t *testing.T) {
	if got := Decay(8192, 2047); got != 4098 {
		t.Fatalf("Decay(8192, 2047) = %d", got)
	}
	if got := Decay(8192, 2048); got != 4096 {
		t.Fatalf("Decay(8192, 2048) = %d", got)
	}
	// truncation toward zero for negative values (an arithmetic shift would give -4097)
	if got := Decay(-8193, 2048); got != -4096 {
		t.Fatalf("Decay(-8193, 2048) = %d, want -4096", got)
	}
}

func TestCubaSpikeAndRefractory(t *testing.T) {
	c := CubaParams{Du: 4095, Dv: 100, Vth: 100, BiasMant: 2000, BiasExp: 2, RefSteps: 4}
	p := CubaLIFProgram("lif", true)
	if err := p.Verify(); err != nil {
		t.Fatal(err)
	}
	regs := make([]int64, len(p.Regs))
	for name, v := range CubaParamValues(c) {
		if r := p.Reg(name); r >= 0 {
			regs[r] = v
		}
	}
	var s CubaState
	var spikes []int
	rng := rand.New(rand.NewSource(1))
	for k := 0; k < 300; k++ {
		a := int64(rng.Intn(200)-50) << 6
		regs[p.Reg("a_in")] = a
		p.ClearTemps(regs)
		s2 := p.Exec(regs)
		s1 := CubaStep(&s, c, a)
		if s1 != s2 || regs[p.Reg("u")] != s.U || regs[p.Reg("v")] != s.V || regs[p.Reg("ref")] != s.Ref {
			t.Fatalf("step %d: program and datapath differ", k)
		}
		if s1 {
			spikes = append(spikes, k)
		}
	}
	if len(spikes) < 3 {
		t.Fatalf("expected spikes, got %v", spikes)
	}
	for i := 1; i < len(spikes); i++ {
		if spikes[i]-spikes[i-1] < 4 {
			t.Fatalf("spikes %v closer than the refractory period", spikes)
		}
	}
}
