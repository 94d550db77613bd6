package interp

import (
	"testing"

	"snnc/instance"
)

// benchRun runs the network for duration seconds per iteration and reports
// the time per neuron and step.
func benchRun(b *testing.B, inst *instance.Instance, duration float64) {
	steps := instance.StepsFor(duration, inst.Dt)
	for b.Loop() {
		if _, err := Run(inst, RunOptions{Duration: duration}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(steps)/float64(inst.Neurons()), "ns/neuron-step")
}

// BenchmarkRunCOBAHH: 100 ms of COBAHH (4000 Traub HH neurons, 320k
// synapses, dt = 0.1 ms) on GOMAXPROCS threads.
func BenchmarkRunCOBAHH(b *testing.B) {
	benchRun(b, buildFile(b, "../testdata/cobahh.snn"), 0.1)
}

// BenchmarkRunCUBA: 1 s of CUBA (4000 LIF neurons, 320k synapses).
func BenchmarkRunCUBA(b *testing.B) {
	benchRun(b, buildFile(b, "../testdata/cuba.snn"), 1)
}
