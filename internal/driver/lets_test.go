package driver

import (
	"math"
	"path/filepath"
	"testing"

	"snnc/internal/results"
)

// runBackend runs a testdata program on a backend (-O0, the backend's
// default options).
func runBackend(t *testing.T, file, backend string) *results.Result {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", file)
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJob(m, path, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := LookupBackend(backend, "run")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range b.Flags {
		j.Options[f.Name] = f.Default
	}
	res, err := b.Run(j)
	if err != nil {
		t.Fatalf("%s on %s: %v", file, backend, err)
	}
	return res
}

func traceOf(t *testing.T, r *results.Result, name string) *results.Trace {
	t.Helper()
	tr := r.Trace(name)
	if tr == nil {
		t.Fatalf("no trace %s", name)
	}
	return tr
}

// traceErr returns the largest and the RMS |a − b| over every sample, after
// checking that both have the same sample times.
func traceErr(t *testing.T, a, b *results.Trace) (mx, rms float64) {
	t.Helper()
	if len(a.TimeMs) != len(b.TimeMs) {
		t.Fatalf("%s: %d samples, float %d", a.Name, len(a.TimeMs), len(b.TimeMs))
	}
	n := 0
	for k := range a.TimeMs {
		if a.TimeMs[k] != b.TimeMs[k] {
			t.Fatalf("%s: sample %d at %g ms, float at %g ms", a.Name, k, a.TimeMs[k], b.TimeMs[k])
		}
		for i := range a.Values[k] {
			d := math.Abs(a.Values[k][i] - b.Values[k][i])
			mx = max(mx, d)
			rms += d * d
			n++
		}
	}
	return mx, math.Sqrt(rms / float64(n))
}

// The paper's tv-LIF2HH circuits record the let V = F + u4. In fixed point
// the program computes it into a register (docs/fixed-point.md §3.4), so
// they run on `fixed` and on the chip (bit-exact with each other), with
// the trace sampled as the float interpreter samples it (same times,
// including the initial sample at t = 0, which is −65 mV to within one
// LSB).
//
// Tolerances. XOR: the output unit never spikes (XOR(1, 1) = 0), so V is
// a smooth sub-threshold trace whose error is the states' quantisation
// (LSBs of 2^−29…2^−33 V) accumulated over 4,000 steps: measured 1.0e-8 V;
// we require 1 µV. MLP: the units spike, and one-step differences of
// spike times (8-bit synaptic weights, §6) make V differ by tens of mV
// during a spike. That is the fixed-point dynamics, not the recording:
// the same circuit built from hh units, where V is a state
// (mlp_hh.snn), has the same error (measured max 81 mV, RMS 5.5 mV for
// both). So we require the let's trace to be no worse than the state's
// there (RMS within 10%, max within 10%).
func TestPaperTVLIF2HHLetTraces(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four circuits on three backends")
	}
	var mlpHH float64
	var mlpHHMax float64
	{
		fl := runBackend(t, "paper/mlp_hh.snn", "ref")
		fx := runBackend(t, "paper/mlp_hh.snn", "fixed")
		mlpHHMax, mlpHH = traceErr(t, traceOf(t, fx, "out.V"), traceOf(t, fl, "out.V"))
	}
	for _, c := range []struct {
		file        string
		maxErr, rms float64
	}{
		{"paper/xor_tvlif2hh.snn", 1e-6, 1e-6},
		{"paper/mlp_tvlif2hh.snn", 1.1 * mlpHHMax, 1.1 * mlpHH},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			fl := runBackend(t, c.file, "ref")
			fx := runBackend(t, c.file, "fixed")
			chip := runBackend(t, c.file, "loihi")
			vf, vx, vc := traceOf(t, fl, "out.V"), traceOf(t, fx, "out.V"), traceOf(t, chip, "out.V")
			if mx, _ := traceErr(t, vc, vx); mx != 0 {
				t.Errorf("loihi and fixed differ in out.V by up to %g V", mx)
			}
			for i, x := range vx.Values[0] {
				if math.Abs(x-vf.Values[0][i]) > 1e-8 {
					t.Errorf("initial sample of neuron %d: %g V, float %g V", i, x, vf.Values[0][i])
				}
			}
			mx, rms := traceErr(t, vx, vf)
			t.Logf("%s: out.V fixed vs float: max %.3g V, rms %.3g V (mlp_hh's V state: max %.3g, rms %.3g)", c.file, mx, rms, mlpHHMax, mlpHH)
			if mx > c.maxErr || rms > c.rms {
				t.Errorf("out.V fixed vs float: max %g V (limit %g), rms %g V (limit %g)", mx, c.maxErr, rms, c.rms)
			}
		})
	}
}
