package instance

import (
	"fmt"
	"math"
	"sort"

	"snnc/ir"
)

// Source is a population of spike generators made concrete.
//
// A Poisson neuron i spikes at step k iff
// Draw(Keys[i], k) >> 11 < Thresholds.At(i), i.e. U53 < rate·dt
// (PoissonThreshold); nothing is stored per step. Spike lists and files are
// stored as events (EvStep, EvNeuron) sorted by step, then neuron. A source
// spike at step k is emitted like a neuron spike detected at step k: it
// arrives at step k + 1 + delay.
type Source struct {
	Index int
	Name  string
	Kind  ir.SourceKind
	N     int

	Rate       Value    // Poisson: Hz per neuron
	Keys       []uint64 // Poisson: Key(seed, DomainPoisson, Index, i)
	Thresholds []uint64 // Poisson: per-neuron threshold, or nil when Threshold applies to all
	Threshold  uint64

	EvStep   []int64 // lists: step of each event
	EvNeuron []int32 // lists: neuron of each event
}

func (b *builder) buildSource(idx int, s *ir.Source) (*Source, error) {
	src := &Source{Index: idx, Name: s.Name, Kind: s.Kind, N: s.N}
	if s.N < 0 {
		return nil, fmt.Errorf("negative size %d", s.N)
	}
	switch s.Kind {
	case ir.Poisson:
		var rate Value
		if x, ok := b.override(s.Name, "rate"); ok {
			rate = Value{Scalar: x}
		} else {
			if s.Rate == ir.NoNode {
				return nil, fmt.Errorf("poisson source without a rate")
			}
			e := compileExpr(b.net.G, s.Rate)
			var err error
			rate, err = b.column(e, s.N, nil, func(i int) *Stream {
				st := NewStream(b.inst.Seed, DomainRate, uint64(idx), uint64(i))
				return &st
			}, func(string) bool { return true })
			if err != nil {
				return nil, fmt.Errorf("rate: %w", err)
			}
		}
		for i := 0; i < s.N; i++ {
			if r := rate.At(i); !(r >= 0) || math.IsInf(r, 0) {
				return nil, fmt.Errorf("neuron %d: rate %g Hz is not a non-negative frequency", i, r)
			}
		}
		src.Rate = rate
		src.Keys = make([]uint64, s.N)
		for i := range src.Keys {
			src.Keys[i] = Key(b.inst.Seed, DomainPoisson, uint64(idx), uint64(i))
		}
		if rate.Vec == nil {
			src.Threshold = PoissonThreshold(rate.Scalar * b.inst.Dt)
		} else {
			src.Thresholds = make([]uint64, s.N)
			for i, r := range rate.Vec {
				src.Thresholds[i] = PoissonThreshold(r * b.inst.Dt)
			}
		}
	case ir.SpikeList:
		if len(s.Times) != s.N {
			return nil, fmt.Errorf("%d spike lists for %d neurons", len(s.Times), s.N)
		}
		if err := b.setEvents(src, s.Times, s.Name); err != nil {
			return nil, err
		}
	case ir.SpikeFile:
		t, err := readCSV(b.path(s.File), []string{"neuron", "time"}, 2, []float64{1, 1e-3})
		if err != nil {
			return nil, err
		}
		times := make([][]float64, s.N)
		for r := range t.cols[0] {
			i, x := t.cols[0][r], t.cols[1][r]*t.scale[1]
			if i != math.Trunc(i) || i < 0 || int(i) >= s.N {
				return nil, fmt.Errorf("%s:%d: neuron %g is not in 0..%d", s.File, t.lines[r], i, s.N-1)
			}
			times[int(i)] = append(times[int(i)], x)
		}
		if err := b.setEvents(src, times, s.File); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown source kind %v", s.Kind)
	}
	return src, nil
}

// setEvents converts spike times (s) to events at step round(t/dt); times
// at or after the end of the run are kept (a longer run may use them).
// Several spikes of one neuron in one step are kept as separate events.
func (b *builder) setEvents(src *Source, times [][]float64, where string) error {
	type ev struct {
		step   int64
		neuron int32
	}
	var evs []ev
	for i, ts := range times {
		for _, t := range ts {
			if !(t >= 0) || math.IsInf(t, 0) {
				return fmt.Errorf("%s: neuron %d: spike time %g s is not a non-negative time", where, i, t)
			}
			evs = append(evs, ev{int64(math.Round(t / b.inst.Dt)), int32(i)})
		}
	}
	sort.SliceStable(evs, func(a, c int) bool {
		if evs[a].step != evs[c].step {
			return evs[a].step < evs[c].step
		}
		return evs[a].neuron < evs[c].neuron
	})
	src.EvStep = make([]int64, len(evs))
	src.EvNeuron = make([]int32, len(evs))
	for k, e := range evs {
		src.EvStep[k], src.EvNeuron[k] = e.step, e.neuron
	}
	return nil
}

// SpikesAt appends the neurons that spike at step k to dst, in ascending
// neuron order (a neuron of a spike list may appear more than once).
func (s *Source) SpikesAt(k int64, dst []int32) []int32 {
	switch s.Kind {
	case ir.Poisson:
		if s.Thresholds == nil {
			if s.Threshold == 0 {
				return dst
			}
			for i, key := range s.Keys {
				if Draw(key, uint64(k))>>11 < s.Threshold {
					dst = append(dst, int32(i))
				}
			}
			return dst
		}
		for i, key := range s.Keys {
			if Draw(key, uint64(k))>>11 < s.Thresholds[i] {
				dst = append(dst, int32(i))
			}
		}
		return dst
	default:
		lo := sort.Search(len(s.EvStep), func(i int) bool { return s.EvStep[i] >= k })
		for j := lo; j < len(s.EvStep) && s.EvStep[j] == k; j++ {
			dst = append(dst, s.EvNeuron[j])
		}
		return dst
	}
}
