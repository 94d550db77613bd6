package passes

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/ir"
)

func TestTable(t *testing.T) {
	seen := map[string]bool{}
	known := map[string]bool{}
	for _, p := range PropertyDoc {
		known[p.Name] = true
	}
	for i := range Table {
		p := &Table[i]
		if p.Name == "" || seen[p.Name] {
			t.Errorf("pass #%d: empty or duplicate name %q", i, p.Name)
		}
		seen[p.Name] = true
		if p.Description == "" || strings.Contains(p.Description, "\n") {
			t.Errorf("%s: description must be one line", p.Name)
		}
		if p.Run == nil {
			t.Errorf("%s: no Run", p.Name)
		}
		for _, list := range [][]string{p.Requires, p.Guarantees, p.Invalidates} {
			for _, prop := range list {
				if !known[prop] {
					t.Errorf("%s: property %q not in PropertyDoc", p.Name, prop)
				}
			}
		}
	}
	for level := 0; level <= 2; level++ {
		p, err := Preset(level)
		if err != nil {
			t.Fatalf("-O%d: %v", level, err)
		}
		for _, x := range p {
			if x.Lossy {
				t.Errorf("-O%d contains the lossy pass %s", level, x.Name)
			}
		}
	}
	if p, _ := Preset(2); p.String() != "canonicalize,fuse-hh,canonicalize" {
		t.Errorf("-O2 = %s", p)
	}
	if _, err := Preset(3); err == nil || !strings.Contains(err.Error(), "-O3") {
		t.Errorf("Preset(3): %v", err)
	}
}

func TestParse(t *testing.T) {
	if p, err := Parse(" canonicalize , fuse-hh "); err != nil || p.String() != "canonicalize,fuse-hh" {
		t.Errorf("Parse with spaces: %v %v", p, err)
	}
	if p, err := Parse(""); err != nil || len(p) != 0 {
		t.Errorf("Parse(\"\"): %v %v", p, err)
	}
	for spec, want := range map[string]string{
		"canonicalise":                   `unknown pass "canonicalise" (did you mean "canonicalize"?)`,
		"fusehh":                         `(did you mean "fuse-hh"?)`,
		"canonicalize,,fuse-hh":          "empty pass name",
		"xyzzy":                          `unknown pass "xyzzy"; known passes: verify, canonicalize`,
		"expand-hh":                      `pass expand-hh (#1) requires "canonical", which no earlier pass guarantees: run canonicalize before expand-hh`,
		"canonicalize,fuse-hh,expand-hh": `pass expand-hh (#3) requires "canonical", which fuse-hh invalidated`,
	} {
		_, err := Parse(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", spec, err, want)
		}
	}
}

func hhModule(t *testing.T) *ir.Module { return stdModel(t, "hh") }

func TestRunPanicNamesPassAndUnit(t *testing.T) {
	m := hhModule(t)
	before := string(ir.Print(m))
	boom := &Pass{Name: "boom", Description: "panics", Run: func(m *ir.Module, ctx *Context) error {
		for _, u := range m.Units {
			ctx.SetUnit(u.Name)
			u.States = nil // a half-done change that must not leak out
			var s []int
			_ = s[3]
		}
		return nil
	}}
	_, err := Run(m, Pipeline{boom}, Options{})
	var pe *PassError
	if !errors.As(err, &pe) || !pe.Panic || pe.Pass != "boom" || pe.Unit != "hh" || len(pe.Stack) == 0 {
		t.Fatalf("err = %#v", err)
	}
	if want := "pass boom panicked while working on unit hh: runtime error: index out of range"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want %q", err, want)
	}
	if after := string(ir.Print(m)); after != before {
		t.Errorf("the module was changed by the failed pass")
	}
}

func TestRunErrorAndVerifyEach(t *testing.T) {
	m := hhModule(t)
	fails := &Pass{Name: "fails", Run: func(m *ir.Module, ctx *Context) error {
		ctx.SetUnit("hh")
		return errors.New("cannot")
	}}
	if _, err := Run(m, Pipeline{fails}, Options{}); err == nil || err.Error() != "pass fails: unit hh: cannot" {
		t.Errorf("err = %v", err)
	}
	breaks := &Pass{Name: "breaks", Run: func(m *ir.Module, ctx *Context) error {
		m.Units[0].States[0].Init = ir.NoNode
		return nil
	}}
	_, err := Run(m, Pipeline{breaks}, Options{VerifyEach: true})
	var pe *PassError
	if !errors.As(err, &pe) || pe.Pass != "breaks" || !strings.Contains(err.Error(), "produced invalid IR") {
		t.Errorf("VerifyEach: err = %v", err)
	}
	// without VerifyEach the final verification still catches it
	if _, err := Run(m, Pipeline{breaks}, Options{}); err == nil || !strings.Contains(err.Error(), "produced invalid IR") {
		t.Errorf("final verify: err = %v", err)
	}
	// an invalid input is refused before any pass runs
	bad := hhModule(t)
	bad.Units[0].Spike = 99999
	if _, err := Run(bad, Pipeline{}, Options{}); err == nil || !strings.Contains(err.Error(), "input module does not verify") {
		t.Errorf("invalid input: err = %v", err)
	}
}

func TestRunPrintTimeRemarks(t *testing.T) {
	m := stdModel(t, "tvlif2hh")
	p, _ := Preset(2)
	var printed, times, remarks bytes.Buffer
	res, err := Run(m, p, Options{PrintAfter: "fuse-hh", PrintTo: &printed, TimePasses: &times, Remarks: &remarks})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(printed.String(), "; IR after fuse-hh (#2)\n; snnc IR v1\n") || strings.Count(printed.String(), "; IR after") != 1 {
		t.Errorf("printed:\n%.200s", printed.String())
	}
	for _, w := range []string{"canonicalize", "fuse-hh", "total", "%"} {
		if !strings.Contains(times.String(), w) {
			t.Errorf("timing table lacks %q:\n%s", w, times.String())
		}
	}
	if len(res.Timings) != 3 {
		t.Errorf("%d timings", len(res.Timings))
	}
	want := "remark: unit tvlif2hh: fused 4 tv-LIF compartments + accumulator into an HH unit (3 channels)\n"
	if !strings.HasPrefix(remarks.String(), want) {
		t.Errorf("remarks:\n%s", remarks.String())
	}
	if len(res.Remarks) == 0 || res.Remarks[0].Pass != "fuse-hh" || res.Remarks[0].Kind != Applied {
		t.Errorf("res.Remarks = %v", res.Remarks)
	}

	dir := t.TempDir()
	m = stdModel(t, "tvlif2hh")
	if _, err := Run(m, p, Options{PrintAfter: "all", PrintDir: filepath.Join(dir, "ir")}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"01-canonicalize.ir", "02-fuse-hh.ir", "03-canonicalize.ir"} {
		b, err := os.ReadFile(filepath.Join(dir, "ir", f))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ir.Parse(f, b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for spec, want := range map[string]string{
		"expand-hh": "print-after: pass expand-hh is not in the pipeline",
		"fuse":      `print-after: unknown pass "fuse"`,
	} {
		if _, err := Run(stdModel(t, "hh"), p, Options{PrintAfter: spec}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PrintAfter=%q: %v", spec, err)
		}
	}
}

// TestDocs: docs/passes.md has a section for every pass of the table and
// lists its properties.
func TestDocs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "passes.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for i := range Table {
		if !strings.Contains(doc, "| `"+Table[i].Name+"` |") {
			t.Errorf("docs/passes.md: no table row for %s", Table[i].Name)
		}
	}
	for _, p := range PropertyDoc {
		if !strings.Contains(doc, "| `"+p.Name+"` |") {
			t.Errorf("docs/passes.md: property %s not described", p.Name)
		}
	}
}
