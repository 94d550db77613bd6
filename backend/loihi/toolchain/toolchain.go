// Package toolchain is the loihi target's entry points for the command
// line (`snnc report|compile|run|dump` with target loihi) and for tests:
// from a checked IR module and an instantiated network to a report, a
// core image or a simulation, with quantisation (passes.Quantize), relays,
// mapping and image building in between.
package toolchain

import (
	"fmt"

	"snnc/backend/loihi"
	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/ir"
	"snnc/passes"
	"snnc/sim"
)

// Options configure the target.
type Options struct {
	Chip     loihi.ChipConfig       // zero value: loihi.DefaultChip()
	Map      loihi.MapOptions       // the mapper (assumed rate for traffic)
	Quantize passes.QuantizeOptions // Inst is filled in
	Net      *fixed.Net             // an already quantised network (skips Quantize)
	// FitWeights rounds synaptic weights that need more than the 8-bit
	// mantissa a synapse holds (loihi.FitWeights). Off, such weights are an
	// error. On, the chip's results are those of the fitted network.
	FitWeights bool
}

func (o *Options) chip() loihi.ChipConfig {
	if o.Chip.TilesX == 0 {
		c := loihi.DefaultChip()
		c.MaxChips = o.Chip.MaxChips
		return c
	}
	return o.Chip
}

func (o *Options) quantize(m *ir.Module, inst *instance.Instance) (*fixed.Net, error) {
	if o.Net != nil {
		if o.FitWeights {
			n, _ := loihi.FitWeights(o.Net)
			return n, nil
		}
		return o.Net, nil
	}
	q := o.Quantize
	q.Inst = inst
	net, _, err := passes.Quantize(m, q)
	if err == nil && o.FitWeights {
		net, _ = loihi.FitWeights(net)
	}
	return net, err
}

// Estimate maps the instantiated network from its float IR (no
// quantisation, nothing runs) and reports it: the report of
// `snnc report --target loihi`. A network that does not fit gives a
// report with Fits false and the mapper's error (also returned).
func Estimate(inst *instance.Instance, opt Options) (*loihi.Report, error) {
	cfg := opt.chip()
	ri, relays, err := loihi.RelayInstance(inst, cfg.Limits.MaxDelay)
	if err != nil {
		return loihi.FailedReport(inst.Name, cfg, err), err
	}
	md, err := loihi.EstimateModel(ri)
	if err != nil {
		return loihi.FailedReport(inst.Name, cfg, err), err
	}
	mp, err := loihi.Map(md, cfg, opt.Map)
	if err != nil {
		return loihi.FailedReport(inst.Name, cfg, err), err
	}
	return loihi.NewReport(mp, relays), nil
}

// Report quantises the network and reports its exact mapping (microcode
// and LUT sizes of the real programs, exact weight widths).
func Report(m *ir.Module, inst *instance.Instance, opt Options) (*loihi.Report, error) {
	cfg := opt.chip()
	net, err := opt.quantize(m, inst)
	if err != nil {
		return loihi.FailedReport(inst.Name, cfg, err), err
	}
	mp, rn, err := loihi.MapNet(net, cfg, opt.Map)
	if err != nil {
		return loihi.FailedReport(inst.Name, cfg, err), err
	}
	return loihi.NewReport(mp, relayUnits(net, rn)), nil
}

func relayUnits(orig, rn *fixed.Net) int {
	n := 0
	for _, p := range rn.Pops[len(orig.Pops):] {
		n += p.N
	}
	return n
}

// Compile quantises, maps and lowers the network to a core image, and
// reports the mapping.
func Compile(m *ir.Module, inst *instance.Instance, opt Options) (*loihi.Image, *loihi.Report, error) {
	cfg := opt.chip()
	net, err := opt.quantize(m, inst)
	if err != nil {
		return nil, nil, err
	}
	mp, rn, err := loihi.MapNet(net, cfg, opt.Map)
	if err != nil {
		return nil, nil, err
	}
	img, err := loihi.BuildImage(mp, rn)
	if err != nil {
		return nil, nil, err
	}
	return img, loihi.NewReport(mp, relayUnits(net, rn)), nil
}

// Run compiles the network and simulates it on the chip.
func Run(m *ir.Module, inst *instance.Instance, opt Options, so sim.Options) (*results.Result, *sim.Stats, error) {
	img, _, err := Compile(m, inst, opt)
	if err != nil {
		return nil, nil, err
	}
	return sim.Run(img, so)
}

// RunImage decodes a binary core image and simulates it.
func RunImage(data []byte, so sim.Options) (*results.Result, *sim.Stats, error) {
	img, err := loihi.DecodeImage(data)
	if err != nil {
		return nil, nil, err
	}
	return sim.Run(img, so)
}

// mapModule is the `map` pass (passes.MapPass): it places every network
// of the module on the default chip from the float IR and reports the
// placement as remarks; a network that does not fit is an error naming the
// limit. It changes nothing.
func mapModule(m *ir.Module, ctx *passes.Context) error {
	for _, n := range m.Networks {
		inst, err := instance.Build(m, n.Name, instance.Options{})
		if err != nil {
			return fmt.Errorf("map: network %s: %w", n.Name, err)
		}
		r, err := Estimate(inst, Options{})
		if err != nil {
			return fmt.Errorf("map: network %s: %w", n.Name, err)
		}
		ctx.Notef("", "network %s: %d units in %d compartments on %d cores of %d chip(s); %d synapses in %s bits; ~%.0f cycles and %.1f nJ per step (estimate)",
			n.Name, r.Totals.Units, r.Totals.Compartments, r.Cores, r.Chips, r.Totals.Synapses, fmt.Sprint(r.Totals.SynapseBits),
			r.PerStep.Cycles, r.PerStep.EnergyPJ.Total/1e3)
	}
	return nil
}

func init() { passes.MapTarget = mapModule }
