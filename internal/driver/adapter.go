package driver

// This file (with simulate.go and stages.go) holds the calls into other
// packages' APIs: the frontend, the IR verifier, the pass table and the
// simulator.

import (
	"errors"

	"snnc/frontend"
	"snnc/ir"
)

// compileSource checks and lowers .snn source (frontend.CompileSource,
// which also verifies the module it lowers).
func compileSource(path string, src []byte) (*ir.Module, error) {
	m, prog, errs := frontend.CompileSource(path, src, frontend.Options{})
	if len(errs) > 0 {
		d := newDiagnostics(errs, path, src)
		d.program = prog
		return nil, d
	}
	return m, nil
}

// formatSource returns the canonical layout of .snn source.
func formatSource(path string, src []byte) ([]byte, frontend.ErrorList) {
	return frontend.FormatSource(path, src)
}

// verify checks a module read from IR text (ir.Verify); each problem
// becomes a diagnostic at the file (the verifier has no positions).
func verify(path string, m *ir.Module) frontend.ErrorList {
	err := ir.Verify(m)
	if err == nil {
		return nil
	}
	var list frontend.ErrorList
	var vl ir.ErrorList
	if errors.As(err, &vl) {
		for _, e := range vl {
			list.Add(frontend.Pos{File: path}, e.Error())
		}
	} else {
		list.Add(frontend.Pos{File: path}, err.Error())
	}
	return list
}
