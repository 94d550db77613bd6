package passes

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"snnc/ir"
)

// approxRun runs canonicalize,approx-slif2hh on m and returns the remarks.
func approxRun(t *testing.T, m *ir.Module) []Remark {
	t.Helper()
	p, err := Parse("canonicalize,approx-slif2hh")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(m, p, Options{VerifyEach: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []Remark
	for _, r := range res.Remarks {
		if r.Pass == "approx-slif2hh" {
			out = append(out, r)
		}
	}
	return out
}

const oneHH = `network one {
    dt       = 0.01 ms
    duration = 100 ms
    pop cell = hh[1]
    stim drive -> cell.I = constant(10 uA/cm2)
    record cell spikes
    record cell.V every 0.1 ms
    record cell.m
}
`

// TestApproxConstant: one HH neuron under a constant 10 uA/cm2. The range
// the network feeds it is 10 uA/cm2, fitted and tested over ±10%: the
// fitted unit fires as many spikes as the HH unit on the constant test
// input (80 ms) and within one spike on each of the paper's five inputs;
// in the network (100 ms) within one spike. Every figure of the report is
// printed.
func TestApproxConstant(t *testing.T) {
	m := compileNet(t, oneHH)
	ref := spikesOf(simulate(t, m.Clone()), "cell")
	canon := m.Clone()
	p, _ := Parse("canonicalize")
	if _, err := Run(canon, p, Options{}); err != nil {
		t.Fatal(err)
	}
	rep, err := ApproxSLIF2HH(canon, ApproxOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Units) != 1 {
		t.Fatalf("%d units replaced, want 1", len(rep.Units))
	}
	au := rep.Units[0]
	if au.Unit != "hh" || au.Replacement != "hh_slif2hh" || au.Form != "conductance-based membrane" {
		t.Errorf("replaced %s (%s) by %s", au.Unit, au.Form, au.Replacement)
	}
	if len(au.Ranges) != 1 || math.Abs(au.Ranges[0].MeasLo-0.1) > 1e-12 || math.Abs(au.Ranges[0].MeasHi-0.1) > 1e-12 {
		t.Fatalf("measured range %+v, want 10 uA/cm2 (0.1 A/m^2)", au.Ranges[0])
	}
	if r := au.Ranges[0]; math.Abs(r.Lo-0.09) > 1e-12 || math.Abs(r.Hi-0.11) > 1e-12 {
		t.Errorf("fitted range %g…%g, want 9…11 uA/cm2", r.Lo/au.Scale, r.Hi/au.Scale)
	}
	tests := au.tests()
	names := []string{"constant", "sine", "square", "sawtooth", "triangle"}
	if len(tests) != len(names) {
		t.Fatalf("%d test inputs, want 5", len(tests))
	}
	for i, x := range tests {
		if x.Name != names[i] {
			t.Errorf("test %d is %s, want %s", i, x.Name, names[i])
		}
		if x.HH < 4 {
			t.Errorf("%s: the HH unit fired only %d times", x.Name, x.HH)
		}
		if d := x.SLIF - x.HH; d < -1 || d > 1 {
			t.Errorf("%s: s-LIF2HH fired %d times, HH %d: more than one apart", x.Name, x.SLIF, x.HH)
		}
		if x.CountMatch != (x.HH == x.SLIF) || x.HasDt && !x.CountMatch {
			t.Errorf("%s: inconsistent %+v", x.Name, x)
		}
	}
	if c := tests[0]; !c.CountMatch || !c.HasDt || c.DtOverISI > 0.25 || math.Abs(c.ISIDiff) > 1.5e-3 {
		t.Errorf("constant input: %s", c.summary())
	}
	if au.Before.States != 4 || au.After.States != 4 || au.After.Ops.Total() >= au.Before.Ops.Total() {
		t.Errorf("cost: %+v → %+v", au.Before, au.After)
	}

	// The report prints all five inputs and the cost.
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"constant(10 uA/cm2)", "sine(10 ± 1 uA/cm2", "square(9…11 uA/cm2", "sawtooth(9…11 uA/cm2",
		"triangle(9…11 uA/cm2", "ops/step", "input synapse copies", "mean |Δt|/ISI", "Δ mean ISI (ms)"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, b.String())
		}
	}
	t.Logf("\n%s", b.String())

	// The network runs with the replacement: the pop is now an s-LIF2HH pop,
	// records of V and m became one record of u4.
	n := canon.Networks[0]
	if n.Pops[0].Unit != "hh_slif2hh" || canon.Unit("hh") != nil || canon.Unit("hh_slif2hh") == nil {
		t.Fatalf("pop unit %s, units %v", n.Pops[0].Unit, canon.Units)
	}
	if len(n.Records) != 2 || n.Records[1].Var != "u4" || n.Records[1].Every != 1e-4 {
		t.Errorf("records %+v %+v", n.Records[0], n.Records[len(n.Records)-1])
	}
	got := spikesOf(simulate(t, canon), "cell")
	if d := len(got) - len(ref); d < -1 || d > 1 {
		t.Errorf("in the network: %d spikes, HH %d", len(got), len(ref))
	}
	t.Logf("network, 100 ms: HH %v\n s-LIF2HH %v", ref, got)
}

// TestApproxDeterministic: the same input gives the same fit, report and IR.
func TestApproxDeterministic(t *testing.T) {
	var texts, reports [2]string
	for i := range texts {
		m := compileNet(t, oneHH)
		rs := approxRun(t, m)
		var b strings.Builder
		for _, r := range rs {
			b.WriteString(r.String() + "\n")
		}
		reports[i], texts[i] = b.String(), string(ir.Print(m))
	}
	if texts[0] != texts[1] || reports[0] != reports[1] {
		t.Errorf("two runs differ:\n%s\n%s", reports[0], reports[1])
	}
}

// TestApproxDirectSim: the fit's direct simulation of s-LIF2HH gives the
// reference interpreter's spike times.
func TestApproxDirectSim(t *testing.T) {
	m := compileNet(t, oneHH)
	u := m.Units[0]
	au := &ApproxUnit{Dt: 1e-5, Ranges: []*ApproxRange{{Lo: 0.05, Hi: 0.4}}}
	f := newFitter(u, au, ApproxOptions{FitDuration: 60e-3, TestDuration: 80e-3})
	for _, c := range [][4]float64{{0.9, 70, 1e-3, 0}, {0.96, 0.44 * 100, 2.06e-3, 64}, {0.5, 300, 0.3e-3, 30}} {
		nu := buildSLIF2HH("s", u.Inputs[0], c[0], slifVth, c[1], c[2], c[3])
		ins := append(append([]*fitInput(nil), f.train...), f.tests...)
		direct := f.simSLIF(c[0], c[1], c[2], c[3], ins)
		interp, err := f.simulate(nu, ins, nil)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for i := range ins {
			total += len(direct[i])
			if len(direct[i]) != len(interp[i]) {
				t.Errorf("%v %s: direct %v, interpreter %v", c, ins[i].name, direct[i], interp[i])
				continue
			}
			for k := range direct[i] {
				if math.Abs(direct[i][k]-interp[i][k]) > 1e-12 {
					t.Errorf("%v %s: spike %d at %g (direct) vs %g", c, ins[i].name, k, direct[i][k], interp[i][k])
				}
			}
		}
		if total == 0 {
			t.Errorf("%v: no spikes at all", c)
		}
	}
}

// TestApproxXOR: the paper's XOR circuit from hh units and from tvlif2hh
// units (recognised as a tv-LIF2HH construct). The inputs get 40 uA/cm2
// (fitted over ±10%); the output's input cancels to 0 (a silent range, not
// fitted). After the pass the inputs fire as often as before and the output
// stays silent.
func TestApproxXOR(t *testing.T) {
	for _, model := range []string{"hh", "tvlif2hh"} {
		name := "xor_" + model + ".snn"
		m := compilePaper(t, name, paperSource(t, name, 0))
		ref := simulate(t, m.Clone())
		rs := approxRun(t, m)
		text := ""
		for _, r := range rs {
			text += r.String() + "\n"
		}
		form := map[string]string{"hh": "conductance-based membrane", "tvlif2hh": "tv-LIF2HH construct"}[model]
		for _, w := range []string{
			"remark: unit " + model + ": replaced the HH unit (" + form + ") by the s-LIF2HH unit " + model + "_slif2hh",
			"on I 36…44 uA/cm2 (pops xor.in1, xor.in3)",
			"pops xor.out: input at most 0 uA/cm2 (never above 0): both units stay silent; not fitted",
			"test constant(40 uA/cm2): spikes HH 9, s-LIF2HH 9 (match)",
		} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: remarks lack %q:\n%s", name, w, text)
			}
		}
		got := simulate(t, m)
		for _, pop := range []string{"in1", "in3", "out"} {
			a, b := spikesOf(ref, pop), spikesOf(got, pop)
			if len(a) != len(b) {
				t.Errorf("%s %s: %d spikes before, %d after", name, pop, len(a), len(b))
			}
		}
		if model == "hh" {
			t.Logf("\n%s", text)
		}
	}
}

// TestApproxMissed: units the pass leaves alone, with the reason.
func TestApproxMissed(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`network n {
    dt = 0.1 ms
    duration = 20 ms
    pop exc = traub[4]
    stim d -> exc.I = constant(1 nA)
    connect exc -> exc.ge : all_to_all { weight = 6 nS }
    record exc spikes
}`, "missed: unit traub: not approximated by s-LIF2HH: network n delivers spikes to state ge of pop exc; s-LIF2HH has only the input I"},
		{`network n {
    dt = 0.01 ms
    duration = 20 ms
    pop a = hh[2] { V = -70 mV }
    stim d -> a.I = constant(10 uA/cm2)
}`, "missed: unit hh: not approximated by s-LIF2HH: network n sets V in pop a (the fit is for the unit's defaults)"},
		{`network n {
    dt = 0.01 ms
    duration = 20 ms
    pop a = hh[2]
    stim d -> a.I = constant(-5 uA/cm2)
}`, "missed: unit hh: not approximated by s-LIF2HH: its input never exceeds 0 in the networks that use it (averaged over 1 ms): nothing to fit"},
		{`network n {
    dt = 0.1 ms
    duration = 20 ms
    pop a = lif[2]
    stim d -> a.I = constant(1 nA)
}`, ""},
	} {
		m := compileNet(t, c.src)
		rs := approxRun(t, m)
		if c.want == "" {
			if len(rs) != 0 {
				t.Errorf("remarks for a LIF network: %v", rs)
			}
			continue
		}
		if len(rs) != 1 || rs[0].String() != c.want {
			t.Errorf("remarks %v\nwant %s", rs, c.want)
		}
	}
	// A module without networks: no input range.
	m := stdModel(t, "hh")
	p, _ := Parse("canonicalize,approx-slif2hh")
	res, err := Run(m, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := res.Remarks[len(res.Remarks)-1].String()
	if last != "missed: unit hh: not approximated by s-LIF2HH: no network uses it, so there is no input range to fit" {
		t.Errorf("got %s", last)
	}
}

// TestApproxTable: the pass is lossy, after fuse-hh, in no preset, and
// needs canonical input.
func TestApproxTable(t *testing.T) {
	x, ok := Lookup("approx-slif2hh")
	if !ok || !x.Lossy {
		t.Fatalf("approx-slif2hh: %v %+v", ok, x)
	}
	names := strings.Join(Names(), ",")
	if !strings.Contains(names, "fuse-hh,approx-slif2hh") {
		t.Errorf("table order %s", names)
	}
	for lvl := 0; lvl <= 2; lvl++ {
		for _, n := range PresetNames(lvl) {
			if n == x.Name {
				t.Errorf("-O%d contains %s", lvl, n)
			}
		}
	}
	if _, err := Parse("approx-slif2hh"); err == nil || !strings.Contains(err.Error(), "run canonicalize before approx-slif2hh") {
		t.Errorf("Parse without canonicalize: %v", err)
	}
	if _, err := Parse("canonicalize,fuse-hh,canonicalize,approx-slif2hh"); err != nil {
		t.Error(err)
	}
}
