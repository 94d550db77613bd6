package fixed

import (
	"snnc/instance"
	"snnc/internal/results"
)

// Recorder builds the results.Result of a fixed-point run in the one way
// every backend written in Go shares (docs/fixed-point.md §7): spike
// records as the float interpreter makes them (one entry per recorded
// population, in declaration order, then per recorded source), traces
// from Net.Records converted by their Conv.
type Recorder struct {
	net    *Net
	clk    Clock
	res    *results.Result
	spikes []spikeRec
}

type spikeRec struct {
	pop, src int
	lo, hi   int
}

// NewRecorder prepares the result of a run of steps steps.
func NewRecorder(n *Net, steps int64) *Recorder {
	clk := NewClock(n.Dt)
	r := &Recorder{net: n, clk: clk, res: &results.Result{
		Network: n.Name, DtMs: clk.Ms(1), DurationMs: clk.Ms(steps), Seed: n.Seed,
	}}
	inst := n.Inst
	spikeRange := func(pop, src, size int) (int, int, bool) {
		lo, hi, any := size, 0, false
		for _, rec := range inst.Records {
			if rec.Kind == instance.RecordSpikes && rec.Pop == pop && rec.Source == src {
				lo, hi, any = min(lo, rec.Lo), max(hi, rec.Hi), true
			}
		}
		return lo, hi, any
	}
	for pi, p := range n.Pops {
		if lo, hi, ok := spikeRange(pi, -1, p.N); ok {
			r.res.Spikes = append(r.res.Spikes, results.PopSpikes{Pop: p.Name, N: p.N})
			r.spikes = append(r.spikes, spikeRec{pi, -1, lo, hi})
		}
	}
	for si, src := range inst.Sources {
		if lo, hi, ok := spikeRange(-1, si, src.N); ok {
			r.res.Spikes = append(r.res.Spikes, results.PopSpikes{Pop: src.Name, N: src.N})
			r.spikes = append(r.spikes, spikeRec{-1, si, lo, hi})
		}
	}
	for _, rec := range n.Records {
		tr := results.Trace{Name: rec.Name, Unit: rec.Unit}
		for i := rec.Lo; i < rec.Hi; i++ {
			tr.Neurons = append(tr.Neurons, i)
		}
		r.res.Traces = append(r.res.Traces, tr)
	}
	return r
}

// Spikes records the spikes of step k: per population and per source, the
// neurons that fired, ascending.
func (r *Recorder) Spikes(k int64, pops, srcs [][]int32) {
	t := r.clk.Ms(k)
	for j, sr := range r.spikes {
		var s []int32
		if sr.pop >= 0 {
			s = pops[sr.pop]
		} else {
			s = srcs[sr.src]
		}
		out := &r.res.Spikes[j]
		for _, i := range s {
			if int(i) >= sr.lo && int(i) < sr.hi {
				out.Neuron = append(out.Neuron, i)
				out.TimeMs = append(out.TimeMs, t)
			}
		}
	}
}

// Sample takes the trace samples due at step boundary b; reg(pop, r, i)
// returns register r of neuron i of population pop.
func (r *Recorder) Sample(b int64, reg func(pop, r, i int) int64) {
	for j, rec := range r.net.Records {
		if !Sampled(b, rec.Every) {
			continue
		}
		tr := &r.res.Traces[j]
		row := make([]float64, 0, rec.Hi-rec.Lo)
		for i := rec.Lo; i < rec.Hi; i++ {
			row = append(row, rec.Conv.Value(reg(rec.Pop, rec.Reg, i)))
		}
		tr.TimeMs = append(tr.TimeMs, r.clk.Ms(b))
		tr.Values = append(tr.Values, row)
	}
}

// Result returns the result after steps steps.
func (r *Recorder) Result(steps int64) *results.Result {
	r.res.Steps = steps
	return r.res
}
