package cpu

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	llir "github.com/llir/llvm/ir"

	"snnc/internal/results"
	"snnc/interp"
)

func newTestModule() *llir.Module { return llir.NewModule() }

// TestOpCoverage: every computing op of the IR op table has a lowering.
func TestOpCoverage(t *testing.T) {
	m := newTestModule()
	lib := newMathlib(m, ExpFast)
	f := m.NewFunc("f", tVoid)
	b := newFB(f)
	x := dbl(b.cur.NewFAdd(f64(1), f64(2)))
	for _, op := range loweredOps() {
		args := make([]val, op.Info().Arity)
		for i := range args {
			args[i] = x
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("op %v: %v", op, r)
				}
			}()
			lib.lowerOp(b.cur, op, args)
		}()
	}
}

// sameResults reports the first difference between two results, bit for
// bit ("" if none).
func sameResults(want, got *results.Result) string {
	if want.Steps != got.Steps || want.DtMs != got.DtMs || want.DurationMs != got.DurationMs || len(want.Spikes) != len(got.Spikes) || len(want.Traces) != len(got.Traces) {
		return "shape differs"
	}
	for i := range want.Spikes {
		w, g := want.Spikes[i], got.Spikes[i]
		if w.Pop != g.Pop || w.N != g.N || len(w.Neuron) != len(g.Neuron) {
			return w.Pop + ": spike count differs"
		}
		for j := range w.Neuron {
			if w.Neuron[j] != g.Neuron[j] || w.TimeMs[j] != g.TimeMs[j] {
				return w.Pop + ": spikes differ"
			}
		}
	}
	for i := range want.Traces {
		w, g := want.Traces[i], got.Traces[i]
		if w.Name != g.Name || w.Unit != g.Unit || len(w.Values) != len(g.Values) {
			return w.Name + ": trace shape differs"
		}
		for s := range w.Values {
			if w.TimeMs[s] != g.TimeMs[s] {
				return w.Name + ": sample times differ"
			}
			for j := range w.Values[s] {
				if math.Float64bits(w.Values[s][j]) != math.Float64bits(g.Values[s][j]) {
					return w.Name + ": values differ"
				}
			}
		}
	}
	return ""
}

// agreementNets are the networks float mode must reproduce bit for bit
// with ExpFast.
var agreementNets = []string{
	"testdata/corpus/squid.snn",
	"testdata/corpus/xor.snn",
	"testdata/corpus/tvlif2hh.snn",
	"testdata/corpus/cobahh_small.snn",
	"testdata/corpus/loihi.snn",
	"testdata/corpus/multicore.snn",
	"testdata/corpus/lets.snn",
	"testdata/features.snn",
}

// TestAgreesWithInterpreter: with ExpFast the program computes exactly what
// the interpreter computes — the same spikes at the same steps and the
// same trace values, bit for bit — on single neurons (squid HH), the XOR
// circuit, LIF networks, rk4 models and every construct of the language.
func TestAgreesWithInterpreter(t *testing.T) {
	for _, net := range agreementNets {
		t.Run(filepath.Base(net), func(t *testing.T) {
			inst := loadNet(t, net)
			want, got, errW, errG := runBoth(t, inst, Options{}, -2)
			if errW != nil || errG != nil {
				t.Fatalf("errors: interp %v, cpu %v", errW, errG)
			}
			if d := sameResults(want, got); d != "" {
				t.Errorf("%s", d)
			}
		})
	}
}

// TestExpImplementations: with glibc's exp (scalar or libmvec) the single
// neurons keep the same spikes at the same steps and traces within 1e-6
// relative.
func TestExpImplementations(t *testing.T) {
	for _, net := range []string{"testdata/corpus/squid.snn", "testdata/corpus/xor.snn"} {
		inst := loadNet(t, net)
		for _, e := range []ExpImpl{ExpMvec, ExpLibm} {
			t.Run(filepath.Base(net)+"/"+string(e), func(t *testing.T) {
				want, got, errW, errG := runBoth(t, inst, Options{Exp: e}, 1)
				if errW != nil || errG != nil {
					t.Fatalf("errors: interp %v, cpu %v", errW, errG)
				}
				for i := range want.Spikes {
					w, g := want.Spikes[i], got.Spikes[i]
					if len(w.Neuron) != len(g.Neuron) {
						t.Fatalf("%s: %d spikes, want %d", w.Pop, len(g.Neuron), len(w.Neuron))
					}
					for j := range w.Neuron {
						if w.Neuron[j] != g.Neuron[j] || w.TimeMs[j] != g.TimeMs[j] {
							t.Fatalf("%s: spike %d at %v ms, want %v ms", w.Pop, j, g.TimeMs[j], w.TimeMs[j])
						}
					}
				}
				worst := 0.0
				for i := range want.Traces {
					w, g := want.Traces[i], got.Traces[i]
					for s := range w.Values {
						for j, a := range w.Values[s] {
							if d := relDiff(a, g.Values[s][j]); d > worst {
								worst = d
							}
						}
					}
				}
				if worst > 1e-6 {
					t.Errorf("traces differ by %g relative, want ≤ 1e-6", worst)
				}
				t.Logf("largest relative trace difference %.3g", worst)
			})
		}
	}
}

// relDiff is |a−b|/max(|a|,|b|), with an absolute floor for values near 0
// (a trace crossing zero): differences below 1e-12 of the trace's unit
// count as equal.
func relDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	if d < 1e-12 {
		return 0
	}
	return d / math.Max(math.Abs(a), math.Abs(b))
}

// TestThreadsIndependent: the same bytes for any number of threads.
func TestThreadsIndependent(t *testing.T) {
	inst := loadNet(t, "testdata/corpus/cobahh_small.snn")
	p, err := Build(inst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := Compile(context.Background(), p, filepath.Join(dir, "prog"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var first *results.Result
	for _, n := range []int{1, 2, 3, 5} {
		r, st, err := a.Exec(context.Background(), -n, filepath.Join(dir, "r.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Threads < 1 || st.Threads > n {
			t.Errorf("%d threads asked, %d used", n, st.Threads)
		}
		if first == nil {
			first = r
		} else if d := sameResults(first, r); d != "" {
			t.Errorf("%d threads: %s", n, d)
		}
	}
}

// TestNonFinite: a state that becomes infinite stops the run with the
// interpreter's error and the result recorded so far.
func TestNonFinite(t *testing.T) {
	inst := loadSource(t, `
neuron grow {
    param tau = 1 ms
    input I : 1
    state x = 1
    state y = 0
    x' = x * x / tau + I / tau     // blows up in finite time
    y' = -y / tau
    spike when x > 1e300
    method euler
}
network boom {
    dt       = 0.1 ms
    duration = 10 ms
    pop p = grow[70]
    record p.x every 0.2 ms
    record p spikes
}
`)
	want, got, errW, errG := runBoth(t, inst, Options{}, -2)
	var nw, ng *interp.NonFiniteError
	if !errors.As(errW, &nw) || !errors.As(errG, &ng) {
		t.Fatalf("errors: interp %v, cpu %v", errW, errG)
	}
	if *nw != *ng {
		t.Errorf("error %+v, want %+v", *ng, *nw)
	}
	if d := sameResults(want, got); d != "" {
		t.Errorf("partial results: %s", d)
	}
}

// TestModulesVerify: every emitted module passes opt -verify and llc.
func TestModulesVerify(t *testing.T) {
	opt := llvmTool(t, "opt")
	llc := llvmTool(t, "llc")
	// (Every Compile in the other tests runs opt, which verifies, and llc
	// too; this covers every exp implementation and the big networks.)
	nets := append([]string{"testdata/cuba.snn", "testdata/cobahh.snn"}, agreementNets...)
	for i, net := range nets {
		inst := loadNet(t, net)
		impls := []ExpImpl{ExpFast}
		if i < 2 {
			impls = ExpImpls
		}
		for _, e := range impls {
			p, err := Build(inst, Options{Exp: e, Steps: 10})
			if err != nil {
				t.Fatalf("%s: %v", net, err)
			}
			text, err := p.LLVM()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(opt, "-verify", "-o", "-", "-")
			cmd.Stdin = strings.NewReader(text)
			bc, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s (%s): opt -verify: %v", net, e, err)
			}
			cmd = exec.Command(llc, "-O0", "-filetype=null", "-")
			cmd.Stdin = bytes.NewReader(bc)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s (%s): llc: %v\n%s", net, e, err, out)
			}
		}
	}
}

// TestChaoticRates: on COBAHH and CUBA (1 s; chaotic, where round-off
// grows) the mean rates agree within 1% — with ExpFast they are equal.
func TestChaoticRates(t *testing.T) {
	if testing.Short() {
		t.Skip("1 s of COBAHH and CUBA")
	}
	for _, net := range []string{"testdata/cobahh.snn", "testdata/cuba.snn"} {
		for _, e := range []ExpImpl{ExpFast, ExpMvec} {
			t.Run(filepath.Base(net)+"/"+string(e), func(t *testing.T) {
				inst := loadNet(t, net)
				want, got, errW, errG := runBoth(t, inst, Options{Exp: e}, 2)
				if errW != nil || errG != nil {
					t.Fatalf("errors: interp %v, cpu %v", errW, errG)
				}
				for i := range want.Spikes {
					w, g := float64(len(want.Spikes[i].Neuron)), float64(len(got.Spikes[i].Neuron))
					if math.Abs(g-w) > 0.01*w {
						t.Errorf("%s: %v spikes, interpreter %v", want.Spikes[i].Pop, g, w)
					}
					t.Logf("%s: %v spikes, interpreter %v", want.Spikes[i].Pop, g, w)
				}
				if e == ExpFast {
					if d := sameResults(want, got); d != "" {
						t.Errorf("ExpFast: %s", d)
					}
				}
			})
		}
	}
}

// TestDataFile: large arrays go to the sidecar file, which the program
// checks; small ones are embedded.
func TestDataFile(t *testing.T) {
	inst := loadNet(t, "testdata/corpus/cobahh_small.snn")
	for _, limit := range []int{-1, 0, 1 << 30} {
		p, err := Build(inst, Options{EmbedLimit: limit})
		if err != nil {
			t.Fatal(err)
		}
		if (p.Data == nil) != (limit == 1<<30) {
			t.Errorf("EmbedLimit %d: data file %v", limit, p.Data != nil)
		}
	}
	p, err := Build(inst, Options{EmbedLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := Compile(context.Background(), p, filepath.Join(dir, "prog"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := interp.Run(inst, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The default data path: the executable's + ".data".
	a2 := *a
	a2.Data = ""
	got, _, err := a2.Exec(context.Background(), 1, filepath.Join(dir, "r.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameResults(want, got); d != "" {
		t.Error(d)
	}
	// A data file of another program is refused.
	other, err := Build(loadNet(t, "testdata/corpus/multicore.snn"), Options{EmbedLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.Data, other.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Exec(context.Background(), 1, filepath.Join(dir, "r.bin")); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Errorf("foreign data file: %v", err)
	}
}

// TestSourcesAndDelays: Poisson sources (docs/rng.md's generator) and
// spike lists through per-synapse delays and weights.
func TestSourcesAndDelays(t *testing.T) {
	inst := loadSource(t, `
neuron cell {
    param tau = 10 ms
    input I : mV
    state v = 0 mV
    state g = 0 mV
    v' = (I * 10 + g - v) / tau
    g' = -g / (2 ms)
    spike when v > 2 mV
    reset { v = 0 mV }
    refractory 2 ms
}
network src {
    dt       = 0.1 ms
    duration = 50 ms
    seed     = 3
    source noise = poisson[300] { rate = 40 Hz }
    source fixed = spikes[3] { times = [[1 ms, 1 ms, 7 ms], [2 ms], []] }
    pop p = cell[130]
    connect noise -> p.I : random(p = 0.1) { weight = uniform(1 mV, 3 mV); delay = uniform(0 ms, 3 ms) }
    connect fixed -> p.g : all_to_all { weight = 5 mV; delay = 1 ms }
    connect p -> p.g : fixed_indegree(k = 3) { weight = normal(1 mV, 0.5 mV) }
    record p spikes
    record noise spikes
    record fixed spikes
    record p.v[3..9] every 1 ms
    record p.I[0..4]
}
`)
	want, got, errW, errG := runBoth(t, inst, Options{}, -2)
	if errW != nil || errG != nil {
		t.Fatalf("errors: interp %v, cpu %v", errW, errG)
	}
	if d := sameResults(want, got); d != "" {
		t.Error(d)
	}
	if len(want.Spikes[0].Neuron) == 0 {
		t.Error("the population never spikes: a weak test")
	}
}

// TestMissingTools: a missing LLVM names the Debian package.
func TestMissingTools(t *testing.T) {
	saved := llvmDirs
	llvmDirs = []string{t.TempDir()}
	t.Setenv("PATH", t.TempDir())
	defer func() { llvmDirs = saved }()
	_, err := FindToolchain()
	var me *MissingToolError
	if !errors.As(err, &me) || me.Package != "llvm-14" || !strings.Contains(err.Error(), "apt-get install llvm-14") {
		t.Errorf("error %v", err)
	}
}

// TestResultStreamTruncated: a stream cut short is an error, not a result.
func TestResultStreamTruncated(t *testing.T) {
	inst := loadNet(t, "testdata/corpus/squid.snn")
	p, err := Build(inst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := Compile(context.Background(), p, filepath.Join(dir, "prog"), CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rp := filepath.Join(dir, "r.bin")
	if _, _, err := a.Exec(context.Background(), 1, rp); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(rp)
	for _, n := range []int{0, 7, 100, len(data) - 1} {
		if _, _, err := ReadResult(bytes.NewReader(data[:n])); err == nil {
			t.Errorf("%d of %d bytes: no error", n, len(data))
		}
	}
}
