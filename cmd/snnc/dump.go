package main

import (
	"strings"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
	"snnc/ir"
)

func newDumpCmd() *cobra.Command {
	var emit string
	var allErrors bool
	var jf *jobFlags
	cmd := &cobra.Command{
		Use:   "dump --emit=ast|ir|BACKEND FILE",
		Short: "Print a program's syntax tree or IR",
		Long: `Dump prints one representation of a program to standard output:

  --emit=ast   the syntax tree of .snn source, one node per line, indented,
               with positions as @line:col (comments are left out)
  --emit=ir    the IR text after lowering, verification and the selected
               pass pipeline (docs/ir.md; -O0 by default: as lowered);
               IR input is parsed, verified and printed again

  --emit=NAME  a backend's own text form, after instantiating the network:
               fixed (the quantised integer programs, docs/fixed-point.md),
               and the hardware targets built in (loihi: the core image;
               cpu: the LLVM module)

The IR text is deterministic and parses back to the same module.

FILE may also be a core image written by snnc compile --target loihi:
--emit=loihi prints it as text (the same text as on the program it was
compiled from).`,
		Example: `  snnc dump --emit=ir testdata/squid.snn
  snnc dump --emit=ast testdata/lif.snn
  snnc dump --emit=ir testdata/squid.snn > squid.ir && snnc check squid.ir
  snnc dump --emit=ir -O2 --remarks testdata/squid.snn
  snnc dump --emit=ir --passes=canonicalize,expand-hh --print-after=all testdata/hh.snn`,
		Args: exactArgs(1, "one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			path := args[0]
			opt, err := jf.options(cmd)
			if err != nil {
				return err
			}
			pf := jf.pf
			max := diagCap
			if allErrors {
				max = 0
			}
			if ib, err := driver.DetectImage(path); err != nil {
				return err
			} else if ib != nil {
				return dumpImage(cmd, path, ib, emit, jf)
			}
			switch emit {
			case "ast":
				src, kind, err := driver.ReadFile(path)
				if err != nil {
					return err
				}
				if kind == driver.IRText {
					return usageErrf("--emit=ast needs .snn source; %s is IR text", path)
				}
				f, err := driver.ParseAST(path, src)
				if err != nil {
					printDiagnostics(cmd.ErrOrStderr(), err, max)
					return silentErr(exitUser)
				}
				return driver.DumpAST(cmd.OutOrStdout(), f)
			case "ir":
				m, err := driver.Load(path)
				if err != nil {
					printDiagnostics(cmd.ErrOrStderr(), err, max)
					return silentErr(exitUser)
				}
				if err := pf.run(cmd, m); err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(ir.Print(m))
				return err
			case "":
				return usageErrf("dump: --emit is required (%s)", emitChoices())
			}
			b, err := driver.LookupBackend(emit, "emit")
			if err != nil {
				return usageErrf("dump: unknown --emit=%s (want %s)", emit, emitChoices())
			}
			j, err := jf.job(cmd, path, opt, b)
			if err != nil {
				return err
			}
			return b.Emit(j, cmd.OutOrStdout())
		}),
	}
	jf = addJobFlags(cmd, "emit")
	cmd.Flags().StringVar(&emit, "emit", "", "what to print: "+emitChoices())
	cmd.Flags().BoolVar(&allErrors, "all-errors", false, "show every error, not just the first 10")
	return cmd
}

func emitChoices() string {
	return strings.Join(append([]string{"ast", "ir"}, driver.BackendNames("emit")...), ", ")
}

// dumpImage prints a backend's compiled image (--emit=NAME of its backend).
func dumpImage(cmd *cobra.Command, path string, b *driver.Backend, emit string, jf *jobFlags) error {
	if emit != b.Name || b.EmitImage == nil {
		return usageErrf("dump: %s is a compiled %s, not a program: only --emit=%s prints it", path, b.ImageKind, b.Name)
	}
	if err := checkImageFlags(cmd, path, b, "emit", "all-errors", "network"); err != nil {
		return err
	}
	opt, err := jf.options(cmd)
	if err != nil {
		return err
	}
	j, err := driver.NewImageJob(b, path, opt)
	if err != nil {
		return err
	}
	return b.EmitImage(j, cmd.OutOrStdout())
}
