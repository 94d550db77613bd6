package report

import (
	"bytes"
	"strings"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/ir"
)

func compile(t *testing.T, src string) *ir.Module {
	t.Helper()
	m, _, errs := frontend.CompileSource("r.snn", []byte(src), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return m
}

func build(t *testing.T, m *ir.Module) *Report {
	t.Helper()
	r, err := Build(m, func(net string) (*instance.Instance, error) {
		return instance.Build(m, net, instance.Options{})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A network of both HH forms: the tv-LIF2HH unit has twice the states, one
// integrator (the accumulator F), and stores each input synapse three times
// (once per channel compartment); plain HH stores it once.
func TestUnitsAndSynapseCopies(t *testing.T) {
	m := compile(t, `network two {
    duration = 1 ms
    pop a = hh[2]
    pop b = tvlif2hh[3]
    source s = spikes[1] { times = [[0.1 ms]] }
    connect s -> a.I : all_to_all { weight = 1 uA/cm2 }
    connect s -> b.I : all_to_all { weight = 1 uA/cm2 }
}
`)
	r := build(t, m)
	units := map[string]Unit{}
	for _, u := range r.Units {
		units[u.Name] = u
	}
	hh, tv := units["hh"], units["tvlif2hh"]
	if hh.States != 4 || hh.TVLIF != 4 || hh.Integr != 0 || hh.InputCopies["I"] != 1 {
		t.Errorf("hh: %+v", hh)
	}
	if tv.States != 8 || tv.TVLIF != 7 || tv.Integr != 1 || tv.InputCopies["I"] != 3 {
		t.Errorf("tvlif2hh: %+v", tv)
	}
	if tv.Ops.Total() <= hh.Ops.Total() {
		t.Errorf("tvlif2hh ops %d not above hh's %d", tv.Ops.Total(), hh.Ops.Total())
	}
	n := r.Networks[0]
	if n.Neurons != 5 || n.Compartments != 2*4+3*8 || n.Synapses != 5 || n.SynapseCopies != 2+3*3 {
		t.Errorf("network: %+v", n)
	}
	if n.StateBytes != int64(8*n.Compartments) {
		t.Errorf("state bytes %d for %d compartments", n.StateBytes, n.Compartments)
	}
	if n.OpsPerStep.Total() != 2*hh.Ops.Total()+3*tv.Ops.Total() {
		t.Errorf("ops per step %d", n.OpsPerStep.Total())
	}
}

// The LIF's arithmetic, counted by hand: drive El + R*I (1 mul, 1 add),
// constant tau (the decay factor is computed once: 1 mul and 2 adds per
// step), the spike test (1 compare).
func TestLIFCount(t *testing.T) {
	r := build(t, compile(t, "network n {\n duration = 1 ms\n pop p = lif[1]\n}\n"))
	got := r.Units[0].Ops
	want := Ops{Mul: 2, Add: 3, Cmp: 1}
	if got != want {
		t.Errorf("lif ops = %+v, want %+v", got, want)
	}
}

func TestTables(t *testing.T) {
	r := build(t, compile(t, "network n {\n duration = 1 ms\n pop p = lif[3]\n}\n"))
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"unit", "lif", "network", "I×1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := WriteComparison(&b, r, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "compartments (states)") {
		t.Errorf("comparison:\n%s", b.String())
	}
}
