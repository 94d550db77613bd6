package interp

import (
	"fmt"
	"runtime"
	"sync"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/internal/results"
)

// RunFixed runs a quantised network (package fixed, produced by the
// quantize pass) in the interpreter's fixed-point mode: every neuron's
// update is its population's integer program, synaptic input is integer
// accumulation, and the results are bit-exact with every other
// fixed-point backend (docs/fixed-point.md is the definition). Traces are
// converted to SI by the records' conversions. opt.Duration and
// opt.Threads apply; results do not depend on the number of threads.
func RunFixed(n *fixed.Net, opt RunOptions) (*results.Result, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	steps := n.Steps
	if opt.Duration < 0 {
		return nil, fmt.Errorf("invalid duration %g s", opt.Duration)
	}
	if opt.Duration > 0 {
		steps = instance.StepsFor(opt.Duration, n.Dt)
	}
	f := newFixedSim(n, opt)
	return f.run(steps, opt), nil
}

type fixedPop struct {
	p     *fixed.Pop
	cols  [][]int64 // [register][neuron]
	rings map[int][][]int64
	accs  []int // accumulator registers
	stims [][]*fixed.Stim
	spk   []int32
	c0    int // first chunk
}

type fixedChunk struct {
	pop, lo, hi int
	view        [][]int64
	spike       []bool
	spikes      []int32
	scratch     fixed.BatchScratch
}

type fixedSim struct {
	net    *fixed.Net
	pops   []*fixedPop
	chunks []*fixedChunk
	thr    int
}

func newFixedSim(n *fixed.Net, opt RunOptions) *fixedSim {
	s := &fixedSim{net: n}
	for _, p := range n.Pops {
		fp := &fixedPop{p: p, cols: make([][]int64, len(p.Prog.Regs)), rings: map[int][][]int64{}}
		for r, reg := range p.Prog.Regs {
			fp.cols[r] = make([]int64, p.N)
			if reg.Kind == fixed.RegState || reg.Kind == fixed.RegParam {
				copy(fp.cols[r], p.Vals[r])
			}
			if reg.Kind == fixed.RegAcc {
				fp.accs = append(fp.accs, r)
			}
		}
		fp.stims = make([][]*fixed.Stim, len(p.Prog.Regs))
		s.pops = append(s.pops, fp)
	}
	for _, st := range n.Stims {
		fp := s.pops[st.Pop]
		fp.stims[st.Acc] = append(fp.stims[st.Acc], st)
	}
	maxDelay := map[[2]int]int{}
	for _, pr := range n.Projections {
		key := [2]int{pr.Dst, pr.Acc}
		maxDelay[key] = max(maxDelay[key], n.Inst.Projections[pr.Index].MaxDelay())
	}
	for key, d := range maxDelay {
		ring := make([][]int64, d+1)
		for i := range ring {
			ring[i] = make([]int64, n.Pops[key[0]].N)
		}
		s.pops[key[0]].rings[key[1]] = ring
	}
	for pi, fp := range s.pops {
		fp.c0 = len(s.chunks)
		for lo := 0; lo < fp.p.N; lo += chunkSize {
			c := &fixedChunk{pop: pi, lo: lo, hi: min(lo+chunkSize, fp.p.N)}
			c.view = make([][]int64, len(fp.cols))
			for r := range fp.cols {
				c.view[r] = fp.cols[r][c.lo:c.hi]
			}
			c.spike = make([]bool, c.hi-c.lo)
			s.chunks = append(s.chunks, c)
		}
	}
	s.thr = opt.Threads
	if s.thr <= 0 {
		s.thr = runtime.GOMAXPROCS(0)
	}
	s.thr = max(1, min(s.thr, len(s.chunks)))
	return s
}

// step runs deliver and update for one chunk.
func (s *fixedSim) stepChunk(c *fixedChunk, k int64) {
	fp := s.pops[c.pop]
	for _, a := range fp.accs {
		t := fp.p.Prog.Regs[a].Type
		var stim int64
		for _, st := range fp.stims[a] {
			stim += st.ValueAt(k)
		}
		dst := c.view[a]
		if ring, ok := fp.rings[a]; ok {
			slot := ring[k%int64(len(ring))][c.lo:c.hi]
			for i := range dst {
				dst[i] = t.Reduce(slot[i] + stim)
				slot[i] = 0
			}
		} else {
			v := t.Reduce(stim)
			for i := range dst {
				dst[i] = v
			}
		}
	}
	fp.p.Prog.ExecBatchScratch(c.view, c.hi-c.lo, c.spike, &c.scratch)
	c.spikes = c.spikes[:0]
	for i, sp := range c.spike {
		if sp {
			c.spikes = append(c.spikes, int32(c.lo+i))
		}
	}
}

func (s *fixedSim) run(steps int64, opt RunOptions) *results.Result {
	n := s.net
	rec := fixed.NewRecorder(n, steps)
	regOf := func(pop, r, i int) int64 { return s.pops[pop].cols[r][i] }
	rec.Sample(0, regOf)
	srcSpk := make([][]int32, len(n.Inst.Sources))
	popSpk := make([][]int32, len(n.Pops))
	every := max(1, steps/1000)
	for k := int64(0); k < steps; k++ {
		if s.thr == 1 {
			for _, c := range s.chunks {
				s.stepChunk(c, k)
			}
		} else {
			var wg sync.WaitGroup
			next := make(chan *fixedChunk, len(s.chunks))
			for _, c := range s.chunks {
				next <- c
			}
			close(next)
			for range s.thr {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for c := range next {
						s.stepChunk(c, k)
					}
				}()
			}
			wg.Wait()
		}
		for pi, fp := range s.pops {
			fp.spk = fp.spk[:0]
			for _, c := range s.chunks[fp.c0 : fp.c0+(fp.p.N+chunkSize-1)/chunkSize] {
				fp.spk = append(fp.spk, c.spikes...)
			}
			popSpk[pi] = fp.spk
		}
		for j, src := range n.Inst.Sources {
			srcSpk[j] = src.SpikesAt(k, srcSpk[j][:0])
		}
		rec.Spikes(k, popSpk, srcSpk)
		for _, pr := range n.Projections {
			ip := n.Inst.Projections[pr.Index]
			var spikes []int32
			if ip.SrcPop >= 0 {
				spikes = popSpk[ip.SrcPop]
			} else {
				spikes = srcSpk[ip.SrcSrc]
			}
			if len(spikes) == 0 {
				continue
			}
			ring := s.pops[pr.Dst].rings[pr.Acc]
			L := int64(len(ring))
			if pr.Weights == nil && ip.Delays8 == nil && ip.Delays16 == nil {
				slot, w := ring[(k+1+int64(ip.Delay))%L], pr.Weight
				for _, i := range spikes {
					for _, j := range ip.Post[ip.Row[i]:ip.Row[i+1]] {
						slot[j] += w
					}
				}
				continue
			}
			for _, i := range spikes {
				for syn := ip.Row[i]; syn < ip.Row[i+1]; syn++ {
					ring[(k+1+int64(ip.DelayAt(syn)))%L][ip.Post[syn]] += pr.WeightAt(syn)
				}
			}
		}
		rec.Sample(k+1, regOf)
		if opt.Progress != nil && ((k+1)%every == 0 || k+1 == steps) {
			opt.Progress(k+1, steps)
		}
	}
	return rec.Result(steps)
}
