package passes

import (
	"fmt"
	"strings"

	"snnc/ir"
)

// The quantize row of the pass table. The pass quantises every network of
// the module (a profiling run of the reference simulator each) and reports,
// as remarks, the datapath, formats, tables and the error against float
// per population and state; the module itself is not changed. The product
// a backend needs, the *fixed.Net, comes from Quantize, which fixed-point
// backends call directly (the pass manager carries only IR modules).
//
// Lossy: quantisation changes results beyond round-off, so no preset runs
// it; ask for it by name (--passes=…,quantize).
func init() {
	Table = append(Table, Pass{
		Name:        "quantize",
		Description: "fixed point (docs/fixed-point.md): loihi_lif and LIF-like units onto the CUBA-LIF datapath, other units to integer programs with LUTs; formats from a profiling run; reports formats and error vs float (the module is unchanged)",
		Requires:    []string{PropVerified},
		Lossy:       true,
		Run:         runQuantize,
	})
}

func runQuantize(m *ir.Module, ctx *Context) error {
	for _, n := range m.Networks {
		_, rep, err := Quantize(m, QuantizeOptions{Network: n.Name})
		if err != nil {
			return err
		}
		for _, p := range rep.Pops {
			ctx.Remark(p.Unit, "network %s, pop %s: %s", n.Name, p.Pop, popSummary(p))
			for _, s := range p.States {
				msg := fmt.Sprintf("pop %s: state %s: %s, %s", p.Pop, s.Name, s.Type, describeFormat(s.Type, s.Conv, s.Unit))
				if s.Compared {
					msg += fmt.Sprintf(", error vs float max %.3g rms %.3g %s", s.MaxErr, s.RMSErr, s.Unit)
				}
				ctx.Notef(p.Unit, "%s", msg)
			}
		}
	}
	return nil
}

func popSummary(p *PopQuant) string {
	var b strings.Builder
	b.WriteString(p.Datapath)
	if c := p.Cuba; c != nil {
		fmt.Fprintf(&b, " (du=%d dv=%d vth=%d bias=%d<<%d)", c.Du, c.Dv, c.Vth, c.BiasMant, c.BiasExp)
	}
	fmt.Fprintf(&b, ", %d instructions, %d registers, %d tables", p.Instrs, p.Regs, len(p.LUTs))
	if p.SpikesFloat >= 0 {
		fmt.Fprintf(&b, "; profiled neurons spiked %d times in float, %d in fixed", p.SpikesFloat, p.SpikesFixed)
	}
	return b.String()
}
