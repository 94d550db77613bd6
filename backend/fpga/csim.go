package fpga

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"snnc/internal/fixed"
	"snnc/internal/results"
)

// CXXFlags are the flags of the C-simulation build: the emitted C++ must
// compile without a warning. -ffp-contract=off keeps the trace conversion
// x·scale + offset two roundings (docs/fixed-point.md §7).
var CXXFlags = []string{"-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"}

// MissingCompilerError reports that no C++ compiler was found.
type MissingCompilerError struct{ Tried []string }

func (e *MissingCompilerError) Error() string {
	return fmt.Sprintf("the FPGA C-simulation needs a C++17 compiler and none was found (tried %s): install g++ (apt-get install g++) or set CXX",
		strings.Join(e.Tried, ", "))
}

// FindCompiler returns the C++ compiler: $CXX when set (it must exist),
// else g++, c++ or clang++ on PATH. None is a *MissingCompilerError.
func FindCompiler() (string, error) {
	var tried []string
	if cxx := os.Getenv("CXX"); cxx != "" {
		if p, err := exec.LookPath(cxx); err == nil {
			return p, nil
		}
		return "", &MissingCompilerError{Tried: []string{"$CXX=" + cxx}}
	}
	for _, c := range []string{"g++", "c++", "clang++"} {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
		tried = append(tried, c)
	}
	return "", &MissingCompilerError{Tried: tried}
}

// CSimOptions control the C-simulation build.
type CSimOptions struct {
	CXX     string   // the compiler ("" : FindCompiler)
	Extra   []string // more compiler flags (e.g. -DSNNC_USE_VENDOR -I…)
	KeepDir string   // Run: generate and build here and keep it ("" : a temporary directory)
	Steps   int64    // run this many steps instead of the project's N_STEPS (0: N_STEPS)
}

// CSimRun is what a C-simulation did.
type CSimRun struct {
	Dir    string
	Output string // the testbench's standard output and error
	Build  time.Duration
	Run    time.Duration
}

// CSimError is a C-simulation that failed: the compiler rejected the
// project, or the testbench reported a mismatch or crashed.
type CSimError struct {
	Stage  string // "build" or "run"
	Output string
	Err    error
}

func (e *CSimError) Error() string {
	out := strings.TrimSpace(e.Output)
	if len(out) > 4000 {
		out = out[:4000] + "\n…"
	}
	return fmt.Sprintf("fpga C-simulation %s failed: %v\n%s", e.Stage, e.Err, out)
}

func (e *CSimError) Unwrap() error { return e.Err }

// Binary is the name of the C-simulation executable in a project.
func Binary(id string) string { return id + "_csim" }

// Build compiles the project in dir (whose top function is id) with the
// C++ compiler.
func Build(ctx context.Context, dir, id string, opt CSimOptions) (time.Duration, error) {
	cxx := opt.CXX
	if cxx == "" {
		var err error
		if cxx, err = FindCompiler(); err != nil {
			return 0, err
		}
	} else if _, err := exec.LookPath(cxx); err != nil {
		return 0, &MissingCompilerError{Tried: []string{cxx}}
	}
	flags := append(append([]string{}, CXXFlags...), opt.Extra...)
	flags = append(flags, "-Ifirmware")
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, cxx, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			if errors.Is(err, exec.ErrNotFound) {
				return &MissingCompilerError{Tried: []string{cxx}}
			}
			return &CSimError{Stage: "build", Output: cxx + " " + strings.Join(args, " ") + "\n" + string(out), Err: err}
		}
		return nil
	}
	start := time.Now()
	// The design and the testbench compile concurrently, then link.
	srcs := []string{"firmware/" + id + ".cpp", id + "_test.cpp"}
	objs := []string{Binary(id) + ".design.o", Binary(id) + ".tb.o"}
	errs := make([]error, len(srcs))
	var wg sync.WaitGroup
	for i := range srcs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = run(append(append([]string{}, flags...), "-c", "-o", objs[i], srcs[i])...)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if err := run(append(append([]string{}, CXXFlags...), "-o", Binary(id), objs[0], objs[1])...); err != nil {
		return 0, err
	}
	for _, o := range objs {
		os.Remove(filepath.Join(dir, o))
	}
	return time.Since(start), nil
}

// CSim builds the project in dir and runs its testbench there. The
// testbench's exit status 1 (its output differs from tb_data/expected_*)
// is a *CSimError.
func CSim(ctx context.Context, dir, id string, opt CSimOptions) (*CSimRun, error) {
	r := &CSimRun{Dir: dir}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return r, err
	}
	if r.Build, err = Build(ctx, dir, id, opt); err != nil {
		return r, err
	}
	start := time.Now()
	var args []string
	if opt.Steps > 0 {
		args = append(args, strconv.FormatInt(opt.Steps, 10))
	}
	cmd := exec.CommandContext(ctx, filepath.Join(dir, Binary(id)), args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	r.Run = time.Since(start)
	r.Output = out.String()
	if err != nil {
		return r, &CSimError{Stage: "run", Output: r.Output, Err: err}
	}
	return r, nil
}

// RunStats are the times of a Run.
type RunStats struct {
	Generate, Build, Run, Read time.Duration
	Dir                        string // the project (removed unless KeepDir)
	Notes                      []string
}

// Run generates the project of n (with opt's knobs; expected files are not
// written), builds its C-simulation in a temporary directory (or
// co.KeepDir), runs it and returns the result, built from the design's
// register values exactly as every fixed-point backend builds it
// (fixed.Recorder). A missing compiler is a *MissingCompilerError.
func Run(ctx context.Context, n *fixed.Net, opt Options, co CSimOptions) (*results.Result, *RunStats, error) {
	st := &RunStats{}
	if co.CXX == "" {
		cxx, err := FindCompiler()
		if err != nil {
			return nil, st, err
		}
		co.CXX = cxx
	} else if _, err := exec.LookPath(co.CXX); err != nil {
		return nil, st, &MissingCompilerError{Tried: []string{co.CXX}}
	}
	if co.Steps > 0 {
		opt.Steps = co.Steps
		co.Steps = 0
	}
	opt.NoExpected = true
	opt, err := opt.norm()
	if err != nil {
		return nil, st, err
	}
	start := time.Now()
	d, err := newDesign(n, opt)
	if err != nil {
		return nil, st, err
	}
	p, err := Generate(n, opt)
	if err != nil {
		return nil, st, err
	}
	st.Generate = time.Since(start)
	st.Notes = p.Notes
	dir := co.KeepDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "snnc-fpga-")
		if err != nil {
			return nil, st, err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, p.Name)
	}
	st.Dir = dir
	if err := p.Write(dir); err != nil {
		return nil, st, err
	}
	r, err := CSim(ctx, dir, p.Name, co)
	st.Build, st.Run = r.Build, r.Run
	if err != nil {
		return nil, st, err
	}
	start = time.Now()
	res, err := readResult(d, dir)
	st.Read = time.Since(start)
	return res, st, err
}

// ReadResult reads the logs of a C-simulation of n's project in dir (run
// for steps steps; 0: n.Steps) as a result.
func ReadResult(n *fixed.Net, dir string, steps int64) (*results.Result, error) {
	opt, err := Options{Steps: steps, NoExpected: true}.norm()
	if err != nil {
		return nil, err
	}
	d, err := newDesign(n, opt)
	if err != nil {
		return nil, err
	}
	return readResult(d, dir)
}

func readLines(path string, f func(fields []string) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if s == "" || s[0] == '#' {
			continue
		}
		if err := f(strings.Fields(s)); err != nil {
			return fmt.Errorf("%s:%d: %v", path, line, err)
		}
	}
	return sc.Err()
}

func parseInts(fields []string, n int) ([]int64, error) {
	if len(fields) < n {
		return nil, fmt.Errorf("%d fields, want %d", len(fields), n)
	}
	out := make([]int64, n)
	for i := 0; i < n; i++ {
		v, err := strconv.ParseInt(fields[i], 10, 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// readResult turns tb_data/csim_spikes.log and csim_traces.log into the
// result of d's network.
func readResult(d *design, dir string) (*results.Result, error) {
	steps := d.steps
	rec := fixed.NewRecorder(d.net, steps)
	popSpk := make([][]int32, len(d.net.Pops))
	srcSpk := make([][]int32, len(d.inst.Sources))
	cur := int64(0)
	flush := func(upto int64) {
		for ; cur < upto && cur < steps; cur++ {
			rec.Spikes(cur, popSpk, srcSpk)
			for i := range popSpk {
				popSpk[i] = popSpk[i][:0]
			}
			for i := range srcSpk {
				srcSpk[i] = srcSpk[i][:0]
			}
		}
	}
	err := readLines(filepath.Join(dir, "tb_data", "csim_spikes.log"), func(f []string) error {
		v, err := parseInts(f, 3)
		if err != nil {
			return err
		}
		k, j, i := v[0], v[1], v[2]
		if k < cur || k >= steps || j < 0 || j >= int64(len(d.spikeRecs)) {
			return fmt.Errorf("spike at step %d of record %d out of order or range", k, j)
		}
		flush(k)
		r := d.spikeRecs[j]
		if r.pop != nil {
			popSpk[r.pop.idx] = append(popSpk[r.pop.idx], int32(i))
		} else {
			srcSpk[r.src.idx] = append(srcSpk[r.src.idx], int32(i))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	flush(steps)
	// Traces: the samples of one boundary at a time.
	type key struct{ pop, reg, i int }
	var vals map[key]int64 // the samples of boundary b
	b := int64(-1)
	next := int64(0) // the next boundary to sample
	var missing error
	finish := func(upto int64) { // samples every boundary before upto
		for ; next < upto; next++ {
			m := vals
			if next != b {
				m = nil
			}
			bnd := next
			rec.Sample(bnd, func(pop, r, i int) int64 {
				v, ok := m[key{pop, r, i}]
				if !ok && missing == nil {
					missing = fmt.Errorf("fpga: the C-simulation wrote no sample of %s.%s[%d] at step boundary %d",
						d.net.Pops[pop].Name, d.net.Pops[pop].Prog.Regs[r].Name, i, bnd)
				}
				return v
			})
		}
	}
	err = readLines(filepath.Join(dir, "tb_data", "csim_traces.log"), func(f []string) error {
		v, err := parseInts(f, 4)
		if err != nil {
			return err
		}
		if len(f) < 5 {
			return fmt.Errorf("no si_bits field")
		}
		bits, err := strconv.ParseUint(f[4], 16, 64)
		if err != nil {
			return err
		}
		bnd, j, i, x := v[0], v[1], v[2], v[3]
		if bnd < b || bnd > steps || j < 0 || j >= int64(len(d.traceRecs)) {
			return fmt.Errorf("sample at boundary %d of record %d out of order or range", bnd, j)
		}
		if bnd != b {
			finish(b + 1)
			b, vals = bnd, map[key]int64{}
		}
		r := d.traceRecs[j].r
		if want := r.Conv.Value(x); math.Float64bits(want) != bits {
			return fmt.Errorf("record %s: the C++ conversion of %d is %v, docs/fixed-point.md §7 gives %v", r.Name, x, math.Float64frombits(bits), want)
		}
		k := key{r.Pop, r.Reg, int(i)}
		if old, ok := vals[k]; ok && old != x {
			return fmt.Errorf("two values of %s[%d] at boundary %d", r.Name, i, bnd)
		}
		vals[k] = x
		return nil
	})
	if err != nil {
		return nil, err
	}
	finish(steps + 1)
	if missing != nil {
		return nil, missing
	}
	return rec.Result(steps), nil
}
