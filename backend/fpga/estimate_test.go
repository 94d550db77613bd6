package fpga

import (
	"encoding/json"
	"strings"
	"testing"

	"snnc/internal/corpus"
	"snnc/internal/fixed"
)

func corpusNet(t *testing.T, name string) *fixed.Net {
	t.Helper()
	n, ok := corpus.Lookup(name)
	if !ok {
		t.Fatalf("no corpus network %s", name)
	}
	net, _, err := corpus.Load(n)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func est(t *testing.T, n *fixed.Net, o Options) *Estimate {
	t.Helper()
	e, err := EstimateNet(n, o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func updateUnit(e *Estimate) UnitEstimate {
	for _, u := range e.Units {
		if u.Kind == "population" {
			return u
		}
	}
	return UnitEstimate{}
}

// The knobs move the estimate the way they move the design.
func TestEstimateKnobs(t *testing.T) {
	net := corpusNet(t, "cobahh_small")
	base := est(t, net, Options{})
	if base.DSP == 0 || base.BRAM18 == 0 || base.LUT == 0 || base.FF == 0 || base.CyclesPerStep == 0 || base.Multipliers == 0 {
		t.Fatalf("empty estimate: %+v", base)
	}
	if base.CyclesWorst < base.CyclesPerStep {
		t.Errorf("worst case %d < typical %d", base.CyclesWorst, base.CyclesPerStep)
	}
	r4 := est(t, net, Options{Reuse: 4})
	if !(r4.DSP < base.DSP && r4.Multipliers < base.Multipliers) {
		t.Errorf("--reuse 4: DSP %d→%d, multipliers %d→%d: want fewer", base.DSP, r4.DSP, base.Multipliers, r4.Multipliers)
	}
	if !(updateUnit(r4).Cycles > updateUnit(base).Cycles) {
		t.Errorf("--reuse 4: update cycles %d→%d: want more", updateUnit(base).Cycles, updateUnit(r4).Cycles)
	}
	p4 := est(t, net, Options{Parallel: 4})
	if !(p4.DSP > base.DSP && updateUnit(p4).Cycles < updateUnit(base).Cycles) {
		t.Errorf("--parallel 4: DSP %d→%d, update cycles %d→%d", base.DSP, p4.DSP, updateUnit(base).Cycles, updateUnit(p4).Cycles)
	}
	// The exc population: 320 neurons, 4 lanes, II 1: 80 iterations plus the depth.
	if u := updateUnit(p4); u.Cycles < 80 || u.Cycles > 80+100 {
		t.Errorf("--parallel 4: exc update %d cycles", u.Cycles)
	}
	fast := est(t, net, Options{ClockMHz: 500})
	if fast.StepRate <= base.StepRate*1.99 || fast.CyclesPerStep != base.CyclesPerStep {
		t.Errorf("500 MHz: %g steps/s vs %g at 250 MHz", fast.StepRate, base.StepRate)
	}
	busy := est(t, net, Options{ActivityHz: 100})
	if busy.CyclesPerStep <= base.CyclesPerStep {
		t.Errorf("100 Hz activity: %d cycles, 10 Hz: %d", busy.CyclesPerStep, base.CyclesPerStep)
	}
	if base.FitReuse != 1 || len(base.Warnings) != 0 {
		t.Errorf("cobahh_small on the xcu250: fit reuse %d, warnings %v", base.FitReuse, base.Warnings)
	}
}

// Known numbers: the formulae of docs/fpga.md on the loihi corpus network.
func TestEstimateLoihi(t *testing.T) {
	e := est(t, corpusNet(t, "loihi"), Options{})
	var a UnitEstimate
	for _, u := range e.Units {
		if u.Kind == "population" && strings.HasPrefix(u.Name, "a ") {
			a = u
		}
	}
	// Two 24 × 13-bit decays: one DSP each; 60 neurons at II 1.
	if a.DSP != 2 || a.Multipliers != 2 {
		t.Errorf("CUBA-LIF datapath: %d DSP, %d multipliers; want 2, 2", a.DSP, a.Multipliers)
	}
	if a.Cycles < 60 || a.Cycles > 80 {
		t.Errorf("population a: %d cycles per step, want 60 + depth", a.Cycles)
	}
	if e.StepRate <= 0 || e.RealTime != e.StepRate*1e-3 {
		t.Errorf("step rate %g, real time %g", e.StepRate, e.RealTime)
	}
}

func TestEstimateWarnings(t *testing.T) {
	net := corpusNet(t, "cobahh_small")
	// Every neuron its own lane: far beyond what HLS synthesises.
	e := est(t, net, Options{Parallel: 256})
	if e.Multipliers <= MaxParallelMultipliers {
		t.Fatalf("--parallel 256: %d multipliers", e.Multipliers)
	}
	found := false
	for _, w := range e.Warnings {
		if strings.Contains(w, "multipliers work in parallel") && strings.Contains(w, "use --reuse") {
			found = true
		}
	}
	if !found {
		t.Errorf("no multiplier warning with a reuse factor: %v", e.Warnings)
	}
	// A small part: over its DSPs, with the reuse factor that fits.
	z := est(t, corpusNet(t, "xor"), Options{Part: "xc7z020"})
	var dsp string
	for _, w := range z.Warnings {
		if strings.HasPrefix(w, "DSP:") {
			dsp = w
		}
	}
	if dsp == "" || !strings.Contains(dsp, "--reuse 2 fits the xc7z020") || z.FitReuse != 2 {
		t.Errorf("xor on the xc7z020: want a DSP warning naming a reuse factor, got %v", z.Warnings)
	}
	// Synapse memory no knob reduces.
	m := est(t, corpusNet(t, "multicore"), Options{Part: "xc7z020"})
	joined := strings.Join(m.Warnings, "\n")
	if !strings.Contains(joined, "BRAM18") || !strings.Contains(joined, "no knob reduces them") || m.FitReuse != 0 {
		t.Errorf("multicore on the xc7z020: %v", m.Warnings)
	}
}

func TestEstimateOutput(t *testing.T) {
	e := est(t, corpusNet(t, "loihi"), Options{Part: "xczu9eg", ClockMHz: 300})
	tab := e.Table()
	for _, want := range []string{"network loihi on xczu9eg", "--reuse 1 --parallel 1 --io stream", "population a [60]",
		"poisson drive [50]", "projection a -> b.a_in", "total", "part xczu9eg", "utilisation", "cycles per step", "at 300 MHz"} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
	// Columns are aligned: every row of the unit table is as wide as its rule.
	lines := strings.Split(tab, "\n")
	rule := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "-----") {
			rule = i
			break
		}
	}
	if rule < 1 || len(lines[rule-1]) > len(lines[rule]) {
		t.Errorf("header wider than its rule:\n%s", tab)
	}
	js, err := e.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Estimate
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back.DSP != e.DSP || back.CyclesPerStep != e.CyclesPerStep || len(back.Units) != len(e.Units) || back.Part.Name != "xczu9eg" {
		t.Errorf("JSON round trip: %+v", back)
	}
	for _, key := range []string{`"dsp"`, `"bram18"`, `"cycles_per_step"`, `"steps_per_second"`, `"warnings": []`} {
		if !strings.Contains(string(js), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestRamCostAndDSP(t *testing.T) {
	for _, c := range []struct{ d, w, bram, lut int }{
		{16, 32, 0, 32},      // 512 bits: distributed RAM
		{1024, 18, 1, 0},     // exactly one BRAM18
		{512, 36, 1, 0},      // the widest aspect
		{4096, 32, 8, 0},     // 128 Kb
		{20481, 13, 14, 0},   // a post table of cobahh: 13 × 1 bit × 16K … best aspect
		{5000, 1, 1, 0},      // 1 bit deep
		{100000, 64, 392, 0}, // keys of a big source
	} {
		b, l := ramCost(c.d, c.w)
		if c.d == 20481 {
			// ceil(13/1)·ceil(20481/16384) = 26; ceil(13/2)·3 = 21; ceil(13/4)·6 = 24; ceil(13/9)·11 = 22; 1·21 = 21
			c.bram = 21
		}
		if b != c.bram || l != c.lut {
			t.Errorf("%d × %d: %d BRAM18, %d LUT; want %d, %d", c.d, c.w, b, l, c.bram, c.lut)
		}
	}
	for _, c := range []struct{ a, b, n int }{{24, 13, 1}, {27, 18, 1}, {32, 32, 4}, {64, 64, 12}, {1, 64, 0}, {18, 27, 1}} {
		if got := dspCost(c.a, c.b); got != c.n {
			t.Errorf("dspCost(%d, %d) = %d, want %d", c.a, c.b, got, c.n)
		}
	}
}
