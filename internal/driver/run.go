package driver

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"snnc/ir"
)

// UsageError is an error in how a command was invoked (a flag value that
// names nothing, a missing choice), as opposed to an error in the program.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// PickNetwork returns the network named name, or the only network of m when
// name is "". A missing or ambiguous choice is a *UsageError.
func PickNetwork(m *ir.Module, path, name string) (*ir.Network, error) {
	var names []string
	for _, n := range m.Networks {
		names = append(names, n.Name)
	}
	if name != "" {
		if n := m.Network(name); n != nil {
			return n, nil
		}
		if len(names) == 0 {
			return nil, &UsageError{fmt.Errorf("%s declares no network (looked for %q)", path, name)}
		}
		return nil, &UsageError{fmt.Errorf("%s has no network %q (it has %s)", path, name, strings.Join(names, ", "))}
	}
	switch len(names) {
	case 0:
		return nil, fmt.Errorf("%s declares no network: nothing to run", path)
	case 1:
		return m.Networks[0], nil
	}
	return nil, &UsageError{fmt.Errorf("%s has %d networks (%s): choose one with --network", path, len(names), strings.Join(names, ", "))}
}

// maxSteps bounds the steps of one run (about 3 years of biological time
// at dt = 0.1 ms), far beyond any real run but safe from overflow.
const maxSteps = 1 << 40

// checkSteps rejects a --duration that is shorter than one step or that
// needs more than maxSteps steps.
func checkSteps(duration, dt float64) error {
	if !(dt > 0) {
		return nil // the verifier or instance reports a bad dt
	}
	steps := math.Round(duration / dt)
	if steps < 1 {
		return &UsageError{fmt.Errorf("--duration %s is shorter than one time step (dt = %s)", FormatTime(duration), FormatTime(dt))}
	}
	if steps > maxSteps {
		return &UsageError{fmt.Errorf("--duration %s is %.3g steps of dt = %s: too long", FormatTime(duration), steps, FormatTime(dt))}
	}
	return nil
}

// FormatTime formats a time in s with a readable unit: "0.1 ms", "2 s".
func FormatTime(t float64) string {
	a := math.Abs(t)
	switch {
	case a == 0 || a >= 1:
		return strconv.FormatFloat(t, 'g', -1, 64) + " s"
	case a >= 1e-5:
		return strconv.FormatFloat(t*1e3, 'g', 6, 64) + " ms"
	case a >= 1e-6:
		return strconv.FormatFloat(t*1e6, 'g', 6, 64) + " us"
	}
	return strconv.FormatFloat(t*1e9, 'g', 6, 64) + " ns"
}

// RunOptions are the run-time choices of `snnc run`.
type RunOptions struct {
	Network  string     // "" for the only one
	Duration float64    // simulated time in s; 0 keeps the network's
	Seed     *uint64    // nil keeps the network's
	Sets     []Override // --set POP.NAME=VALUE, applied after the program's own values
	Threads  int        // worker goroutines; 0: GOMAXPROCS (results never depend on it)
	// Progress, if set, is called from time to time with the number of
	// steps done and the total.
	Progress func(done, total int64)
	// Note, if set, receives lines a backend adds to the run's summary
	// (the chip's cores, cycles per step and energy).
	Note func(line string)
}
