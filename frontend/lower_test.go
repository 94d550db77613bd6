package frontend

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/ir"
)

// Golden IR: every testdata/*.snn example lowers to exactly
// testdata/golden/NAME.ir. After an intended change to lowering, rewrite
// the golden files with
//
//	go test ./frontend -run GoldenIR -update
//
// and review the diff.

func init() {
	// The -update flag is shared with the formatter's golden tests
	// (format_test.go); define it only if nobody else has.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestGoldenIR(t *testing.T) {
	seen := map[string]bool{}
	for _, path := range exampleFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".snn")
		golden := filepath.Join("..", "testdata", "golden", name+".ir")
		seen[filepath.Base(golden)] = true
		t.Run(name, func(t *testing.T) {
			got := ir.Print(compileOK(t, path))
			if updateGolden() {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./frontend -run GoldenIR -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file %s (run with -update to rewrite it):\n%s", path, golden, irLineDiff(string(want), string(got)))
			}
		})
	}
	// A golden file without its example is stale.
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.ir"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no example testdata/%s.snn (delete it)", f, strings.TrimSuffix(filepath.Base(f), ".ir"))
		}
	}
}

// irLineDiff shows the first differing lines of two texts.
func irLineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 10; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, w, g)
			shown++
		}
	}
	return b.String()
}

// TestRoundTrip: for every example and standard model, the printed IR
// parses back to a module that verifies and prints identically.
func TestRoundTrip(t *testing.T) {
	modules := map[string]*ir.Module{}
	var names []string
	for _, path := range exampleFiles(t) {
		names = append(names, filepath.Base(path))
		modules[filepath.Base(path)] = compileOK(t, path)
	}
	for _, name := range StdlibModels() {
		src := fmt.Sprintf("network n {\n dt = 0.1 ms\n duration = 1 ms\n pop p = %s[3]\n record p spikes\n}\n", name)
		names = append(names, "std/"+name)
		modules["std/"+name] = compileSourceOK(t, name+".snn", src)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			text := ir.Print(modules[name])
			m2, err := ir.Parse(name+".ir", text)
			if err != nil {
				t.Fatalf("printed IR does not parse: %v\n%s", err, text)
			}
			if err := ir.Verify(m2); err != nil {
				t.Fatalf("parsed IR does not verify: %v", err)
			}
			if text2 := ir.Print(m2); !bytes.Equal(text, text2) {
				t.Errorf("print(parse(print(m))) != print(m):\n%s", irLineDiff(string(text), string(text2)))
			}
		})
	}
}

// TestLoweringDeterministic: compiling the same program twice gives the
// same text (no map order leaks into the IR).
func TestLoweringDeterministic(t *testing.T) {
	for _, path := range exampleFiles(t) {
		a := ir.Print(compileOK(t, path))
		for i := 0; i < 3; i++ {
			if b := ir.Print(compileOK(t, path)); !bytes.Equal(a, b) {
				t.Fatalf("%s: two compilations differ:\n%s", path, irLineDiff(string(a), string(b)))
			}
		}
	}
}

// BenchmarkCheckLowerCOBAHH measures checking and lowering DSL.md's
// COBAHH example (parse, check, lower, verify; synapses are not
// instantiated). The target is under 20 ms.
func BenchmarkCheckLowerCOBAHH(b *testing.B) {
	src, err := os.ReadFile("../testdata/cobahh.snn")
	if err != nil {
		b.Fatal(err)
	}
	StdlibModels() // the standard library is parsed once per process
	b.ReportAllocs()
	for b.Loop() {
		m, _, errs := CompileSource("cobahh.snn", src, Options{})
		if len(errs) > 0 || m == nil {
			b.Fatal(errs)
		}
	}
}
