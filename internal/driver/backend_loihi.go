package driver

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"snnc/backend/loihi"
	"snnc/backend/loihi/toolchain"
	"snnc/internal/atomicfile"
	"snnc/internal/results"
	"snnc/internal/units"
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
		},
		Run:     loihiRun,
		Compile: loihiCompile,
		Emit:    loihiEmit,
		Report:  loihiReport,

		ImageMagic: loihi.ImageMagic,
		ImageExt:   ".snnimg",
		ImageKind:  "loihi core image",
		ImageFlags: []string{"stats"},
		RunImage:   loihiRunImage,
		EmitImage:  loihiEmitImage,
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
	if s := j.Options["rate"]; s != "" {
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r < 0 {
			return o, &UsageError{fmt.Errorf("--rate %q: want a rate in Hz", s)}
		}
		o.Map.RateHz = r
	}
	return o, nil
}

// loihiQuantize quantises the job's network for the chip. Its weights are
// chip-sized by construction (quantize rounds them to a synapse's 8-bit
// mantissa, docs/fixed-point.md §6), so nothing is rounded again here: a
// weight that does not fit would be a bug in quantize, and the mapper
// refuses it rather than let the chip silently differ from --backend fixed
// (docs/cli.md, "Backends").
func loihiQuantize(j *Job, o *toolchain.Options) error {
	net, _, err := Quantize(j)
	if err != nil {
		return err
	}
	o.Net = net
	o.FitWeights = false
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
	loihiNote(j.Run.Note, res, st)
	return res, loihiWriteStats(j.Options["stats"], st)
}

// loihiNote adds the chip's figures to the run's summary:
//
//	chip: 2 cores on 1 chip; 13,130 cycles per step (min 9,873, max 16,012): 13.1 µs per 100 µs step at 1 GHz, 7.6× faster than real time
//	chip energy: 308 nJ per step, 308 µJ in all (an estimate from published per-operation figures, docs/chip.md §10)
func loihiNote(note func(string), res *results.Result, st *sim.Stats) {
	if note == nil || st == nil || st.Steps == 0 || st.SimulatedTime <= 0 {
		return
	}
	chips := map[int]bool{}
	for _, c := range st.Cores {
		chips[c.Loc.Chip] = true
	}
	perStep := st.SimulatedTime / float64(st.Steps) // s of chip time per step
	dt := res.DtMs / 1000
	clock := float64(st.Cycles) / st.SimulatedTime
	speed := fmt.Sprintf("%.3g× faster than real time", dt/perStep)
	if perStep > dt {
		speed = fmt.Sprintf("%.3g× slower than real time", perStep/dt)
	}
	note(fmt.Sprintf("chip: %s on %s; %s cycles per step (min %s, max %s): %s per %s step at %s, %s",
		countOf(len(st.Cores), "core"), countOf(len(chips), "chip"), units.Group(int64(math.Round(st.MeanStepCycles))),
		units.Group(st.MinStepCycles), units.Group(st.MaxStepCycles), units.FormatSI(perStep, "s"), units.FormatSI(dt, "s"), units.FormatSI(clock, "Hz"), speed))
	note(fmt.Sprintf("chip energy: %s per step, %s in all (an estimate from published per-operation figures, docs/chip.md §10)",
		units.FormatSI(st.Energy.PerStep*1e-12, "J"), units.FormatSI(st.Energy.Total*1e-12, "J")))
}

// countOf returns "1 core", "3 cores".
func countOf(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// loihiWriteStats writes the chip's statistics for --stats (nothing when
// path is empty).
func loihiWriteStats(path string, st *sim.Stats) error {
	if path == "" {
		return nil
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
}

// loihiDecode decodes and validates the job's core image. A damaged image
// is an error naming the file and what is wrong with it.
func loihiDecode(j *ImageJob) (*loihi.Image, error) {
	head := len(loihi.ImageMagic) + 2 // magic, version u16
	switch d := j.Data; {
	case !strings.HasPrefix(loihi.ImageMagic, string(d[:min(len(d), len(loihi.ImageMagic))])):
		return nil, fmt.Errorf("%s: not a loihi core image (it does not start with %q)", j.Path, loihi.ImageMagic)
	case len(d) < head:
		return nil, fmt.Errorf("%s: truncated loihi core image: %d bytes, shorter than its %d-byte header", j.Path, len(d), head)
	}
	if v := int(binary.LittleEndian.Uint16(j.Data[len(loihi.ImageMagic):])); v != loihi.ImageVersion {
		return nil, fmt.Errorf("%s: loihi core image of format version %d; this snnc reads version %d (compile the program again with this snnc)", j.Path, v, loihi.ImageVersion)
	}
	img, err := loihi.DecodeImage(j.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: damaged loihi core image: %s", j.Path, strings.TrimPrefix(err.Error(), "core image: "))
	}
	if j.Run.Network != "" && j.Run.Network != img.Network {
		return nil, &UsageError{fmt.Errorf("--network %s: the core image %s holds network %s", j.Run.Network, j.Path, img.Network)}
	}
	return img, nil
}

// loihiImageSteps returns the steps to run an image for: its own, or fewer
// with --duration. An image holds its inputs (stimulus schedules, spike
// lists) for the steps it was compiled for, so a longer run is refused.
func loihiImageSteps(j *ImageJob, img *loihi.Image) (int64, error) {
	d := j.Run.Duration
	if d <= 0 {
		return img.Steps, nil
	}
	if err := checkSteps(d, img.Dt); err != nil {
		return 0, err
	}
	steps := int64(math.Round(d / img.Dt))
	if steps > img.Steps {
		return 0, &UsageError{fmt.Errorf("--duration %s is longer than the %s (%d steps of dt = %s) the core image %s was compiled for; an image can only be run for as long or shorter (compile again with --duration)",
			FormatTime(d), FormatTime(float64(img.Steps)*img.Dt), img.Steps, FormatTime(img.Dt), j.Path)}
	}
	return steps, nil
}

// loihiRunImage simulates a compiled core image: `snnc run --backend loihi
// net.snnimg`. The results are those of `snnc run --backend loihi` on the
// program it was compiled from, with the same flags.
func loihiRunImage(j *ImageJob) (*results.Result, error) {
	img, err := loihiDecode(j)
	if err != nil {
		return nil, err
	}
	steps, err := loihiImageSteps(j, img)
	if err != nil {
		return nil, err
	}
	res, st, err := sim.Run(img, sim.Options{Steps: steps, Threads: j.Run.Threads, Progress: j.Run.Progress})
	if err != nil {
		return res, err
	}
	loihiNote(j.Run.Note, res, st)
	return res, loihiWriteStats(j.Options["stats"], st)
}

// loihiEmitImage prints a compiled core image as text: `snnc dump
// --emit=loihi net.snnimg`, the same text as on the program.
func loihiEmitImage(j *ImageJob, w io.Writer) error {
	img, err := loihiDecode(j)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, img.Text())
	return err
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
