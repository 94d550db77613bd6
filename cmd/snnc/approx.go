package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"snnc/internal/atomicfile"
	"snnc/internal/driver"
	"snnc/ir"
	"snnc/passes"
)

// snnc approx: the approx-slif2hh pass with its report printed (the pass
// in a pipeline, --passes=canonicalize,approx-slif2hh, reports as remarks).

func init() {
	extraCommands = append(extraCommands, newApproxCmd)
}

func newApproxCmd() *cobra.Command {
	var (
		asJSON bool
		out    string
		iters  int
	)
	cmd := &cobra.Command{
		Use:   "approx FILE [-o OUT.ir] [--json]",
		Short: "Replace HH units by fitted s-LIF2HH units and report the fit (lossy)",
		Long: `Approx runs canonicalize and the lossy pass approx-slif2hh (docs/passes.md
§9) and prints its report: every HH unit (a conductance-based membrane, or
the tv-LIF2HH construct) becomes an s-LIF2HH unit (PAPER.md §4) whose decay,
threshold/gain ratio, time-step ratio and initial potential are fitted with
Nelder–Mead to the HH unit's spikes over the input range the program's
networks feed it (a profiling run measures it). The report gives, on the
paper's five test inputs (constant, sine, square, sawtooth, triangle), the
spike counts, the difference of the mean ISI and the mean |Δt|/ISI, and the
cost per neuron before and after (states, operations per step, copies of an
input synapse).

With -o the approximated module is written as IR text, which snnc run and
snnc report accept. The same pass runs in any pipeline as
--passes=canonicalize,approx-slif2hh, reporting through --remarks.`,
		Example: `  snnc approx testdata/paper/xor_hh.snn
  snnc approx testdata/paper/xor_hh.snn -o xor_slif.ir && snnc run xor_slif.ir
  snnc approx --json testdata/squid.snn`,
		Args: exactArgs(1, "one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			m, err := driver.Load(args[0])
			if err != nil {
				printDiagnostics(cmd.ErrOrStderr(), err, diagCap)
				return silentErr(exitUser)
			}
			p, err := passes.Parse("canonicalize")
			if err != nil {
				return err
			}
			if _, err := passes.Run(m, p, passes.Options{}); err != nil {
				return err
			}
			rep, err := passes.ApproxSLIF2HH(m, passes.ApproxOptions{Iterations: iters}, nil)
			if err != nil {
				return userErr(err)
			}
			if err := ir.Verify(m); err != nil {
				return fmt.Errorf("approx-slif2hh produced invalid IR (a compiler bug):\n%w", err)
			}
			if out != "" {
				if err := atomicfile.WriteFile(out, ir.Print(m)); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return rep.WriteTable(w)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the approximated module as IR text to `OUT`")
	cmd.Flags().IntVar(&iters, "iterations", 0, "Nelder–Mead iterations (0: the default, 120)")
	return cmd
}
