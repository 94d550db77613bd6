package frontend

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestDiagnostics checks the diagnostics corpus in testdata/diag, in the
// style of Go's errorcheck tests. Each file is compiled; an annotation
//
//	// ERROR "regexp"
//	// ERROR "regexp" "another regexp"
//	// ERROR col=12 "regexp"
//	/* ERROR "regexp" */          (where a line comment cannot go)
//
// on a line says that errors matching those regexps are reported on that
// line (and, with col=N, at that byte column). Every reported error must
// match an annotation on its line, and every annotation must be matched.
// As in Go's errorcheck tests, the text between the quotes is the regexp
// itself, not a Go string: write \( for a literal parenthesis and \" for
// a quote (or use backquotes).
//
// An error in an imported file is matched against that file's
// annotations, so an annotation may be matched by compiling another file
// (importcycle_a.snn reports the cycle in importcycle_b.snn and the other
// way round). A file whose first line is "// diag: helper" is only
// imported, not compiled on its own.
func TestDiagnostics(t *testing.T) {
	files, err := filepath.Glob("../testdata/diag/*.snn")
	if err != nil {
		t.Fatal(err)
	}
	anns := map[string][]*annotation{} // file → annotations
	var roots []string
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		list, err := parseAnnotations(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		anns[filepath.Clean(name)] = list
		if !strings.HasPrefix(string(src), "// diag: helper") {
			roots = append(roots, name)
		}
	}
	if len(roots) < 45 {
		t.Errorf("the corpus has %d cases, want at least 45", len(roots))
	}
	compiled := map[string]bool{} // files compiled by the subtests that ran (-run)
	for _, name := range roots {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".snn"), func(t *testing.T) {
			m, prog, errs := CompileFile(name, Options{})
			compiled[filepath.Clean(name)] = true
			for _, f := range prog.Files { // prog is nil only if the file cannot be read
				compiled[filepath.Clean(f.Name)] = true
			}
			if len(errs) == 0 {
				t.Fatalf("%s: no errors reported", name)
			}
			if m != nil {
				t.Errorf("CompileFile returned a module with %d errors", len(errs))
			}
			var problems []string
			for _, e := range errs {
				if !matchError(anns, e) {
					problems = append(problems, fmt.Sprintf("unexpected error %s", e))
				}
			}
			if len(problems) > 0 {
				var buf strings.Builder
				FormatErrors(&buf, errs, prog.Source, 0)
				t.Errorf("%s\nall errors reported:\n%s", strings.Join(problems, "\n"), buf.String())
			}
		})
	}
	// Every annotation must have been matched by some compilation.
	var missing []string
	for name, list := range anns {
		if !compiled[name] {
			continue
		}
		for _, a := range list {
			if !a.matched {
				missing = append(missing, fmt.Sprintf("%s:%d: missing error matching %s", name, a.line, a))
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error(m)
	}
}

// annotation is one ERROR comment: every pattern must match a distinct
// error reported on line (at col, when col > 0).
type annotation struct {
	line     int
	col      int
	patterns []*regexp.Regexp
	hits     []bool
	matched  bool // every pattern matched
}

func (a *annotation) String() string {
	var ps []string
	for _, p := range a.patterns {
		ps = append(ps, "`"+p.String()+"`")
	}
	s := strings.Join(ps, " ")
	if a.col > 0 {
		s = fmt.Sprintf("col=%d %s", a.col, s)
	}
	return s
}

var (
	annRE  = regexp.MustCompile(`(?://|/\*)\s*ERROR\b`)
	colRE  = regexp.MustCompile(`^\s*col=(\d+)`)
	quoted = regexp.MustCompile("^\\s*(\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`\\n]*`)")
)

// parseAnnotations finds the ERROR annotations of a source file, by
// line. It reads the raw text, so annotations work even where the file
// does not scan (an unterminated comment or string, a bad byte).
func parseAnnotations(src []byte) ([]*annotation, error) {
	var out []*annotation
	for i, line := range strings.Split(string(src), "\n") {
		for _, loc := range annRE.FindAllStringIndex(line, -1) {
			rest := line[loc[1]:]
			a := &annotation{line: i + 1}
			if m := colRE.FindStringSubmatch(rest); m != nil {
				a.col, _ = strconv.Atoi(m[1])
				rest = rest[len(m[0]):]
			}
			for {
				m := quoted.FindStringSubmatch(rest)
				if m == nil {
					break
				}
				rest = rest[len(m[0]):]
				re, err := regexp.Compile(m[1][1 : len(m[1])-1])
				if err != nil {
					return nil, fmt.Errorf("line %d: bad regexp %s: %v", i+1, m[1], err)
				}
				a.patterns = append(a.patterns, re)
			}
			if len(a.patterns) == 0 {
				return nil, fmt.Errorf("line %d: ERROR annotation without a quoted regexp", i+1)
			}
			a.hits = make([]bool, len(a.patterns))
			out = append(out, a)
		}
	}
	return out, nil
}

// matchError finds an annotation for e on its line and marks the first
// pattern it matches (preferring one not yet matched).
func matchError(anns map[string][]*annotation, e *Error) bool {
	list := anns[filepath.Clean(e.Pos.File)]
	for pass := 0; pass < 2; pass++ {
		for _, a := range list {
			if a.line != e.Pos.Line || (a.col > 0 && a.col != e.Pos.Col) {
				continue
			}
			for i, re := range a.patterns {
				if (pass == 0 && a.hits[i]) || !re.MatchString(e.Msg) {
					continue
				}
				a.hits[i] = true
				a.matched = true
				for _, h := range a.hits {
					a.matched = a.matched && h
				}
				return true
			}
		}
	}
	return false
}

func TestParseAnnotations(t *testing.T) {
	src := "a // ERROR \"x\" `y\\(`\nb /* ERROR col=3 \"z\" */ c\n// no\nd // ERROR \"q\\.\\\"\"\n"
	list, err := parseAnnotations([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		got = append(got, fmt.Sprintf("%d:%s", a.line, a))
	}
	want := []string{"1:`x` `y\\(`", "2:col=3 `z`", "4:`q\\.\\\"`"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := parseAnnotations([]byte("x // ERROR nothing\n")); err == nil {
		t.Error("an annotation without a pattern was accepted")
	}
}
