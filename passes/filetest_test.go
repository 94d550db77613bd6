package passes

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/ir"
)

// The IR-in → IR-out tests: passes/testdata/*.test (format in
// docs/passes.md). Each file is IR text with directives in comments:
//
//	; RUN: passes=canonicalize,fuse-hh
//	<input IR: units and networks>
//	; CHECK-REMARKS:
//	; missed: unit x: …            every remark of the run, in order
//	; CHECK-OUTPUT:
//	<the expected IR text after the pipeline>
//
// or, for a pipeline that must fail, "; CHECK-ERROR: <text the error
// contains>" instead of the two sections. `go test ./passes -run
// TestFiles -update` rewrites the expectations from the actual results.
// `-gen` first regenerates the input of every test that has a source
// passes/testdata/src/NAME.snn (lowered by the frontend), keeping its
// leading comment lines.

var (
	update = flag.Bool("update", false, "rewrite the expectations of passes/testdata/*.test")
	gen    = flag.Bool("gen", false, "regenerate test inputs from passes/testdata/src/*.snn (implies -update for those)")
)

const (
	runPrefix     = "; RUN:"
	remarksMarker = "; CHECK-REMARKS:"
	outputMarker  = "; CHECK-OUTPUT:"
	errorPrefix   = "; CHECK-ERROR:"
)

// fileTest is a parsed .test file.
type fileTest struct {
	head     []string // the input part: directives, comments, IR
	passes   string
	remarks  []string // expected remark lines (without "; ")
	output   string   // expected IR text
	hasOut   bool
	hasRem   bool
	errorSub string
}

func parseFileTest(t *testing.T, path, text string) *fileTest {
	ft := &fileTest{}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	i := 0
	for ; i < len(lines); i++ {
		l := lines[i]
		if l == remarksMarker || l == outputMarker || strings.HasPrefix(l, errorPrefix) {
			break
		}
		ft.head = append(ft.head, l)
		if strings.HasPrefix(l, runPrefix) {
			for _, f := range strings.Fields(strings.TrimPrefix(l, runPrefix)) {
				k, v, _ := strings.Cut(f, "=")
				switch k {
				case "passes":
					ft.passes = v
				default:
					t.Fatalf("%s: unknown RUN option %q", path, f)
				}
			}
		}
	}
	for i < len(lines) {
		l := lines[i]
		switch {
		case l == remarksMarker:
			ft.hasRem = true
			for i++; i < len(lines) && strings.HasPrefix(lines[i], "; ") && !isMarker(lines[i]); i++ {
				ft.remarks = append(ft.remarks, strings.TrimPrefix(lines[i], "; "))
			}
		case l == outputMarker:
			ft.hasOut = true
			ft.output = strings.Join(lines[i+1:], "\n") + "\n"
			i = len(lines)
		case strings.HasPrefix(l, errorPrefix):
			ft.errorSub = strings.TrimSpace(strings.TrimPrefix(l, errorPrefix))
			i++
		case strings.TrimSpace(l) == "":
			i++
		default:
			t.Fatalf("%s:%d: unexpected line after the checks: %q", path, i+1, l)
		}
	}
	if ft.passes == "" && !strings.Contains(text, runPrefix+" passes=") {
		t.Fatalf("%s: no %s passes=… line", path, runPrefix)
	}
	return ft
}

func isMarker(l string) bool {
	return l == remarksMarker || l == outputMarker || strings.HasPrefix(l, errorPrefix)
}

func (ft *fileTest) render() string {
	var b strings.Builder
	for _, l := range ft.head {
		b.WriteString(l + "\n")
	}
	if ft.errorSub != "" {
		b.WriteString(errorPrefix + " " + ft.errorSub + "\n")
		return b.String()
	}
	b.WriteString(remarksMarker + "\n")
	for _, r := range ft.remarks {
		b.WriteString("; " + r + "\n")
	}
	b.WriteString(outputMarker + "\n")
	b.WriteString(ft.output)
	return b.String()
}

func TestFiles(t *testing.T) {
	if *gen {
		generateInputs(t)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.test"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".test"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ft := parseFileTest(t, path, string(src))
			input := strings.Join(ft.head, "\n") + "\n"
			m, err := ir.Parse(path, []byte(input))
			if err != nil {
				t.Fatalf("input: %v", err)
			}
			var res *Result
			p, err := Parse(ft.passes)
			if err == nil {
				res, err = Run(m, p, Options{VerifyEach: true})
			}
			if ft.errorSub != "" {
				if err == nil || !strings.Contains(err.Error(), ft.errorSub) {
					t.Fatalf("error %v, want one containing %q", err, ft.errorSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res.Remarks {
				got = append(got, r.String())
			}
			out := string(ir.Print(m))
			if *update || *gen {
				ft.remarks, ft.output = got, out
				if err := os.WriteFile(path, []byte(ft.render()), 0o666); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !ft.hasRem || !ft.hasOut {
				t.Fatalf("missing %s or %s section (run with -update)", remarksMarker, outputMarker)
			}
			if strings.Join(got, "\n") != strings.Join(ft.remarks, "\n") {
				t.Errorf("remarks:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(ft.remarks, "\n  "))
			}
			if out != ft.output {
				t.Errorf("output differs from the expectation:\n%s", lineDiff(ft.output, out))
			}
			// The expected output must itself be a valid module.
			if _, err := ir.Parse(path, []byte(ft.output)); err != nil {
				t.Errorf("expected output does not parse: %v", err)
			}
		})
	}
}

// generateInputs lowers passes/testdata/src/NAME.snn into the input part
// of passes/testdata/NAME.test. The .snn file's leading "//" comment lines
// become "; " comment lines (the first must be "// RUN: passes=…").
func generateInputs(t *testing.T) {
	srcs, _ := filepath.Glob(filepath.Join("testdata", "src", "*.snn"))
	for _, s := range srcs {
		m, _, errs := frontend.CompileFile(s, frontend.Options{})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", s, errs)
		}
		text, _ := os.ReadFile(s)
		var head []string
		for _, l := range strings.Split(string(text), "\n") {
			if !strings.HasPrefix(l, "//") {
				break
			}
			head = append(head, ";"+strings.TrimPrefix(l, "//"))
		}
		head = append(head, "; (input generated from testdata/src/"+filepath.Base(s)+" by go test -run TestFiles -gen)")
		body := strings.TrimPrefix(string(ir.Print(m)), ir.Header+"\n")
		out := strings.Join(head, "\n") + "\n" + body
		name := filepath.Join("testdata", strings.TrimSuffix(filepath.Base(s), ".snn")+".test")
		if err := os.WriteFile(name, []byte(out), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}
