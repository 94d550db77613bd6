package loihi

import (
	"fmt"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/units"
	"snnc/ir"
)

// Relay compartments (docs/chip.md §11): a synapse whose delay d exceeds
// the chip's 62 steps is routed through s = ceil((d − 62)/63) relay
// compartments. Relay stage 1 receives its source neuron's spikes with
// delay 62 and fires in the step they arrive (a one-instruction microcode
// unit: spike iff its accumulator is non-zero); stage j+1 receives stage
// j's spikes with delay 62; the synapse leaves stage s with delay d − 63·s.
// Each stage adds exactly 63 steps (62 of delay plus the step every edge
// has), so the spike arrives at t + 1 + d as before, bit for bit.
//
// A relay stands for one presynaptic neuron, so two spikes of one neuron
// in one step (possible only in spike lists) cannot be relayed: that is an
// error.

// RelayUnitName is the IR unit of relay populations.
const RelayUnitName = "relay"

// relayPlan records how an instance was rewritten.
type relayPlan struct {
	inst *instance.Instance
	// per new projection: where its synapses come from.
	origin []relayOrigin
	// per relay population (new pops after the original ones): its stage
	// and the original projection.
	relays []relayPop
	nPops  int // original populations
}

type relayOrigin struct {
	q     int     // original projection
	kind  int     // 0: the short part of q; 1: an edge into a relay (weight 1); 2: the last leg of long synapses
	syn   []int32 // kinds 0 and 2: original synapse positions, in the new CSR order
	stage int
}

type relayPop struct {
	q, stage int
	pres     []int32 // original presynaptic neurons, one relay each
}

// RelayInstance returns inst with relay populations and projections for
// every synapse delay over maxDelay (inst itself, unchanged, when there is
// none), and the number of relay units added.
func RelayInstance(inst *instance.Instance, maxDelay int) (*instance.Instance, int, error) {
	p, err := planRelays(inst, maxDelay)
	if err != nil || p == nil {
		return inst, 0, err
	}
	n := 0
	for _, r := range p.relays {
		n += len(r.pres)
	}
	return p.inst, n, nil
}

func stageOf(d, maxDelay int) int {
	if d <= maxDelay {
		return 0
	}
	return (d - maxDelay + maxDelay) / (maxDelay + 1)
}

func relayUnit() *ir.Unit {
	u := ir.NewUnit(RelayUnitName)
	u.AddInput("in", units.Dim{})
	return u
}

func planRelays(inst *instance.Instance, maxDelay int) (*relayPlan, error) {
	long := false
	for _, q := range inst.Projections {
		if q.MaxDelay() > maxDelay {
			long = true
		}
	}
	if !long {
		return nil, nil
	}
	if maxDelay < 0 {
		return nil, fmt.Errorf("loihi: relays need a non-negative maximum delay")
	}
	ni := *inst
	ni.Pops = append([]*instance.Pop(nil), inst.Pops...)
	ni.Projections = nil
	p := &relayPlan{inst: &ni, nPops: len(inst.Pops)}
	unit := relayUnit()
	var extra []*instance.Projection
	var extraOrigin []relayOrigin
	for qi, q := range inst.Projections {
		if q.MaxDelay() <= maxDelay {
			ni.Projections = append(ni.Projections, q)
			p.origin = append(p.origin, relayOrigin{q: qi, kind: 0, syn: identity(q.NumSynapses())})
			continue
		}
		if q.SrcSrc >= 0 && inst.Sources[q.SrcSrc].Kind != ir.Poisson {
			s := inst.Sources[q.SrcSrc]
			for x := 1; x < len(s.EvStep); x++ {
				if s.EvStep[x] == s.EvStep[x-1] && s.EvNeuron[x] == s.EvNeuron[x-1] {
					return nil, fmt.Errorf("connect %s: a delay over %d steps goes through relay compartments, which cannot pass two spikes of neuron %d in one step (step %d)",
						q.Name, maxDelay, s.EvNeuron[x], s.EvStep[x])
				}
			}
		}
		// Short part, same index.
		short := &instance.Projection{Index: qi, Name: q.Name, Src: q.Src, SrcPop: q.SrcPop, SrcSrc: q.SrcSrc, Dst: q.Dst,
			Target: q.Target, TargetState: q.TargetState, TargetIndex: q.TargetIndex, NPre: q.NPre, NPost: q.NPost}
		var kept []int32
		maxStage := 0
		short.Row = make([]int, q.NPre+1)
		var sd []int
		for i := 0; i < q.NPre; i++ {
			for k := q.Row[i]; k < q.Row[i+1]; k++ {
				d := q.DelayAt(k)
				if s := stageOf(d, maxDelay); s > 0 {
					maxStage = max(maxStage, s)
					continue
				}
				kept = append(kept, int32(k))
				short.Post = append(short.Post, q.Post[k])
				sd = append(sd, d)
			}
			short.Row[i+1] = len(short.Post)
		}
		setDelays(short, sd)
		ni.Projections = append(ni.Projections, short)
		p.origin = append(p.origin, relayOrigin{q: qi, kind: 0, syn: kept})
		// Relay stages 1..maxStage.
		prevPop, prevIdx := -1, map[int32]int32(nil) // previous stage pop and pre → relay index
		for s := 1; s <= maxStage; s++ {
			var pres []int32
			idx := map[int32]int32{}
			for i := 0; i < q.NPre; i++ {
				for k := q.Row[i]; k < q.Row[i+1]; k++ {
					if stageOf(q.DelayAt(k), maxDelay) >= s {
						idx[int32(i)] = int32(len(pres))
						pres = append(pres, int32(i))
						break
					}
				}
			}
			pi := len(ni.Pops)
			name := fmt.Sprintf("%s~relay%d", q.Name, s)
			ni.Pops = append(ni.Pops, &instance.Pop{Index: pi, Name: name, N: len(pres), Unit: unit})
			p.relays = append(p.relays, relayPop{q: qi, stage: s, pres: pres})
			// The edge into this stage: from the source (stage 1) or the previous stage.
			in := &instance.Projection{Name: name + " in", Dst: pi, Target: "in", TargetIndex: 0, NPost: len(pres),
				Weight: 1, Delay: maxDelay, SrcPop: -1, SrcSrc: -1}
			in.Row = make([]int, 1)
			if s == 1 {
				in.Src, in.SrcPop, in.SrcSrc, in.NPre = q.Src, q.SrcPop, q.SrcSrc, q.NPre
				for i := 0; i < q.NPre; i++ {
					if r, ok := idx[int32(i)]; ok {
						in.Post = append(in.Post, r)
					}
					in.Row = append(in.Row, len(in.Post))
				}
			} else {
				prev := ni.Pops[prevPop]
				in.Src, in.SrcPop, in.NPre = prev.Name, prevPop, prev.N
				for j, pre := range p.relays[len(p.relays)-2].pres {
					_ = j
					if r, ok := idx[pre]; ok {
						in.Post = append(in.Post, r)
					}
					in.Row = append(in.Row, len(in.Post))
				}
			}
			extra = append(extra, in)
			extraOrigin = append(extraOrigin, relayOrigin{q: qi, kind: 1, stage: s})
			// The last leg of the synapses of this stage.
			out := &instance.Projection{Name: name + " out", Src: name, SrcPop: pi, SrcSrc: -1, Dst: q.Dst, Target: q.Target,
				TargetState: q.TargetState, TargetIndex: q.TargetIndex, NPre: len(pres), NPost: q.NPost, Row: make([]int, 1)}
			var syn []int32
			var od []int
			for _, pre := range pres {
				for k := q.Row[pre]; k < q.Row[pre+1]; k++ {
					d := q.DelayAt(k)
					if stageOf(d, maxDelay) == s {
						syn = append(syn, int32(k))
						out.Post = append(out.Post, q.Post[k])
						od = append(od, d-(maxDelay+1)*s)
					}
				}
				out.Row = append(out.Row, len(out.Post))
			}
			setDelays(out, od)
			extra = append(extra, out)
			extraOrigin = append(extraOrigin, relayOrigin{q: qi, kind: 2, syn: syn, stage: s})
			prevPop, prevIdx = pi, idx
		}
		_ = prevIdx
	}
	for _, e := range extra {
		e.Index = len(ni.Projections)
		ni.Projections = append(ni.Projections, e)
	}
	p.origin = append(p.origin, extraOrigin...)
	return p, nil
}

func identity(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

// setDelays stores per-synapse delays compactly (a scalar when equal).
func setDelays(q *instance.Projection, d []int) {
	q.Delay, q.Delays8 = 0, nil
	if len(d) == 0 {
		return
	}
	same := true
	for _, x := range d {
		same = same && x == d[0]
	}
	if same {
		q.Delay = d[0]
		return
	}
	q.Delays8 = make([]uint8, len(d))
	for i, x := range d {
		q.Delays8[i] = uint8(x)
	}
}

// RelayProgram is the relay unit's integer program: spike iff anything
// arrived.
func RelayProgram() *fixed.Program {
	b := fixed.NewBuilder(RelayUnitName)
	in := b.AddReg("in", fixed.RegAcc, fixed.S(32, 0), "spikes arriving (weight 1 each)")
	t := b.AddReg("t", fixed.RegTemp, fixed.I64, "")
	b.Emit(fixed.OpNe, t, fixed.R(in), fixed.Imm(0))
	b.SetSpike(t)
	return b.P
}

// RelayNet returns net with relays for every delay over maxDelay (net
// itself when there is none) and the number of relay units added.
func RelayNet(net *fixed.Net, maxDelay int) (*fixed.Net, int, error) {
	p, err := planRelays(net.Inst, maxDelay)
	if err != nil || p == nil {
		return net, 0, err
	}
	nn := *net
	nn.Inst = p.inst
	nn.Pops = append([]*fixed.Pop(nil), net.Pops...)
	prog := RelayProgram()
	in := prog.Reg("in")
	nrelay := 0
	for ri, r := range p.relays {
		nn.Pops = append(nn.Pops, &fixed.Pop{Name: p.inst.Pops[p.nPops+ri].Name, N: len(r.pres), Unit: RelayUnitName, Prog: prog,
			Vals: make([][]int64, len(prog.Regs)), Conv: make([]fixed.Conv, len(prog.Regs))})
		nrelay += len(r.pres)
	}
	byIndex := map[int]*fixed.Proj{}
	for _, q := range net.Projections {
		byIndex[q.Index] = q
	}
	nn.Projections = nil
	for ni, o := range p.origin {
		orig := byIndex[o.q]
		if orig == nil {
			return nil, 0, fmt.Errorf("loihi: relays: projection %d is not quantised", o.q)
		}
		iq := p.inst.Projections[ni]
		switch o.kind {
		case 1:
			nn.Projections = append(nn.Projections, &fixed.Proj{Index: ni, Dst: iq.Dst, Acc: in, Weight: 1})
		default:
			q := &fixed.Proj{Index: ni, Dst: iq.Dst, Acc: orig.Acc, Weight: orig.Weight, Mant8: orig.Mant8, WeightExp: orig.WeightExp}
			if orig.Weights != nil {
				q.Weights = make([]int64, len(o.syn))
				for x, k := range o.syn {
					q.Weights[x] = orig.Weights[k]
				}
			}
			nn.Projections = append(nn.Projections, q)
		}
	}
	return &nn, nrelay, nn.Check()
}
