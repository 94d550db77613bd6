package loihi

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// Report is `snnc report --target loihi`: what a mapped network uses of
// every core and what one time step is expected to cost — all before
// anything runs. Activity is an assumption: sources fire at their own
// rates, neurons at Report.RateHz. Cycles and energy are estimates from
// the model of docs/chip.md §9–10 (energy: Davies et al. 2018 figures
// plus snnc's assumptions, not a measurement).
type Report struct {
	Network  string         `json:"network"`
	DtMs     float64        `json:"dt_ms"`
	Exact    bool           `json:"exact"`   // costs from the quantised program (else estimated from the float IR)
	RateHz   float64        `json:"rate_hz"` // assumed neuron firing rate
	Chips    int            `json:"chips"`   // chips used
	Cores    int            `json:"cores"`   // cores used
	Tiles    int            `json:"tiles"`   // tiles used
	Relays   int            `json:"relays"`  // relay units added for long delays
	Fits     bool           `json:"fits"`    // false: Error says why
	Error    string         `json:"error,omitempty"`
	Limits   Limits         `json:"limits"`
	Totals   Totals         `json:"totals"`
	PerStep  Step           `json:"per_step"`
	Entities []EntityReport `json:"entities"`
	CoreList []CoreReport   `json:"core_list"`
}

// Totals are sums over the used cores.
type Totals struct {
	Units          int `json:"units"`
	Compartments   int `json:"compartments"`
	Synapses       int `json:"synapses"`
	SynapseBits    int `json:"synapse_bits"`
	InputAxons     int `json:"input_axons"`
	OutputAxons    int `json:"output_axons"`
	MicrocodeWords int `json:"microcode_words"`
	LUTWords       int `json:"lut_words"`
}

// Step is the expected cost of one time step at the assumed activity.
type Step struct {
	SynEvents float64 `json:"syn_events"`
	Packets   float64 `json:"packets"`
	Hops      float64 `json:"hops"`
	// Cycles is the critical path: the busiest engine of any core (the
	// compartment and synapse engines run concurrently), the mean unloaded
	// packet latency and the barrier (no contention modelled; the
	// simulator measures it).
	Cycles float64 `json:"cycles"`
	// CoreCycles is the work: busy cycles summed over every core.
	CoreCycles float64      `json:"core_cycles"`
	Barrier    int          `json:"barrier_cycles"`
	TimeUs     float64      `json:"time_us"` // Cycles at the nominal clock
	EnergyPJ   EnergyReport `json:"energy_pj"`
}

// EnergyReport splits energy by kind, in pJ.
type EnergyReport struct {
	Synaptic   float64 `json:"synaptic"`
	CUBA       float64 `json:"cuba"`
	Microcode  float64 `json:"microcode"`
	Generators float64 `json:"generators"`
	NoC        float64 `json:"noc"`
	Total      float64 `json:"total"`
}

// EntityReport is one population or source.
type EntityReport struct {
	Name           string   `json:"name"`
	Kind           string   `json:"kind"` // pop, source, relay
	Datapath       string   `json:"datapath"`
	N              int      `json:"n"`
	CompsPerUnit   int      `json:"comps_per_unit"`
	Cores          []int    `json:"cores"`
	Instructions   int      `json:"instructions,omitempty"`
	CyclesPerUnit  int      `json:"cycles_per_unit"`
	EnergyPerUnit  float64  `json:"energy_per_unit_pj"`
	MicrocodeWords int      `json:"microcode_words,omitempty"`
	LUTWords       int      `json:"lut_words,omitempty"`
	Targets        []string `json:"targets,omitempty"`
}

// CoreReport is one used core.
type CoreReport struct {
	ID                int      `json:"id"`
	Chip              int      `json:"chip"`
	X                 int      `json:"x"`
	Y                 int      `json:"y"`
	Core              int      `json:"core"`
	Pieces            []string `json:"pieces"`
	Compartments      int      `json:"compartments"`
	InputAxons        int      `json:"input_axons"`
	OutputAxons       int      `json:"output_axons"`
	Synapses          int      `json:"synapses"`
	SynapseBits       int      `json:"synapse_bits"`
	Profiles          int      `json:"profiles"`
	ThresholdProfiles int      `json:"threshold_profiles"`
	SynapseFormats    int      `json:"synapse_formats"`
	MicrocodeWords    int      `json:"microcode_words"`
	LUTWords          int      `json:"lut_words"`
	PacketsIn         float64  `json:"packets_in"`
	PacketsOut        float64  `json:"packets_out"`
	SynEvents         float64  `json:"syn_events"`
	CECycles          float64  `json:"ce_cycles"`
	SECycles          float64  `json:"se_cycles"`
	EnergyPJ          float64  `json:"energy_pj"`
}

// NewReport computes the report of a mapping. relays is the number of
// relay units the mapping contains (0 if none).
func NewReport(m *Mapping, relays int) *Report {
	cfg := &m.Chip
	inst := m.Model.Inst
	r := &Report{Network: inst.Name, DtMs: inst.Dt * 1e3, Exact: m.Model.Exact(), RateHz: m.RateHz,
		Chips: m.Chips, Cores: len(m.Cores), Tiles: m.TilesUsed(), Relays: relays, Fits: true, Limits: cfg.Limits}
	cyc, en := &cfg.Cycles, &cfg.Energy
	// Expected input events per unit and step, for CUBA activity.
	inRate := make([][]float64, len(m.Model.Entities))
	for e, ent := range m.Model.Entities {
		inRate[e] = make([]float64, ent.N)
	}
	// SE work and hops per core from the groups.
	seCyc := make([]float64, len(m.Cores))
	type key struct{ e, pre, c int }
	seen := map[key]int{} // → index into pktRate
	var pktRate []float64
	var keys []key
	for qi, q := range inst.Projections {
		src := m.Model.ProjSrcEntity(q)
		m.ForEachGroup(qi, func(g *Group) {
			c := m.Pieces[g.Piece].Core
			rate := m.neuronRate(src, g.Pre)
			seCyc[c] += rate * float64(len(g.Syn)*cyc.SESynapse+GroupBlocks(len(g.Syn))*cyc.SEBlock)
			for _, k := range g.Syn {
				inRate[q.Dst][q.Post[k]] += rate
			}
			kk := key{src, g.Pre, c}
			if _, ok := seen[kk]; !ok {
				seen[kk] = len(keys)
				keys = append(keys, kk)
				pktRate = append(pktRate, rate)
			}
		})
	}
	for _, kk := range keys {
		seCyc[kk.c] += pktRate[seen[kk]] * float64(cyc.SEPacket)
	}
	// Per core.
	var maxCore float64
	latSum, pk := 0.0, 0.0
	for _, f := range m.Flows {
		rt := cfg.RouteBetween(m.Cores[f.From].Loc, m.Cores[f.To].Loc)
		r.PerStep.Packets += f.Packets
		r.PerStep.Hops += f.Packets * float64(rt.HopsX+rt.HopsY)
		r.PerStep.EnergyPJ.NoC += f.Packets * rt.EnergyPJ
		lat := float64(rt.LatencyCyc + 1)
		if !rt.SameTile {
			lat += float64(cyc.SameTile)
		}
		latSum += f.Packets * lat
		pk += f.Packets
	}
	for ci, c := range m.Cores {
		cr := CoreReport{ID: c.ID, Chip: c.Loc.Chip, X: c.Loc.X, Y: c.Loc.Y, Core: c.Loc.Core,
			Compartments: c.Usage.Compartments, InputAxons: c.Usage.InputAxons, OutputAxons: c.Usage.OutputAxons,
			Synapses: c.Usage.Synapses, SynapseBits: c.Usage.SynapseBits, Profiles: c.Usage.Profiles,
			ThresholdProfiles: c.Usage.ThresholdProfiles, SynapseFormats: c.Usage.SynapseFormats,
			MicrocodeWords: c.Usage.MicrocodeWords, LUTWords: c.Usage.LUTWords,
			PacketsIn: c.PacketsIn, PacketsOut: c.PacketsOut, SynEvents: c.SynEvents, SECycles: seCyc[ci]}
		ce := float64(cyc.StepStart)
		energy := c.SynEvents * en.SynOp
		lists := false
		for _, pi := range c.Pieces {
			p := m.Pieces[pi]
			ent := m.Model.Entities[p.Entity]
			cr.Pieces = append(cr.Pieces, m.Model.entityLabel(p.Entity, p.Lo, p.Hi))
			n := float64(p.Hi - p.Lo)
			switch ent.Cost.Datapath {
			case DatapathCUBA:
				for i := p.Lo; i < p.Hi; i++ {
					act := 1 - math.Exp(-inRate[p.Entity][i])
					ce += act*float64(cyc.CubaActive) + (1-act)*float64(cyc.CubaInactive)
					e := act*en.CubaActive + (1-act)*en.CubaInactive
					energy += e
					r.PerStep.EnergyPJ.CUBA += e
				}
			case DatapathMicrocode:
				ce += n * float64(ent.UpdateCycles(cyc, true))
				e := n * ent.UpdateEnergy(en, true)
				energy += e
				r.PerStep.EnergyPJ.Microcode += e
			case DatapathPoisson:
				ce += n * float64(cyc.Poisson)
				energy += n * en.Poisson
				r.PerStep.EnergyPJ.Generators += n * en.Poisson
			case DatapathSpikeList:
				if !lists {
					ce += float64(cyc.ListBase)
					lists = true
				}
				ev := 0.0
				for i := p.Lo; i < p.Hi; i++ {
					ev += m.neuronRate(p.Entity, i)
				}
				ce += ev * float64(cyc.ListEvent)
				energy += ev * en.ListEvent
				r.PerStep.EnergyPJ.Generators += ev * en.ListEvent
			}
		}
		cr.CECycles = ce
		cr.EnergyPJ = energy
		r.PerStep.SynEvents += c.SynEvents
		r.PerStep.CoreCycles += ce + seCyc[ci] + c.PacketsOut*float64(cyc.LinkOccupancy)
		maxCore = math.Max(maxCore, math.Max(ce, seCyc[ci]))
		r.CoreList = append(r.CoreList, cr)
		r.Totals.Compartments += cr.Compartments
		r.Totals.Synapses += cr.Synapses
		r.Totals.SynapseBits += cr.SynapseBits
		r.Totals.InputAxons += cr.InputAxons
		r.Totals.OutputAxons += cr.OutputAxons
		r.Totals.MicrocodeWords += cr.MicrocodeWords
		r.Totals.LUTWords += cr.LUTWords
	}
	r.PerStep.EnergyPJ.Synaptic = r.PerStep.SynEvents * en.SynOp
	r.PerStep.Barrier = cfg.Barrier(r.Tiles, r.Chips)
	meanLat := 0.0
	if pk > 0 {
		meanLat = latSum / pk
	}
	r.PerStep.Cycles = maxCore + meanLat + float64(r.PerStep.Barrier)
	r.PerStep.TimeUs = r.PerStep.Cycles / cfg.ClockHz * 1e6
	e := &r.PerStep.EnergyPJ
	e.Total = e.Synaptic + e.CUBA + e.Microcode + e.Generators + e.NoC
	// Entities.
	for ei, ent := range m.Model.Entities {
		er := EntityReport{Name: ent.Name, Kind: "pop", Datapath: ent.Cost.Datapath.String(), N: ent.N, CompsPerUnit: ent.Comps,
			CyclesPerUnit: ent.UpdateCycles(cyc, true), EnergyPerUnit: ent.UpdateEnergy(en, true),
			MicrocodeWords: ent.Cost.MicrocodeWords, LUTWords: ent.Cost.LUTWords}
		if ent.Source {
			er.Kind = "source"
		} else if strings.Contains(ent.Name, "~relay") {
			er.Kind = "relay"
		}
		if ent.Cost.Datapath == DatapathMicrocode {
			er.Instructions = ent.Cost.Mix.Total()
		}
		for _, t := range ent.Targets {
			er.Targets = append(er.Targets, t.Name)
		}
		seenCore := map[int]bool{}
		for _, pi := range m.EntityPieces[ei] {
			id := m.Cores[m.Pieces[pi].Core].ID
			if !seenCore[id] {
				seenCore[id] = true
				er.Cores = append(er.Cores, id)
			}
		}
		if !ent.Source {
			r.Totals.Units += ent.N
		}
		r.Entities = append(r.Entities, er)
	}
	return r
}

// FailedReport is the report of a network that does not fit.
func FailedReport(network string, cfg ChipConfig, err error) *Report {
	return &Report{Network: network, Fits: false, Error: err.Error(), Limits: cfg.Limits}
}

// JSON returns the report as indented JSON.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// WriteText prints the report as aligned tables.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if !r.Fits {
		fmt.Fprintf(&b, "network %s does not fit the chip:\n  %s\n", r.Network, r.Error)
		_, err := io.WriteString(w, b.String())
		return err
	}
	src := "quantised programs"
	if !r.Exact {
		src = "estimated from the float IR (run quantize for exact figures)"
	}
	fmt.Fprintf(&b, "network %s on the loihi target: %d chip(s), %d cores, %d tiles; costs %s\n", r.Network, r.Chips, r.Cores, r.Tiles, src)
	if r.Relays > 0 {
		fmt.Fprintf(&b, "%d relay units carry delays over %d steps\n", r.Relays, r.Limits.MaxDelay)
	}
	fmt.Fprintf(&b, "\nunits %d, compartments %d, synapses %d (%s bits), axons in/out %d/%d\n",
		r.Totals.Units, r.Totals.Compartments, r.Totals.Synapses, commas(r.Totals.SynapseBits), r.Totals.InputAxons, r.Totals.OutputAxons)
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nentity\tkind\tdatapath\tunits\tcomps/unit\tinstr\tcycles/unit\tpJ/unit\tcores\t")
	for _, e := range r.Entities {
		instr := "-"
		if e.Instructions > 0 {
			instr = fmt.Sprint(e.Instructions)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%.0f\t%s\t\n", e.Name, e.Kind, e.Datapath, e.N, e.CompsPerUnit, instr,
			e.CyclesPerUnit, e.EnergyPerUnit, coreList(e.Cores))
	}
	tw.Flush()
	tw = tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	l := r.Limits
	fmt.Fprintf(tw, "\ncore\tchip\ttile\tcomps\t%%\tin axons\t%%\tout axons\t%%\tsynapse bits\t%%\tprof\tthr\tfmt\tpkts in/step\tsyn ev/step\tCE cyc\tSE cyc\tcontents\t\n")
	pct := func(v, lim int) string { return fmt.Sprintf("%.0f", 100*float64(v)/float64(max(lim, 1))) }
	for _, c := range r.CoreList {
		fmt.Fprintf(tw, "%d\t%d\t(%d,%d).%d\t%d\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%.2f\t%.1f\t%.0f\t%.0f\t%s\t\n",
			c.ID, c.Chip, c.X, c.Y, c.Core, c.Compartments, pct(c.Compartments, l.Compartments),
			c.InputAxons, pct(c.InputAxons, l.InputAxons), c.OutputAxons, pct(c.OutputAxons, l.OutputAxons),
			commas(c.SynapseBits), pct(c.SynapseBits, l.SynapseBits), c.Profiles, c.ThresholdProfiles, c.SynapseFormats,
			c.PacketsIn, c.SynEvents, c.CECycles, c.SECycles, strings.Join(c.Pieces, " "))
	}
	tw.Flush()
	s := r.PerStep
	e := s.EnergyPJ
	fmt.Fprintf(&b, "\nper time step (dt = %g ms), expected at %g Hz per neuron and the sources' own rates — an estimate:\n", r.DtMs, r.RateHz)
	fmt.Fprintf(&b, "  synaptic events %.1f, packets %.1f, hops %.1f\n", s.SynEvents, s.Packets, s.Hops)
	fmt.Fprintf(&b, "  cycles %.0f (%.2f us at the nominal clock; barrier %d), busy core-cycles %.0f\n", s.Cycles, s.TimeUs, s.Barrier, s.CoreCycles)
	fmt.Fprintf(&b, "  energy %.1f nJ: synaptic %.1f, CUBA %.1f, microcode %.1f, generators %.1f, network %.1f (nJ)\n",
		e.Total/1e3, e.Synaptic/1e3, e.CUBA/1e3, e.Microcode/1e3, e.Generators/1e3, e.NoC/1e3)
	fmt.Fprintf(&b, "  (energy model: Davies et al., IEEE Micro 2018, plus snnc's microcode assumptions; docs/chip.md §10)\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func coreList(ids []int) string {
	if len(ids) == 0 {
		return "-"
	}
	if len(ids) > 4 {
		return fmt.Sprintf("%d..%d (%d)", ids[0], ids[len(ids)-1], len(ids))
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}
