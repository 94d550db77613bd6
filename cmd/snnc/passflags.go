package main

import (
	"github.com/spf13/cobra"

	"snnc/internal/driver"
	"snnc/ir"
)

// passFlags are the pipeline flags of every command that compiles.
type passFlags struct {
	opt driver.PassOptions
}

func addPassFlags(cmd *cobra.Command) *passFlags {
	pf := &passFlags{}
	f := cmd.Flags()
	f.IntVarP(&pf.opt.Level, "opt-level", "O", 0, "optimisation preset `N`: -O0 verify only, -O1 canonicalize, -O2 canonicalize, fuse-hh, canonicalize")
	f.StringVar(&pf.opt.Passes, "passes", "", "run an explicit pipeline `a,b,c` of passes (see snnc passes) instead of a preset")
	f.StringVar(&pf.opt.PrintAfter, "print-after", "", "print the IR to stderr after `PASS` (a name, a list a,b, or all)")
	f.StringVar(&pf.opt.PrintDir, "print-dir", "", "with --print-after: write DIR/NN-PASS.ir files instead of printing to stderr")
	f.BoolVar(&pf.opt.VerifyEach, "verify-each", false, "verify the IR after every pass")
	f.BoolVar(&pf.opt.TimePasses, "time-passes", false, "print the time spent in each pass to stderr")
	f.BoolVar(&pf.opt.Remarks, "remarks", false, "print optimisation remarks (what each pass did or did not do, and why) to stderr")
	return pf
}

// validate checks the flags before any work: a bad preset or pipeline is a
// usage error.
func (pf *passFlags) validate(cmd *cobra.Command) error {
	if cmd.Flags().Changed("opt-level") && pf.opt.Passes != "" {
		return usageErrf("-O and --passes cannot be used together")
	}
	if pf.opt.PrintDir != "" && pf.opt.PrintAfter == "" {
		return usageErrf("--print-dir needs --print-after")
	}
	if _, err := driver.PassPipeline(pf.opt); err != nil {
		return usageErr(err)
	}
	return nil
}

// run runs the pipeline on m, reporting to the command's stderr.
func (pf *passFlags) run(cmd *cobra.Command, m *ir.Module) error {
	opt := pf.opt
	opt.Log = cmd.ErrOrStderr()
	return driver.Optimize(m, opt)
}
