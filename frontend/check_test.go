package frontend

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/ir"
)

// These tests run the checker and lowering through the exported API
// (CompileFile, CompileSource): every example and standard model checks
// and lowers with no errors to IR that verifies, and linear ODEs become
// the right tv-LIF compartments, checked numerically.

// exampleFiles returns the testdata/*.snn examples (DSL.md's and ours).
func exampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../testdata/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.snn examples")
	}
	return files
}

// compileOK compiles a file and fails the test on any error.
func compileOK(t testing.TB, path string) *ir.Module {
	t.Helper()
	m, prog, errs := CompileFile(path, Options{})
	if len(errs) > 0 {
		var b strings.Builder
		FormatErrors(&b, errs, prog.Source, 0)
		t.Fatalf("%s: unexpected errors:\n%s", path, b.String())
	}
	if m == nil {
		t.Fatalf("%s: no module and no errors", path)
	}
	return m
}

// compileSourceOK compiles source text and fails the test on any error.
func compileSourceOK(t testing.TB, name, src string) *ir.Module {
	t.Helper()
	m, _, errs := CompileSource(name, []byte(src), Options{})
	if len(errs) > 0 {
		var b strings.Builder
		FormatErrors(&b, errs, func(string) []byte { return []byte(src) }, 0)
		t.Fatalf("%s: unexpected errors:\n%s", name, b.String())
	}
	return m
}

func TestExamplesCheck(t *testing.T) {
	for _, path := range exampleFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m := compileOK(t, path)
			if err := ir.Verify(m); err != nil {
				t.Fatalf("lowered IR does not verify: %v", err)
			}
			if len(m.Units)+len(m.Networks) == 0 {
				t.Error("empty module")
			}
		})
	}
}

// TestExamplesContent spot-checks what the DSL.md examples lower to.
func TestExamplesContent(t *testing.T) {
	m := compileOK(t, "../testdata/cobahh.snn")
	n := m.Network("cobahh")
	if n == nil || m.Unit("traub") == nil {
		t.Fatalf("cobahh: want network cobahh and unit traub, got %d units, %d networks", len(m.Units), len(m.Networks))
	}
	if n.Dt != 1e-4 || n.Duration != 1 || n.Seed != 12345 {
		t.Errorf("cobahh: dt %g duration %g seed %d", n.Dt, n.Duration, n.Seed)
	}
	if len(n.Pops) != 2 || n.Size("exc") != 3200 || n.Size("inh") != 800 {
		t.Errorf("cobahh: pops %v", n.Pops)
	}
	if len(n.Projections) != 4 {
		t.Fatalf("cobahh: %d projections, want 4", len(n.Projections))
	}
	for _, p := range n.Projections {
		if p.Rule.Kind != ir.Random || p.Rule.P != 0.02 {
			t.Errorf("cobahh: %s -> %s.%s rule %+v", p.Src, p.Dst, p.Target, p.Rule)
		}
		w, ok := n.G.ConstValue(p.Weight)
		want := map[string]float64{"ge": 6e-9, "gi": 67e-9}[p.Target]
		if !ok || math.Abs(w-want) > 1e-12*want {
			t.Errorf("cobahh: %s -> %s.%s weight %v, want %g", p.Src, p.Dst, p.Target, w, want)
		}
	}
	for _, st := range m.Unit("traub").States {
		if st.Kind != ir.TVLIF {
			t.Errorf("traub: state %s is %v, want tvlif", st.Name, st.Kind)
		}
	}

	m = compileOK(t, "../testdata/squid.snn")
	n = m.Network("squid")
	if n == nil || len(n.Stims) != 1 || len(n.Records) != 2 {
		t.Fatalf("squid: %+v", n)
	}
	s := n.Stims[0]
	if a, _ := s.Wave.Arg("a"); s.Wave.Kind != ir.WaveStep || math.Abs(a-0.1) > 1e-15 {
		t.Errorf("squid: stim %+v, want step with a = 0.1 A/m^2", s.Wave)
	}
	if r := n.Records[1]; r.Var != "V" || math.Abs(r.Every-1e-4) > 1e-18 {
		t.Errorf("squid: record %+v", r)
	}
}

func TestStdlibModelsCheck(t *testing.T) {
	names := StdlibModels()
	for _, want := range []string{"hh", "lif", "slif2hh", "traub", "tvlif2hh"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("standard model %s is missing (have %v)", want, names)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			// Used from a network, as the standard model ...
			src := fmt.Sprintf("network n {\n dt = 0.1 ms\n duration = 1 ms\n pop p = %s[2]\n record p spikes\n}\n", name)
			m := compileSourceOK(t, "use.snn", src)
			if err := ir.Verify(m); err != nil {
				t.Fatalf("lowered IR does not verify: %v", err)
			}
			u := m.Unit(name)
			if u == nil {
				t.Fatalf("module has no unit %s", name)
			}
			// ... and compiled as a file of its own.
			text, ok := StdlibSource(name)
			if !ok {
				t.Fatalf("no source for %s", name)
			}
			m2 := compileSourceOK(t, name+".snn", string(text))
			if err := ir.Verify(m2); err != nil {
				t.Fatalf("lowered IR does not verify: %v", err)
			}
			if got, want := string(ir.PrintUnit(m2.Unit(name))), string(ir.PrintUnit(u)); got != want {
				t.Errorf("the model compiled from its own file differs from the standard one:\n%s\n---\n%s", got, want)
			}
			if u.Method == ir.ExpEuler {
				for _, st := range u.States {
					if st.Kind == ir.General {
						t.Errorf("state %s is general under exponential Euler", st.Name)
					}
				}
			}
		})
	}
	if _, ok := StdlibSource("no_such_model"); ok {
		t.Error("StdlibSource found a model that does not exist")
	}
}

// A file's own model shadows the standard one of the same name.
func TestStdlibShadowing(t *testing.T) {
	src := `neuron lif {
    param tau = 5 ms
    state v = 0 mV
    v' = -v / tau
}
network n {
    dt = 0.1 ms
    duration = 1 ms
    pop p = lif[1]
}
`
	m := compileSourceOK(t, "shadow.snn", src)
	u := m.Unit("lif")
	if u == nil || len(u.Params) != 1 || u.Params[0].Name != "tau" {
		t.Fatalf("the file's own lif was not used: %s", ir.PrintUnit(u))
	}
}

// ---- linearity ----

// evalAt evaluates an expression of unit u at a point: env gives params,
// states, inputs and t ("t"); params missing from env take their
// defaults, states missing from env their initial values.
func evalAt(t testing.TB, u *ir.Unit, id ir.NodeID, env map[string]float64) float64 {
	t.Helper()
	var leaf func(n ir.Node, args []float64) float64
	leaf = func(n ir.Node, args []float64) float64 {
		switch n.Op {
		case ir.OpTime:
			if v, ok := env["t"]; ok {
				return v
			}
			return 0
		case ir.OpParam, ir.OpState, ir.OpInput:
			if v, ok := env[n.Name]; ok {
				return v
			}
			if p := u.Param(n.Name); p != nil && n.Op == ir.OpParam {
				return u.G.Eval(p.Default, leaf)
			}
			if s := u.State(n.Name); s != nil && n.Op == ir.OpState {
				return u.G.Eval(s.Init, leaf)
			}
			if n.Op == ir.OpInput {
				return 0
			}
		}
		t.Fatalf("evalAt: cannot evaluate %v %s", n.Op, n.Name)
		return 0
	}
	return u.G.Eval(id, leaf)
}

func near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// hhRates are the HH gate rates of DSL.md's hh at membrane potential V
// (volts), in 1/s.
func hhRates(V float64) (am, bm, ah, bh, an, bn float64) {
	u := V / 1e-3
	exprel := func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return math.Expm1(x) / x
	}
	am = 1 / exprel(-(u+40)/10) / 1e-3
	bm = 4 * math.Exp(-(u+65)/18) / 1e-3
	ah = 0.07 * math.Exp(-(u+65)/20) / 1e-3
	bh = 1 / (1 + math.Exp(-(u+35)/10)) / 1e-3
	an = 0.1 / exprel(-(u+55)/10) / 1e-3
	bn = 0.125 * math.Exp(-(u+65)/80) / 1e-3
	return
}

func TestLinearity(t *testing.T) {
	type env = map[string]float64
	hhSrc, err := os.ReadFile("../testdata/hh.snn")
	if err != nil {
		t.Fatal(err)
	}
	lifSrc, err := os.ReadFile("../testdata/lif.snn")
	if err != nil {
		t.Fatal(err)
	}
	model := func(eq string) string {
		return "neuron x {\n param T = 7 ms\n param D = 3 mV\n param k = 2\n input I : mV/ms\n state x = 1 mV\n x' = " + eq + "\n}\n"
	}
	hhPoint := env{"V": -0.052, "m": 0.2, "h": 0.55, "n": 0.4, "I": 0.07}
	tests := []struct {
		name, src, state string
		at               env
		kind             ir.Kind
		// want returns tau and drive (TVLIF) or the rate (Integrator, in tau).
		want func(e env) (tau, drive float64)
	}{
		{"lif", string(lifSrc), "v", env{"v": -0.06, "I": 2e-9}, ir.TVLIF,
			func(e env) (float64, float64) { return 0.02, -0.065 + 10e6*e["I"] }},
		{"lif/other params", string(lifSrc), "v", env{"v": -0.06, "I": 1e-9, "tau": 0.005, "El": -0.07, "R": 2e7}, ir.TVLIF,
			func(e env) (float64, float64) { return e["tau"], e["El"] + e["R"]*e["I"] }},
		{"integrator", "neuron c {\n param C = 2 pF\n input I : pA\n state q = 0 mV\n q' = I / C\n}\n", "q",
			env{"I": 3e-12}, ir.Integrator,
			func(e env) (float64, float64) { return e["I"] / 2e-12, 0 }},
		{"integrator/constant", model("2 mV/ms"), "x", env{}, ir.Integrator,
			func(e env) (float64, float64) { return 2, 0 }},
		{"integrator/zero coefficient", model("0*x/T + I"), "x", env{"I": 0.25}, ir.Integrator,
			func(e env) (float64, float64) { return 0.25, 0 }},
		{"integrator/cancelling", model("(x - x)/T + I"), "x", env{"I": 0.25}, ir.Integrator,
			func(e env) (float64, float64) { return 0.25, 0 }},
		{"decay", model("-x / T"), "x", env{"x": 0.5}, ir.TVLIF,
			func(e env) (float64, float64) { return 7e-3, 0 }},
		{"relax", model("(D - x) / T"), "x", env{"x": 0.5}, ir.TVLIF,
			func(e env) (float64, float64) { return 7e-3, 3e-3 }},
		{"A + B x", model("I - k*x/T"), "x", env{"I": 0.4}, ir.TVLIF,
			func(e env) (float64, float64) { return 3.5e-3, 0.4 * 3.5e-3 }},
		{"B x + A, nested", model("((x - D) * (-k)) / (2*T) + I"), "x", env{"I": 0.4}, ir.TVLIF,
			func(e env) (float64, float64) { return 7e-3, 3e-3 + 0.4*7e-3 }},
		{"growth", model("x / T"), "x", env{}, ir.TVLIF,
			func(e env) (float64, float64) { return -7e-3, 0 }},
		{"power one", model("-x^1 / T"), "x", env{}, ir.TVLIF,
			func(e env) (float64, float64) { return 7e-3, 0 }},
		{"time-varying", model("(D*sin(2*t/T) - x) / T"), "x", env{"t": 0.004}, ir.TVLIF,
			func(e env) (float64, float64) { return 7e-3, 3e-3 * math.Sin(2*0.004/7e-3) }},
		{"hh/m", string(hhSrc), "m", hhPoint, ir.TVLIF,
			func(e env) (float64, float64) {
				am, bm, _, _, _, _ := hhRates(e["V"])
				return 1 / (am + bm), am / (am + bm)
			}},
		{"hh/h", string(hhSrc), "h", hhPoint, ir.TVLIF,
			func(e env) (float64, float64) {
				_, _, ah, bh, _, _ := hhRates(e["V"])
				return 1 / (ah + bh), ah / (ah + bh)
			}},
		{"hh/n", string(hhSrc), "n", hhPoint, ir.TVLIF,
			func(e env) (float64, float64) {
				_, _, _, _, an, bn := hhRates(e["V"])
				return 1 / (an + bn), an / (an + bn)
			}},
		{"hh/V", string(hhSrc), "V", hhPoint, ir.TVLIF,
			func(e env) (float64, float64) {
				gNa := 1200 * math.Pow(e["m"], 3) * e["h"]
				gK := 360 * math.Pow(e["n"], 4)
				gL := 3.0
				g := gNa + gK + gL
				return 0.01 / g, (gNa*0.05 + gK*-0.077 + gL*-0.054387 + e["I"]) / g
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := compileSourceOK(t, "lin.snn", tc.src)
			if len(m.Units) != 1 {
				t.Fatalf("%d units", len(m.Units))
			}
			u := m.Units[0]
			st := u.State(tc.state)
			if st == nil {
				t.Fatalf("no state %s", tc.state)
			}
			if st.Kind != tc.kind {
				t.Fatalf("state %s is %v, want %v", tc.state, st.Kind, tc.kind)
			}
			wantTau, wantDrive := tc.want(tc.at)
			switch st.Kind {
			case ir.TVLIF:
				tau, drive := evalAt(t, u, st.Tau, tc.at), evalAt(t, u, st.Drive, tc.at)
				if !near(tau, wantTau) || !near(drive, wantDrive) {
					t.Errorf("tau = %g, drive = %g; want tau = %g, drive = %g", tau, drive, wantTau, wantDrive)
				}
			case ir.Integrator:
				if rate := evalAt(t, u, st.Rate, tc.at); !near(rate, wantTau) {
					t.Errorf("rate = %g, want %g", rate, wantTau)
				}
			}
		})
	}
}

// withMethodEuler inserts "method euler" into every neuron of src, so that
// its equations lower to general derivatives.
func withMethodEuler(src string) string {
	var b strings.Builder
	inNeuron := false
	for _, line := range strings.SplitAfter(src, "\n") {
		if strings.HasPrefix(line, "neuron ") {
			inNeuron = true
		}
		if strings.HasPrefix(strings.TrimSpace(line), "method ") {
			continue
		}
		if inNeuron && strings.HasPrefix(line, "}") {
			b.WriteString("    method euler\n")
			inNeuron = false
		}
		b.WriteString(line)
	}
	return b.String()
}

// TestLinearityMatchesDerivative checks every tv-LIF and integrator state
// of every standard model and example against the derivative itself: the
// model compiled with method euler keeps x' = f as a general derivative,
// and (drive - x)/tau (or the rate) must equal f at random points.
func TestLinearityMatchesDerivative(t *testing.T) {
	sources := map[string]string{}
	for _, name := range StdlibModels() {
		b, _ := StdlibSource(name)
		sources["std/"+name] = string(b)
	}
	for _, path := range exampleFiles(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "neuron ") {
			sources[filepath.Base(path)] = string(b)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			lin := compileSourceOK(t, "lin.snn", src)
			gen := compileSourceOK(t, "gen.snn", withMethodEuler(src))
			for i, u := range lin.Units {
				g := gen.Units[i]
				if u.Method != ir.ExpEuler || !strings.Contains(src, "neuron "+u.Name+" ") {
					continue // general already, or a standard model used by the file
				}
				if g.Method != ir.Euler {
					t.Fatalf("method euler was not applied to %s", g.Name)
				}
				for trial := 0; trial < 20; trial++ {
					// A random point: states near their initial values,
					// inputs random, params at their defaults.
					e := map[string]float64{"t": rng.Float64() * 0.1}
					for _, st := range u.States {
						x0 := evalAt(t, u, st.Init, map[string]float64{})
						e[st.Name] = x0 + (rng.Float64()-0.5)*math.Max(math.Abs(x0), 0.01)
					}
					for _, in := range u.Inputs {
						e[in.Name] = (rng.Float64() - 0.5) * 1e-8
					}
					for _, st := range u.States {
						f := evalAt(t, g, g.State(st.Name).Deriv, e)
						var got float64
						switch st.Kind {
						case ir.TVLIF:
							tau, drive := evalAt(t, u, st.Tau, e), evalAt(t, u, st.Drive, e)
							got = (drive - e[st.Name]) / tau
						case ir.Integrator:
							got = evalAt(t, u, st.Rate, e)
						default:
							t.Fatalf("%s.%s is %v", u.Name, st.Name, st.Kind)
						}
						if math.Abs(got-f) > 1e-7*math.Max(math.Abs(f), 1e-9) {
							t.Fatalf("%s.%s at %v: linear form gives x' = %g, the equation %g", u.Name, st.Name, e, got, f)
						}
					}
				}
			}
		})
	}
}

// ---- imports ----

func TestImports(t *testing.T) {
	path := filepath.Join("..", "testdata", "imports", "main.snn")
	m, prog, errs := CompileFile(path, Options{})
	if len(errs) > 0 {
		t.Fatalf("unexpected errors: %v", errs)
	}
	// Each file once, the root first, imports resolved relative to the
	// file that imports them.
	var files []string
	for _, f := range prog.Files {
		rel, err := filepath.Rel(filepath.Join("..", "testdata", "imports"), f.Name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	want := "main.snn models/cells.snn models/base/leaky.snn common.snn"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("loaded files %q, want %q", got, want)
	}
	if prog.Root != prog.Files[0] || prog.Source(prog.Files[3].Name) == nil {
		t.Error("Program.Root or Program.Source is wrong")
	}
	var units []string
	for _, u := range m.Units {
		units = append(units, u.Name)
	}
	if got := strings.Join(units, " "); got != "cell leaky adapting" {
		t.Errorf("units %q, want the imported models in order of use", got)
	}
	n := m.Network("twopops")
	if n == nil || n.Pop("inh") == nil || n.Pop("inh").Unit != "leaky" || n.Pop("ada").Unit != "adapting" {
		t.Fatalf("network: %s", ir.PrintNetwork(n))
	}
	if err := ir.Verify(m); err != nil {
		t.Fatal(err)
	}
	text := ir.Print(m)
	m2, err := ir.Parse("imports.ir", text)
	if err != nil || !bytes.Equal(ir.Print(m2), text) {
		t.Errorf("imports: IR does not round-trip (%v)", err)
	}
}

// memFS serves files from a map, for Options.ReadFile.
func memFS(files map[string]string) Options {
	return Options{ReadFile: func(path string) ([]byte, error) {
		if s, ok := files[filepath.ToSlash(filepath.Clean(path))]; ok {
			return []byte(s), nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}}
}

func TestImportErrors(t *testing.T) {
	const lif = "neuron lif2 {\n param tau = 10 ms\n state v = 0 mV\n v' = -v / tau\n}\n"
	const net = "network n {\n dt = 0.1 ms\n duration = 1 ms\n pop p = lif2[1]\n}\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []string // "file:line:col: message" substrings, in order
	}{
		{"ok/nested and relative", map[string]string{
			"p/main.snn":  "import \"sub/a.snn\"\n" + net,
			"p/sub/a.snn": "import \"../lib/b.snn\"\n",
			"p/lib/b.snn": lif,
		}, nil},
		{"missing nested import is reported in the importing file", map[string]string{
			"p/main.snn":  "import \"sub/a.snn\"\n" + net,
			"p/sub/a.snn": "\nimport \"nope.snn\"\n",
		}, []string{"p/sub/a.snn:2:8: cannot import \"nope.snn\": no such file"}},
		{"syntax error in an imported file", map[string]string{
			"p/main.snn": "import \"a.snn\"\n" + net,
			"p/a.snn":    "neuron lif2 {\n param tau = \n}\n",
		}, []string{"p/a.snn:3:1: expected expression, found '}'"}},
		{"self import", map[string]string{
			"p/main.snn": "import \"main.snn\"\n" + net,
		}, []string{"p/main.snn:1:8: import cycle: p/main.snn -> p/main.snn"}},
		{"model declared in two files", map[string]string{
			"p/main.snn": "import \"a.snn\"\n" + lif + net,
			"p/a.snn":    lif,
		}, []string{"p/a.snn:1:8: neuron lif2 redeclared (previous declaration at p/main.snn:2:8)"}},
		{"an imported model shadows the standard one", map[string]string{
			"p/main.snn": "import \"a.snn\"\nnetwork n {\n dt = 0.1 ms\n duration = 1 ms\n pop p = lif[1] { I = 1 nA }\n}\n",
			"p/a.snn":    strings.Replace(lif, "lif2", "lif", 1),
		}, []string{"p/main.snn:5:19: neuron lif has no param or state named I"}},
	}
	// The root spelt differently from how an import names it.
	tests = append(tests, struct {
		name  string
		files map[string]string
		want  []string
	}{"self import of a root spelt ./p/main.snn", map[string]string{
		"p/main.snn": "import \"../p/main.snn\"\n" + lif + net,
	}, []string{"p/./main.snn:1:8: import cycle: p/main.snn -> p/main.snn"}})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := "p/main.snn"
			if strings.Contains(tc.name, "./p/main.snn") {
				root = "p/./main.snn"
			}
			_, _, errs := CompileFile(root, memFS(tc.files))
			var got []string
			for _, e := range errs {
				got = append(got, filepath.ToSlash(e.Error()))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got errors %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("error %d is %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
