package toolchain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"snnc/instance"
	"snnc/ir"
	"snnc/sim"
)

// The paper's claim made concrete (PAPER.md §5): one network built several
// ways — HH units, tv-LIF2HH units, a LIF network with four times the
// neurons — compared on the chip in cores, synapse bits, cycles and energy
// per time step: first as the report estimates them before anything runs,
// then as the simulator measures them.

// ClaimInput is one way of building the network.
type ClaimInput struct {
	Name   string
	Module *ir.Module
	Inst   *instance.Instance
}

// ClaimRow is one network's cost on the chip.
type ClaimRow struct {
	Name         string `json:"name"`
	Units        int    `json:"units"`
	Compartments int    `json:"compartments"`
	Cores        int    `json:"cores"`
	Chips        int    `json:"chips"`
	Synapses     int    `json:"synapses"`
	SynapseBits  int    `json:"synapse_bits"`
	// Estimates per time step at the assumed activity (the report).
	Cycles     float64 `json:"cycles_per_step"`      // critical path
	CoreCycles float64 `json:"core_cycles_per_step"` // work: busy cycles summed over cores
	EnergyPJ   float64 `json:"energy_pj_per_step"`
	// Measured by the simulator over MeasuredSteps steps (0: not run).
	MeasuredCycles     float64 `json:"measured_cycles_per_step"`
	MeasuredCoreCycles float64 `json:"measured_core_cycles_per_step"`
	MeasuredEnergyPJ   float64 `json:"measured_energy_pj_per_step"`
	MeasuredSpikes     float64 `json:"measured_spikes_per_step"`
}

// Comparison is the table of ClaimRows.
type Comparison struct {
	RateHz        float64    `json:"rate_hz"`
	MeasuredSteps int64      `json:"measured_steps"`
	Rows          []ClaimRow `json:"rows"`
}

// Compare compiles every input for the chip (quantised: exact programs),
// reports each and, when steps > 0, runs each on the simulator for that
// many steps.
func Compare(in []ClaimInput, opt Options, steps int64) (*Comparison, error) {
	c := &Comparison{RateHz: opt.Map.RateHz, MeasuredSteps: steps}
	for _, x := range in {
		o := opt
		img, r, err := Compile(x.Module, x.Inst, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.Name, err)
		}
		c.RateHz = r.RateHz
		row := ClaimRow{Name: x.Name, Units: r.Totals.Units, Compartments: r.Totals.Compartments, Cores: r.Cores,
			Chips: r.Chips, Synapses: r.Totals.Synapses, SynapseBits: r.Totals.SynapseBits,
			Cycles: r.PerStep.Cycles, CoreCycles: r.PerStep.CoreCycles, EnergyPJ: r.PerStep.EnergyPJ.Total}
		if steps > 0 {
			res, st, err := sim.Run(img, sim.Options{Steps: steps})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", x.Name, err)
			}
			row.MeasuredCycles = st.MeanStepCycles
			busy := int64(0)
			for _, cs := range st.Cores {
				busy += cs.CEBusy + cs.SEBusy + cs.AEBusy
			}
			row.MeasuredCoreCycles = float64(busy) / float64(st.Steps)
			row.MeasuredEnergyPJ = st.Energy.PerStep
			n := 0
			for _, s := range res.Spikes {
				n += len(s.Neuron)
			}
			row.MeasuredSpikes = float64(n) / float64(st.Steps)
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// Metrics are the comparison's cost measures, by name.
var Metrics = []string{"cores", "synapse_bits", "cycles", "core_cycles", "energy", "measured_cycles", "measured_core_cycles", "measured_energy"}

// Value returns a row's value of a metric.
func (r *ClaimRow) Value(metric string) float64 {
	switch metric {
	case "cores":
		return float64(r.Cores)
	case "synapse_bits":
		return float64(r.SynapseBits)
	case "cycles":
		return r.Cycles
	case "core_cycles":
		return r.CoreCycles
	case "energy":
		return r.EnergyPJ
	case "measured_cycles":
		return r.MeasuredCycles
	case "measured_core_cycles":
		return r.MeasuredCoreCycles
	case "measured_energy":
		return r.MeasuredEnergyPJ
	}
	panic("toolchain: unknown metric " + metric)
}

// Cheapest returns the rows with the smallest value of a metric (several
// on a tie).
func (c *Comparison) Cheapest(metric string) []string {
	var best []string
	bv := 0.0
	for i := range c.Rows {
		v := c.Rows[i].Value(metric)
		switch {
		case len(best) == 0 || v < bv:
			best, bv = []string{c.Rows[i].Name}, v
		case v == bv:
			best = append(best, c.Rows[i].Name)
		}
	}
	return best
}

// JSON returns the comparison as indented JSON.
func (c *Comparison) JSON() ([]byte, error) { return json.MarshalIndent(c, "", "  ") }

// WriteText prints the comparison as an aligned table.
func (c *Comparison) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "one network built %d ways on the loihi target (estimates at %g Hz per neuron; energy is a model, docs/chip.md §10)\n\n", len(c.Rows), c.RateHz)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	head := "network\tunits\tcomps\tcores\tsynapses\tsynapse bits\tcycles/step\tcore-cycles/step\tnJ/step\t"
	if c.MeasuredSteps > 0 {
		head += "meas. cycles/step\tmeas. core-cycles/step\tmeas. nJ/step\tmeas. spikes/step\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range c.Rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.0f\t%.2f\t", r.Name, r.Units, r.Compartments, r.Cores, r.Synapses,
			r.SynapseBits, r.Cycles, r.CoreCycles, r.EnergyPJ/1e3)
		if c.MeasuredSteps > 0 {
			fmt.Fprintf(tw, "%.0f\t%.0f\t%.2f\t%.2f\t", r.MeasuredCycles, r.MeasuredCoreCycles, r.MeasuredEnergyPJ/1e3, r.MeasuredSpikes)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	b.WriteString("\ncheapest:")
	for _, m := range Metrics {
		if strings.HasPrefix(m, "measured") && c.MeasuredSteps == 0 {
			continue
		}
		fmt.Fprintf(&b, " %s=%s", m, strings.Join(c.Cheapest(m), "+"))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
