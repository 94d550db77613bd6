package instance

import (
	"fmt"
	"math"
	"sort"

	"snnc/ir"
)

// Stimulus injects a waveform into one input of every neuron of a
// population: at step k the input receives At(k·dt), added to whatever
// else arrives in that step.
type Stimulus struct {
	Index      int
	Name       string
	Pop        int // index into Instance.Pops
	Input      string
	InputIndex int // index in the unit's Inputs
	Wave       ir.Wave
	Dt         float64 // the network's step (edges of step() are snapped to 1e-6·Dt)

	// File waveforms: samples (time in s, value in SI), time ascending.
	Times, Values []float64
}

func (b *builder) buildStim(idx int, s *ir.Stim) (*Stimulus, error) {
	st := &Stimulus{Index: idx, Name: s.Name, Pop: b.inst.PopIndex(s.Pop), Input: s.Input, Wave: s.Wave, Dt: b.inst.Dt}
	if st.Pop < 0 {
		return nil, fmt.Errorf("no population %q", s.Pop)
	}
	st.InputIndex = b.inst.Pops[st.Pop].InputIndex(s.Input)
	if st.InputIndex < 0 {
		return nil, fmt.Errorf("%s has no input %q", b.inst.Pops[st.Pop].Unit.Name, s.Input)
	}
	need := func(names ...string) error {
		for _, n := range names {
			if _, ok := s.Wave.Arg(n); !ok {
				return fmt.Errorf("%v needs argument %s", s.Wave.Kind, n)
			}
		}
		return nil
	}
	var err error
	switch s.Wave.Kind {
	case ir.WaveConstant, ir.WaveStep:
		err = need("a")
	case ir.WaveSine:
		err = need("amp", "freq")
	case ir.WaveSquare, ir.WaveSawtooth, ir.WaveTriangle:
		err = need("low", "high", "period")
		if p, _ := s.Wave.Arg("period"); err == nil && !(p > 0) {
			err = fmt.Errorf("%v: period must be positive", s.Wave.Kind)
		}
	case ir.WaveFile:
		t, e := readCSV(b.path(s.Wave.File), []string{"time", "value"}, 2, []float64{1e-3, 1})
		if e != nil {
			return nil, e
		}
		n := len(t.cols[0])
		idxs := make([]int, n)
		for i := range idxs {
			idxs[i] = i
		}
		sort.SliceStable(idxs, func(a, c int) bool { return t.cols[0][idxs[a]] < t.cols[0][idxs[c]] })
		for _, i := range idxs {
			x, v := t.cols[0][i]*t.scale[0], t.cols[1][i]*t.scale[1]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d: not a finite sample", s.Wave.File, t.lines[i])
			}
			st.Times = append(st.Times, x)
			st.Values = append(st.Values, v)
		}
	default:
		err = fmt.Errorf("unknown waveform %v", s.Wave.Kind)
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}

// At returns the waveform's value at time t (s). The definitions
// (docs/language.md; docs/simulator.md):
//
//	constant(a)                            a
//	step(a, from, to)                      a for from ≤ t < to, else 0 (from defaults to 0, to to +∞;
//	                                       an edge within 1e-6·dt of t counts as reached)
//	sine(amp, freq, offset, phase)         offset + amp·sin(2π(freq·t + phase))
//	square(low, high, period, duty, phase) high while φ < duty (default ½), else low
//	sawtooth(low, high, period, phase)     low + (high − low)·φ
//	triangle(low, high, period, phase)     low + (high − low)·2φ for φ < ½, low + (high − low)·2(1 − φ) after
//	file                                   the value of the last sample with time ≤ t; 0 before the first
//
// with φ = Phase(t/period + phase) ∈ [0, 1): phase and duty are fractions
// of the period.
func (s *Stimulus) At(t float64) float64 {
	w := s.Wave
	arg := func(name string, def float64) float64 {
		if v, ok := w.Arg(name); ok {
			return v
		}
		return def
	}
	phi := func() float64 { return Phase(t/arg("period", 1) + arg("phase", 0)) }
	switch w.Kind {
	case ir.WaveConstant:
		return arg("a", 0)
	case ir.WaveStep:
		tol := 1e-6 * s.Dt
		if t >= arg("from", 0)-tol && t < arg("to", math.Inf(1))-tol {
			return arg("a", 0)
		}
		return 0
	case ir.WaveSine:
		return arg("offset", 0) + arg("amp", 0)*math.Sin(2*math.Pi*(arg("freq", 0)*t+arg("phase", 0)))
	case ir.WaveSquare:
		if phi() < arg("duty", 0.5) {
			return arg("high", 0)
		}
		return arg("low", 0)
	case ir.WaveSawtooth:
		lo, hi := arg("low", 0), arg("high", 0)
		return lo + (hi-lo)*phi()
	case ir.WaveTriangle:
		lo, hi := arg("low", 0), arg("high", 0)
		if f := phi(); f < 0.5 {
			return lo + (hi-lo)*2*f
		} else {
			return lo + (hi-lo)*2*(1-f)
		}
	case ir.WaveFile:
		i := sort.SearchFloat64s(s.Times, math.Nextafter(t, math.Inf(1))) - 1
		if i < 0 {
			return 0
		}
		return s.Values[i]
	}
	return 0
}

// Phase returns the fractional part of x in [0, 1), after snapping x to the
// nearest multiple of 1/1024 when within 1e-9 of it (so that t = k·dt lands
// on the intended side of an edge of a square wave despite rounding).
func Phase(x float64) float64 {
	h := math.Round(1024*x) / 1024
	if math.Abs(x-h) < 1e-9 {
		x = h
	}
	f := x - math.Floor(x)
	if f >= 1 {
		f = 0
	}
	return f
}
