package passes

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

func letsNet(t *testing.T) (*ir.Module, *instance.Instance) {
	t.Helper()
	m, _, errs := frontend.CompileFile(filepath.Join("..", "testdata", "corpus", "lets.snn"), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m, inst
}

func trace(t *testing.T, r *results.Result, name string) *results.Trace {
	t.Helper()
	tr := r.Trace(name)
	if tr == nil {
		t.Fatalf("no trace %s", name)
	}
	return tr
}

// A recorded let is sampled in fixed point as the float interpreter
// samples it (docs/simulator.md, "Record"): at every step boundary, over
// the states after the step (resets included) and the input that step used
// (0 at t = 0). Checked against the fixed run's own states and input,
// recorded at the same samples: every let equals its expression over them
// to within the rounding of its intermediate values (≪ the size of one
// step's input, which a wrong pairing would be off by).
func TestQuantizeLetSampling(t *testing.T) {
	m, inst := letsNet(t)
	pa := inst.PopIndex("a")
	u := inst.Pops[pa].Unit
	inst.Records = nil
	for _, v := range []string{"V", "w"} {
		inst.Records = append(inst.Records, &instance.Record{Pop: pa, Source: -1, Var: v, Kind: instance.RecordState, Index: inst.Pops[pa].StateIndex(v), Lo: 0, Hi: 4, Every: 1})
	}
	inst.Records = append(inst.Records, &instance.Record{Pop: pa, Source: -1, Var: "I", Kind: instance.RecordInput, Index: 0, Lo: 0, Hi: 4, Every: 1})
	var lets []string
	for li, l := range u.Lets {
		if l.Name == "unrec" || l.Name == "half" || l.Name == "same" || l.Name == "Vinf" || l.Name == "level" || l.Name == "Vw" {
			inst.Records = append(inst.Records, &instance.Record{Pop: pa, Source: -1, Var: l.Name, Kind: instance.RecordLet, Index: li, Lo: 0, Hi: 4, Every: 1})
			lets = append(lets, l.Name)
		}
	}
	net, rep, err := Quantize(m, QuantizeOptions{Inst: inst})
	if err != nil {
		t.Fatal(err)
	}
	res, err := interp.RunFixed(net, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	V, w, I := trace(t, res, "a.V"), trace(t, res, "a.w"), trace(t, res, "a.I")
	R := []float64{10e6, 12e6, 15e6, 20e6}
	const EL, Vth = -65e-3, -50e-3
	want := map[string]func(k, i int) float64{
		"Vinf":  func(k, i int) float64 { return EL + R[i]*I.Values[k][i] },
		"level": func(k, i int) float64 { return (V.Values[k][i] - EL) / (Vth - EL) },
		"Vw":    func(k, i int) float64 { return V.Values[k][i] - w.Values[k][i]*(1+I.Values[k][i]/1e-9) },
		"same":  func(k, i int) float64 { return w.Values[k][i] },
		"half":  func(k, i int) float64 { return EL / 2 },
		"unrec": func(k, i int) float64 { return V.Values[k][i] * V.Values[k][i] / 1e-3 },
	}
	tol := map[string]float64{"Vinf": 1e-8, "level": 1e-7, "Vw": 1e-8, "same": 0, "half": 1e-9, "unrec": 1e-7}
	for _, name := range lets {
		tr := trace(t, res, "a."+name)
		if len(tr.Values) != len(V.Values) {
			t.Fatalf("%s: %d samples, states %d", name, len(tr.Values), len(V.Values))
		}
		mx := 0.0
		for k := range tr.Values {
			for i := range tr.Values[k] {
				mx = max(mx, math.Abs(tr.Values[k][i]-want[name](k, i)))
			}
		}
		if mx > tol[name] {
			t.Errorf("let %s: differs from its expression over the fixed run's states and input by up to %g (tolerance %g)", name, mx, tol[name])
		}
	}
	// The report gives each recorded let's format and error against float;
	// `same` is the state w's register.
	s := rep.String()
	for _, want := range []string{"let   Vinf ", "let   level ", "let   same   = w (no instructions)", "let   unrec "} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	for _, l := range rep.Pops[pa].Lets {
		if !l.Compared {
			t.Errorf("let %s: no error against float in the report", l.Name)
		}
	}
}

// Only recorded lets cost instructions, and recording them changes nothing
// else: the same spikes and the same state traces, bit for bit.
func TestQuantizeLetsCostOnlyWhenRecorded(t *testing.T) {
	m, inst := letsNet(t)
	pa := inst.PopIndex("a")
	stateRecs := func(inst *instance.Instance) {
		var keep []*instance.Record
		for _, r := range inst.Records {
			if r.Kind != instance.RecordLet {
				keep = append(keep, r)
			}
		}
		inst.Records = append(keep, &instance.Record{Pop: pa, Source: -1, Var: "V", Kind: instance.RecordState, Index: 0, Lo: 0, Hi: 4, Every: 1})
	}
	with, _, err := Quantize(m, QuantizeOptions{Inst: inst, NoErrorRun: true})
	if err != nil {
		t.Fatal(err)
	}
	bare := *inst
	stateRecs(&bare)
	without, _, err := Quantize(m, QuantizeOptions{Inst: &bare, NoErrorRun: true})
	if err != nil {
		t.Fatal(err)
	}
	pw, p0 := with.Pops[pa].Prog, without.Pops[pa].Prog
	for _, l := range []string{"Vinf", "level", "Vw", "half", "same", "unrec"} {
		if p0.Reg(l) >= 0 {
			t.Errorf("unrecorded let %s has a register", l)
		}
	}
	if pw.Reg("unrec") >= 0 || pw.Reg("same") >= 0 {
		t.Errorf("a let that is not recorded, or is a state, has a register of its own")
	}
	// Vinf, level, Vw: a few instructions each; half: none (a constant).
	extra := len(pw.Code) - len(p0.Code)
	if extra <= 0 || extra > 16 {
		t.Errorf("recording 4 lets costs %d instructions (%d → %d)", extra, len(p0.Code), len(pw.Code))
	}
	// Same dynamics.
	withRun := *with
	withInst := *with.Inst
	stateRecs(&withInst)
	withRun.Inst = &withInst
	withRun.Records = nil
	for _, r := range without.Records {
		rr := *r
		rr.Reg = pw.Reg(p0.Regs[r.Reg].Name)
		withRun.Records = append(withRun.Records, &rr)
	}
	a, err := interp.RunFixed(&withRun, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := interp.RunFixed(without, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Spikes, b.Spikes) || !reflect.DeepEqual(a.Traces, b.Traces) {
		t.Errorf("recording lets changed the dynamics")
	}
}

// What cannot be recorded says why and what to record instead.
func TestQuantizeLetErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`neuron c {
    param tau = 10 ms
    input I : 1
    let ramp = x * t / ms
    state x = 0
    x' = (I - x) / tau
}
network n {
    dt = 0.1 ms
    duration = 5 ms
    pop p = c[2]
    stim s -> p.I = constant(1)
    record p.ramp
}
`, "record p.ramp: the let ramp uses the time t, which fixed-point programs do not have; record the states it is computed from instead"},
		{`network n {
    dt = 1 ms
    duration = 5 ms
    pop p = loihi_lif[2] { vth = 10 }
    record p.u_next
}
`, "record p.u_next: the let u_next cannot be recorded in fixed point: loihi_lif runs on Loihi's CUBA-LIF datapath, which holds only the registers u and v; record u and v (the states it is computed from) instead"},
	} {
		m := compileSrc(t, "e.snn", c.src)
		_, _, err := Quantize(m, QuantizeOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v\nwant …%s", err, c.want)
		}
	}
}

// A LIF population that records a let runs as a program (the datapath has
// no register for it), and says so.
func TestQuantizeLIFLetIsProgram(t *testing.T) {
	m := compileSrc(t, "l.snn", `neuron lifx {
    param tau = 10 ms
    param EL = -65 mV
    param Vth = -50 mV
    input I : mV
    let dv = v - EL
    state v = EL
    v' = (EL + I - v) / tau
    spike when v > Vth
    reset { v = EL }
}
network l {
    dt = 0.1 ms
    duration = 50 ms
    pop c = lifx[2]
    stim d -> c.I = constant(20 mV)
    record c.dv
}
`)
	net, rep, err := Quantize(m, QuantizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pops[0].Datapath != "program" || net.Pops[0].Cuba != nil || !strings.Contains(rep.String(), "because the let dv is recorded") {
		t.Errorf("want a program with a note:\n%s", rep)
	}
}
