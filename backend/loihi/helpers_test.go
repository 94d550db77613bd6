package loihi

import (
	"testing"

	"snnc/frontend"
	"snnc/instance"
)

// build compiles .snn source and instantiates its network.
func build(t testing.TB, src string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileSource("test.snn", []byte(src), frontend.Options{})
	if errs != nil {
		t.Fatalf("compile: %v", errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

func buildFile(t testing.TB, path string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if errs != nil {
		t.Fatalf("compile: %v", errs)
	}
	inst, err := instance.Build(m, "", instance.Options{})
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return inst
}

func mapInst(t testing.TB, inst *instance.Instance, cfg ChipConfig) (*Mapping, error) {
	t.Helper()
	m, err := EstimateModel(inst)
	if err != nil {
		t.Fatalf("model: %v", err)
	}
	return Map(m, cfg, MapOptions{})
}
