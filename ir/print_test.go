package ir

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestGolden checks the printed form of the hand-built module against
// testdata/module.ir (go test ./ir -update rewrites it).
func TestGolden(t *testing.T) {
	m := buildModule()
	if err := Verify(m); err != nil {
		t.Fatalf("hand-built module does not verify:\n%v", err)
	}
	got := Print(m)
	golden := filepath.Join("testdata", "module.ir")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./ir -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Print differs from %s (run go test ./ir -update if intended):\n%s", golden, diffLines(string(want), string(got)))
	}
}

// TestTestdata parses every testdata/*.ir file: each must verify, print
// back to itself byte for byte, and reach a fixed point. module.ir is the
// golden output of the hand-built module (-update rewrites it); the others
// are snapshots of the frontend's output for testdata/*.snn and the
// standard models (regenerate with snnc dump --emit=ir FILE.snn).
func TestTestdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ir"))
	if len(files) == 0 {
		t.Fatal("no testdata/*.ir files")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if err := Verify(m); err != nil {
			t.Errorf("%s: does not verify:\n%v", f, err)
		}
		out := Print(m)
		if !bytes.Equal(out, src) {
			t.Errorf("%s: Print(Parse(file)) differs from the file:\n%s", f, diffLines(string(src), string(out)))
		}
		checkFixedPoint(t, f, out)
	}
}

// checkFixedPoint checks Print(Parse(text)) == text for printed text.
func checkFixedPoint(t *testing.T, name string, text []byte) {
	t.Helper()
	m, err := Parse(name, text)
	if err != nil {
		t.Fatalf("%s: printed text does not parse: %v\n%s", name, err, text)
	}
	if again := Print(m); !bytes.Equal(again, text) {
		t.Fatalf("%s: Print(Parse(Print(m))) != Print(m):\n%s", name, diffLines(string(text), string(again)))
	}
}

func TestRoundTripBuilt(t *testing.T) {
	m := buildModule()
	checkFixedPoint(t, "built", Print(m))
	m2, _ := Parse("built", Print(m))
	if err := Verify(m2); err != nil {
		t.Errorf("parsed module does not verify: %v", err)
	}
	// The parsed module computes the same values as the built one.
	hh, hh2 := m.Unit("hh"), m2.Unit("hh")
	env := func(n Node, _ []float64) float64 {
		switch n.Name {
		case "V":
			return -0.0401
		case "m", "h", "n":
			return 0.3
		case "I":
			return 0.1
		}
		v, _ := hh.G.ConstValue(hh.Param(n.Name).Default)
		return v
	}
	for i, s := range hh.States {
		for _, pair := range [][2]NodeID{{s.Tau, hh2.States[i].Tau}, {s.Drive, hh2.States[i].Drive}, {s.Init, hh2.States[i].Init}} {
			a, b := hh.G.Eval(pair[0], env), hh2.G.Eval(pair[1], env)
			if a != b {
				t.Errorf("state %s: built %v, parsed %v", s.Name, a, b)
			}
		}
	}
}

// TestPrintIgnoresInsertionOrder builds the same unit into graphs that
// already hold unrelated nodes and constants in another order.
func TestPrintIgnoresInsertionOrder(t *testing.T) {
	want := PrintUnit(buildHH())
	u := buildHH()
	g := NewGraph()
	for _, v := range []float64{80, 0.125, 65, 1e-3, 55, 42, -1} {
		g.Const(v)
	}
	g.Sin(g.Ref(OpState, "junk"))
	g.Ref(OpParam, "Vth")
	// Re-import every root into the pre-populated graph.
	re := func(id NodeID) NodeID {
		if id == NoNode {
			return NoNode
		}
		return g.Import(u.G, id)
	}
	for i := len(u.States) - 1; i >= 0; i-- { // reverse order on purpose
		s := u.States[i]
		s.Tau, s.Drive, s.Init = re(s.Tau), re(s.Drive), re(s.Init)
	}
	for _, p := range u.Params {
		p.Default = re(p.Default)
	}
	for _, l := range u.Lets {
		l.Expr = re(l.Expr)
	}
	u.Spike = re(u.Spike)
	u.G = g
	if got := PrintUnit(u); !bytes.Equal(got, want) {
		t.Errorf("print depends on insertion order:\n%s", diffLines(string(want), string(got)))
	}
}

func TestPrintNames(t *testing.T) {
	m := NewModule()
	u := m.AddUnit(NewUnit("odd unit"))
	u.AddParam("a.b", dimV, u.G.Const(1))
	u.AddState("x y", dimV, u.P("a.b")).SetIntegrator(u.G.Const(0))
	u.AddState("param", dimV, u.G.Const(0)).SetIntegrator(u.G.Const(0)) // keyword as a name
	out := Print(m)
	for _, want := range []string{`unit @"odd unit" {`, `param "a.b" : V = %0`, `%1 = param "a.b"`, `"x y"' = integrator rate %2`, `param' = integrator rate %2`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	checkFixedPoint(t, "names", out)
	if err := Verify(m); err != nil {
		t.Error(err)
	}
}

func TestFormatFloatRoundTrip(t *testing.T) {
	m := NewModule()
	u := m.AddUnit(NewUnit("f"))
	for i, v := range []float64{0, 1, -1, 0.1, 1e-300, 5e-324, 1.7976931348623157e308, -0.054387, 1.0 / 3, 123456789012345678} {
		u.AddParam("p"+string(rune('a'+i)), dimOne, u.G.Const(v))
	}
	u.AddParam("z", dimOne, u.G.Const(math.Copysign(0, -1)))
	m2, err := Parse("f", Print(m))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range u.Params {
		a, _ := u.G.ConstValue(p.Default)
		b, _ := m2.Units[0].G.ConstValue(m2.Units[0].Params[i].Default)
		if math.Float64bits(a) != math.Float64bits(b) {
			t.Errorf("%s: %v became %v", p.Name, a, b)
		}
	}
}

// diffLines returns a short line diff of want and got.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := max(len(w), len(g))
	shown := 0
	for i := 0; i < n && shown < 20; i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + x + "\n  got:  " + y + "\n")
			shown++
		}
	}
	return b.String()
}
