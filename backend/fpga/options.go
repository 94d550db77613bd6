package fpga

import (
	"fmt"
	"strings"
)

// IOMode is how spikes and samples enter and leave the design.
type IOMode int

const (
	// IOStream: AXI-stream words (hls::stream), any number of steps per
	// call, each step's input and output ended by an end-of-step word.
	IOStream IOMode = iota
	// IOParallel: arrays (one port per element after partitioning), one
	// step per call, like hls4ml's io_parallel.
	IOParallel
)

func (m IOMode) String() string {
	if m == IOParallel {
		return "parallel"
	}
	return "stream"
}

// ParseIOMode parses "stream" or "parallel".
func ParseIOMode(s string) (IOMode, error) {
	switch strings.ToLower(s) {
	case "stream", "":
		return IOStream, nil
	case "parallel":
		return IOParallel, nil
	}
	return 0, fmt.Errorf("--io %q: want stream or parallel", s)
}

// Options are the knobs of the generated design and of the estimate.
type Options struct {
	// Reuse is the reuse factor (hls4ml's): each multiplier of an update
	// datapath serves Reuse multiplications, so the datapath accepts a new
	// neuron every Reuse cycles (PIPELINE II=Reuse). 0 means 1.
	Reuse int
	// Parallel is the number of update lanes per population (neurons
	// updated per initiation interval). 0 means 1.
	Parallel int
	// IO selects streaming or parallel input and output.
	IO IOMode
	// Steps is the length of the testbench run (0: the network's).
	Steps int64
	// NoExpected skips the reference run that writes the expected spikes
	// and traces into tb_data/ (the testbench then only writes its logs).
	NoExpected bool

	// The estimate's choices.
	Part       string  // a part of Parts ("" : xcu250)
	ClockMHz   float64 // target clock (0: 250 MHz)
	ActivityHz float64 // assumed mean firing rate of populations (0: 10 Hz)
}

// Defaults.
const (
	DefaultPart     = "xcu250"
	DefaultClockMHz = 250
	DefaultActivity = 10 // Hz
	// MaxReuse and MaxParallel bound the knobs (beyond them the pragmas and
	// the estimate stop making sense).
	MaxReuse    = 1024
	MaxParallel = 256
)

// norm returns the options with defaults filled in, or an error naming a
// bad knob.
func (o Options) norm() (Options, error) {
	if o.Reuse == 0 {
		o.Reuse = 1
	}
	if o.Parallel == 0 {
		o.Parallel = 1
	}
	if o.Reuse < 1 || o.Reuse > MaxReuse {
		return o, fmt.Errorf("--reuse %d: want 1..%d", o.Reuse, MaxReuse)
	}
	if o.Parallel < 1 || o.Parallel > MaxParallel {
		return o, fmt.Errorf("--parallel %d: want 1..%d", o.Parallel, MaxParallel)
	}
	if o.IO != IOStream && o.IO != IOParallel {
		return o, fmt.Errorf("bad io mode %d", o.IO)
	}
	if o.Steps < 0 {
		return o, fmt.Errorf("negative number of steps %d", o.Steps)
	}
	if o.Part == "" {
		o.Part = DefaultPart
	}
	if _, ok := LookupPart(o.Part); !ok {
		return o, fmt.Errorf("--part %q: unknown part (known: %s)", o.Part, strings.Join(PartNames(), ", "))
	}
	if o.ClockMHz == 0 {
		o.ClockMHz = DefaultClockMHz
	}
	if !(o.ClockMHz > 0) || o.ClockMHz > 2000 {
		return o, fmt.Errorf("--clock %g MHz: want a positive frequency up to 2000 MHz", o.ClockMHz)
	}
	if o.ActivityHz == 0 {
		o.ActivityHz = DefaultActivity
	}
	if !(o.ActivityHz >= 0) || o.ActivityHz > 1e6 {
		return o, fmt.Errorf("--rate %g Hz: want a non-negative rate", o.ActivityHz)
	}
	return o, nil
}

// Normalize returns the options with defaults filled in, or an error
// naming the knob out of range (for command-line checks before any work).
func (o Options) Normalize() (Options, error) { return o.norm() }
