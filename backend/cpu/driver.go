package cpu

// The driver: write the module, run opt -O3 and llc -O3, link with cc into
// a standalone executable (libc, libm, libmvec, libpthread; no Go runtime),
// run it and read its results back.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"snnc/internal/results"
)

// Toolchain names the external tools.
type Toolchain struct {
	Opt, Llc, CC string
}

// llvmDirs are searched before PATH.
var llvmDirs = []string{"/usr/lib/llvm-14/bin"}

// MissingToolError reports an external tool that is not installed.
type MissingToolError struct{ Tool, Package string }

func (e *MissingToolError) Error() string {
	return fmt.Sprintf("the CPU backend needs %s, which is not installed: install the Debian package %s (apt-get install %s)", e.Tool, e.Package, e.Package)
}

// FindToolchain finds opt and llc (LLVM 14: /usr/lib/llvm-14/bin, then
// opt-14/llc-14 and opt/llc on PATH) and a C compiler driver for linking
// (cc, gcc or clang on PATH). A missing tool is a *MissingToolError naming
// the Debian package.
func FindToolchain() (*Toolchain, error) {
	find := func(names ...string) string {
		for _, d := range llvmDirs {
			for _, n := range names {
				p := filepath.Join(d, n)
				if st, err := os.Stat(p); err == nil && !st.IsDir() {
					return p
				}
			}
		}
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
		}
		return ""
	}
	tc := &Toolchain{Opt: find("opt", "opt-14"), Llc: find("llc", "llc-14"), CC: find("cc", "gcc", "clang")}
	switch {
	case tc.Opt == "":
		return nil, &MissingToolError{"opt (LLVM 14)", "llvm-14"}
	case tc.Llc == "":
		return nil, &MissingToolError{"llc (LLVM 14)", "llvm-14"}
	case tc.CC == "":
		return nil, &MissingToolError{"a C compiler driver to link (cc)", "gcc"}
	}
	return tc, nil
}

// CompileOptions control Compile.
type CompileOptions struct {
	EmitLLVM bool   // write OUT.ll (and OUT.data) only
	CPU      string // -mcpu for opt and llc; "" = native (the program runs on this machine's CPU)
	Tools    *Toolchain
	KeepOpt  bool // also keep OUT.opt.ll, the optimised module
}

// Artifacts are the files Compile wrote and how long each stage took.
type Artifacts struct {
	LL, OptLL, Exe, Data string
	Gen, Opt, Llc, Link  time.Duration
}

// Compile writes p to OUT.ll (and its data to OUT.data) and, unless
// EmitLLVM, builds the executable OUT: opt -O3, llc -O3, cc. Everything is
// made in a temporary directory beside OUT and renamed into place at the
// end, so a failed compile leaves nothing behind.
func Compile(ctx context.Context, p *Program, out string, co CompileOptions) (*Artifacts, error) {
	t0 := time.Now()
	text, err := p.LLVM()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".snnc-cpu-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ll := filepath.Join(tmp, "prog.ll")
	if err := os.WriteFile(ll, []byte(text), 0o644); err != nil {
		return nil, err
	}
	data := filepath.Join(tmp, "prog.data")
	if p.Data != nil {
		if err := os.WriteFile(data, p.Data, 0o644); err != nil {
			return nil, err
		}
	}
	a := &Artifacts{Gen: time.Since(t0)}
	var tc *Toolchain
	cpu := co.CPU
	if cpu == "" {
		cpu = "native"
	}
	exe := filepath.Join(tmp, "prog")
	optLL := filepath.Join(tmp, "prog.opt.ll")
	if !co.EmitLLVM {
		if tc = co.Tools; tc == nil {
			if tc, err = FindToolchain(); err != nil {
				return nil, err
			}
		}
		bc := filepath.Join(tmp, "opt.bc")
		obj := filepath.Join(tmp, "prog.o")
		optArgs := OptArgs(p, cpu)
		t := time.Now()
		if err := run(ctx, tc.Opt, append(optArgs, ll, "-o", bc)...); err != nil {
			return nil, err
		}
		a.Opt = time.Since(t)
		if co.KeepOpt {
			if err := run(ctx, tc.Opt, append(optArgs, ll, "-S", "-o", optLL)...); err != nil {
				return nil, err
			}
		}
		t = time.Now()
		if err := run(ctx, tc.Llc, "-O3", "-mcpu="+cpu, "-filetype=obj", "-relocation-model=pic", bc, "-o", obj); err != nil {
			return nil, err
		}
		a.Llc = time.Since(t)
		t = time.Now()
		libs := []string{"-lm", "-lpthread"}
		if p.Exp == ExpMvec {
			libs = append([]string{"-lmvec"}, libs...)
		}
		if err := run(ctx, tc.CC, append([]string{obj, "-o", exe}, libs...)...); err != nil {
			return nil, err
		}
		a.Link = time.Since(t)
	}
	// Into place.
	move := func(from, to string) error { return os.Rename(from, to) }
	a.LL = out + ".ll"
	if err := move(ll, a.LL); err != nil {
		return nil, err
	}
	if p.Data != nil {
		a.Data = out + ".data"
		if err := move(data, a.Data); err != nil {
			return nil, err
		}
	} else if err := os.Remove(out + ".data"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if co.KeepOpt && !co.EmitLLVM {
		a.OptLL = out + ".opt.ll"
		if err := move(optLL, a.OptLL); err != nil {
			return nil, err
		}
	}
	if !co.EmitLLVM {
		a.Exe = out
		if err := move(exe, out); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// OptArgs are opt's options for p: the O3 pipeline, then the
// always-inliner once more for the functions only the vectorizer calls
// (mathlib.slowFunc); -mcpu (the vectorizer needs the target's vector
// width); libmvec's mappings for ExpMvec.
func OptArgs(p *Program, cpu string) []string {
	args := []string{"-passes=default<O3>,always-inline", "-mcpu=" + cpu}
	if p.Exp == ExpMvec {
		args = append(args, "-vector-library=LIBMVEC-X86")
	}
	return args
}

// run runs a tool; its standard error becomes the error message.
func run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 4000 {
			msg = msg[:4000] + " …"
		}
		return fmt.Errorf("%s: %v\n%s", filepath.Base(name), err, msg)
	}
	return nil
}

// Exec runs a compiled program with at most threads threads (0: the
// compiled-in default; the program uses no more than its step's work keeps
// busy; a negative value −n forces exactly n), writing its result stream
// to resultPath, and reads the result.
func (a *Artifacts) Exec(ctx context.Context, threads int, resultPath string) (*results.Result, *RunStats, error) {
	if a.Exe == "" {
		return nil, nil, fmt.Errorf("cpu: no executable (compiled with EmitLLVM)")
	}
	args := []string{"-o", resultPath}
	switch {
	case threads > 0:
		args = append(args, "-t", strconv.Itoa(threads))
	case threads < 0: // exactly -threads
		args = append(args, "-T", strconv.Itoa(-threads))
	}
	if a.Data != "" {
		args = append(args, "-d", a.Data)
	}
	cmd := exec.CommandContext(ctx, a.Exe, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("running %s: %v: %s", filepath.Base(a.Exe), err, strings.TrimSpace(stderr.String()))
	}
	return ReadResultFile(resultPath)
}

// RunOptions control Run.
type RunOptions struct {
	Threads int    // as Exec: 0 the compiled-in default (Options.Threads), −n exactly n
	CPU     string // as CompileOptions.CPU
	Tools   *Toolchain
}

// Timing is what Run measured.
type Timing struct {
	Build, Opt, Llc, Link, Exec time.Duration
	Stats                       *RunStats
}

// Compile returns the time from module to executable (Build excluded).
func (t *Timing) Compile() time.Duration { return t.Opt + t.Llc + t.Link }

// Run builds, compiles and runs a program in a temporary directory and
// returns its result (with an *interp.NonFiniteError when a state became
// non-finite, as interp.Run).
func Run(ctx context.Context, p *Program, ro RunOptions) (*results.Result, *Timing, error) {
	dir, err := os.MkdirTemp("", "snnc-cpu-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "prog")
	a, err := Compile(ctx, p, out, CompileOptions{CPU: ro.CPU, Tools: ro.Tools})
	if err != nil {
		return nil, nil, err
	}
	tm := &Timing{Opt: a.Opt, Llc: a.Llc, Link: a.Link}
	t := time.Now()
	r, st, err := a.Exec(ctx, ro.Threads, filepath.Join(dir, "result.bin"))
	tm.Exec = time.Since(t)
	tm.Stats = st
	return r, tm, err
}
