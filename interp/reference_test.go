package interp

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/ir"
)

// The squid-axon HH neuron against ../shared/reference/hh_squid.json:
// Brian2's exponential Euler and RK4 at dt = 0.01 ms, and an accurate
// solver (LSODA, rtol = atol = 1e-11). The reference spike times are
// upward crossings of 0 mV linearly interpolated between the two steps that
// bracket them; we compute the same from our V trace recorded every step,
// and also check our own spike times (t = k·dt of the step whose
// integration crossed) against them.

type squidRun struct {
	Source     string    `json:"source"`
	Method     string    `json:"method"`
	DtMs       *float64  `json:"dt_ms"`
	I          float64   `json:"I_uA_cm2"`
	SpikeCount int       `json:"spike_count"`
	SpikeTimes []float64 `json:"spike_times_ms"`
	VmV        []float64 `json:"v_mV"`
}

// findReference walks up from the working directory to the first directory
// whose parent holds shared/reference/NAME (the repo root's sibling
// shared/, as laid out for developers and CI).
func findReference(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		for _, p := range []string{
			filepath.Join(dir, "..", "shared", "reference", name),
			filepath.Join(dir, "shared", "reference", name),
		} {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("reference data %s not found in ../shared/reference relative to any parent of the working directory", name)
		}
		dir = parent
	}
}

func loadSquidReference(t *testing.T) []squidRun {
	path := findReference(t, "hh_squid.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Runs []squidRun `json:"runs"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return ref.Runs
}

const squidSrc = `
network squid {
    dt       = 0.01 ms
    duration = 200 ms
    pop cell = hh[1]
    stim drive -> cell.I = constant(10 uA/cm2)
    record cell spikes
    record cell.V
}
`

// runSquid simulates the squid neuron under current I (uA/cm2) with the
// given method and returns our spike times and the interpolated 0 mV
// crossings of the V trace (both in ms).
func runSquid(t *testing.T, current float64, method ir.Method) (spikes, crossings []float64) {
	t.Helper()
	m, _, errs := frontend.CompileSource("squid_test.snn", []byte(squidSrc), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m.Networks[0].Stims[0].Wave.Args[0].Value = current * 1e-2 // uA/cm2 → A/m2
	for _, u := range m.Units {
		u.Method = method
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(inst, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spikes = res.Spikes[0].TimeMs
	tr := res.Traces[0]
	for s := 0; s+1 < len(tr.TimeMs); s++ {
		v0, v1 := tr.Values[s][0], tr.Values[s+1][0]
		if v0 <= 0 && v1 > 0 {
			t0, t1 := tr.TimeMs[s], tr.TimeMs[s+1]
			crossings = append(crossings, t0+(t1-t0)*(0-v0)/(v1-v0))
		}
	}
	return spikes, crossings
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func TestSquidAgainstReference(t *testing.T) {
	runs := loadSquidReference(t)
	find := func(source, method string, current float64) squidRun {
		for _, r := range runs {
			if r.Source == source && (method == "" || r.Method == method) && r.I == current {
				return r
			}
		}
		t.Fatalf("reference has no %s %s run at %g uA/cm2", source, method, current)
		return squidRun{}
	}
	const dt = 0.01 // ms
	for _, current := range []float64{10, 20} {
		for _, c := range []struct {
			method  ir.Method
			against squidRun
		}{
			{ir.ExpEuler, find("brian2", "exponential_euler", current)},
			{ir.RK4, find("truth", "", current)},
			{ir.RK4, find("brian2", "rk4", current)},
		} {
			spikes, crossings := runSquid(t, current, c.method)
			ref := c.against.SpikeTimes
			if len(spikes) != c.against.SpikeCount || len(crossings) != len(ref) {
				t.Errorf("I = %g, %v: %d spikes (%d crossings), %s %s has %d", current, c.method,
					len(spikes), len(crossings), c.against.Source, c.against.Method, len(ref))
				continue
			}
			// Like with like: interpolated crossings against interpolated crossings.
			dCross := maxAbsDiff(crossings, ref)
			// Our spike times are k·dt with the crossing inside [k·dt, (k+1)·dt].
			dSpike := maxAbsDiff(spikes, ref)
			t.Logf("I = %2g uA/cm2, %-9v vs %-6s %-17s: %d spikes, max |interpolated crossing − ref| = %.3g ms, max |spike time − ref| = %.3g ms",
				current, c.method, c.against.Source, c.against.Method, len(ref), dCross, dSpike)
			if dCross > dt {
				t.Errorf("I = %g, %v: interpolated crossings differ from %s by up to %g ms (> dt)", current, c.method, c.against.Source, dCross)
			}
			if dSpike > dt {
				t.Errorf("I = %g, %v: spike times differ from %s by up to %g ms (> dt)", current, c.method, c.against.Source, dSpike)
			}
			for i, s := range spikes {
				if crossings[i] < s || crossings[i] > s+dt+1e-9 {
					t.Errorf("spike %d at %g ms: its crossing %g ms is not in [t, t+dt]", i, s, crossings[i])
				}
			}
		}
	}
}

// TestSquidTraceAgainstReference compares V sampled every 0.1 ms with
// Brian2's exponential-Euler trace.
func TestSquidTraceAgainstReference(t *testing.T) {
	runs := loadSquidReference(t)
	var ref squidRun
	for _, r := range runs {
		if r.Source == "brian2" && r.Method == "exponential_euler" && r.I == 10 {
			ref = r
		}
	}
	m, _, errs := frontend.CompileFile("../testdata/squid.snn", frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(inst, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Traces[0]
	if len(tr.TimeMs) != len(ref.VmV) {
		t.Fatalf("%d samples, reference has %d", len(tr.TimeMs), len(ref.VmV))
	}
	worst, at := 0.0, 0.0
	for s := range tr.TimeMs {
		if d := math.Abs(tr.Values[s][0]*1e3 - ref.VmV[s]); d > worst {
			worst, at = d, tr.TimeMs[s]
		}
	}
	t.Logf("squid.snn V vs Brian2 exponential Euler (every 0.1 ms): max |ΔV| = %.3g mV at t = %g ms", worst, at)
	// During an upstroke V changes by ~100 mV/ms; the reference is rounded
	// to 1e-6 mV. A 1 mV bound catches any real disagreement.
	if worst > 1 {
		t.Errorf("V differs from Brian2 by up to %g mV at %g ms", worst, at)
	}
}
