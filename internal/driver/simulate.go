package driver

import (
	"snnc/instance"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
)

// simulate instantiates network net of m (instance.Build) and runs the
// reference interpreter on it (interp.Run).
func simulate(m *ir.Module, net, baseDir string, opt RunOptions) (*results.Result, error) {
	iopt := instance.Options{Seed: opt.Seed, BaseDir: baseDir}
	for _, o := range opt.Sets {
		io := instance.Override{Pop: o.Pop, Name: o.Name, Value: o.Value.Value}
		if o.Value.HasUnit {
			d := o.Value.Dim
			io.Unit = &d
		}
		iopt.Sets = append(iopt.Sets, io)
	}
	inst, err := instance.Build(m, net, iopt)
	if err != nil {
		return nil, err
	}
	return interp.Run(inst, interp.RunOptions{Threads: opt.Threads, Progress: opt.Progress})
}
