package passes

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/ir"
)

// spikesPerNeuron returns the spike times (ms) of population 0 per neuron.
func spikesPerNeuron(r *results.Result) map[int32][]float64 {
	m := map[int32][]float64{}
	for i, n := range r.Spikes[0].Neuron {
		m[n] = append(m[n], r.Spikes[0].TimeMs[i])
	}
	return m
}

// quantizeRK4File compiles testdata/corpus/adex_rk4.snn with the given
// method, runs it in float and in fixed point and returns both results,
// the program and dt in ms.
func quantizeRK4File(t *testing.T, method string) (fl, fx *results.Result, prog *fixed.Program, dtMs float64) {
	t.Helper()
	m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", "corpus", "adex_rk4.snn"), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, u := range m.Units {
		if u.Name == "adex_rk4" {
			switch method {
			case "rk4":
				if u.Method != ir.RK4 {
					t.Fatalf("adex_rk4 has method %v", u.Method)
				}
			case "euler":
				u.Method = ir.Euler
			}
		}
	}
	inst := buildInst(t, m)
	fl, fx, net, rep := floatAndFixed(t, m, inst, QuantizeOptions{})
	if testing.Verbose() {
		t.Logf("%s:\n%s", method, rep)
	}
	return fl, fx, net.Pops[0].Prog, inst.Dt * 1e3
}

// The fixed-point rk4 program against the float interpreter's rk4: four
// AdEx neurons (three coupled states, the exponential spike current,
// conductance jumps, a reset of two states, refractoriness) over 100 ms at
// dt = 0.05 ms.
//
// Tolerance: every neuron spikes as often as in float; its first spike is
// within one step and every spike within 5 steps (0.25 ms). AdEx's spike
// onset is exponentially sensitive to V, so the programs' rounding shifts
// spikes by whole steps and the shift accumulates from spike to spike
// (measured: 0–1 step at the first spikes, at most 4 at the last; forward
// Euler in fixed point drifts from float Euler by up to 3 steps on the
// same network, and float rk4 and float Euler differ by up to 15 steps).
func TestQuantizeRK4AgreesWithFloat(t *testing.T) {
	fl, fx, prog, dt := quantizeRK4File(t, "rk4")
	a, b := spikesPerNeuron(fl), spikesPerNeuron(fx)
	if len(a) != 4 {
		t.Fatalf("float: %d of 4 neurons spike", len(a))
	}
	worst, total := 0, 0
	for n, ta := range a {
		tb := b[n]
		if len(ta) != len(tb) {
			t.Errorf("neuron %d: float rk4 %d spikes, fixed %d", n, len(ta), len(tb))
			continue
		}
		total += len(ta)
		for i := range ta {
			d := int(math.Round(math.Abs(ta[i]-tb[i]) / dt))
			worst = max(worst, d)
			if i == 0 && d > 1 {
				t.Errorf("neuron %d: first spike float %g ms, fixed %g ms", n, ta[i], tb[i])
			}
		}
	}
	if len(b) != len(a) {
		t.Errorf("float: %d neurons spike, fixed %d", len(a), len(b))
	}
	t.Logf("rk4: %d spikes in float and fixed; largest spike-time difference %d steps (%.2f ms); program %d instructions, %d registers, %d tables",
		total, worst, float64(worst)*dt, len(prog.Code), len(prog.Regs), len(prog.LUTs))
	if worst > 5 {
		t.Errorf("spike times differ by up to %d steps (> 5)", worst)
	}
	// The chip's microcode engine has 32 registers.
	if len(prog.Regs) > 32 {
		t.Errorf("%d registers (> 32)", len(prog.Regs))
	}
}

// The rk4 program is the four stages: with the same network under method
// euler the program is a quarter of the size or less and has one table
// (exp over V) instead of four (one per stage: exp over V, and over V +
// k/2, V + k/2, V + k of the earlier stage).
func TestQuantizeRK4ProgramShape(t *testing.T) {
	_, _, rk, _ := quantizeRK4File(t, "rk4")
	_, _, eu, _ := quantizeRK4File(t, "euler")
	t.Logf("adex: rk4 %d instructions, %d tables; euler %d instructions, %d tables", len(rk.Code), len(rk.LUTs), len(eu.Code), len(eu.LUTs))
	if len(rk.LUTs) != 4 || len(eu.LUTs) != 1 {
		t.Errorf("tables: rk4 %d (want 4), euler %d (want 1)", len(rk.LUTs), len(eu.LUTs))
	}
	if len(rk.Code) < 2*len(eu.Code) {
		t.Errorf("rk4 program (%d instructions) is not larger than euler's (%d): are the stages there?", len(rk.Code), len(eu.Code))
	}
	txt := rk.Format()
	if _, err := fixed.ParseProgram([]byte(txt)); err != nil {
		t.Fatal(err)
	}
	if strings.Count(txt, "= lut @") != 4 {
		t.Errorf("want 4 table lookups in\n%s", txt)
	}
}

// A product of 0 and an expression of time alone is 0 at every step (the
// float interpreter computes exactly 0), so it does not stop quantisation;
// time in any other form still does.
func TestQuantizeZeroTimeTerm(t *testing.T) {
	src := `neuron z {
    param tau0 = 1 ms
    state x = 0
    x' = -(x - 1) / tau0 + t / tau0^2 * 0
    spike when x > 2
}
network n {
    dt = 0.1 ms
    duration = 5 ms
    pop p = z[1]
    record p.x
}
`
	m := compileSrc(t, "z.snn", src)
	fl, fx, _, _ := floatAndFixed(t, m, buildInst(t, m), QuantizeOptions{})
	a, b := fl.Traces[0].Values, fx.Traces[0].Values
	for s := range a {
		if math.Abs(a[s][0]-b[s][0]) > 1e-6 {
			t.Fatalf("sample %d: float %g, fixed %g", s, a[s][0], b[s][0])
		}
	}
	m = compileSrc(t, "z.snn", strings.Replace(src, "* 0\n", "* 1e-9\n", 1))
	if _, _, err := Quantize(m, QuantizeOptions{}); err == nil || !strings.Contains(err.Error(), "time") {
		t.Errorf("a drive that depends on time: err = %v, want the time error", err)
	}
}
