package main

import (
	"bytes"
	"fmt"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"

	"snnc/internal/atomicfile"
	"snnc/internal/driver"
)

func newFmtCmd() *cobra.Command {
	var write, showDiff, list bool
	cmd := &cobra.Command{
		Use:   "fmt [-w] [-d] [-l] FILE...",
		Short: "Put programs in the canonical layout",
		Long: `Fmt prints each program in snnc's one canonical layout, keeping comments.
Formatting is idempotent: formatting formatted source changes nothing.

Without flags the formatted text goes to standard output. -w rewrites each
file whose layout differs, atomically (a temporary file in the same
directory renamed over the original, with its permissions kept), so a file
is never left half-written. -d prints a unified diff instead; -l lists the
files whose layout differs. IR text is reprinted with ir.Print (comments in
IR files are not kept).

A file with syntax errors is left alone; the errors are printed and the exit
code is 1.`,
		Example: `  snnc fmt model.snn            # print the formatted source
  snnc fmt -w testdata/*.snn     # rewrite files in place
  snnc fmt -d model.snn          # show what would change`,
		Args: minArgs(1, "at least one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			failed := 0
			for _, path := range args {
				src, _, err := driver.ReadFile(path)
				if err != nil {
					printDiagnostics(cmd.ErrOrStderr(), err, 0)
					failed++
					continue
				}
				res, err := driver.Format(path, src)
				if err != nil {
					printDiagnostics(cmd.ErrOrStderr(), err, diagCap)
					failed++
					continue
				}
				changed := !bytes.Equal(src, res)
				if list && changed {
					fmt.Fprintln(out, path)
				}
				if showDiff && changed {
					out.Write(diff.Diff(path+".orig", src, path, res))
				}
				if write && changed {
					if err := atomicfile.WriteFile(path, res); err != nil {
						printDiagnostics(cmd.ErrOrStderr(), err, 0)
						failed++
						continue
					}
				}
				if !write && !showDiff && !list {
					out.Write(res)
				}
			}
			if failed > 0 {
				return silentErr(exitUser)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVarP(&write, "write", "w", false, "rewrite files in place (atomically)")
	cmd.Flags().BoolVarP(&showDiff, "diff", "d", false, "print a unified diff of the changes")
	cmd.Flags().BoolVarP(&list, "list", "l", false, "list files whose layout differs")
	return cmd
}
