package sim

import (
	"path/filepath"
	"testing"

	"snnc/backend/loihi"
	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/corpus"
	"snnc/internal/fixed"
	"snnc/interp"
	"snnc/passes"
)

// TestFeaturesOnChip: testdata/features.snn (every construct of the
// language, among them an AdEx unit with method rk4 and a drive with a
// zero term in time, and records of lets) quantises, and the chip runs it
// bit for bit like the reference and the interpreter's fixed mode.
func TestFeaturesOnChip(t *testing.T) {
	path, err := filepath.Abs(filepath.Join("..", "testdata", "features.snn"))
	if err != nil {
		t.Fatal(err)
	}
	build := func() (*fixed.Net, error) {
		m, _, errs := frontend.CompileFile(path, frontend.Options{})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		inst, err := instance.Build(m, "", instance.Options{BaseDir: filepath.Dir(path)})
		if err != nil {
			t.Fatal(err)
		}
		net, _, err := passes.Quantize(m, passes.QuantizeOptions{Inst: inst, NoErrorRun: true})
		return net, err
	}
	net, err := build()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := fixed.Simulate(net, 0)
	if err != nil {
		t.Fatal(err)
	}
	chip, err := chipBackend(loihi.DefaultChip(), 0).Run(net)
	if err != nil {
		t.Fatal(err)
	}
	itp, err := interp.RunFixed(net, interp.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := corpus.Diff(ref, chip, "fixed-reference", "sim"); d != "" {
		t.Error(d)
	}
	if d := corpus.Diff(ref, itp, "fixed-reference", "interp-fixed"); d != "" {
		t.Error(d)
	}
	if len(ref.Traces) == 0 || len(ref.Spikes) == 0 {
		t.Error("no traces or spikes recorded")
	}
}
