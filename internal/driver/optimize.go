package driver

import (
	"errors"
	"io"

	"snnc/ir"
	"snnc/passes"
)

// PassOptions choose the pass pipeline a command runs on a loaded module
// (the flags -O, --passes, --print-after, --print-dir, --verify-each,
// --time-passes and --remarks) and where its reports go.
type PassOptions struct {
	Level      int    // optimisation preset, -O0 … -O2
	Passes     string // an explicit pipeline "a,b,c"; overrides Level when not empty
	PrintAfter string // "", "all" or pass names: print the IR after them
	PrintDir   string // print into DIR/NN-PASS.ir instead of Log
	VerifyEach bool   // verify after every pass
	TimePasses bool   // a timing table to Log at the end
	Remarks    bool   // optimisation remarks to Log as they are made
	Log        io.Writer
}

// InternalError is a compiler bug found while compiling (a pass that
// panicked): the command reports it as an internal error.
type InternalError struct{ Err error }

func (e *InternalError) Error() string { return e.Err.Error() }
func (e *InternalError) Unwrap() error { return e.Err }

// PassPipeline returns the pipeline opt selects. A bad preset or pipeline
// is a *UsageError.
func PassPipeline(opt PassOptions) (passes.Pipeline, error) {
	var p passes.Pipeline
	var err error
	if opt.Passes != "" {
		p, err = passes.Parse(opt.Passes)
	} else {
		p, err = passes.Preset(opt.Level)
	}
	if err != nil {
		return nil, &UsageError{err}
	}
	return p, nil
}

// Optimize runs the selected pipeline on m in place. A pass that panics
// is an *InternalError; a bad pipeline a *UsageError; any other failure is
// returned as is (a user error).
func Optimize(m *ir.Module, opt PassOptions) error {
	p, err := PassPipeline(opt)
	if err != nil {
		return err
	}
	popt := passes.Options{
		PrintAfter: opt.PrintAfter,
		PrintTo:    opt.Log,
		PrintDir:   opt.PrintDir,
		VerifyEach: opt.VerifyEach,
	}
	if opt.TimePasses {
		popt.TimePasses = opt.Log
	}
	if opt.Remarks {
		popt.Remarks = opt.Log
	}
	if popt.PrintTo == nil {
		popt.PrintTo = io.Discard
	}
	_, err = passes.Run(m, p, popt)
	if err == nil {
		return nil
	}
	var pe *passes.PassError
	if errors.As(err, &pe) && pe.Panic {
		return &InternalError{err}
	}
	if errors.As(err, &pe) {
		return err
	}
	// Errors before any pass ran: the pipeline's order or --print-after.
	return &UsageError{err}
}
