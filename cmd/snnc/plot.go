package main

import (
	"github.com/spf13/cobra"

	"snnc/internal/plot"
	"snnc/internal/results"
)

func newPlotCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "plot RESULT.json -o FIG.png|FIG.svg",
		Short: "Draw a run's spikes and traces",
		Long: `Plot draws a result written by 'snnc run -o RESULT.json': a spike raster for
each population with recorded spikes, then one panel per recorded trace
(at most 10 neurons drawn per trace), all on a time axis in ms. Voltages and
other simple SI units are shown with a readable prefix (mV, nS, ...). The
figure's format is chosen by the extension of -o: .png or .svg. The file is
written atomically.`,
		Example: `  snnc run testdata/squid.snn -o squid.json
  snnc plot squid.json -o squid.png`,
		Args: exactArgs(1, "one RESULT.json"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrf("plot: -o FIG.png or -o FIG.svg is required")
			}
			if err := plot.CheckPath(out); err != nil {
				return usageErr(err)
			}
			r, err := results.ReadJSON(args[0])
			if err != nil {
				return err
			}
			return plot.WriteFile(out, r, plot.Options{})
		}),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the figure to write: `FIG`.png or FIG.svg")
	return cmd
}
