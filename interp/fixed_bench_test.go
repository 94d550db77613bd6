package interp_test

import (
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/interp"
	"snnc/passes"
)

func BenchmarkRunFixedCUBA(b *testing.B) {
	m, _, errs := frontend.CompileFile("../testdata/cuba.snn", frontend.Options{})
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	inst, _ := instance.Build(m, "", instance.Options{})
	inst.Duration, inst.Steps = 0.2, 2000
	net, _, err := passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		interp.RunFixed(net, interp.RunOptions{Threads: 1})
	}
}
