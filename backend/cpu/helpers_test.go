package cpu

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"snnc/frontend"
	"snnc/instance"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

// repoRoot is the module root (tests run in backend/cpu).
const repoRoot = "../.."

// loadNet compiles a .snn file (relative to the module root) and
// instantiates its network.
func loadNet(t testing.TB, path string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileFile(filepath.Join(repoRoot, path), frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return instOf(t, m, filepath.Dir(filepath.Join(repoRoot, path)))
}

// loadSourceFile compiles a .snn file given by its path.
func loadSourceFile(t testing.TB, path string) *instance.Instance {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return instOf(t, m, filepath.Dir(path))
}

// loadModuleFile compiles a .snn file and instantiates its network.
func loadModuleFile(t testing.TB, path string) (*ir.Module, *instance.Instance) {
	t.Helper()
	m, _, errs := frontend.CompileFile(path, frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%s: %v", path, errs)
	}
	return m, instOf(t, m, filepath.Dir(path))
}

// loadSource compiles .snn source text.
func loadSource(t testing.TB, src string) *instance.Instance {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "net.snn")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _, errs := frontend.CompileFile(p, frontend.Options{})
	if len(errs) > 0 {
		t.Fatalf("%v", errs)
	}
	return instOf(t, m, dir)
}

func instOf(t testing.TB, m *ir.Module, dir string) *instance.Instance {
	t.Helper()
	inst, err := instance.Build(m, "", instance.Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// runBoth runs inst on the interpreter and as a CPU program.
func runBoth(t testing.TB, inst *instance.Instance, opt Options, threads int) (want, got *results.Result, errWant, errGot error) {
	t.Helper()
	want, errWant = interp.Run(inst, interp.RunOptions{Threads: 1})
	p, err := Build(inst, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, _, errGot = Run(context.Background(), p, RunOptions{Threads: threads})
	if errGot != nil && got == nil {
		t.Fatal(errGot)
	}
	return
}
