package driver

import (
	"fmt"
	"io"

	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
	"snnc/ir"
	"snnc/passes"
)

// The two interpreter backends: the float64 reference and its fixed-point
// mode (the quantised module that the hardware backends execute).
func init() {
	register(&Backend{
		Name:        "ref",
		Description: "the float64 reference interpreter (the numerical ground truth)",
		Run: func(j *Job) (*results.Result, error) {
			inst, err := j.Instance()
			if err != nil {
				return nil, err
			}
			return interp.Run(inst, interp.RunOptions{Threads: j.Run.Threads, Progress: j.Run.Progress})
		},
	})
	register(&Backend{
		Name:        "fixed",
		Description: "the interpreter in fixed point: the quantised module, bit-exact with the hardware backends (docs/fixed-point.md)",
		Run: func(j *Job) (*results.Result, error) {
			net, _, err := Quantize(j)
			if err != nil {
				return nil, err
			}
			return interp.RunFixed(net, interp.RunOptions{Threads: j.Run.Threads, Progress: j.Run.Progress})
		},
		Emit: func(j *Job, w io.Writer) error {
			net, _, err := Quantize(j)
			if err != nil {
				return err
			}
			_, err = io.WriteString(w, net.Format())
			return err
		},
		Report: func(j *Job, w io.Writer) error {
			_, rep, err := Quantize(j)
			if err != nil {
				return err
			}
			if j.JSON {
				return &UsageError{fmt.Errorf("report --target fixed: --json is not supported (the quantisation report is text)")}
			}
			_, err = io.WriteString(w, rep.String())
			return err
		},
	})
}

// Run simulates a network of m with the reference interpreter. path is the
// program's file (relative data files are found beside it).
func Run(m *ir.Module, path string, opt RunOptions) (*results.Result, error) {
	j, err := NewJob(m, path, opt)
	if err != nil {
		return nil, err
	}
	return backends["ref"].Run(j)
}

// Quantize runs the quantize pass on the job's network (instantiated with
// the job's options), as every fixed-point backend needs.
func Quantize(j *Job) (*fixed.Net, *passes.QuantReport, error) {
	inst, err := j.Instance()
	if err != nil {
		return nil, nil, err
	}
	return passes.Quantize(j.Module, passes.QuantizeOptions{Inst: inst})
}
