// Package report measures what a network costs before it runs: per unit
// type the state variables and the arithmetic per time step, counted from
// the IR, and per network the neurons, compartments, synapses and the bytes
// of state and synapse storage. `snnc report` prints it as an aligned table
// or JSON, and side by side before and after a pass pipeline so that what
// fuse-hh saves is visible.
//
// Counting rules (docs/report.md):
//   - operations are the IR nodes evaluated each step: those that depend on
//     a state, an input or time (expressions of params alone are computed
//     once per neuron, not per step), by the op table's cost class; x^k with
//     a constant integer k counts as k−1 multiplications, as backends
//     evaluate it;
//   - integration adds, per tv-LIF state, x ← drive + (x − drive)·exp(−dt/tau):
//     1 mul and 2 adds, plus 1 div and 1 exp when tau changes in time; per
//     integrator or general state (euler) 1 mul and 1 add; rk4 evaluates its
//     derivatives four times;
//   - the spike condition is counted; resets, which run only on a spike, are
//     not;
//   - a synapse into an input is stored once per tv-LIF compartment whose
//     drive or tau reads that input (the tv-LIF2HH unit's input synapses
//     are tripled: one per channel compartment); a synapse into a state is
//     stored once.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"snnc/instance"
	"snnc/ir"
)

// Ops counts arithmetic by class.
type Ops struct {
	Mul int `json:"mul"`
	Add int `json:"add"`
	Div int `json:"div"`
	Exp int `json:"exp"`
	Cmp int `json:"cmp"`
}

// Total is the number of operations.
func (o Ops) Total() int { return o.Mul + o.Add + o.Div + o.Exp + o.Cmp }

func (o Ops) plus(p Ops, k int) Ops {
	return Ops{o.Mul + k*p.Mul, o.Add + k*p.Add, o.Div + k*p.Div, o.Exp + k*p.Exp, o.Cmp + k*p.Cmp}
}

// Unit is the cost of one neuron of a unit type.
type Unit struct {
	Name   string `json:"name"`
	States int    `json:"states"`
	TVLIF  int    `json:"tvlif"`      // tv-LIF compartments among the states
	Integr int    `json:"integrator"` // integrators among the states
	Ops    Ops    `json:"ops_per_step"`
	// InputCopies is, per input, how many compartments a synapse into it is
	// stored for.
	InputCopies map[string]int `json:"input_copies"`
}

// Pop is one population of a network.
type Pop struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	N    int    `json:"n"`
}

// Network is the cost of a network.
type Network struct {
	Name          string `json:"name"`
	Pops          []Pop  `json:"pops"`
	Neurons       int    `json:"neurons"`
	Compartments  int    `json:"compartments"`   // states over all neurons
	Synapses      int    `json:"synapses"`       // as instantiated
	SynapseCopies int    `json:"synapse_copies"` // stored per compartment (see package doc)
	StateBytes    int64  `json:"state_bytes"`    // float64 per state per neuron
	SynapseBytes  int64  `json:"synapse_bytes"`  // CSR storage of the instance
	OpsPerStep    Ops    `json:"ops_per_step"`   // over all neurons
}

// Report is the cost of a module.
type Report struct {
	Units    []Unit    `json:"units"`
	Networks []Network `json:"networks"`
}

// Build measures m. Networks are instantiated with inst (synapses are
// drawn from the seed, so the count is exact).
func Build(m *ir.Module, inst func(net string) (*instance.Instance, error)) (*Report, error) {
	r := &Report{}
	byName := map[string]*Unit{}
	for _, u := range m.Units {
		c := unitCost(u)
		r.Units = append(r.Units, c)
	}
	for i := range r.Units {
		byName[r.Units[i].Name] = &r.Units[i]
	}
	for _, n := range m.Networks {
		nc := Network{Name: n.Name}
		for _, p := range n.Pops {
			u := byName[p.Unit]
			nc.Pops = append(nc.Pops, Pop{p.Name, p.Unit, p.N})
			nc.Neurons += p.N
			nc.Compartments += p.N * u.States
			nc.StateBytes += int64(p.N) * int64(u.States) * 8
			nc.OpsPerStep = nc.OpsPerStep.plus(u.Ops, p.N)
		}
		in, err := inst(n.Name)
		if err != nil {
			return nil, err
		}
		for _, p := range in.Projections {
			k := p.NumSynapses()
			nc.Synapses += k
			nc.SynapseBytes += int64(p.Bytes())
			copies := 1
			if !p.TargetState {
				copies = byName[in.Pops[p.Dst].Unit.Name].InputCopies[p.Target]
			}
			nc.SynapseCopies += k * copies
		}
		r.Networks = append(r.Networks, nc)
	}
	return r, nil
}

// unitCost counts one unit's states and operations per step.
func unitCost(u *ir.Unit) Unit {
	g := u.G
	c := Unit{Name: u.Name, States: len(u.States), InputCopies: map[string]int{}}
	dynamic := dynamicNodes(g)
	var roots []ir.NodeID
	for _, s := range u.States {
		roots = append(roots, s.Tau, s.Drive, s.Rate, s.Deriv)
	}
	roots = append(roots, u.Spike)
	seen := map[ir.NodeID]bool{}
	var ops Ops
	var walk func(id ir.NodeID)
	walk = func(id ir.NodeID) {
		if id == ir.NoNode || seen[id] || !dynamic[id] {
			return
		}
		seen[id] = true
		n := g.Node(id)
		for _, a := range g.Args(id) {
			walk(a)
		}
		switch n.Op.Info().Cost {
		case ir.CostAdd:
			ops.Add++
		case ir.CostMul:
			ops.Mul++
		case ir.CostDiv:
			ops.Div++
		case ir.CostCmp:
			ops.Cmp++
		case ir.CostExp:
			if k, ok := g.ConstValue(n.Args[1]); n.Op == ir.OpPow && ok && k == float64(int(k)) && k >= 1 && k <= 16 {
				ops.Mul += int(k) - 1
			} else {
				ops.Exp++
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	if u.Method == ir.RK4 {
		ops = ops.plus(ops, 3)
	}
	for _, s := range u.States {
		switch s.Kind {
		case ir.TVLIF:
			c.TVLIF++
			ops.Mul++
			ops.Add += 2
			if dynamic[s.Tau] {
				ops.Div++
				ops.Exp++
			}
			for _, in := range u.Inputs {
				if g.References(s.Drive, ir.OpInput, in.Name) || g.References(s.Tau, ir.OpInput, in.Name) {
					c.InputCopies[in.Name]++
				}
			}
		case ir.Integrator:
			c.Integr++
			ops.Mul++
			ops.Add++
		case ir.General:
			k := 1
			if u.Method == ir.RK4 {
				k = 4
			}
			ops.Mul += k
			ops.Add += k
		}
	}
	// An input read only by integrators or general states still has one copy.
	for _, in := range u.Inputs {
		if c.InputCopies[in.Name] == 0 {
			c.InputCopies[in.Name] = 1
		}
	}
	c.Ops = ops
	return c
}

// dynamicNodes marks the nodes that depend on a state, an input or time.
func dynamicNodes(g *ir.Graph) []bool {
	d := make([]bool, g.Len())
	for id := 0; id < g.Len(); id++ {
		n := g.Node(ir.NodeID(id))
		switch n.Op {
		case ir.OpState, ir.OpInput, ir.OpTime:
			d[id] = true
			continue
		}
		for _, a := range g.Args(ir.NodeID(id)) {
			if d[a] {
				d[id] = true
			}
		}
	}
	return d
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as aligned tables.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "unit\tstates\ttv-LIF\tintegrators\tmul\tadd\tdiv\texp\tcmp\tops/step\tinput copies\t")
	for _, u := range r.Units {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", u.Name, u.States, u.TVLIF, u.Integr,
			u.Ops.Mul, u.Ops.Add, u.Ops.Div, u.Ops.Exp, u.Ops.Cmp, u.Ops.Total(), copiesText(u.InputCopies))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Networks) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "network\tneurons\tcompartments\tsynapses\tsynapse copies\tstate bytes\tsynapse bytes\tops/step\t")
		for _, n := range r.Networks {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", n.Name, n.Neurons, n.Compartments, n.Synapses,
				n.SynapseCopies, n.StateBytes, n.SynapseBytes, n.OpsPerStep.Total())
		}
	}
	return tw.Flush()
}

// WriteComparison writes two reports of the same module, before and after
// a pipeline, with the change of each figure.
func WriteComparison(w io.Writer, before, after *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tbefore\tafter\tchange\t")
	row := func(name string, a, b int64) {
		ch := "="
		if a != b {
			ch = fmt.Sprintf("%+d", b-a)
			if a != 0 {
				ch += fmt.Sprintf(" (%+.1f%%)", 100*float64(b-a)/float64(a))
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", name, a, b, ch)
	}
	for i, n := range before.Networks {
		if i >= len(after.Networks) {
			break
		}
		m := after.Networks[i]
		fmt.Fprintf(tw, "network %s\t\t\t\t\n", n.Name)
		row("  compartments (states)", int64(n.Compartments), int64(m.Compartments))
		row("  synapses", int64(n.Synapses), int64(m.Synapses))
		row("  synapse copies", int64(n.SynapseCopies), int64(m.SynapseCopies))
		row("  state bytes", n.StateBytes, m.StateBytes)
		row("  synapse bytes", n.SynapseBytes, m.SynapseBytes)
		row("  mul/step", int64(n.OpsPerStep.Mul), int64(m.OpsPerStep.Mul))
		row("  add/step", int64(n.OpsPerStep.Add), int64(m.OpsPerStep.Add))
		row("  div/step", int64(n.OpsPerStep.Div), int64(m.OpsPerStep.Div))
		row("  exp/step", int64(n.OpsPerStep.Exp), int64(m.OpsPerStep.Exp))
		row("  cmp/step", int64(n.OpsPerStep.Cmp), int64(m.OpsPerStep.Cmp))
		row("  ops/step", int64(n.OpsPerStep.Total()), int64(m.OpsPerStep.Total()))
	}
	if len(before.Networks) == 0 {
		names := map[string]Unit{}
		for _, u := range after.Units {
			names[u.Name] = u
		}
		for _, u := range before.Units {
			a := names[u.Name]
			fmt.Fprintf(tw, "unit %s\t\t\t\t\n", u.Name)
			row("  states", int64(u.States), int64(a.States))
			row("  ops/step", int64(u.Ops.Total()), int64(a.Ops.Total()))
		}
	}
	return tw.Flush()
}

func copiesText(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}
