package fpga

import (
	"path/filepath"
	"strings"
	"testing"

	"snnc/backend/loihi/loihitest"
	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/passes"
)

func buildInst(t *testing.T, path string, duration float64) *instance.Instance {
	t.Helper()
	abs, _ := filepath.Abs(path)
	m, _, errs := frontend.CompileFile(abs, frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{BaseDir: filepath.Dir(abs)})
	if err != nil {
		t.Fatal(err)
	}
	if duration > 0 {
		inst.Duration = duration
		inst.Steps = instance.StepsFor(duration, inst.Dt)
	}
	return inst
}

// TestHandBuiltPrograms runs networks whose programs are written by hand
// (loihitest): every kind of instruction, per-neuron params loaded over
// AXI-lite, several accumulators, a 40-bit state, CUBA-LIF with a
// refractory period and per-neuron thresholds.
func TestHandBuiltPrograms(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	cob, _ := corpus.Lookup("cobahh_small")
	cases := []struct {
		name  string
		inst  *instance.Instance
		kinds map[string]loihitest.Kind
		opt   Options
	}{
		{"golden", buildInst(t, "testdata/golden.snn", 0), map[string]loihitest.Kind{"a": loihitest.Prog, "e": loihitest.Cuba}, Options{Parallel: 3}},
		{"cobahh", buildInst(t, cob.Path(), 0.02), nil, Options{Reuse: 2, Parallel: 4, IO: IOParallel}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, err := loihitest.Net(c.inst, c.kinds)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := fixed.Simulate(net, 0)
			if err != nil {
				t.Fatal(err)
			}
			res, err := csimRun(filepath.Join(t.TempDir(), "prj"), net, c.opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			requireSame(t, ref, res, "fixed-reference", "fpga-csim")
			n := 0
			for _, s := range res.Spikes {
				n += len(s.Neuron)
			}
			if n == 0 {
				t.Error("no spikes: a weak test")
			}
			if len(res.Traces) == 0 {
				t.Error("no traces")
			}
		})
	}
}

// TestEdgeCases: a unit that never spikes, a projection without synapses,
// empty spike lists, a silent Poisson source, a synapse row that hits one
// accumulator twice (no dependence pragma), a network without records; in
// both I/O modes.
func TestEdgeCases(t *testing.T) {
	requireCXX(t)
	t.Parallel()
	cases := []struct {
		file string
		opt  Options
	}{
		{"testdata/edge/edge.snn", Options{}},
		{"testdata/edge/edge.snn", Options{IO: IOParallel, Parallel: 3}},
		{"testdata/edge/norec.snn", Options{IO: IOParallel}},
	}
	for i, c := range cases {
		t.Run(filepath.Base(c.file)+"/"+c.opt.IO.String(), func(t *testing.T) {
			t.Parallel()
			_, net := loadSnn(t, c.file, passes.QuantizeOptions{})
			ref, err := fixed.Simulate(net, 0)
			if err != nil {
				t.Fatal(err)
			}
			res, err := csimRun(filepath.Join(t.TempDir(), "prj"), net, c.opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			requireSame(t, ref, res, "fixed-reference", "fpga-csim")
			if i == 0 {
				if len(res.Spikes) != 5 || len(res.Spikes[2].Neuron) != 2 || len(res.Spikes[3].Neuron) != 2 {
					t.Errorf("want two spikes of w and two of none: %+v", res.Spikes)
				}
				p, err := Generate(net, Options{NoExpected: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Notes) != 1 || !strings.Contains(p.Notes[0], "adds twice into one accumulator") {
					t.Errorf("notes: %v", p.Notes)
				}
				if strings.Count(string(p.File("firmware/edge.cpp")), "DEPENDENCE") != 1 {
					t.Error("want the dependence pragma on one delivery loop of two")
				}
			}
		})
	}
}
