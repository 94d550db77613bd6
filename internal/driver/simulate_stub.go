//go:build !snnc_interp

package driver

import (
	"snnc/internal/results"
	"snnc/ir"
)

// simulate is a stand-in until instance/ and interp/ land in the tree;
// simulate_interp.go (build tag snnc_interp) is the real one.
func simulate(m *ir.Module, net, baseDir string, opt RunOptions) (*results.Result, error) {
	return nil, notYet("simulation (instance.Build and interp.Run)")
}

// CanSimulate reports whether this build has the reference interpreter.
const CanSimulate = false
