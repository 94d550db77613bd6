package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
)

func newCheckCmd() *cobra.Command {
	var allErrors, verbose bool
	var pf *passFlags
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Check programs for errors",
		Long: `Check parses, checks and lowers each program (.snn source or IR text) and
verifies the result, runs the selected pass pipeline (-O0 by default:
verification only), printing every error as file:line:col: message with the
source line and a caret. At most 10 errors per file are shown unless
--all-errors is given. Nothing is printed for a good file unless -v.

Exit code 1 if any file has an error.`,
		Example: `  snnc check testdata/squid.snn testdata/cobahh.snn
  snnc check --all-errors model.snn
  snnc check -v out.ir`,
		Args: minArgs(1, "at least one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := pf.validate(cmd); err != nil {
				return err
			}
			max := diagCap
			if allErrors {
				max = 0
			}
			failed := 0
			for _, path := range args {
				m, err := driver.Load(path)
				if err != nil {
					printDiagnostics(cmd.ErrOrStderr(), err, max)
					failed++
					continue
				}
				if err := pf.run(cmd, m); err != nil {
					if e := classify(err); exitCode(e) != exitUser {
						return e
					}
					printDiagnostics(cmd.ErrOrStderr(), fmt.Errorf("%s: %w", path, err), max)
					failed++
					continue
				}
				if verbose {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", path)
				}
			}
			if failed > 0 {
				return silentErr(exitUser)
			}
			return nil
		}),
	}
	pf = addPassFlags(cmd)
	cmd.Flags().BoolVar(&allErrors, "all-errors", false, "show every error, not just the first 10 per file")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, `print "FILE: ok" for each good file`)
	return cmd
}
