package interp

import (
	"bytes"
	"reflect"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/results"
)

func buildFile(t testing.TB, path string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func meanRate(res *results.Result) (rate float64, spikes int) {
	n := 0
	for _, s := range res.Spikes {
		spikes += len(s.Neuron)
		n += s.N
	}
	return float64(spikes) / float64(n) / (res.DurationMs / 1000), spikes
}

// The benchmark networks' mean rates over 1 s (Brian2: COBAHH ~37 Hz,
// CUBA ~5.7 Hz; the networks are chaotic, so only the rate is comparable).
func TestBenchmarkRates(t *testing.T) {
	if testing.Short() {
		t.Skip("1 s of COBAHH and CUBA")
	}
	for _, c := range []struct {
		file   string
		lo, hi float64
	}{
		{"../testdata/cobahh.snn", 30, 45},
		{"../testdata/cuba.snn", 4.5, 7},
	} {
		res, err := Run(buildFile(t, c.file), RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rate, n := meanRate(res)
		t.Logf("%s: %d spikes, mean rate %.2f Hz", c.file, n, rate)
		if rate < c.lo || rate > c.hi {
			t.Errorf("%s: mean rate %.2f Hz, want %g–%g Hz", c.file, rate, c.lo, c.hi)
		}
	}
}

// Same run twice, and with 1, 2 and 3 threads: identical results, byte for
// byte once written. (Every thread count is really used: the work
// threshold for extra threads is lifted.)
func TestDeterminism(t *testing.T) {
	defer func(w int) { minWorkPerThread = w }(minWorkPerThread)
	minWorkPerThread = 1
	for _, file := range []string{"../testdata/cobahh.snn", "../testdata/cuba.snn"} {
		var first []byte
		var firstRes *results.Result
		for i, threads := range []int{1, 2, 2, 3} {
			inst := buildFile(t, file) // instantiation is part of the determinism
			res, err := Run(inst, RunOptions{Duration: 0.1, Threads: threads})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := res.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first, firstRes = buf.Bytes(), res
				if _, n := meanRate(res); n == 0 {
					t.Fatalf("%s: no spikes in 100 ms", file)
				}
				continue
			}
			if !bytes.Equal(buf.Bytes(), first) || !reflect.DeepEqual(res, firstRes) {
				t.Errorf("%s: run %d (%d threads) differs from the first", file, i, threads)
			}
		}
	}
}

// A network written in the language end to end: a Poisson source drives a
// LIF population through delayed synapses; the source's spike count matches
// its rate, and every target spike follows source input by at least the
// delay.
func TestPoissonNetworkFromSource(t *testing.T) {
	src := `
network drive {
    dt       = 0.1 ms
    duration = 500 ms
    seed     = 7
    source noise = poisson[400] { rate = 50 Hz }
    pop cells = lif[50] { tau = 10 ms }
    connect noise -> cells.I : fixed_indegree(k = 40) { weight = 20 nA; delay = 1.5 ms }
    record noise spikes
    record cells spikes
    record cells.v[0..4] every 1 ms
}
`
	m, _, errs := frontend.CompileSource("drive.snn", []byte(src), frontend.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(inst, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cells, noise := res.Spikes[0], res.Spikes[1]
	if noise.Pop != "noise" || cells.Pop != "cells" {
		t.Fatalf("spike records %s, %s", res.Spikes[0].Pop, res.Spikes[1].Pop)
	}
	want := 50.0 * 400 * 0.5
	if got := float64(len(noise.Neuron)); got < want-5*100 || got > want+5*100 {
		t.Errorf("poisson: %g spikes, expected %g", got, want)
	}
	if len(cells.Neuron) == 0 {
		t.Fatal("the driven cells never spike")
	}
	// The first cell spike cannot come before the first source spike's
	// arrival: t_source + (1 + 15 steps) · dt.
	if first := cells.TimeMs[0]; first < noise.TimeMs[0]+1.6-1e-9 {
		t.Errorf("first cell spike at %g ms, first input arrives at %g ms", first, noise.TimeMs[0]+1.6)
	}
	tr := res.Traces[0]
	if tr.Name != "cells.v" || len(tr.Neurons) != 5 || len(tr.TimeMs) != 501 || tr.Unit != "V" {
		t.Errorf("trace %s: %d neurons, %d samples, unit %q", tr.Name, len(tr.Neurons), len(tr.TimeMs), tr.Unit)
	}
	t.Logf("noise: %d spikes; cells: %d spikes (%.1f Hz)", len(noise.Neuron), len(cells.Neuron), float64(len(cells.Neuron))/50/0.5)
}
