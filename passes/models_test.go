package passes

import (
	"bytes"
	"io/fs"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/ir"
)

// compile lowers a .snn file (a test fixture) to IR.
func compile(t *testing.T, path string) *ir.Module {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return m
}

// stdModel compiles a standard model on its own.
func stdModel(t *testing.T, name string) *ir.Module {
	return compile(t, filepath.Join("..", "frontend", "stdlib", name+".snn"))
}

// run runs a pipeline and fails the test on error.
func run(t *testing.T, m *ir.Module, spec string) *Result {
	t.Helper()
	p, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(m, p, Options{VerifyEach: true})
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return res
}

// exampleFiles returns every .snn file under testdata/ (except the
// diagnostics cases) and the standard models.
func exampleFiles(t *testing.T) []string {
	var files []string
	for _, root := range []string{filepath.Join("..", "testdata"), filepath.Join("..", "frontend", "stdlib")} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == "diag" || d.Name() == "imports") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".snn") {
				files = append(files, path)
			}
			return nil
		})
	}
	sort.Strings(files)
	if len(files) < 5 {
		t.Fatalf("found only %d example files", len(files))
	}
	return files
}

// TestCanonicalizeIdempotent: canonicalize(canonicalize(m)) == canonicalize(m)
// as text, for every example and standard model, and the output verifies
// and reads back.
func TestCanonicalizeIdempotent(t *testing.T) {
	for _, f := range exampleFiles(t) {
		m, _, errs := frontend.CompileFile(f, frontend.Options{})
		if len(errs) > 0 {
			t.Logf("%s: skipped (does not compile: %v)", f, errs[0])
			continue
		}
		run(t, m, "canonicalize")
		once := ir.Print(m)
		run(t, m, "canonicalize")
		if twice := ir.Print(m); !bytes.Equal(once, twice) {
			t.Errorf("%s: canonicalize is not idempotent:\n%s", f, lineDiff(string(once), string(twice)))
		}
		m2, err := ir.Parse(f, once)
		if err != nil {
			t.Fatalf("%s: canonical IR does not parse: %v", f, err)
		}
		run(t, m2, "canonicalize")
		if again := ir.Print(m2); !bytes.Equal(once, again) {
			t.Errorf("%s: canonicalize of the reparsed text differs:\n%s", f, lineDiff(string(once), string(again)))
		}
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			lo := max(0, i-3)
			return "line " + itoa(i+1) + ":\n- " + strings.Join(la[lo:min(len(la), i+4)], "\n- ") +
				"\n+ " + strings.Join(lb[lo:min(len(lb), i+4)], "\n+ ")
		}
	}
	return "(equal)"
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

// TestRoundTripHH: fuse-hh(expand-hh(x)) gives back x (IR text equal after
// canonicalize) for hh and traub.
func TestRoundTripHH(t *testing.T) {
	for _, name := range []string{"hh", "traub"} {
		m := stdModel(t, name)
		run(t, m, "canonicalize")
		want := string(ir.Print(m))
		m = stdModel(t, name)
		res := run(t, m, "canonicalize,expand-hh,canonicalize")
		if !hasRemark(res, Applied, "expanded membrane V") {
			t.Fatalf("%s: not expanded: %v", name, res.Remarks)
		}
		expanded := string(ir.Print(m))
		if expanded == want {
			t.Fatalf("%s: expand-hh changed nothing", name)
		}
		m = stdModel(t, name)
		res = run(t, m, "canonicalize,expand-hh,canonicalize,fuse-hh,canonicalize")
		if !hasRemark(res, Applied, "fused") {
			t.Fatalf("%s: not fused: %v\n%s", name, res.Remarks, expanded)
		}
		if got := string(ir.Print(m)); got != want {
			t.Errorf("%s: fuse-hh(expand-hh(%s)) differs from %s:\n%s", name, name, name, lineDiff(want, got))
		}
	}
}

func hasRemark(res *Result, k RemarkKind, sub string) bool {
	for _, r := range res.Remarks {
		if r.Kind == k && strings.Contains(r.Msg, sub) {
			return true
		}
	}
	return false
}

// evalAt evaluates expression id of unit u with params at their defaults
// and the given state and input values.
func evalAt(u *ir.Unit, id ir.NodeID, vals map[string]float64) float64 {
	params := map[string]float64{}
	for _, p := range u.Params {
		params[p.Name] = u.G.Eval(p.Default, func(n ir.Node, _ []float64) float64 { return params[n.Name] })
	}
	return u.G.Eval(id, func(n ir.Node, _ []float64) float64 {
		switch n.Op {
		case ir.OpParam:
			return params[n.Name]
		case ir.OpTime:
			return vals["t"]
		}
		v, ok := vals[n.Name]
		if !ok {
			panic("no value for " + n.Name)
		}
		return v
	})
}

// deriv evaluates state s's x' at the point.
func deriv(u *ir.Unit, s *ir.State, vals map[string]float64) float64 {
	switch s.Kind {
	case ir.TVLIF:
		return (evalAt(u, s.Drive, vals) - vals[s.Name]) / evalAt(u, s.Tau, vals)
	case ir.Integrator:
		return evalAt(u, s.Rate, vals)
	}
	return evalAt(u, s.Deriv, vals)
}

func relClose(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b)) || math.Abs(a-b) < 1e-300
}

// hhPoint is a random state of an HH-like unit: V in volts around rest,
// gates in [0,1], conductances and inputs of plausible size.
func hhPoint(r *rand.Rand, u *ir.Unit) map[string]float64 {
	vals := map[string]float64{"I": r.NormFloat64() * 0.2, "t": r.Float64()}
	for _, in := range u.Inputs {
		vals[in.Name] = r.NormFloat64() * 0.2
	}
	for _, s := range u.States {
		switch s.Dim.String() {
		case "V":
			vals[s.Name] = -0.08 + 0.12*r.Float64()
		case "1":
			vals[s.Name] = r.Float64()
		default:
			vals[s.Name] = r.Float64() * 1e-8
		}
	}
	return vals
}

// TestFuseTVLIF2HHEqualsHH: fuse-hh(tvlif2hh) has the dynamics of hh: the
// same states, and tau and drive of each agree at random state points.
func TestFuseTVLIF2HHEqualsHH(t *testing.T) {
	hh := stdModel(t, "hh")
	run(t, hh, "canonicalize")
	m := stdModel(t, "tvlif2hh")
	res := run(t, m, "canonicalize,fuse-hh,canonicalize")
	want := "fused 4 tv-LIF compartments + accumulator into an HH unit (3 channels)"
	if !hasRemark(res, Applied, want) {
		t.Fatalf("remarks %v, want %q", res.Remarks, want)
	}
	a, b := hh.Units[0], m.Units[0]
	var an, bn []string
	for _, s := range a.States {
		an = append(an, s.Name)
	}
	for _, s := range b.States {
		bn = append(bn, s.Name)
	}
	if strings.Join(an, ",") != strings.Join(bn, ",") {
		t.Fatalf("states %v, want %v", bn, an)
	}
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 200; i++ {
		vals := hhPoint(r, a)
		for _, sa := range a.States {
			sb := b.State(sa.Name)
			if sa.Kind != sb.Kind {
				t.Fatalf("%s: kind %v vs %v", sa.Name, sb.Kind, sa.Kind)
			}
			for _, pair := range [][2]ir.NodeID{{sa.Init, sb.Init}, {sa.Tau, sb.Tau}, {sa.Drive, sb.Drive}} {
				x, y := evalAt(a, pair[0], vals), evalAt(b, pair[1], vals)
				if !relClose(x, y, 1e-12) {
					t.Fatalf("%s at %v: hh %g, fused tvlif2hh %g", sa.Name, vals, x, y)
				}
			}
		}
		if evalAt(a, a.Spike, vals) != evalAt(b, b.Spike, vals) {
			t.Fatalf("spike conditions differ at %v", vals)
		}
	}
}

// TestExpandExact: in the expanded unit, (F + u_s)' equals the original V'
// at random points with V = F + u_s (any split, any channel states): the
// construction is exact in continuous time.
func TestExpandExact(t *testing.T) {
	for _, name := range []string{"hh", "traub"} {
		m := stdModel(t, name)
		run(t, m, "canonicalize")
		orig := m.Units[0]
		m = stdModel(t, name)
		run(t, m, "canonicalize,expand-hh,canonicalize")
		u := m.Units[0]
		// the soma is the tv-LIF state whose drive reads F
		var soma *ir.State
		for _, s := range u.States {
			if s.Kind == ir.TVLIF && s.Dim.String() == "V" && u.G.References(s.Drive, ir.OpState, "F") {
				soma = s
			}
		}
		if soma == nil || u.State("F") == nil {
			t.Fatalf("%s: no accumulator/soma after expand-hh", name)
		}
		r := rand.New(rand.NewSource(5))
		for i := 0; i < 200; i++ {
			vals := hhPoint(r, orig)
			for _, s := range u.States {
				if _, ok := vals[s.Name]; !ok || s.Dim.String() == "V" {
					vals[s.Name] = -0.1 + 0.2*r.Float64()
				}
			}
			vals[soma.Name] = vals["V"] - vals["F"]
			want := deriv(orig, orig.State("V"), vals)
			got := deriv(u, u.State("F"), vals) + deriv(u, soma, vals)
			if !relClose(want, got, 1e-9) {
				t.Fatalf("%s: V' = %g, F' + %s' = %g at %v", name, want, soma.Name, got, vals)
			}
			for _, s := range orig.States {
				if s.Name == "V" {
					continue
				}
				if x, y := deriv(orig, s, vals), deriv(u, u.State(s.Name), vals); !relClose(x, y, 1e-9) {
					t.Fatalf("%s: %s' = %g, expanded %g", name, s.Name, x, y)
				}
			}
		}
	}
}

// TestFusionExact: for every test file whose pipeline fuses a unit, the
// fused membrane's V' equals F' + S' of the construct at random states
// (with V = F + S), every other state's derivative is unchanged, and so is
// the spike condition.
func TestFusionExact(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.test"))
	n := 0
	for _, path := range files {
		src, _ := os.ReadFile(path)
		ft := parseFileTest(t, path, string(src))
		if !strings.Contains(ft.passes, "fuse-hh") || ft.errorSub != "" {
			continue
		}
		input := []byte(strings.Join(ft.head, "\n") + "\n")
		before, err := ir.Parse(path, input)
		if err != nil {
			t.Fatal(err)
		}
		pre := ft.passes[:strings.Index(ft.passes, "fuse-hh")]
		run(t, before, strings.TrimSuffix(pre, ","))
		after, _ := ir.Parse(path, input)
		res := run(t, after, ft.passes)
		for _, r := range res.Remarks {
			if r.Pass != "fuse-hh" || r.Kind != Note {
				continue
			}
			// "channels …, accumulator F, soma S became the membrane V"
			sm := noteRE.FindStringSubmatch(r.Msg)
			if sm == nil {
				t.Fatalf("%s: note %q", path, r.Msg)
			}
			n++
			b, a := before.Unit(r.Unit), after.Unit(r.Unit)
			checkFusion(t, filepath.Base(path), b, a, b.State(sm[1]), b.State(sm[2]), a.State(sm[3]))
		}
	}
	if n < 5 {
		t.Fatalf("only %d fusions checked", n)
	}
}

var noteRE = regexp.MustCompile(`accumulator (\S+), soma (\S+) became the membrane (\S+)$`)

func checkFusion(t *testing.T, file string, b, a *ir.Unit, F, S, V *ir.State) {
	t.Helper()
	if F == nil || S == nil || V == nil {
		t.Fatalf("%s: unit %s: cannot find F, S and V", file, b.Name)
	}
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 100; i++ {
		vals := hhPoint(r, b)
		for _, s := range b.States {
			if s.Dim.Equal(S.Dim) {
				vals[s.Name] = -0.1 + 0.2*r.Float64()
			}
		}
		av := map[string]float64{}
		for k, v := range vals {
			av[k] = v
		}
		av[V.Name] = vals[F.Name] + vals[S.Name]
		want := deriv(b, F, vals) + deriv(b, S, vals)
		if got := deriv(a, V, av); !relClose(want, got, 1e-9) {
			t.Fatalf("%s: unit %s: F' + %s' = %g, fused %s' = %g", file, b.Name, S.Name, want, V.Name, got)
		}
		for _, s := range a.States {
			if s == V {
				continue
			}
			if x, y := deriv(b, b.State(s.Name), vals), deriv(a, s, av); !relClose(x, y, 1e-9) {
				t.Fatalf("%s: unit %s: %s' = %g, fused %g", file, b.Name, s.Name, x, y)
			}
		}
		if b.Spike != ir.NoNode && evalAt(b, b.Spike, vals) != evalAt(a, a.Spike, av) {
			t.Fatalf("%s: unit %s: spike conditions differ", file, b.Name)
		}
	}
}

// TestDeterministic: the same input gives the same text, run after run
// (Go randomises map iteration, so any output that depended on it would
// show up here).
func TestDeterministic(t *testing.T) {
	for _, name := range []string{"hh", "traub", "tvlif2hh", "slif2hh"} {
		for _, spec := range []string{"canonicalize", "canonicalize,fuse-hh,canonicalize", "canonicalize,expand-hh,canonicalize", "canonicalize,expand-hh"} {
			var first string
			for i := 0; i < 8; i++ {
				m := stdModel(t, name)
				res := run(t, m, spec)
				var b strings.Builder
				b.Write(ir.Print(m))
				for _, r := range res.Remarks {
					b.WriteString(r.String() + "\n")
				}
				if i == 0 {
					first = b.String()
				} else if b.String() != first {
					t.Fatalf("%s, %s: run %d differs:\n%s", name, spec, i, lineDiff(first, b.String()))
				}
			}
		}
	}
}
