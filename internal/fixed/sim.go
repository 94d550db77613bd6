package fixed

import (
	"fmt"

	"snnc/internal/results"
)

// Simulate runs a quantised network for steps steps (0: n.Steps) in the
// plainest possible way — one neuron at a time through Program.Exec — as
// the executable form of docs/fixed-point.md §6. It is the reference the
// faster engines (the interpreter's fixed mode, sim, the FPGA and CPU
// programs) are compared with in the shared corpus.
func Simulate(n *Net, steps int64) (*results.Result, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	if steps <= 0 {
		steps = n.Steps
	}
	inst := n.Inst
	type popRT struct {
		regs  [][]int64 // [neuron][register]
		rings map[int][][]int64
		spk   []int32
	}
	pops := make([]*popRT, len(n.Pops))
	for pi, p := range n.Pops {
		rt := &popRT{regs: make([][]int64, p.N), rings: map[int][][]int64{}}
		for i := range rt.regs {
			r := make([]int64, len(p.Prog.Regs))
			for j, reg := range p.Prog.Regs {
				if reg.Kind == RegState || reg.Kind == RegParam {
					r[j] = p.Vals[j][i]
				}
			}
			rt.regs[i] = r
		}
		pops[pi] = rt
	}
	// One ring per (population, accumulator) with a projection into it.
	maxDelay := map[[2]int]int{}
	for _, pr := range n.Projections {
		key := [2]int{pr.Dst, pr.Acc}
		maxDelay[key] = max(maxDelay[key], inst.Projections[pr.Index].MaxDelay())
	}
	for key, d := range maxDelay {
		ring := make([][]int64, d+1)
		for s := range ring {
			ring[s] = make([]int64, n.Pops[key[0]].N)
		}
		pops[key[0]].rings[key[1]] = ring
	}
	rec := NewRecorder(n, steps)
	regOf := func(pop, r, i int) int64 { return pops[pop].regs[i][r] }
	rec.Sample(0, regOf)
	srcSpk := make([][]int32, len(inst.Sources))
	popSpk := make([][]int32, len(n.Pops))
	for k := int64(0); k < steps; k++ {
		// 1. Deliver.
		for pi, p := range n.Pops {
			rt := pops[pi]
			for a, reg := range p.Prog.Regs {
				if reg.Kind != RegAcc {
					continue
				}
				var slot []int64
				if ring, ok := rt.rings[a]; ok {
					slot = ring[k%int64(len(ring))]
				}
				var stim int64
				for _, s := range n.Stims {
					if s.Pop == pi && s.Acc == a {
						stim += s.ValueAt(k)
					}
				}
				for i := range rt.regs {
					x := stim
					if slot != nil {
						x += slot[i]
						slot[i] = 0
					}
					rt.regs[i][a] = reg.Type.Reduce(x)
				}
			}
		}
		// 2. Update.
		for pi, p := range n.Pops {
			rt := pops[pi]
			rt.spk = rt.spk[:0]
			for i, r := range rt.regs {
				p.Prog.ClearTemps(r)
				if p.Prog.Exec(r) {
					rt.spk = append(rt.spk, int32(i))
				}
			}
			popSpk[pi] = rt.spk
		}
		for j, src := range inst.Sources {
			srcSpk[j] = src.SpikesAt(k, srcSpk[j][:0])
		}
		rec.Spikes(k, popSpk, srcSpk)
		// 3. Propagate.
		for _, pr := range n.Projections {
			ip := inst.Projections[pr.Index]
			var spikes []int32
			if ip.SrcPop >= 0 {
				spikes = popSpk[ip.SrcPop]
			} else {
				spikes = srcSpk[ip.SrcSrc]
			}
			ring := pops[pr.Dst].rings[pr.Acc]
			for _, i := range spikes {
				for syn := ip.Row[i]; syn < ip.Row[i+1]; syn++ {
					slot := ring[(k+1+int64(ip.DelayAt(syn)))%int64(len(ring))]
					slot[ip.Post[syn]] += pr.WeightAt(syn)
				}
			}
		}
		// 4. Record.
		rec.Sample(k+1, regOf)
	}
	return rec.Result(steps), nil
}

// errorf formats a package error.
func errorf(format string, a ...any) error { return fmt.Errorf("fixed: "+format, a...) }
