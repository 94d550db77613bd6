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
// byte once written.
func TestDeterminism(t *testing.T) {
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
