package passes

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

// Simulation checks of expand-hh and fuse-hh with the reference
// interpreter (PAPER.md §3 and issue 4's acceptance checks).

var simInputs = []float64{7, 10, 20, 40} // uA/cm2

// squidNet is a network with one pop per (model, input): pops hh0…hh3 and
// tv0…tv3 of the given models, recording spikes and V.
func squidNet(a, b string, dtMs, durMs float64) string {
	var s strings.Builder
	fmt.Fprintf(&s, "network cmp {\n    dt = %g ms\n    duration = %g ms\n", dtMs, durMs)
	for i, in := range simInputs {
		for _, p := range []struct{ pre, model string }{{"a", a}, {"b", b}} {
			fmt.Fprintf(&s, "    pop %s%d = %s[1]\n", p.pre, i, p.model)
			fmt.Fprintf(&s, "    stim s%s%d -> %s%d.I = constant(%g uA/cm2)\n", p.pre, i, p.pre, i, in)
			fmt.Fprintf(&s, "    record %s%d spikes\n    record %s%d.V\n", p.pre, i, p.pre, i)
		}
	}
	s.WriteString("}\n")
	return s.String()
}

func compileNet(t *testing.T, src string) *ir.Module {
	t.Helper()
	m, _, errs := frontend.CompileSource("net.snn", []byte(src), frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%v\n%s", errs, src)
	}
	return m
}

func simulate(t *testing.T, m *ir.Module) *results.Result {
	t.Helper()
	inst, err := instance.Build(m, m.Networks[0].Name, instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := interp.Run(inst, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func spikesOf(r *results.Result, pop string) []float64 {
	for _, s := range r.Spikes {
		if s.Pop == pop {
			return s.TimeMs
		}
	}
	return nil
}

func traceOf(t *testing.T, r *results.Result, name string) []float64 {
	for _, tr := range r.Traces {
		if tr.Name == name {
			v := make([]float64, len(tr.Values))
			for i := range tr.Values {
				v[i] = tr.Values[i][0]
			}
			return v
		}
	}
	t.Fatalf("no trace %s", name)
	return nil
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func setMethod(m *ir.Module, meth ir.Method) {
	for _, u := range m.Units {
		u.Method = meth
	}
}

// TestSimTVLIF2HHvsHH: the paper's own check — tvlif2hh (not fused) and hh
// under constant inputs 7, 10, 20, 40 uA/cm2 for 40 ms at dt = 0.001 ms.
// Under forward Euler (the authors' scheme: F += Σ g_k Δu_k) the two are
// the same computation up to round-off: equal spike counts and V within
// 0.5 mV (in fact ~1e-9 V). Under exponential Euler (snnc's default) the
// two forms are different discretisations, O(dt) apart: spike counts are
// equal and spike times within 0.01 ms at dt = 0.001 ms, but V differs by
// up to ~1.4 mV on the steep upstroke of a spike (a shift of a few
// microseconds); the test logs what it gets, also at dt = 0.01 ms.
func TestSimTVLIF2HHvsHH(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	for _, meth := range []ir.Method{ir.Euler, ir.ExpEuler} {
		for _, dt := range []float64{0.001, 0.01} {
			m := compileNet(t, squidNet("hh", "tvlif2hh", dt, 40))
			setMethod(m, meth)
			r := simulate(t, m)
			for i, in := range simInputs {
				sa, sb := spikesOf(r, fmt.Sprintf("a%d", i)), spikesOf(r, fmt.Sprintf("b%d", i))
				dv := maxAbsDiff(traceOf(t, r, fmt.Sprintf("a%d.V", i)), traceOf(t, r, fmt.Sprintf("b%d.V", i)))
				dts := -1.0
				if len(sa) == len(sb) {
					dts = maxAbsDiff(sa, sb)
				}
				t.Logf("%s, dt %g ms, I = %g uA/cm2: hh %d spikes, tvlif2hh %d spikes, max |Δt_spike| = %.4g ms, max |ΔV| = %.3g mV",
					meth, dt, in, len(sa), len(sb), dts, dv*1e3)
				if dt != 0.001 {
					continue
				}
				if len(sa) != len(sb) || len(sa) == 0 {
					t.Errorf("%s, I = %g: spike counts %d (hh) vs %d (tvlif2hh)", meth, in, len(sa), len(sb))
				}
				if meth == ir.Euler && dv > 0.5e-3 {
					t.Errorf("%s, I = %g: max |ΔV| = %g mV > 0.5 mV", meth, in, dv*1e3)
				}
				if meth == ir.ExpEuler && dts > 0.01 {
					t.Errorf("%s, I = %g: spike times differ by %g ms", meth, in, dts)
				}
			}
		}
	}
}

// TestSimFusedEulerExact: under method euler the construction is linear in
// the increments, so the fused unit (fuse-hh(tvlif2hh)) and the unfused one
// agree to round-off at every step, and both agree with hh.
func TestSimFusedEulerExact(t *testing.T) {
	src := squidNet("hh", "tvlif2hh", 0.001, 20)
	unfused := compileNet(t, src)
	setMethod(unfused, ir.Euler)
	fused := compileNet(t, src)
	setMethod(fused, ir.Euler)
	res := run(t, fused, "canonicalize,fuse-hh,canonicalize")
	if !hasRemark(res, Applied, "fused 4 tv-LIF compartments") {
		t.Fatalf("not fused: %v", res.Remarks)
	}
	if u := fused.Unit("tvlif2hh"); len(u.States) != 4 {
		t.Fatalf("fused unit has %d states", len(u.States))
	}
	ru, rf := simulate(t, unfused), simulate(t, fused)
	for i := range simInputs {
		for _, p := range []string{"a", "b"} {
			name := fmt.Sprintf("%s%d", p, i)
			vu, vf := traceOf(t, ru, name+".V"), traceOf(t, rf, name+".V")
			if d := maxAbsDiff(vu, vf); d > 1e-9 {
				t.Errorf("%s: fused and unfused V differ by %g V at some step", name, d)
			}
			if a, b := spikesOf(ru, name), spikesOf(rf, name); fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("%s: spike times differ:\n%v\n%v", name, a, b)
			}
		}
		// and the tv-LIF2HH unit against HH itself
		if d := maxAbsDiff(traceOf(t, ru, fmt.Sprintf("a%d.V", i)), traceOf(t, ru, fmt.Sprintf("b%d.V", i))); d > 1e-9 {
			t.Errorf("input %g: tvlif2hh and hh differ by %g V under euler", simInputs[i], d)
		}
	}
}

// TestSimExpandCOBAHH: an expanded COBAHH network fires at rates within 2%
// of the unexpanded one (the network is chaotic: spike times diverge, the
// rate does not).
func TestSimExpandCOBAHH(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	src := `network cobahh {
    dt       = 0.1 ms
    duration = 1 s
    seed     = 12345
    pop exc = traub[3200] {
        V  = -60 mV + normal(-5 mV, 5 mV)
        ge = normal(40 nS, 15 nS)
        gi = normal(200 nS, 120 nS)
    }
    pop inh = traub[800] {
        V  = -60 mV + normal(-5 mV, 5 mV)
        ge = normal(40 nS, 15 nS)
        gi = normal(200 nS, 120 nS)
    }
    connect exc -> exc.ge : random(p = 0.02) { weight = 6 nS }
    connect exc -> inh.ge : random(p = 0.02) { weight = 6 nS }
    connect inh -> exc.gi : random(p = 0.02) { weight = 67 nS }
    connect inh -> inh.gi : random(p = 0.02) { weight = 67 nS }
    record exc spikes
    record inh spikes
}
`
	plain := compileNet(t, src)
	expanded := compileNet(t, src)
	res := run(t, expanded, "canonicalize,expand-hh,canonicalize")
	if !hasRemark(res, Applied, "5 channel compartments") {
		t.Fatalf("not expanded: %v", res.Remarks)
	}
	rate := func(r *results.Result) float64 {
		n := 0
		for _, s := range r.Spikes {
			n += len(s.TimeMs)
		}
		return float64(n) / 4000 / 1.0
	}
	a, b := rate(simulate(t, plain)), rate(simulate(t, expanded))
	t.Logf("COBAHH mean rate: %.2f Hz unexpanded, %.2f Hz expanded (tv-LIF2HH, 5 channels)", a, b)
	if math.Abs(a-b) > 0.02*a || a == 0 {
		t.Errorf("rates differ by more than 2%%: %g vs %g Hz", a, b)
	}
}

// TestSimCanonicalizePreserves: canonicalize changes values only by
// round-off: the squid axon and the LIF network simulate to the same
// spikes, and V stays within 1e-9 V of the uncanonicalized run.
func TestSimCanonicalizePreserves(t *testing.T) {
	for _, file := range []string{"../testdata/squid.snn", "../testdata/corpus/tvlif2hh.snn"} {
		a := compile(t, file)
		b := compile(t, file)
		run(t, b, "canonicalize")
		ra, rb := simulate(t, a), simulate(t, b)
		for i := range ra.Spikes {
			if fmt.Sprint(ra.Spikes[i].TimeMs) != fmt.Sprint(rb.Spikes[i].TimeMs) {
				t.Errorf("%s: pop %s: spikes differ", file, ra.Spikes[i].Pop)
			}
		}
		for i := range ra.Traces {
			d := 0.0
			for s := range ra.Traces[i].Values {
				d = math.Max(d, maxAbsDiff(ra.Traces[i].Values[s], rb.Traces[i].Values[s]))
			}
			t.Logf("%s: %s: max difference %.3g", file, ra.Traces[i].Name, d)
			if d > 1e-9 {
				t.Errorf("%s: %s differs by %g", file, ra.Traces[i].Name, d)
			}
		}
	}
}
