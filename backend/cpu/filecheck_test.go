package cpu

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"snnc/passes"
)

// llvmTool returns the path of an LLVM 14 tool; the test fails (it does
// not skip) when it is missing: CI installs llvm-14.
func llvmTool(t *testing.T, name string) string {
	t.Helper()
	for _, d := range llvmDirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Fatalf("%v", &MissingToolError{name + " (LLVM 14)", "llvm-14"})
	return ""
}

// runLine is one "// RUN: STAGE [exp=E] PREFIX" line of a FileCheck test:
// STAGE ll checks the module as built, opt the module after opt -O3.
type runLine struct {
	stage, prefix string
	opt           Options
	mode          Mode // Fixed: the quantised network (passes.Quantize)
}

func parseRunLines(t *testing.T, src []byte) []runLine {
	var out []runLine
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "// RUN:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 {
			t.Fatalf("bad RUN line %q", line)
		}
		rl := runLine{stage: f[0], prefix: f[len(f)-1]}
		for _, a := range f[1 : len(f)-1] {
			k, v, _ := strings.Cut(a, "=")
			switch k {
			case "exp":
				e, err := ParseExpImpl(v)
				if err != nil {
					t.Fatal(err)
				}
				rl.opt.Exp = e
			case "mode":
				rl.mode = Mode(v)
			default:
				t.Fatalf("RUN line %q: unknown option %s", line, k)
			}
		}
		out = append(out, rl)
	}
	return out
}

// TestFileCheck runs the FileCheck tests of testdata/filecheck: each .snn
// file is a network and its check lines; every RUN line builds the module
// and checks the module (or opt's output) against the lines of its prefix.
func TestFileCheck(t *testing.T) {
	fc := llvmTool(t, "FileCheck")
	opt := llvmTool(t, "opt")
	files, _ := filepath.Glob("testdata/filecheck/*.snn")
	if len(files) == 0 {
		t.Fatal("no FileCheck tests")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, inst := loadModuleFile(t, file)
			for _, rl := range parseRunLines(t, src) {
				var p *Program
				var err error
				if rl.mode == Fixed {
					net, _, qerr := passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true})
					if qerr != nil {
						t.Fatal(qerr)
					}
					p, err = BuildFixed(net, rl.opt)
				} else {
					p, err = Build(inst, rl.opt)
				}
				if err != nil {
					t.Fatal(err)
				}
				text, err := p.LLVM()
				if err != nil {
					t.Fatal(err)
				}
				input := []byte(text)
				switch rl.stage {
				case "ll":
				case "opt":
					args := append(OptArgs(p, "native"), "-S", "-o", "-", "-")
					cmd := exec.CommandContext(context.Background(), opt, args...)
					cmd.Stdin = bytes.NewReader(input)
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					if input, err = cmd.Output(); err != nil {
						t.Fatalf("opt: %v\n%s", err, stderr.String())
					}
				default:
					t.Fatalf("unknown RUN stage %q", rl.stage)
				}
				cmd := exec.Command(fc, "--check-prefix="+rl.prefix, file)
				cmd.Stdin = bytes.NewReader(input)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("FileCheck --check-prefix=%s: %v\n%s", rl.prefix, err, out)
				}
			}
		})
	}
}
