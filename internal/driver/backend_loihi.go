package driver

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"snnc/backend/loihi"
	"snnc/backend/loihi/toolchain"
	"snnc/internal/atomicfile"
	"snnc/internal/results"
	"snnc/sim"
)

// The loihi backend: the Loihi-class chip of docs/chip.md (owner: the
// hardware engineer; this file only wires backend/loihi/toolchain and sim
// into the commands).
func init() {
	register(&Backend{
		Name:        "loihi",
		Description: "the Loihi-class neuromorphic chip: mapping onto cores, core images, the cycle-accurate simulator (docs/chip.md)",
		Flags: []Flag{
			{Name: "chips", Default: "0", Usage: "chips available to the mapper (0: as many as needed)"},
			{Name: "rate", Default: "10", Usage: "firing rate in Hz assumed for neurons in the report's traffic and energy"},
			{Name: "exact", Default: "false", Usage: "report: quantise first, for exact microcode, LUT and weight sizes (runs the profiling simulation)"},
			{Name: "stats", Default: "", Usage: "run: write the chip's statistics (cycles per step, per-core busy cycles, NoC, energy) as JSON to this file"},
			{Name: "fit-weights", Default: "true", Usage: "round synaptic weights wider than a synapse's 8-bit mantissa (with a note on stderr); false: an error"},
		},
		Run:     loihiRun,
		Compile: loihiCompile,
		Emit:    loihiEmit,
		Report:  loihiReport,
	})
}

func loihiOptions(j *Job) (toolchain.Options, error) {
	var o toolchain.Options
	chips, err := j.Int("chips")
	if err != nil {
		return o, err
	}
	if chips < 0 {
		return o, &UsageError{fmt.Errorf("--chips %d: want 0 or more", chips)}
	}
	o.Chip = loihi.DefaultChip()
	o.Chip.MaxChips = chips
	switch j.Options["fit-weights"] {
	case "true", "":
		o.FitWeights = true
	case "false":
	default:
		return o, &UsageError{fmt.Errorf("--fit-weights %q: want true or false", j.Options["fit-weights"])}
	}
	if s := j.Options["rate"]; s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r < 0 {
			return o, &UsageError{fmt.Errorf("--rate %q: want a rate in Hz", s)}
		}
		o.Map.RateHz = r
	}
	return o, nil
}

// loihiQuantize quantises the job's network and, with --fit-weights, rounds
// weights a synapse cannot hold, saying so on stderr.
func loihiQuantize(j *Job, o *toolchain.Options) error {
	net, _, err := Quantize(j)
	if err != nil {
		return err
	}
	if o.FitWeights {
		fit, n := loihi.FitWeights(net)
		if n > 0 {
			fmt.Fprintf(os.Stderr, "snnc: loihi: the weights of %d projection(s) need more than the 8-bit mantissa a synapse holds; rounded (results can differ from --backend fixed)\n", n)
		}
		net = fit
		o.FitWeights = false
	}
	o.Net = net
	return nil
}

func loihiRun(j *Job) (*results.Result, error) {
	inst, err := j.Instance()
	if err != nil {
		return nil, err
	}
	o, err := loihiOptions(j)
	if err != nil {
		return nil, err
	}
	if err := loihiQuantize(j, &o); err != nil {
		return nil, err
	}
	res, st, err := toolchain.Run(j.Module, inst, o, sim.Options{Threads: j.Run.Threads, Progress: j.Run.Progress})
	if err != nil {
		return res, err
	}
	if path := j.Options["stats"]; path != "" {
		if err := atomicfile.Write(path, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(st)
		}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// loihiImage quantises the job's network and compiles it to a core image.
func loihiImage(j *Job) (*loihi.Image, error) {
	inst, err := j.Instance()
	if err != nil {
		return nil, err
	}
	o, err := loihiOptions(j)
	if err != nil {
		return nil, err
	}
	if err := loihiQuantize(j, &o); err != nil {
		return nil, err
	}
	img, _, err := toolchain.Compile(j.Module, inst, o)
	return img, err
}

func loihiCompile(j *Job) error {
	img, err := loihiImage(j)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(j.Out, img.Encode())
}

func loihiEmit(j *Job, w io.Writer) error {
	img, err := loihiImage(j)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, img.Text())
	return err
}

func loihiReport(j *Job, w io.Writer) error {
	inst, err := j.Instance()
	if err != nil {
		return err
	}
	o, err := loihiOptions(j)
	if err != nil {
		return err
	}
	var r *loihi.Report
	if j.Options["exact"] == "true" {
		if o.Net, _, err = Quantize(j); err != nil {
			return err
		}
		r, err = toolchain.Report(j.Module, inst, o)
	} else {
		r, err = toolchain.Estimate(inst, o)
	}
	if r == nil {
		return err
	}
	if j.JSON {
		b, jerr := r.JSON()
		if jerr != nil {
			return jerr
		}
		if _, werr := w.Write(append(b, '\n')); werr != nil {
			return werr
		}
	} else if werr := r.WriteText(w); werr != nil {
		return werr
	}
	return err // the mapper's error when the network does not fit (after the report)
}
