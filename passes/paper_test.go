package passes

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/report"
	"snnc/internal/results"
	"snnc/ir"
)

// The paper's circuits (testdata/paper, PAPER.md §3), each built from hh
// units and from tvlif2hh units: the two builds are simulated with the
// reference interpreter and their spike trains compared, and the report
// shows what fuse-hh saves on the tvlif2hh XOR circuit.

const paperDir = "../testdata/paper"

// paperSource reads a paper circuit with its step set to dtMs (the network's
// dt and the const step the weights are scaled by); dtMs 0 keeps the file's.
func paperSource(t *testing.T, name string, dtMs float64) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(paperDir, name))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if dtMs > 0 {
		for _, kv := range [][2]string{
			{"dt       = 0.01 ms", fmt.Sprintf("dt       = %g ms", dtMs)},
			{"const step  = 0.01 ms", fmt.Sprintf("const step  = %g ms", dtMs)},
		} {
			if !strings.Contains(src, kv[0]) {
				t.Fatalf("%s: no %q", name, kv[0])
			}
			src = strings.Replace(src, kv[0], kv[1], 1)
		}
	}
	return src
}

func compilePaper(t *testing.T, name, src string) *ir.Module {
	t.Helper()
	m, _, errs := frontend.CompileSource(filepath.Join(paperDir, name), []byte(src), frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return m
}

// trains returns the spike times (ms) of every neuron of pop.
func trains(r *results.Result, pop string, n int) [][]float64 {
	out := make([][]float64, n)
	for _, s := range r.Spikes {
		if s.Pop != pop {
			continue
		}
		for k, i := range s.Neuron {
			out[i] = append(out[i], s.TimeMs[k])
		}
	}
	return out
}

// compareTrainsPop checks that two builds' spike trains of a pop have equal
// counts per neuron and spike times within tolMs, and returns the largest
// time difference.
func compareTrainsPop(t *testing.T, what string, a, b [][]float64, tolMs float64) float64 {
	t.Helper()
	worst := 0.0
	for i := range a {
		if len(a[i]) != len(b[i]) {
			t.Errorf("%s neuron %d: %d spikes (hh) vs %d (tvlif2hh)\n  hh       %v\n  tvlif2hh %v", what, i, len(a[i]), len(b[i]), a[i], b[i])
			continue
		}
		for k := range a[i] {
			worst = max(worst, math.Abs(a[i][k]-b[i][k]))
		}
	}
	if worst > tolMs {
		t.Errorf("%s: spike times differ by up to %.4g ms, want ≤ %g ms", what, worst, tolMs)
	}
	return worst
}

// TestPaperXOR: the XOR circuit, hh vs tvlif2hh. With both inputs on
// (the paper's run) the output is silent in both builds; with input 2 off
// (XOR(1, 0), the stim removed) the output fires after each spike of input
// 1. At the authors' dt (0.001 ms) the builds' spike times agree within
// 0.005 ms, at the file's 0.01 ms within 0.02 ms (exponential Euler: the
// two forms are O(dt) apart).
func TestPaperXOR(t *testing.T) {
	for _, c := range []struct {
		dtMs, tolMs float64
	}{{0.001, 0.005}, {0.01, 0.02}} {
		for _, in3 := range []bool{true, false} {
			var res [2]*results.Result
			for k, model := range []string{"hh", "tvlif2hh"} {
				name := "xor_" + model + ".snn"
				src := paperSource(t, name, c.dtMs)
				if !in3 {
					src = strings.Replace(src, "stim x2 -> in3.I = constant(40 uA/cm2)\n", "", 1)
				}
				res[k] = simulate(t, compilePaper(t, name, src))
			}
			what := fmt.Sprintf("dt %g ms, XOR(1, %d)", c.dtMs, map[bool]int{true: 1, false: 0}[in3])
			worst := 0.0
			for _, pop := range []string{"in1", "in3", "out"} {
				a, b := trains(res[0], pop, 1), trains(res[1], pop, 1)
				worst = max(worst, compareTrainsPop(t, what+" "+pop, a, b, c.tolMs))
			}
			in1, out := trains(res[0], "in1", 1)[0], trains(res[0], "out", 1)[0]
			if len(in1) != 5 {
				t.Errorf("%s: input 1 fired %d times in 40 ms, want 5", what, len(in1))
			}
			if in3 && len(out) != 0 {
				t.Errorf("%s: the output fired %v; with both inputs on it must stay silent", what, out)
			}
			if !in3 && len(out) != len(in1) {
				t.Errorf("%s: the output fired %d times, want one spike per input spike (%d)", what, len(out), len(in1))
			}
			t.Logf("%s: input spikes %v, output %v; hh vs tvlif2hh within %.3g ms", what, in1, out, worst)
		}
	}
}

// TestPaperMLP: the 784→128→10 network, hh vs tvlif2hh, 40 ms. At dt 0.005
// ms every hidden and output neuron fires the same number of spikes in both
// builds, hidden spike times within 0.1 ms and output spike times within
// 0.05 ms.
func TestPaperMLP(t *testing.T) {
	const dtMs = 0.005
	var res [2]*results.Result
	for k, model := range []string{"hh", "tvlif2hh"} {
		name := "mlp_" + model + ".snn"
		res[k] = simulate(t, compilePaper(t, name, paperSource(t, name, dtMs)))
	}
	hid := compareTrainsPop(t, "hidden", trains(res[0], "hid", 128), trains(res[1], "hid", 128), 0.1)
	out := compareTrainsPop(t, "output", trains(res[0], "out", 10), trains(res[1], "out", 10), 0.05)
	nh, no := 0, 0
	for _, s := range trains(res[0], "hid", 128) {
		nh += len(s)
	}
	silent := 0
	for _, s := range trains(res[0], "out", 10) {
		no += len(s)
		if len(s) == 0 {
			silent++
		}
	}
	if nh < 100 || no < 10 {
		t.Errorf("the network is too quiet to compare: %d hidden and %d output spikes", nh, no)
	}
	t.Logf("dt %g ms: %d hidden spikes (times within %.3g ms), %d output spikes (within %.3g ms), %d silent outputs", dtMs, nh, hid, no, out, silent)
}

// TestPaperImage: the image list of the MLP files is the pattern drawn in
// their comments.
func TestPaperImage(t *testing.T) {
	for _, model := range []string{"hh", "tvlif2hh"} {
		name := "mlp_" + model + ".snn"
		src := paperSource(t, name, 0)
		var art []float64
		for _, line := range strings.Split(src, "\n") {
			row := strings.TrimPrefix(line, "//     ")
			if row == line || len(row) != 28 || strings.Trim(row, ".#") != "" {
				continue
			}
			for _, c := range row {
				art = append(art, map[rune]float64{'#': 1, '.': 0}[c])
			}
		}
		m := compilePaper(t, name, src)
		set := m.Networks[0].Pop("img").Set("on")
		if len(art) != 784 || set == nil || len(set.Values) != 784 {
			t.Fatalf("%s: %d art pixels, img.on %v", name, len(art), set != nil)
		}
		for i := range art {
			if art[i] != set.Values[i] {
				t.Fatalf("%s: pixel %d (row %d, col %d) is %g in the list, %g in the drawing", name, i, i/28, i%28, set.Values[i], art[i])
			}
		}
	}
}

// TestPaperXORReport: `snnc report --compare-passes -O2` on the tvlif2hh
// XOR circuit: states, synapse copies and operations per step go down.
// canonicalize alone gives 363 → 318 ops/step; fuse-hh then 318 → 219, the
// hh build's cost.
func TestPaperXORReport(t *testing.T) {
	measure := func(m *ir.Module) report.Network {
		t.Helper()
		r, err := report.Build(m, func(net string) (*instance.Instance, error) {
			return instance.Build(m, net, instance.Options{})
		})
		if err != nil {
			t.Fatal(err)
		}
		return r.Networks[0]
	}
	run := func(m *ir.Module, spec string) {
		t.Helper()
		p, err := Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Run(m, p, Options{VerifyEach: true}); err != nil {
			t.Fatal(err)
		}
	}
	m := compilePaper(t, "xor_tvlif2hh.snn", paperSource(t, "xor_tvlif2hh.snn", 0))
	before := measure(m)
	canon := m.Clone()
	run(canon, "canonicalize")
	o1 := measure(canon)
	run(m, strings.Join(PresetNames(2), ","))
	after := measure(m)
	hh := compilePaper(t, "xor_hh.snn", paperSource(t, "xor_hh.snn", 0))
	run(hh, strings.Join(PresetNames(2), ","))
	ref := measure(hh)

	type fig struct {
		name                  string
		got, want, wantO1, hh int
	}
	for _, f := range []fig{
		{"neurons", after.Neurons, 3, o1.Neurons, ref.Neurons},
		{"compartments", after.Compartments, 12, o1.Compartments, ref.Compartments},
		{"synapses", after.Synapses, 2, o1.Synapses, ref.Synapses},
		{"synapse copies", after.SynapseCopies, 2, o1.SynapseCopies, ref.SynapseCopies},
		{"state bytes", int(after.StateBytes), 96, int(o1.StateBytes), int(ref.StateBytes)},
		{"ops/step", after.OpsPerStep.Total(), 219, o1.OpsPerStep.Total(), ref.OpsPerStep.Total()},
	} {
		if f.got != f.want {
			t.Errorf("after -O2: %s = %d, want %d", f.name, f.got, f.want)
		}
		if f.got != f.hh {
			t.Errorf("after -O2: %s = %d, the hh build has %d", f.name, f.got, f.hh)
		}
	}
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"compartments before", before.Compartments, 24},
		{"synapse copies before", before.SynapseCopies, 6},
		{"state bytes before", int(before.StateBytes), 192},
		{"ops/step before", before.OpsPerStep.Total(), 363},
		{"ops/step after canonicalize", o1.OpsPerStep.Total(), 318},
		{"compartments after canonicalize", o1.Compartments, 24},
		{"synapse copies after canonicalize", o1.SynapseCopies, 6},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	want := report.Ops{Mul: 72, Add: 69, Div: 45, Exp: 30, Cmp: 3}
	if after.OpsPerStep != want {
		t.Errorf("ops after -O2 = %+v, want %+v", after.OpsPerStep, want)
	}
	if before.OpsPerStep != (report.Ops{Mul: 78, Add: 156, Div: 96, Exp: 30, Cmp: 3}) {
		t.Errorf("ops before = %+v", before.OpsPerStep)
	}
}
