package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
	"snnc/internal/results"
)

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "snnc",
		Short: "snnc compiles and simulates spiking neural networks",
		Long: `snnc compiles and simulates spiking neural networks.

A program is .snn source (neuron models and networks, see the language
reference) or snnc IR text (a file ending in .ir, or whose first line starts
with "; snnc IR"); every command that reads a program accepts both.

Exit codes: 0 ok, 1 user error (a bad program, diagnostics, a run-time
error), 2 usage error (bad flags or arguments), 3 internal error.`,
		Example: `  snnc check testdata/squid.snn
  snnc run testdata/squid.snn -o squid.json
  snnc plot squid.json -o squid.png`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.AddCommand(
		newCheckCmd(),
		newFmtCmd(),
		newDumpCmd(),
		newPassesCmd(),
		newRunCmd(),
		newPlotCmd(),
		newVersionCmd(),
	)
	for _, f := range extraCommands {
		root.AddCommand(f())
	}
	return root
}

// extraCommands are commands defined in other files of this package
// (e.g. by other teams: `func init() { extraCommands = append(extraCommands,
// newReportCmd) }`), added after the built-in ones.
var extraCommands []func() *cobra.Command

// runE adapts a command body: errors it returns that carry no exit code
// become user errors (exit 1), except the driver's and the result writer's
// usage errors (exit 2).
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return classify(f(cmd, args))
	}
}

func classify(err error) error {
	if err == nil {
		return nil
	}
	var ex *exitError
	if errors.As(err, &ex) {
		return err
	}
	var ue *driver.UsageError
	var fe *results.FormatError
	if errors.As(err, &ue) || errors.As(err, &fe) {
		return usageErr(err)
	}
	var ie *driver.InternalError
	if errors.As(err, &ie) {
		return &exitError{exitInternal, fmt.Errorf("internal error: %v (please report)", err)}
	}
	return userErr(err)
}

// exactArgs is cobra.ExactArgs with a message that names the arguments.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrf("%s: expected %s, got %d argument(s)", cmd.Name(), what, len(args))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs with a message that names the arguments.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageErrf("%s: expected %s", cmd.Name(), what)
		}
		return nil
	}
}

// printDiagnostics prints a user error: diagnostics with source lines and
// carets (at most max, max <= 0: all), anything else as "snnc: err".
func printDiagnostics(w io.Writer, err error, max int) {
	if d, ok := driver.AsDiagnostics(err); ok {
		d.Format(w, max)
		return
	}
	io.WriteString(w, "snnc: "+err.Error()+"\n")
}

// diagCap is how many diagnostics a file shows without --all-errors.
const diagCap = 10
