package driver

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"

	"snnc/backend/fpga"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

// The fpga backend: an HLS C++ project (docs/fpga.md; owner: the FPGA
// engineer; this file only wires backend/fpga into the commands).
func init() {
	register(&Backend{
		Name:        "fpga",
		Description: "an HLS C++ project for Vitis HLS (hls4ml's layout); run builds and runs its C-simulation with g++ (docs/fpga.md)",
		Flags: []Flag{
			{Name: "reuse", Default: "1", Usage: "reuse factor: multiplications per multiplier of an update datapath (its II)"},
			{Name: "parallel", Default: "1", Usage: "update lanes per population"},
			{Name: "io", Default: "stream", Usage: "spike and sample I/O: stream (AXI-stream) or parallel (arrays, one step per call)"},
			{Name: "part", Default: fpga.DefaultPart, Usage: "the FPGA part the estimate checks against and build_prj.tcl targets"},
			{Name: "clock", Default: strconv.Itoa(fpga.DefaultClockMHz), Usage: "target clock in MHz (estimate, build_prj.tcl)"},
			{Name: "rate", Default: "10", Usage: "firing rate in Hz assumed for neurons in the report (cycles per step, traffic, energy)"},
			{Name: "keep", Default: "", Usage: "run: generate and build the C-simulation in this directory and keep it"},
		},
		Run:     fpgaRun,
		Compile: fpgaCompile,
		Emit:    fpgaEmit,
		Report:  fpgaReport,
	})
}

func fpgaOptions(j *Job) (fpga.Options, error) {
	var o fpga.Options
	var err error
	if o.Reuse, err = j.Int("reuse"); err != nil {
		return o, err
	}
	if o.Parallel, err = j.Int("parallel"); err != nil {
		return o, err
	}
	if o.Reuse < 1 {
		return o, &UsageError{fmt.Errorf("--reuse %d: want 1 or more", o.Reuse)}
	}
	if o.Parallel < 1 {
		return o, &UsageError{fmt.Errorf("--parallel %d: want 1 or more", o.Parallel)}
	}
	if o.IO, err = fpga.ParseIOMode(j.Options["io"]); err != nil {
		return o, &UsageError{err}
	}
	o.Part = j.Options["part"]
	if _, ok := fpga.LookupPart(o.Part); !ok && o.Part != "" {
		return o, &UsageError{fmt.Errorf("--part %q: unknown part (known: %v)", o.Part, fpga.PartNames())}
	}
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"clock", &o.ClockMHz}, {"rate", &o.ActivityHz}} {
		s := j.Options[f.name]
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v >= 0) {
			return o, &UsageError{fmt.Errorf("--%s %q: want a non-negative number", f.name, s)}
		}
		*f.dst = v
	}
	if o.ClockMHz == 0 {
		return o, &UsageError{fmt.Errorf("--clock 0: want a frequency in MHz")}
	}
	// Knobs out of range are usage errors too.
	if _, err := o.Normalize(); err != nil {
		return o, &UsageError{err}
	}
	return o, nil
}

// fpgaNet quantises the job's network and reads the backend's options.
func fpgaNet(j *Job) (*fixed.Net, fpga.Options, error) {
	o, err := fpgaOptions(j)
	if err != nil {
		return nil, o, err
	}
	net, _, err := Quantize(j)
	return net, o, err
}

func fpgaRun(j *Job) (*results.Result, error) {
	net, o, err := fpgaNet(j)
	if err != nil {
		return nil, err
	}
	res, _, err := fpga.Run(context.Background(), net, o, fpga.CSimOptions{KeepDir: j.Options["keep"]})
	return res, err
}

func fpgaCompile(j *Job) error {
	net, o, err := fpgaNet(j)
	if err != nil {
		return err
	}
	p, err := fpga.Compile(net, j.Out, o)
	if err != nil {
		return err
	}
	for _, n := range p.Notes {
		fmt.Fprintf(os.Stderr, "snnc: fpga: %s\n", n)
	}
	return nil
}

// fpgaEmit prints the design's C++: parameters.h and the engine.
func fpgaEmit(j *Job, w io.Writer) error {
	net, o, err := fpgaNet(j)
	if err != nil {
		return err
	}
	o.NoExpected = true
	p, err := fpga.Generate(net, o)
	if err != nil {
		return err
	}
	for _, path := range []string{"firmware/parameters.h", "firmware/" + p.Name + ".cpp"} {
		if _, err := fmt.Fprintf(w, "// ===== %s =====\n%s\n", path, p.File(path)); err != nil {
			return err
		}
	}
	return nil
}

func fpgaReport(j *Job, w io.Writer) error {
	net, o, err := fpgaNet(j)
	if err != nil {
		return err
	}
	e, err := fpga.EstimateNet(net, o)
	if err != nil {
		return err
	}
	if j.JSON {
		data, err := e.JSON()
		if err != nil {
			return err
		}
		_, err = w.Write(append(data, '\n'))
		return err
	}
	_, err = io.WriteString(w, e.Table())
	return err
}
