package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
)

func newPassesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "passes",
		Short: "List the compilation pipeline's passes",
		Long: `Passes prints the stages a program goes through, in order, with what each
requires before it runs and guarantees after it. Today that is the
frontend's lowering and the IR verifier; optimisation and mapping passes
appear here as the pass manager gains them.`,
		Example: `  snnc passes`,
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PASS\tREQUIRES\tGUARANTEES\tDESCRIPTION")
			for _, s := range driver.Pipeline() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, list(s.Requires), list(s.Guarantees), s.Description)
			}
			return tw.Flush()
		}),
	}
}

func list(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}
