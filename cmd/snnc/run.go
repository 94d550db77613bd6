package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"snnc/internal/driver"
	"snnc/internal/results"
)

func newRunCmd() *cobra.Command {
	var (
		out     string
		backend string
		quiet   bool
		jf      *jobFlags
	)
	cmd := &cobra.Command{
		Use:   "run FILE [-o OUT] [--backend NAME] [--network NAME] [--duration T] [--seed S] [--set POP.NAME=VALUE]...",
		Short: "Simulate a network",
		Long: `Run simulates one network of a program (.snn source or IR text) and prints
a summary: spikes and mean rate per population, steps and wall time.

--backend chooses what simulates it: ref (the float64 reference
interpreter, the default), fixed (the interpreter in fixed point, on the
quantised module), and the hardware targets (loihi: the cycle-accurate chip
simulator; fpga: the HLS project's C-simulation; cpu: a native program
built with LLVM) where they are built in; ` + "`snnc run --help`" + ` lists them.

With -o the recorded spikes and traces are written, in the format named by
the extension (the file is written atomically: never partial):

  .json  {"network", "dt_ms", "duration_ms", "seed", "spikes": {POP: {"neuron",
         "time_ms"}}, "traces": {"POP.VAR": {"unit", "time_ms", "neurons",
         "values"}}}
  .csv   spikes as population,neuron,time_ms; each trace beside it in
         OUT.POP.VAR.csv (time_ms, then one column per neuron)
  .npz   NumPy arrays POP.spikes.neuron, POP.spikes.time_ms, POP.VAR
         (samples x neurons) and POP.VAR.time_ms

Trace values are in SI units (the trace's "unit"); times are in ms.
Durations take a time unit: 50ms, "50 ms", 0.5s. --set overrides a
parameter or an initial state of every neuron of a population (or a Poisson
source's rate), with units: --set cell.gNa=100mS/cm2.

The pass pipeline (-O, --passes) runs before the simulation; the default,
-O0, simulates the program as lowered.

FILE may also be a core image written by snnc compile --target loihi
(recognised by its first bytes, whatever its name): it runs on the loihi
chip simulator as compiled (--backend may be left out), with the same
output as running the program with the same flags. --duration can only
shorten it; the pipeline flags, --seed, --set and the loihi compile options
were fixed when it was compiled and are refused.

A progress bar is shown on standard error for runs longer than about a
second when it is a terminal; --quiet turns it and the summary off. The
results do not depend on --threads.`,
		Example: `  snnc run testdata/squid.snn
  snnc run testdata/squid.snn -o squid.json --duration 50ms
  snnc run testdata/cobahh.snn -o cobahh.npz --seed 7 --threads 2
  snnc run testdata/squid.snn --set cell.gNa=100mS/cm2 -o out.csv
  snnc run --backend fixed testdata/squid.snn
  snnc run --backend loihi squid.snnimg -o squid.json`,
		Args: exactArgs(1, "one FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			path := args[0]
			// Check every flag before the (possibly long) run.
			if out != "" {
				if _, err := results.FormatOf(out); err != nil {
					return usageErr(err)
				}
			}
			ib, err := driver.DetectImage(path)
			if err != nil {
				return err
			}
			var run func(progress func(step, total int64)) (*results.Result, error)
			var notes []string // the backend's lines for the summary
			note := func(line string) { notes = append(notes, line) }
			if ib != nil {
				// A compiled image: it runs as it is, on its backend.
				if cmd.Flags().Changed("backend") && backend != ib.Name {
					return usageErrf("%s is a compiled %s: it runs only with --backend %s", path, ib.ImageKind, ib.Name)
				}
				if ib.RunImage == nil {
					return usageErrf("%s is a compiled %s, which this snnc cannot run", path, ib.ImageKind)
				}
				if err := checkImageFlags(cmd, path, ib, "output", "quiet", "backend", "network", "duration", "threads"); err != nil {
					return err
				}
				opt, err := jf.options(cmd)
				if err != nil {
					return err
				}
				j, err := driver.NewImageJob(ib, path, opt)
				if err != nil {
					return err
				}
				jf.imageOptions(j, ib)
				run = func(p func(step, total int64)) (*results.Result, error) {
					j.Run.Progress, j.Run.Note = p, note
					return ib.RunImage(j)
				}
			} else {
				b, err := driver.LookupBackend(backend, "run")
				if err != nil {
					return err
				}
				opt, err := jf.options(cmd)
				if err != nil {
					return err
				}
				j, err := jf.job(cmd, path, opt, b)
				if err != nil {
					return err
				}
				run = func(p func(step, total int64)) (*results.Result, error) {
					j.Run.Progress, j.Run.Note = p, note
					return b.Run(j)
				}
			}
			var bar *progress
			var update func(step, total int64)
			if !quiet && isTerminal(cmd.ErrOrStderr()) {
				bar = newProgress(cmd.ErrOrStderr())
				update = bar.update
			}
			start := time.Now()
			r, err := run(update)
			wall := time.Since(start)
			bar.done()
			if err != nil {
				return err
			}
			if out != "" {
				if err := results.WriteFile(out, r); err != nil {
					return err
				}
			}
			if !quiet {
				summary(cmd.OutOrStdout(), r, wall, r.OutputPaths(out), notes)
			}
			return nil
		}),
	}
	jf = addJobFlags(cmd, "run")
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "write spikes and traces to `OUT` (.json, .csv or .npz)")
	f.StringVar(&backend, "backend", "ref", "what simulates the network: `NAME`, one of "+strings.Join(driver.BackendNames("run"), ", "))
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress bar and no summary")
	return cmd
}

// summary prints what a run did:
//
//	network squid: 20000 steps of 0.01 ms (200 ms simulated), seed 0, wall time 0.41 s
//	population  neurons  spikes  mean rate
//	cell              1      12   60.00 Hz
//	trace cell.V: 1 neuron x 2001 samples
//	wrote squid.json
//
// and after the traces, the backend's own lines (the chip's cycles and
// energy on loihi).
func summary(w io.Writer, r *results.Result, wall time.Duration, wrote []string, notes []string) {
	fmt.Fprintf(w, "network %s: %d steps of %s ms (%s ms simulated), seed %d, wall time %s\n",
		r.Network, r.Steps, fmtNum(r.DtMs), fmtNum(r.DurationMs), r.Seed, fmtWall(wall))
	if len(r.Spikes) > 0 {
		rows := [][]string{{"population", "neurons", "spikes", "mean rate"}}
		for _, s := range r.Spikes {
			rate := math.NaN()
			if s.N > 0 && r.DurationMs > 0 {
				rate = float64(len(s.Neuron)) / float64(s.N) / (r.DurationMs / 1000)
			}
			rateText := "-"
			if !math.IsNaN(rate) {
				rateText = fmt.Sprintf("%.2f Hz", rate)
			}
			rows = append(rows, []string{s.Pop, strconv.Itoa(s.N), strconv.Itoa(len(s.Neuron)), rateText})
		}
		width := make([]int, len(rows[0]))
		for _, row := range rows {
			for i, c := range row {
				width[i] = max(width[i], len(c))
			}
		}
		for _, row := range rows {
			// The name left-aligned, the numbers right-aligned.
			line := fmt.Sprintf("  %-*s", width[0], row[0])
			for i := 1; i < len(row); i++ {
				line += fmt.Sprintf("  %*s", width[i], row[i])
			}
			fmt.Fprintln(w, line)
		}
	}
	for _, t := range r.Traces {
		fmt.Fprintf(w, "trace %s: %s x %s\n", t.Name, plural(len(t.Neurons), "neuron"), plural(len(t.TimeMs), "sample"))
	}
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	if len(wrote) > 0 && wrote[0] != "" {
		fmt.Fprintf(w, "wrote %s\n", strings.Join(wrote, ", "))
	}
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func fmtWall(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && termIsTerminal(int(f.Fd()))
}
