package fpga

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/passes"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/ from the generator")

// requireCXX fails (never skips) without a C++ compiler: the C-simulation
// is how this backend is checked.
func requireCXX(t *testing.T) {
	t.Helper()
	if _, err := FindCompiler(); err != nil {
		t.Fatalf("%v\nThe FPGA backend's tests build the generated C++ with g++; install it (CI: apt-get install g++).", err)
	}
}

// csimRun compiles n's project into dir (with tb_data/expected_* from the
// interpreter's fixed mode), builds and runs its testbench, which must
// report PASS, and reads the result back.
func csimRun(dir string, n *fixed.Net, opt Options, extra []string) (*results.Result, error) {
	p, err := Compile(n, dir, opt)
	if err != nil {
		return nil, err
	}
	r, err := CSim(context.Background(), dir, p.Name, CSimOptions{Extra: extra})
	if err != nil {
		return nil, err
	}
	for _, want := range []string{"spikes: PASS", "traces: PASS"} {
		if !strings.Contains(r.Output, want) {
			return nil, fmt.Errorf("the testbench did not report %q:\n%s", want, r.Output)
		}
	}
	return ReadResult(n, dir, opt.Steps)
}

// corpusKnobs are the knobs each corpus network is compiled with: one
// build per network, and together every knob at several settings (the
// default design is covered by squid and the golden network).
var corpusKnobs = map[string]Options{
	"squid":        {},
	"xor":          {Reuse: 3, Parallel: 2, IO: IOParallel},
	"cobahh_small": {Reuse: 2, Parallel: 4},
	"cuba":         {Parallel: 8},
	"loihi":        {Reuse: 2, Parallel: 3, IO: IOParallel},
	"tvlif2hh":     {Reuse: 4},
	"multicore":    {Parallel: 5, IO: IOParallel},
	"adex_rk4":     {Reuse: 2},
}

// chipCompare are the corpus networks also run on the chip simulator here
// (sim's own tests compare it with the reference on the whole corpus).
var chipCompare = map[string]bool{"loihi": true, "xor": true}

// TestCorpus: the shared corpus through the C-simulation, bit-exact with
// the plain reference (fixed.Simulate), with the interpreter's fixed mode
// (the testbench compares with its tb_data/expected_*, and fails
// otherwise) and, for some networks, with the chip simulator.
func TestCorpus(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	for _, n := range corpus.List() {
		t.Run(n.Name, func(t *testing.T) {
			if n.Large && testing.Short() {
				t.Skip("large network under -short")
			}
			t.Parallel()
			net, _, err := corpus.Load(n)
			if err != nil {
				t.Fatal(err)
			}
			opt := corpusKnobs[n.Name]
			o, _ := opt.norm()
			name := fmt.Sprintf("fpga-csim(--reuse %d --parallel %d --io %s)", o.Reuse, o.Parallel, o.IO)
			res, err := csimRun(filepath.Join(t.TempDir(), "prj"), net, opt, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			ref, err := fixed.Simulate(net, 0)
			if err != nil {
				t.Fatal(err)
			}
			requireSame(t, ref, res, corpus.Reference.Name, name)
			if chipCompare[n.Name] {
				chip, err := runChip(net)
				if err != nil {
					t.Fatal(err)
				}
				requireSame(t, chip, res, "sim", name)
			}
		})
	}
}

// loadSnn compiles, instantiates and quantises a network file.
func loadSnn(t *testing.T, path string, qo passes.QuantizeOptions) (*instance.Instance, *fixed.Net) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _, errs := frontend.CompileFile(abs, frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{BaseDir: filepath.Dir(abs)})
	if err != nil {
		t.Fatal(err)
	}
	qo.Inst, qo.NoErrorRun = inst, true
	net, _, err := passes.Quantize(m, qo)
	if err != nil {
		t.Fatal(err)
	}
	return inst, net
}

var goldenOnce struct {
	sync.Once
	net *fixed.Net
	t   *testing.T
}

// goldenNet is testdata/golden.snn quantised with small tables.
func goldenNet(t *testing.T) *fixed.Net {
	t.Helper()
	_, net := loadSnn(t, "testdata/golden.snn", passes.QuantizeOptions{LUTMax: 64})
	return net
}

func requireSame(t *testing.T, a, b *results.Result, na, nb string) {
	t.Helper()
	if d := corpus.Diff(a, b, na, nb); d != "" {
		t.Fatalf("%s and %s differ:\n%s", na, nb, d)
	}
}

// TestGolden compares the emitted project of testdata/golden.snn with
// testdata/golden/ (go test ./backend/fpga -run Golden -update rewrites it).
func TestGolden(t *testing.T) {
	net := goldenNet(t)
	p, err := Generate(net, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "golden")
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := p.Write(dir); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := map[string][]byte{}
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		want[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatalf("%v (run go test ./backend/fpga -run Golden -update)", err)
	}
	for _, f := range p.Files {
		w, ok := want[f.Path]
		if !ok {
			t.Errorf("%s: new file (run with -update after review)", f.Path)
			continue
		}
		delete(want, f.Path)
		if string(w) != string(f.Data) {
			t.Errorf("%s differs from testdata/golden (run with -update after review):\n%s", f.Path, firstDiff(string(w), string(f.Data)))
		}
	}
	for path := range want {
		t.Errorf("%s: no longer generated (run with -update after review)", path)
	}
}

// firstDiff shows the first differing line with its neighbours.
func firstDiff(a, b string) string {
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
			return fmt.Sprintf("line %d:\n  golden:    %s\n  generated: %s", i+1, x, y)
		}
	}
	return "(same lines)"
}

// TestGoldenCSim builds the golden network plainly, and as C++14 with the pragmas
// compiled in (-DSNNC_KEEP_PRAGMAS: they must at least be well-formed
// pragmas) and the vendor types (-DSNNC_USE_VENDOR over stand-ins of
// ap_int.h and hls_stream.h): the testbench passes and the result equals
// the reference. Then it corrupts an expected file and checks that the
// testbench fails with an account of the first difference.
func TestGoldenCSim(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	net := goldenNet(t)
	ref, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	stub, _ := filepath.Abs("testdata/vendorstub")
	cases := []struct {
		name  string
		opt   Options
		extra []string
	}{
		{"plain", Options{}, nil},
		{"vendor-pragmas", Options{Parallel: 2, Reuse: 2, IO: IOParallel},
			[]string{"-std=c++14", "-DSNNC_USE_VENDOR", "-I" + stub, "-DSNNC_KEEP_PRAGMAS", "-Wno-unknown-pragmas", "-Wno-unused-label"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "prj")
			res, err := csimRun(dir, net, c.opt, c.extra)
			if err != nil {
				t.Fatal(err)
			}
			requireSame(t, ref, res, "fixed-reference", "fpga-csim "+c.name)
			if len(res.Spikes) != 3 || len(res.Spikes[2].Neuron) == 0 {
				t.Fatalf("expected spikes of a, e and cue: %+v", res.Spikes)
			}
			if c.name != "plain" {
				return
			}
			// A testbench whose expected data disagree fails, saying where.
			path := filepath.Join(dir, "tb_data", "expected_spikes.dat")
			data, _ := os.ReadFile(path)
			lines := strings.Split(string(data), "\n")
			for i, l := range lines {
				if l != "" && l[0] != '#' {
					lines[i] = "0 0 3" // a spike that does not happen
					break
				}
			}
			os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
			cmd := exec.Command(filepath.Join(dir, Binary("golden")))
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), "spikes: FAIL") || !strings.Contains(string(out), "expected step 0 a[3]") ||
				!strings.Contains(string(out), "traces: PASS") {
				t.Fatalf("want a failing testbench naming the spike, got %v:\n%s", err, out)
			}
		})
	}
}

// TestRun: Run is the path of `snnc run --backend fpga`; a shorter run
// equals the reference run of the same length.
func TestRun(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	net := goldenNet(t)
	res, st, err := Run(context.Background(), net, Options{Parallel: 2}, CSimOptions{Steps: 30})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(st.Dir); !os.IsNotExist(err) {
		t.Errorf("the temporary project %s was not removed", st.Dir)
	}
	ref, err := fixed.Simulate(net, 30)
	if err != nil {
		t.Fatal(err)
	}
	requireSame(t, ref, res, "fixed-reference", "fpga.Run")
	if res.Steps != 30 {
		t.Errorf("steps = %d, want 30", res.Steps)
	}
}

func TestRunMissingCompiler(t *testing.T) {
	net := goldenNet(t)
	_, _, err := Run(context.Background(), net, Options{}, CSimOptions{CXX: "/nonexistent/g++"})
	var me *MissingCompilerError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "g++") {
		t.Fatalf("want a MissingCompilerError naming g++, got %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CXX", "")
	if _, err := FindCompiler(); !errors.As(err, &me) || !strings.Contains(err.Error(), "apt-get install g++") {
		t.Fatalf("FindCompiler without a compiler: %v", err)
	}
	_, _, err = Run(context.Background(), net, Options{}, CSimOptions{})
	if !errors.As(err, &me) {
		t.Fatalf("Run without a compiler: %v", err)
	}
}

func TestWriteReplacesOnlyProjects(t *testing.T) {
	net := goldenNet(t)
	p, err := Generate(net, Options{NoExpected: true})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	// A directory that is not a project is never replaced.
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	if err := p.Write(other); err == nil || !strings.Contains(err.Error(), "not an snnc FPGA project") {
		t.Fatalf("writing over a foreign directory: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(data) != "mine" {
		t.Fatal("the foreign directory was changed")
	}
	// A project is replaced as a whole (stale files go).
	dir := filepath.Join(root, "prj")
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644)
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); !os.IsNotExist(err) {
		t.Error("a stale file survived the rewrite")
	}
	ents, _ := os.ReadDir(root)
	if len(ents) != 2 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("temporary directories left behind: %v", names)
	}
	for _, f := range p.Files {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
			t.Error(err)
		}
	}
}

func TestBadKnobs(t *testing.T) {
	net := goldenNet(t)
	for _, o := range []Options{{Reuse: -1}, {Parallel: MaxParallel + 1}, {Part: "xc9999"}, {ClockMHz: -5}, {IO: 7}} {
		if _, err := Generate(net, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := ParseIOMode("serial"); err == nil {
		t.Error("ParseIOMode(serial): no error")
	}
}
