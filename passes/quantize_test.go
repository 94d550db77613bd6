package passes

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

func compileSrc(t *testing.T, name, src string) *ir.Module {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return m
}

// buildInst instantiates m's only network.
func buildInst(t *testing.T, m *ir.Module) *instance.Instance {
	t.Helper()
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// floatAndFixed runs inst in float64, quantises m with opt (its Inst set to
// inst) and runs the fixed-point program.
func floatAndFixed(t *testing.T, m *ir.Module, inst *instance.Instance, opt QuantizeOptions) (fl, fx *results.Result, net *fixed.Net, rep *QuantReport) {
	t.Helper()
	fl, err := interp.Run(inst, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opt.Inst = inst
	net, rep, err = Quantize(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	fx, err = interp.RunFixed(net, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fl, fx, net, rep
}

func traceInts(t *testing.T, res *results.Result, name string, n int) []int64 {
	t.Helper()
	for _, tr := range res.Traces {
		if tr.Name == name {
			var out []int64
			for s := 1; s <= n && s < len(tr.Values); s++ { // sample 0 is the initial state
				out = append(out, int64(tr.Values[s][0]))
			}
			return out
		}
	}
	t.Fatalf("no trace %s", name)
	return nil
}

// The golden vectors of HARDWARE.md §1 through the whole pipeline: the
// loihi_lif standard model in a network, quantised, run in fixed point.
func TestLoihiLIFGoldenVectorsThroughPipeline(t *testing.T) {
	src := `network g {
    dt = 1 ms
    duration = 9 ms
    source s = spikes[1] { times = [[0 ms]] }
    pop a = loihi_lif[1] { du = 2047
        dv = 0
        vth = 131071 }
    pop b = loihi_lif[1] { du = 0
        dv = 2048
        vth = 131071 }
    pop c = loihi_lif[1] { bias_mant = 4095
        bias_exp = 5
        vth = 131072 }
    connect s -> a.a_in : all_to_all { weight = 128 }
    connect s -> b.a_in : all_to_all { weight = 128 }
    record a.u
    record b.v
    record c.v
}
`
	m := compileSrc(t, "g.snn", src)
	net, rep, err := Quantize(m, QuantizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Pops {
		if p.Datapath != "cuba-lif" {
			t.Fatalf("pop %s: datapath %s", p.Pop, p.Datapath)
		}
	}
	for _, run := range []func(*fixed.Net) (*results.Result, error){
		func(n *fixed.Net) (*results.Result, error) { return interp.RunFixed(n, interp.RunOptions{}) },
		func(n *fixed.Net) (*results.Result, error) { return fixed.Simulate(n, 0) },
	} {
		res, err := run(net)
		if err != nil {
			t.Fatal(err)
		}
		// The source spikes at step 0 and arrives at step 1 (one step of
		// delay on every edge): the vectors start at step 1.
		u := traceInts(t, res, "a.u", 9)[1:]
		if want := []int64{8192, 4096, 2048, 1024, 512, 256, 128, 64}; !slices.Equal(u, want) {
			t.Errorf("u = %v, want %v", u, want)
		}
		v := traceInts(t, res, "b.v", 9)[1:]
		if want := []int64{8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295}; !slices.Equal(v, want) {
			t.Errorf("v = %v, want %v", v, want)
		}
		if v := traceInts(t, res, "c.v", 1); v[0] != 131040 {
			t.Errorf("bias: v = %d after one step, want 131040", v[0])
		}
	}
}

// spikeTimes returns the spike times of population 0.
func spikeTimes(r *results.Result) []float64 { return r.Spikes[0].TimeMs }

// The fixed-point squid neuron against float exponential Euler at
// dt = 0.01 ms over 200 ms: the same spike count, times within 0.2 ms.
func TestQuantizeSquidSpikeTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("200 ms of HH at 0.01 ms, twice")
	}
	for _, amp := range []string{"10", "20"} {
		src := strings.Replace(`network squid {
    dt       = 0.01 ms
    duration = 200 ms
    pop cell = hh[1]
    stim drive -> cell.I = step(AMP uA/cm2, from = 0 ms, to = 200 ms)
    record cell spikes
}
`, "AMP", amp, 1)
		m := compileSrc(t, "squid.snn", src)
		fl, fx, _, rep := floatAndFixed(t, m, buildInst(t, m), QuantizeOptions{})
		a, b := spikeTimes(fl), spikeTimes(fx)
		if len(a) != len(b) || len(a) < 10 {
			t.Fatalf("%s uA/cm2: float %d spikes, fixed %d\n%s", amp, len(a), len(b), rep)
		}
		worst := 0.0
		for i := range a {
			worst = max(worst, math.Abs(a[i]-b[i]))
		}
		t.Logf("squid %s uA/cm2: %d spikes, largest spike-time difference fixed vs float %.3g ms", amp, len(a), worst)
		if worst > 0.2 {
			t.Errorf("%s uA/cm2: spike times differ by up to %g ms (> 0.2 ms)", amp, worst)
		}
	}
}

func meanRate(r *results.Result) float64 {
	n, s := 0, 0
	for _, p := range r.Spikes {
		n += p.N
		s += len(p.Neuron)
	}
	return float64(s) / float64(n) / (r.DurationMs / 1000)
}

// COBAHH and CUBA: mean rates of the fixed-point network within 10% of
// float (the networks are chaotic: individual spikes differ).
func TestQuantizeBenchmarkRates(t *testing.T) {
	if testing.Short() {
		t.Skip("two 4000-neuron networks")
	}
	for _, f := range []string{"cobahh.snn", "cuba.snn"} {
		m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", f), frontend.Options{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		inst := buildInst(t, m)
		inst.Duration, inst.Steps = 0.3, instance.StepsFor(0.3, inst.Dt)
		fl, fx, _, _ := floatAndFixed(t, m, inst, QuantizeOptions{NoErrorRun: true})
		rf, rx := meanRate(fl), meanRate(fx)
		t.Logf("%s, 300 ms: mean rate float %.3f Hz, fixed %.3f Hz (%+.1f%%)", f, rf, rx, 100*(rx-rf)/rf)
		if math.Abs(rx-rf) > 0.1*rf || rf == 0 {
			t.Errorf("%s: fixed rate %g Hz vs float %g Hz: more than 10%% apart", f, rx, rf)
		}
	}
}

// A LIF population runs on the CUBA-LIF datapath and spikes like float.
func TestQuantizeLIFOnCubaDatapath(t *testing.T) {
	src := `network l {
    dt = 0.1 ms
    duration = 200 ms
    pop c = lif[3]
    stim d -> c.I = constant(2 nA)
    record c spikes
    record c.v every 1 ms
}
`
	m := compileSrc(t, "l.snn", src)
	fl, fx, net, rep := floatAndFixed(t, m, buildInst(t, m), QuantizeOptions{})
	if rep.Pops[0].Datapath != "cuba-lif" || net.Pops[0].Cuba == nil {
		t.Fatalf("lif not on the datapath:\n%s", rep)
	}
	a, b := fl.Spikes[0].TimeMs, fx.Spikes[0].TimeMs
	if len(a) == 0 || math.Abs(float64(len(a)-len(b))) > 0.05*float64(len(a))+1 {
		t.Fatalf("float %d spikes, fixed %d\n%s", len(a), len(b), rep)
	}
	// The 12-bit decay changes the time constant slightly: first spike within 5%.
	if math.Abs(a[0]-b[0]) > 0.05*a[0] {
		t.Errorf("first spike float %g ms, fixed %g ms", a[0], b[0])
	}
	// Threshold maps exactly and v is reported in volts.
	tr := fx.Traces[0]
	for _, row := range tr.Values {
		if row[0] > -0.050+1e-9 || row[0] < -0.0651 {
			t.Fatalf("v out of [Vr, Vth]: %g", row[0])
		}
	}
}

// The generated programs are valid, print and parse back exactly.
func TestQuantizedProgramsRoundTrip(t *testing.T) {
	m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", "squid.snn"), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, _ := instance.Build(m, "", instance.Options{})
	inst.Duration, inst.Steps = 0.02, 2000
	net, rep, err := Quantize(m, QuantizeOptions{Inst: inst})
	if err != nil {
		t.Fatal(err)
	}
	p := net.Pops[0].Prog
	txt := p.Format()
	q, err := fixed.ParseProgram([]byte(txt))
	if err != nil {
		t.Fatal(err)
	}
	if q.Format() != txt {
		t.Fatal("program text does not round-trip")
	}
	if len(p.Regs) > 32 {
		t.Errorf("%d registers: the chip's microcode engine has 32", len(p.Regs))
	}
	// Immediates fit the chip's 34-bit immediate field; table values 32 bits.
	for _, in := range p.Code {
		for j := 0; j < in.Op.Info().NArgs; j++ {
			if a := in.Args[j]; a.Imm && (a.Val >= 1<<33 || a.Val < -(1<<33)) {
				t.Errorf("immediate %d of %s does not fit 34 bits", a.Val, p.FormatInstr(&in))
			}
		}
	}
	for _, l := range p.LUTs {
		if l.Type.Width > 32 {
			t.Errorf("table %s has %s values", l.Name, l.Type)
		}
	}
	if !strings.Contains(rep.String(), "state V") {
		t.Errorf("report:\n%s", rep)
	}
}

// A rate function written without exprel has a 0/0 at a grid point: the
// table stores the limit, never NaN.
func TestTableSingularPointIsLimit(t *testing.T) {
	f := func(v float64) float64 { return v / (1 - math.Exp(-v)) } // HH's a_n shape; limit 1 at 0
	if !math.IsNaN(f(0)) {
		t.Fatal("f(0) should be 0/0")
	}
	lut, _, err := buildTable(f, -1, 1, 20, 32, 1e-7, 8192)
	if err != nil {
		t.Fatal(err)
	}
	hit := false
	for i := range lut.Vals {
		if lut.GridX(i) == 0 {
			hit = true
			if got := math.Ldexp(float64(lut.Vals[i]), -int(lut.Type.Frac)); math.Abs(got-1) > 1e-8 {
				t.Errorf("table at the singular point = %g, want the limit 1", got)
			}
		}
	}
	if !hit {
		t.Fatal("0 is not a grid point: the test does not exercise the singularity")
	}
}

// Every standard model quantises, and its fixed-point spike count is close
// to float under a constant drive.
func TestQuantizeStdlibModels(t *testing.T) {
	cases := []struct{ model, input, amp, dt, dur string }{
		{"hh", "I", "10 uA/cm2", "0.01 ms", "60 ms"},
		{"lif", "I", "2 nA", "0.1 ms", "200 ms"},
		{"traub", "I", "1 nA", "0.05 ms", "100 ms"},
		{"tvlif2hh", "I", "10 uA/cm2", "0.01 ms", "60 ms"},
		{"slif2hh", "I", "10 uA/cm2", "1 ms", "300 ms"},
		{"loihi_lif", "a_in", "50", "1 ms", "100 ms"},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			src := "network n {\n dt = " + c.dt + "\n duration = " + c.dur + "\n pop p = " + c.model + "[2]\n stim s -> p." + c.input + " = constant(" + c.amp + ")\n record p spikes\n}\n"
			m := compileSrc(t, "n.snn", src)
			fl, fx, _, rep := floatAndFixed(t, m, buildInst(t, m), QuantizeOptions{})
			a, b := len(fl.Spikes[0].Neuron), len(fx.Spikes[0].Neuron)
			t.Logf("%s: %s, float %d spikes, fixed %d", c.model, rep.Pops[0].Datapath, a, b)
			if a == 0 || math.Abs(float64(a-b)) > 0.1*float64(a)+1 {
				t.Errorf("%s: float %d spikes, fixed %d\n%s", c.model, a, b, rep)
			}
		})
	}
}
