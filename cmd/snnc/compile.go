package main

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"

	"snnc/instance"
	"snnc/internal/driver"
	cost "snnc/internal/report"
	"snnc/ir"
)

func init() {
	extraCommands = append(extraCommands, newCompileCmd, newReportCmd)
}

func newCompileCmd() *cobra.Command {
	var (
		target string
		out    string
		jf     *jobFlags
	)
	cmd := &cobra.Command{
		Use:   "compile --target NAME FILE -o OUT",
		Short: "Compile a network for a target",
		Long: `Compile checks a program, runs the pass pipeline, instantiates the chosen
network (synapses, initial values and input spikes are drawn from the seed
here, so every target sees the same network) and writes the target's
artefact to OUT:

  loihi   a core image for the Loihi-class chip (docs/chip.md)
  fpga    an HLS C++ project directory (docs/fpga.md)
  cpu     an LLVM module and a native executable (docs/cpu.md)

Only the targets built into this snnc are accepted; the list is in
--target's help. Outputs are written atomically: a failed compile leaves
nothing behind.`,
		Example: `  snnc compile --target loihi testdata/cobahh.snn -o cobahh.snnimg
  snnc compile --target fpga testdata/squid.snn -o squid_prj
  snnc compile --target cpu -O2 testdata/cobahh.snn -o cobahh`,
		Args: exactArgs(1, "one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if target == "" {
				return usageErrf("compile: --target is required (one of %s)", strings.Join(driver.BackendNames("compile"), ", "))
			}
			b, err := driver.LookupBackend(target, "compile")
			if err != nil {
				return err
			}
			if out == "" {
				return usageErrf("compile: -o OUT is required")
			}
			opt, err := jf.options(cmd)
			if err != nil {
				return err
			}
			j, err := jf.job(cmd, args[0], opt, b)
			if err != nil {
				return err
			}
			j.Out = out
			return b.Compile(j)
		}),
	}
	jf = addJobFlags(cmd, "compile")
	cmd.Flags().StringVar(&target, "target", "", "the target `NAME`: one of "+strings.Join(driver.BackendNames("compile"), ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the artefact to `OUT`")
	return cmd
}

func newReportCmd() *cobra.Command {
	var (
		target  string
		asJSON  bool
		compare bool
		jf      *jobFlags
	)
	cmd := &cobra.Command{
		Use:   "report FILE [--target NAME] [--json] [--compare-passes]",
		Short: "Report a network's cost: states, operations, synapses, memory, and a target's resources",
		Long: `Report prints what a network costs, before anything runs.

Without --target: per unit type the state variables and the operations per
step (mul, add, div, exp, compare, counted from the IR), and per network the
neurons, compartments, synapses and bytes of state and synapse storage.
With --compare-passes it prints the same before and after the pass pipeline
(-O, --passes), so that what a pass saves (fuse-hh's fewer states, synapses
and operations) is visible.

With --target NAME: the target's own report (loihi: cores, utilisation per
core, axons, synapse bits, traffic, cycles and energy per step; fpga: DSPs,
BRAM, LUTs, FFs and the time-step rate; fixed: the quantisation formats and
their error against float).

--json prints the same data as JSON.`,
		Example: `  snnc report testdata/cobahh.snn
  snnc report --compare-passes -O2 testdata/paper/xor_tvlif2hh.snn
  snnc report --target loihi testdata/cobahh.snn --json`,
		Args: exactArgs(1, "one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			opt, err := jf.options(cmd)
			if err != nil {
				return err
			}
			if target == "" {
				return irReport(cmd, jf, args[0], opt, asJSON, compare)
			}
			if compare {
				return usageErrf("--compare-passes applies to the IR report (without --target)")
			}
			b, err := driver.LookupBackend(target, "report")
			if err != nil {
				return err
			}
			if ib, err := driver.DetectImage(args[0]); err != nil {
				return err
			} else if ib != nil {
				// The report is the mapper's, made from the program; an
				// image has its measured figures instead.
				return usageErrf("report: %s is a compiled %s, not a program: report --target reads the program it was compiled from; for the image's measured cycles, traffic and energy run it: snnc run --backend %s --stats STATS.json %s",
					args[0], ib.ImageKind, ib.Name, args[0])
			}
			j, err := jf.job(cmd, args[0], opt, b)
			if err != nil {
				return err
			}
			j.JSON = asJSON
			return b.Report(j, cmd.OutOrStdout())
		}),
	}
	jf = addJobFlags(cmd, "report")
	cmd.Flags().StringVar(&target, "target", "", "a target's report: `NAME`, one of "+strings.Join(driver.BackendNames("report"), ", "))
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	cmd.Flags().BoolVar(&compare, "compare-passes", false, "show the IR report before and after the pass pipeline")
	return cmd
}

// irReport prints the IR cost report, optionally before and after the pass
// pipeline.
func irReport(cmd *cobra.Command, jf *jobFlags, path string, opt driver.RunOptions, asJSON, compare bool) error {
	m, err := driver.Load(path)
	if err != nil {
		printDiagnostics(cmd.ErrOrStderr(), err, diagCap)
		return silentErr(exitUser)
	}
	measure := func(m *ir.Module) (*cost.Report, error) {
		return cost.Build(m, func(net string) (*instance.Instance, error) {
			o := opt
			o.Network = net
			j, err := driver.NewJob(m, path, o)
			if err != nil {
				return nil, err
			}
			return j.Instance()
		})
	}
	var before *cost.Report
	if compare {
		if before, err = measure(m.Clone()); err != nil {
			return err
		}
	}
	if err := jf.pf.run(cmd, m); err != nil {
		return err
	}
	after, err := measure(m)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	switch {
	case compare && asJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]*cost.Report{"before": before, "after": after})
	case compare:
		return cost.WriteComparison(w, before, after)
	case asJSON:
		return after.WriteJSON(w)
	}
	return after.WriteTable(w)
}
