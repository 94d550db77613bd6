package sim

import "fmt"

// The timing of a step (the network on chip and the engines' busy cycles,
// noc.go) depends only on that step's traffic: the cycle at which every
// packet's spike left its compartment engine, its source and destination,
// and every core's compartment-engine end. Every router, FIFO and engine
// is idle again when a step ends (the barrier waits for quiescence), so
// steps are independent of one another. The timer therefore simulates the
// traffic of several steps at once, each on its own copy of the network,
// while the values of later steps are being computed, and merges the
// results in step order: cycles, busy cycles and statistics are identical
// for any number of workers (sums, maxima and per-step lists).

// trafficPkt is one packet of a step's traffic, in the order its source
// core's axon engine injects it.
type trafficPkt struct {
	src, dst, cost int32 // cost: the destination SE's cycles for it
	emit, due      int64 // due: emit + the route's unloaded latency
}

// traffic is one step's input to the timing model and, once simulated,
// its result.
type traffic struct {
	k     int64
	ceEnd []int64
	pkts  []trafficPkt

	// Result.
	cycles         int64 // quiescence, without the barrier
	seBusy, aeBusy []int64
	err            error
}

// timer runs the timing of steps on worker copies of the network.
type timer struct {
	m       *machine
	workers []*noc
	in      []chan *traffic
	out     []chan *traffic
	free    []*traffic
	sent    int64 // steps submitted
	merged  int64 // steps merged
	window  int64 // steps in flight at most
	err     error
	keep    bool       // benchmarks: keep every step's traffic in kept
	kept    []*traffic // (instead of recycling it)
}

func newTimer(m *machine, workers int) *timer {
	tm := &timer{m: m}
	if workers < 1 {
		workers = 1
	}
	for w := 0; w < workers; w++ {
		tm.workers = append(tm.workers, newNoC(m.cfg, m.img.Chips, m.cores))
	}
	if workers > 1 {
		tm.window = int64(2 * workers)
		for w := 0; w < workers; w++ {
			in, out := make(chan *traffic, 4), make(chan *traffic, 4)
			tm.in = append(tm.in, in)
			tm.out = append(tm.out, out)
			go func(n *noc) {
				for tr := range in {
					n.simulate(tr)
					out <- tr
				}
				close(out)
			}(tm.workers[w])
		}
	}
	return tm
}

// batch returns an empty traffic record for step k.
func (tm *timer) batch(k int64) *traffic {
	var tr *traffic
	if n := len(tm.free); n > 0 {
		tr = tm.free[n-1]
		tm.free = tm.free[:n-1]
	} else {
		nc := len(tm.m.cores)
		tr = &traffic{ceEnd: make([]int64, nc), seBusy: make([]int64, nc), aeBusy: make([]int64, nc)}
	}
	tr.k = k
	tr.pkts = tr.pkts[:0]
	return tr
}

// submit hands a step's traffic over; with one worker it is simulated at
// once.
func (tm *timer) submit(tr *traffic) error {
	if len(tm.in) == 0 {
		tm.workers[0].simulate(tr)
		tm.merge(tr)
		return tm.err
	}
	for tm.sent-tm.merged >= tm.window {
		tm.collect()
	}
	tm.in[tm.sent%int64(len(tm.in))] <- tr
	tm.sent++
	return tm.err
}

// collect merges the oldest step in flight.
func (tm *timer) collect() {
	tr := <-tm.out[tm.merged%int64(len(tm.out))]
	tm.merge(tr)
}

// finish merges every step still in flight and stops the workers.
func (tm *timer) finish() error {
	for tm.merged < tm.sent {
		tm.collect()
	}
	for _, c := range tm.in {
		close(c)
	}
	for _, c := range tm.out {
		for range c {
		}
	}
	tm.in, tm.out = nil, nil
	return tm.err
}

// merge adds a simulated step to the machine's statistics, in step order.
func (tm *timer) merge(tr *traffic) {
	m := tm.m
	tm.merged++
	if tm.err != nil {
		tm.free = append(tm.free, tr)
		return
	}
	if tr.err != nil {
		tm.err = tr.err
		tm.free = append(tm.free, tr)
		return
	}
	for i := range m.seBusy {
		m.seBusy[i] += tr.seBusy[i]
		m.aeBusy[i] += tr.aeBusy[i]
	}
	step := tr.cycles + m.barrier
	st := &m.stats
	st.Cycles += step
	if st.Steps == 0 || step < st.MinStepCycles {
		st.MinStepCycles = step
	}
	st.MaxStepCycles = max(st.MaxStepCycles, step)
	st.Steps++
	if m.opt.StepCycles {
		st.StepCycles = append(st.StepCycles, step)
	}
	if tm.keep {
		tm.kept = append(tm.kept, tr)
		return
	}
	tm.free = append(tm.free, tr)
}

// stats returns the network statistics summed over the workers.
func (tm *timer) stats() NoCStats {
	var s NoCStats
	for _, n := range tm.workers {
		s.add(n.stats)
	}
	return s
}

// simulate runs one step's traffic on n.
func (n *noc) simulate(tr *traffic) {
	for _, p := range tr.pkts {
		n.addResolved(p)
	}
	clear(tr.seBusy)
	clear(tr.aeBusy)
	tr.cycles, tr.err = n.run(tr.ceEnd, tr.seBusy, tr.aeBusy)
	if tr.err != nil {
		tr.err = fmt.Errorf("step %d: %w", tr.k, tr.err)
	}
}
