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
		Long: `Passes prints the stages a program can go through, in order: the frontend's
lowering, then the pass table of the pass manager, with the properties each
pass requires before it runs, guarantees after it and invalidates. Lossy
passes (marked) change a network's behaviour and run only when asked for by
name. The properties are listed below the table.`,
		Example: `  snnc passes`,
		Args:    exactArgs(0, "no arguments"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PASS\tREQUIRES\tGUARANTEES\tINVALIDATES\tDESCRIPTION")
			for _, s := range driver.Pipeline() {
				desc := s.Description
				if s.Lossy {
					desc = "(lossy) " + desc
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, list(s.Requires), list(s.Guarantees), list(s.Invalidates), desc)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if props := driver.Properties(); len(props) > 0 {
				fmt.Fprintln(w, "\nProperties:")
				tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
				for _, p := range props {
					fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.Description)
				}
				return tw.Flush()
			}
			return nil
		}),
	}
}

func list(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}
