// Package corpus is the shared cross-backend corpus: a fixed list of
// networks, quantised once per process, and a comparison that runs any two
// fixed-point backends on them and checks that spikes and traces are equal
// bit for bit (docs/fixed-point.md; ARCHITECTURE.md "Bit-exact").
//
// A backend is a name and a function from a quantised network to a result:
//
//	corpus.Compare(t, corpus.Reference, corpus.Backend{Name: "sim", Run: func(n *fixed.Net) (*results.Result, error) { … }})
//
// The interpreter's fixed mode (InterpFixed) and the plain reference
// simulator of package fixed (Reference) are provided; the chip simulator,
// the FPGA C-simulation and the CPU program add themselves in their own
// tests.
package corpus

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/passes"
)

// Net is one network of the corpus.
type Net struct {
	Name     string
	File     string  // path relative to the repository's testdata/
	Duration float64 // simulated time in s for the corpus (0: the file's)
	// Large marks networks that take seconds to quantise or run; Compare
	// skips them under `go test -short`.
	Large bool
	About string
}

// List returns the corpus, in a fixed order.
func List() []Net {
	return []Net{
		{Name: "squid", File: "corpus/squid.snn", Duration: 0.05, About: "one HH axon, constant current: program with LUTs"},
		{Name: "xor", File: "corpus/xor.snn", Duration: 0.08, About: "three HH units with synaptic currents, excitatory and inhibitory, delays"},
		{Name: "cobahh_small", File: "corpus/cobahh_small.snn", Duration: 0.05, About: "COBAHH scaled to 400 Traub neurons: conductance jumps, LUTs over computed values"},
		{Name: "cuba", File: "cuba.snn", Duration: 0.05, Large: true, About: "CUBA benchmark, 4000 LIF neurons with two synaptic currents: program, refractory"},
		{Name: "loihi", File: "corpus/loihi.snn", About: "loihi_lif: the CUBA-LIF datapath with integer params, Poisson drive, delays"},
		{Name: "tvlif2hh", File: "corpus/tvlif2hh.snn", Duration: 0.03, About: "one tv-LIF2HH unit (eight states, divisions)"},
		{Name: "multicore", File: "corpus/multicore.snn", Duration: 0.03, About: "3,300 LIF neurons on the CUBA-LIF datapath, several cores, heterogeneous delays"},
		{Name: "adex_rk4", File: "corpus/adex_rk4.snn", Duration: 0.05, About: "four AdEx neurons with method rk4: the four stages over three coupled states, tables over the stages' V, jumps, reset of two states, refractory"},
		{Name: "lets", File: "corpus/lets.snn", Duration: 0.03, About: "recorded lets: over states, inputs and heterogeneous params, an alias of a state, a constant, the tv-LIF2HH read-out V = F + u4"},
	}
}

// Lookup returns the corpus network with that name.
func Lookup(name string) (Net, bool) {
	for _, n := range List() {
		if n.Name == name {
			return n, true
		}
	}
	return Net{}, false
}

// Dir returns the repository's testdata directory.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

// Path returns the absolute path of the network's file.
func (n Net) Path() string { return filepath.Join(Dir(), filepath.FromSlash(n.File)) }

type loaded struct {
	once sync.Once
	net  *fixed.Net
	rep  *passes.QuantReport
	err  error
}

var cache sync.Map // name → *loaded

// Load compiles, instantiates (with the corpus duration) and quantises the
// network, once per process.
func Load(n Net) (*fixed.Net, *passes.QuantReport, error) {
	v, _ := cache.LoadOrStore(n.Name, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() { l.net, l.rep, l.err = load(n) })
	return l.net, l.rep, l.err
}

func load(n Net) (*fixed.Net, *passes.QuantReport, error) {
	path := n.Path()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("corpus %s: %v", n.Name, errs)
	}
	inst, err := instance.Build(m, "", instance.Options{BaseDir: filepath.Dir(path)})
	if err != nil {
		return nil, nil, fmt.Errorf("corpus %s: %w", n.Name, err)
	}
	if n.Duration > 0 {
		inst.Duration = n.Duration
		inst.Steps = instance.StepsFor(n.Duration, inst.Dt)
	}
	net, rep, err := passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true})
	if err != nil {
		return nil, nil, fmt.Errorf("corpus %s: %w", n.Name, err)
	}
	return net, rep, nil
}

// Backend is a fixed-point backend under test.
type Backend struct {
	Name string
	Run  func(n *fixed.Net) (*results.Result, error)
}

// The backends this package provides.
var (
	// Reference is fixed.Simulate: one neuron at a time through
	// Program.Exec, the plainest reading of docs/fixed-point.md.
	Reference = Backend{Name: "fixed-reference", Run: func(n *fixed.Net) (*results.Result, error) { return fixed.Simulate(n, 0) }}
	// InterpFixed is the interpreter's fixed-point mode on all cores.
	InterpFixed = Backend{Name: "interp-fixed", Run: func(n *fixed.Net) (*results.Result, error) { return interp.RunFixed(n, interp.RunOptions{}) }}
	// InterpFixed1 is the interpreter's fixed-point mode on one thread.
	InterpFixed1 = Backend{Name: "interp-fixed-1thread", Run: func(n *fixed.Net) (*results.Result, error) {
		return interp.RunFixed(n, interp.RunOptions{Threads: 1})
	}}
)

// Compare runs a and b on every corpus network (or the ones named in only)
// and fails t with a readable diff where their results differ in any bit.
// Large networks are skipped under -short.
func Compare(t *testing.T, a, b Backend, only ...string) {
	t.Helper()
	for _, n := range List() {
		if len(only) > 0 && !contains(only, n.Name) {
			continue
		}
		t.Run(n.Name, func(t *testing.T) {
			if n.Large && testing.Short() {
				t.Skip("large network under -short")
			}
			net, _, err := Load(n)
			if err != nil {
				t.Fatal(err)
			}
			ra, err := a.Run(net)
			if err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
			rb, err := b.Run(net)
			if err != nil {
				t.Fatalf("%s: %v", b.Name, err)
			}
			if d := Diff(ra, rb, a.Name, b.Name); d != "" {
				t.Errorf("%s: %s and %s differ:\n%s", n.Name, a.Name, b.Name, d)
			}
			if spikes(ra) == 0 {
				t.Logf("%s: no spikes in %g ms (the comparison is weaker)", n.Name, ra.DurationMs)
			}
		})
	}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func spikes(r *results.Result) int {
	n := 0
	for _, s := range r.Spikes {
		n += len(s.Neuron)
	}
	return n
}

// maxDiffLines bounds the size of a diff.
const maxDiffLines = 12

// Diff returns "" when a and b are identical bit for bit (spike neurons and
// times, trace names, units, times, neurons and values), else a readable
// account of the first differences: the first differing spike of each
// population with its neighbours, and the first differing sample of each
// trace with both values and their difference.
func Diff(a, b *results.Result, na, nb string) string {
	var out []string
	add := func(format string, args ...any) {
		if len(out) < maxDiffLines {
			out = append(out, fmt.Sprintf(format, args...))
		} else if len(out) == maxDiffLines {
			out = append(out, "…")
		}
	}
	if a.Steps != b.Steps || a.DtMs != b.DtMs {
		add("steps/dt: %s %d × %g ms, %s %d × %g ms", na, a.Steps, a.DtMs, nb, b.Steps, b.DtMs)
	}
	if len(a.Spikes) != len(b.Spikes) {
		add("spike records: %s has %d, %s has %d", na, len(a.Spikes), nb, len(b.Spikes))
	}
	for i := 0; i < len(a.Spikes) && i < len(b.Spikes); i++ {
		sa, sb := a.Spikes[i], b.Spikes[i]
		if sa.Pop != sb.Pop {
			add("spike record %d: population %s vs %s", i, sa.Pop, sb.Pop)
			continue
		}
		n := max(len(sa.Neuron), len(sb.Neuron))
		for k := 0; k < n; k++ {
			if k < len(sa.Neuron) && k < len(sb.Neuron) && sa.Neuron[k] == sb.Neuron[k] && sa.TimeMs[k] == sb.TimeMs[k] {
				continue
			}
			add("%s spikes: %d vs %d in total; first difference at spike #%d: %s %s, %s %s",
				sa.Pop, len(sa.Neuron), len(sb.Neuron), k, na, spikeAt(sa, k), nb, spikeAt(sb, k))
			break
		}
	}
	if len(a.Traces) != len(b.Traces) {
		add("traces: %s has %d, %s has %d", na, len(a.Traces), nb, len(b.Traces))
	}
	for i := 0; i < len(a.Traces) && i < len(b.Traces); i++ {
		ta, tb := a.Traces[i], b.Traces[i]
		if ta.Name != tb.Name || ta.Unit != tb.Unit || !equalInts(ta.Neurons, tb.Neurons) {
			add("trace %d: %s [%s] %v vs %s [%s] %v", i, ta.Name, ta.Unit, ta.Neurons, tb.Name, tb.Unit, tb.Neurons)
			continue
		}
		if len(ta.TimeMs) != len(tb.TimeMs) {
			add("trace %s: %d samples vs %d", ta.Name, len(ta.TimeMs), len(tb.TimeMs))
		}
	samples:
		for s := 0; s < len(ta.TimeMs) && s < len(tb.TimeMs); s++ {
			if ta.TimeMs[s] != tb.TimeMs[s] {
				add("trace %s: sample %d at %g ms vs %g ms", ta.Name, s, ta.TimeMs[s], tb.TimeMs[s])
				break
			}
			for j := range ta.Values[s] {
				x, y := ta.Values[s][j], tb.Values[s][j]
				if math.Float64bits(x) != math.Float64bits(y) {
					add("trace %s: first difference at t = %g ms, neuron %d: %s %.17g, %s %.17g (diff %.3g)",
						ta.Name, ta.TimeMs[s], ta.Neurons[j], na, x, nb, y, x-y)
					break samples
				}
			}
		}
	}
	return strings.Join(out, "\n")
}

func spikeAt(s results.PopSpikes, k int) string {
	if k >= len(s.Neuron) {
		return "(none)"
	}
	return fmt.Sprintf("neuron %d at %g ms", s.Neuron[k], s.TimeMs[k])
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Summary returns one line per corpus network with its populations'
// datapaths and spike counts under backend b (for reports and logs).
func Summary(b Backend) (string, error) {
	var lines []string
	for _, n := range List() {
		net, _, err := Load(n)
		if err != nil {
			return "", err
		}
		r, err := b.Run(net)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, p := range net.Pops {
			kind := "program"
			if p.Cuba != nil {
				kind = "cuba-lif"
			}
			parts = append(parts, fmt.Sprintf("%s[%d] %s", p.Name, p.N, kind))
		}
		sort.Strings(parts)
		lines = append(lines, fmt.Sprintf("%-13s %6.1f ms %6d spikes  %s", n.Name, r.DurationMs, spikes(r), strings.Join(parts, ", ")))
	}
	return strings.Join(lines, "\n"), nil
}
