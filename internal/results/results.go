// Package results holds what a simulation produces — spikes per population
// and recorded traces — in one form shared by every backend (the reference
// interpreter, the chip simulator, the FPGA C-simulation and the CPU program),
// and writes it as JSON, CSV or NumPy .npz.
package results

// Result is the outcome of one simulation run.
type Result struct {
	Network    string
	DtMs       float64
	DurationMs float64
	Seed       uint64
	Steps      int64
	Spikes     []PopSpikes // in population declaration order
	Traces     []Trace     // in record declaration order
}

// PopSpikes are the spikes of one population, sorted by time then neuron.
// A spike's time is k·dt for the step k whose integration produced the
// crossing state.
type PopSpikes struct {
	Pop    string
	N      int // population size (for mean rates)
	Neuron []int32
	TimeMs []float64
}

// Trace is one recorded variable: Values[s][j] is the value of neuron
// Neurons[j] at TimeMs[s], in SI units (Unit names them, e.g. "V").
type Trace struct {
	Name    string // POP.VAR
	Unit    string
	TimeMs  []float64
	Neurons []int
	Values  [][]float64
}

// Trace returns the trace called name (pop.var), or nil.
func (r *Result) Trace(name string) *Trace {
	for i := range r.Traces {
		if r.Traces[i].Name == name {
			return &r.Traces[i]
		}
	}
	return nil
}
