package instance

import (
	"testing"

	"snnc/frontend"
)

// BenchmarkInstantiateCOBAHH: 4000 Traub neurons with random initial
// values and 320k synapses (4 × random(p = 0.02)). Goal: < 0.2 s.
func BenchmarkInstantiateCOBAHH(b *testing.B) {
	m, _, errs := frontend.CompileFile("../testdata/cobahh.snn", frontend.Options{})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	var syn int
	for b.Loop() {
		inst, err := Build(m, "", Options{})
		if err != nil {
			b.Fatal(err)
		}
		syn = inst.Synapses()
	}
	b.ReportMetric(float64(syn), "synapses")
}
