package sim

import (
	"reflect"
	"testing"

	"snnc/backend/loihi"
	"snnc/backend/loihi/loihitest"
	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

func build(t testing.TB, src string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileSource("test.snn", []byte(src), frontend.Options{})
	if errs != nil {
		t.Fatalf("compile: %v", errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func compile(t testing.TB, net *fixed.Net, cfg loihi.ChipConfig) *loihi.Image {
	t.Helper()
	md, err := loihi.ModelFromNet(net)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := loihi.Map(md, cfg, loihi.MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := loihi.BuildImage(mp, net)
	if err != nil {
		t.Fatal(err)
	}
	// Always run what a file would hold.
	img2, err := loihi.DecodeImage(img.Encode())
	if err != nil {
		t.Fatal(err)
	}
	return img2
}

const mixedSrc = `
network mixed {
    dt = 0.1 ms
    duration = 30 ms
    seed = 7
    source noise = poisson[300] { rate = 300 Hz }
    source cue = spikes[3] { times = [[1 ms, 2 ms], [1.5 ms], [3 ms, 3 ms]] }
    pop a = lif[700]
    pop b = traub[500]
    connect noise -> a.I : random(p = 0.1) { weight = uniform(0.1 nA, 1 nA); delay = uniform(0 ms, 2 ms) }
    connect cue -> a.I : all_to_all { weight = 2 nA }
    connect a -> b.ge : fixed_indegree(k = 20) { weight = 6 nS; delay = 0.3 ms }
    connect b -> b.gi : random(p = 0.05) { weight = uniform(10 nS, 60 nS) }
    connect b -> a.I : random(p = 0.02) { weight = -1 nA }
    stim drive -> a.I = sine(amp = 0.5 nA, freq = 50 Hz, offset = 0.2 nA)
    record a spikes
    record b spikes
    record a.v[0..4] every 0.5 ms
    record b.V[10..11]
}
`

func equalResults(t *testing.T, want, got *results.Result) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		for i := range want.Spikes {
			if i < len(got.Spikes) && !reflect.DeepEqual(want.Spikes[i], got.Spikes[i]) {
				t.Errorf("spikes of %s differ: %d vs %d spikes", want.Spikes[i].Pop, len(want.Spikes[i].Neuron), len(got.Spikes[i].Neuron))
			}
		}
		for i := range want.Traces {
			if i < len(got.Traces) && !reflect.DeepEqual(want.Traces[i], got.Traces[i]) {
				t.Errorf("trace %s differs", want.Traces[i].Name)
			}
		}
		t.Fatalf("results differ (%d/%d spike records, %d/%d traces)", len(want.Spikes), len(got.Spikes), len(want.Traces), len(got.Traces))
	}
}

// TestBitExactMixed runs a network with every feature on one core and on
// many, and compares with fixed.Simulate, the executable definition of
// docs/fixed-point.md.
func TestBitExactMixed(t *testing.T) {
	inst := build(t, mixedSrc)
	net, err := loihitest.Net(inst, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range want.Spikes {
		n += len(s.Neuron)
	}
	if n < 100 {
		t.Fatalf("only %d spikes: the test network is too quiet to test anything", n)
	}
	for _, comps := range []int{1024, 300, 64} {
		cfg := loihi.DefaultChip()
		cfg.Limits.Compartments = comps
		img := compile(t, net, cfg)
		var first *Stats
		for _, threads := range []int{1, 2, 3} {
			got, st, err := Run(img, Options{Threads: threads, StepCycles: true})
			if err != nil {
				t.Fatal(err)
			}
			equalResults(t, want, got)
			if st.SynEvents == 0 || st.Cycles == 0 || st.NoC.Packets == 0 || st.Energy.Total <= 0 {
				t.Errorf("stats look empty: %+v", st)
			}
			st.Wall = 0
			if first == nil {
				first = st
			} else if !reflect.DeepEqual(first, st) {
				t.Errorf("statistics differ between 1 and %d threads", threads)
			}
		}
		got, _, err := Run(img, Options{NoTiming: true})
		if err != nil {
			t.Fatal(err)
		}
		equalResults(t, want, got)
		t.Logf("%d cores: %d spikes", len(img.Cores), n)
	}
}

// TestBitExactRelays: delays beyond the chip's limit go through relay
// compartments; the results stay bit-exact.
func TestBitExactRelays(t *testing.T) {
	inst := build(t, mixedSrc)
	net, err := loihitest.Net(inst, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := loihi.DefaultChip()
	cfg.Limits.MaxDelay = 4
	img, err := loihi.Compile(net, cfg, loihi.MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Run(img, Options{})
	if err != nil {
		t.Fatal(err)
	}
	equalResults(t, want, got)
}
