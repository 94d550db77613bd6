package fixed

import (
	"fmt"
	"strings"
)

// Format returns a readable text dump of the quantised network (what
// `snnc dump --emit=fixed` prints): per population its program (in the
// text form of docs/fixed-point.md §3.2) and its register values, per
// projection its integer weights, per stimulus its runs, per record its
// conversion. It is for people; backends read the Go structures.
func (n *Net) Format() string {
	var b strings.Builder
	fmt.Fprintf(&b, "; snnc fixed-point network (docs/fixed-point.md)\n")
	fmt.Fprintf(&b, "net @%s dt=%g steps=%d seed=%d\n", fmtName(n.Name), n.Dt, n.Steps, n.Seed)
	for _, p := range n.Pops {
		kind := "program"
		if c := p.Cuba; c != nil {
			kind = fmt.Sprintf("cuba-lif du=%d dv=%d vth=%d bias_mant=%d bias_exp=%d refractory=%d", c.Du, c.Dv, c.Vth, c.BiasMant, c.BiasExp, c.RefSteps)
		}
		fmt.Fprintf(&b, "\npop @%s [%d] unit @%s %s\n", fmtName(p.Name), p.N, fmtName(p.Unit), kind)
		b.WriteString(p.Prog.Format())
		for r, reg := range p.Prog.Regs {
			if p.Vals[r] == nil {
				continue
			}
			fmt.Fprintf(&b, "  init %s = %s", fmtName(reg.Name), summarize(p.Vals[r]))
			if c := p.Conv[r]; c.Scale != 0 {
				fmt.Fprintf(&b, "  ; SI = %g + x·%g", c.Offset, c.Scale)
			}
			b.WriteByte('\n')
		}
	}
	for _, pr := range n.Projections {
		ip := n.Inst.Projections[pr.Index]
		fmt.Fprintf(&b, "\nconnect %s -> %s.%s: %d synapses, weight ", ip.Src, n.Pops[pr.Dst].Name, n.Pops[pr.Dst].Prog.Regs[pr.Acc].Name, ip.NumSynapses())
		if pr.Weights == nil {
			fmt.Fprintf(&b, "%d", pr.Weight)
		} else {
			b.WriteString(summarize(pr.Weights))
		}
		if pr.Mant8 {
			fmt.Fprintf(&b, " (8-bit mantissa, weight_exp %d)", pr.WeightExp)
		}
		fmt.Fprintf(&b, ", delay %d..%d steps\n", minDelay(ip), ip.MaxDelay())
	}
	for _, s := range n.Stims {
		fmt.Fprintf(&b, "stim %s -> %s.%s: %d runs", s.Name, n.Pops[s.Pop].Name, n.Pops[s.Pop].Prog.Regs[s.Acc].Name, len(s.Runs))
		for i, r := range s.Runs {
			if i == 4 {
				b.WriteString(" …")
				break
			}
			fmt.Fprintf(&b, " [%d: %d]", r.Step, r.Value)
		}
		b.WriteByte('\n')
	}
	for _, r := range n.Records {
		fmt.Fprintf(&b, "record %s [%d:%d] every %d: SI = %g + x·%g %s\n", r.Name, r.Lo, r.Hi, r.Every, r.Conv.Offset, r.Conv.Scale, r.Unit)
	}
	return b.String()
}

func minDelay(p interface {
	DelayAt(int) int
	NumSynapses() int
}) int {
	m := -1
	for k := 0; k < p.NumSynapses(); k++ {
		if d := p.DelayAt(k); m < 0 || d < m {
			m = d
		}
	}
	return max(m, 0)
}

// summarize prints a per-neuron column: the value when all are equal, the
// list when short, else min..max.
func summarize(v []int64) string {
	if len(v) == 0 {
		return "[]"
	}
	lo, hi, same := v[0], v[0], true
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
		same = same && x == v[0]
	}
	if same {
		return fmt.Sprint(v[0])
	}
	if len(v) <= 8 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%d..%d (%d values)", lo, hi, len(v))
}
