package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"snnc/backend/loihi"
	"snnc/backend/loihi/loihitest"
)

// refNet is the first implementation of the network's timing, kept as an
// independent reference: it visits every element in every cycle in which
// anything happens, with its own data structures, written for clarity.
// The event-driven model of noc.go must equal it packet for packet.
type refNet struct {
	cfg       *loihi.ChipConfig
	w, h      int
	routers   []*refRouter
	locs      []loihi.Loc
	seCost    [][]int32
	inj       [][]*refPacket
	injPos    []int
	aeNext    []int64
	seFree    []int64
	queue     []refFifo
	stats     NoCStats
	seq       int64
	delivered []int64 // per packet (add order): the cycle its SE took it
}

type refPacket struct {
	cost      int64 // SE cycles at dst
	dst       int
	axon      int32
	x, y, c   int
	emit      int64
	inject    int64
	arr       int64
	seq       int64
	unloaded  int64
	hopsX     int
	hopsY     int
	crossings int
}

type refFifo struct {
	buf []*refPacket
	max int
}

func (f *refFifo) n() int            { return len(f.buf) }
func (f *refFifo) head() *refPacket  { return f.buf[0] }
func (f *refFifo) pop() *refPacket   { p := f.buf[0]; f.buf = f.buf[1:]; return p }
func (f *refFifo) push(p *refPacket) { f.buf = append(f.buf, p); f.max = max(f.max, len(f.buf)) }

type refRouter struct {
	id   int
	x, y int
	in   []refFifo
	busy []int64
	act  bool
}

func newRefNet(cfg *loihi.ChipConfig, chips int, locs []loihi.Loc, seCost [][]int32) *refNet {
	cols := loihi.GridCols(max(chips, 1))
	rows := (max(chips, 1) + cols - 1) / cols
	n := &refNet{cfg: cfg, w: cols * cfg.TilesX, h: rows * cfg.TilesY, locs: locs, seCost: seCost}
	for y := 0; y < n.h; y++ {
		for x := 0; x < n.w; x++ {
			n.routers = append(n.routers, &refRouter{id: y*n.w + x, x: x, y: y,
				in: make([]refFifo, portL0+cfg.CoresPerTile), busy: make([]int64, portL0+cfg.CoresPerTile)})
		}
	}
	n.inj = make([][]*refPacket, len(locs))
	n.injPos = make([]int, len(locs))
	n.aeNext = make([]int64, len(locs))
	n.seFree = make([]int64, len(locs))
	n.queue = make([]refFifo, len(locs))
	return n
}

func (n *refNet) routerAt(x, y int) *refRouter { return n.routers[y*n.w+x] }

func (n *refNet) add(src, dst int, axon int32, emit int64) {
	n.addCost(src, dst, int64(n.seCost[dst][axon]), emit)
}

func (n *refNet) addCost(src, dst int, cost int64, emit int64) {
	s, d := n.locs[src], n.locs[dst]
	r := n.cfg.RouteBetween(s, d)
	p := &refPacket{cost: cost, dst: dst, x: d.X, y: d.Y, c: d.Core, emit: emit, seq: n.seq,
		hopsX: r.HopsX, hopsY: r.HopsY, crossings: r.ChipCrossX + r.ChipCrossY,
		unloaded: int64(r.LatencyCyc) + 1}
	if !r.SameTile {
		p.unloaded += int64(n.cfg.Cycles.SameTile)
	}
	n.seq++
	n.inj[src] = append(n.inj[src], p)
	n.delivered = append(n.delivered, -1)
}

func (n *refNet) route(r *refRouter, p *refPacket) int {
	switch {
	case p.x > r.x:
		return portE
	case p.x < r.x:
		return portW
	case p.y > r.y:
		return portN
	case p.y < r.y:
		return portS
	}
	return portL0 + p.c
}

// run simulates the step's traffic; ceEnd is every core's compartment
// engine end. It returns the quiescence cycle and adds, per core, the SE
// and AE busy cycles.
func (n *refNet) run(ceEnd []int64, seBusy, aeBusy []int64) (int64, error) {
	cyc := &n.cfg.Cycles
	occ := int64(cyc.LinkOccupancy)
	fifoCap := cyc.RouterFIFO
	qCap := cyc.CoreInQueue
	quiet := int64(0)
	for _, e := range ceEnd {
		quiet = max(quiet, e)
	}
	pending := 0
	for c := range n.inj {
		pending += len(n.inj[c])
		n.injPos[c] = 0
		n.aeNext[c] = 0
		n.seFree[c] = 0
	}
	if pending == 0 {
		return quiet, nil
	}
	for _, r := range n.routers { // times are per step: every link is free at cycle 0
		clear(r.busy)
	}
	inFlight := 0 // packets in router FIFOs or core queues
	var active []*refRouter
	t := int64(0)
	for iter := 0; ; iter++ {
		progress := false
		// 1. Synapse engines.
		for c := range n.queue {
			q := &n.queue[c]
			if q.n() == 0 || n.seFree[c] > t || q.head().arr > t {
				continue
			}
			p := q.pop()
			cost := p.cost
			n.seFree[c] = t + cost
			seBusy[c] += cost
			inFlight--
			n.stats.Packets++
			if p.hopsX == 0 && p.hopsY == 0 {
				n.stats.WithinTile++
			}
			n.stats.HopsX += int64(p.hopsX)
			n.stats.HopsY += int64(p.hopsY)
			n.stats.ChipCrossings += int64(p.crossings)
			n.stats.StallCycles += max(0, t-p.emit-p.unloaded)
			n.delivered[p.seq] = t
			quiet = max(quiet, t+cost)
			progress = true
		}
		// 2. Routers.
		if len(active) > 1 {
			sort.Slice(active, func(a, b int) bool { return active[a].id < active[b].id })
		}
		keep := active[:0]
		var woke []*refRouter
		for _, r := range active {
			for o := range r.busy {
				if r.busy[o] > t {
					continue
				}
				best := -1
				var bp *refPacket
				for i := range r.in {
					f := &r.in[i]
					if f.n() == 0 {
						continue
					}
					h := f.head()
					if h.arr > t || n.route(r, h) != o {
						continue
					}
					if bp == nil || h.inject < bp.inject || (h.inject == bp.inject && h.seq < bp.seq) {
						best, bp = i, h
					}
				}
				if bp == nil {
					continue
				}
				// Downstream credit.
				var lat, link int64
				var dst *refFifo
				var nr *refRouter
				switch o {
				case portE, portW:
					nx := r.x + 1
					inPort := portW
					if o == portW {
						nx, inPort = r.x-1, portE
					}
					nr = n.routerAt(nx, r.y)
					dst = &nr.in[inPort]
					if dst.n() >= fifoCap {
						continue
					}
					lat, link = int64(cyc.HopX), occ
					if floorDiv(nx, n.cfg.TilesX) != floorDiv(r.x, n.cfg.TilesX) {
						lat, link = int64(cyc.ChipLink), int64(cyc.ChipLinkOccupy)
					}
				case portN, portS:
					ny := r.y + 1
					inPort := portS
					if o == portS {
						ny, inPort = r.y-1, portN
					}
					nr = n.routerAt(r.x, ny)
					dst = &nr.in[inPort]
					if dst.n() >= fifoCap {
						continue
					}
					lat, link = int64(cyc.HopY), occ
					if floorDiv(ny, n.cfg.TilesY) != floorDiv(r.y, n.cfg.TilesY) {
						lat, link = int64(cyc.ChipLink), int64(cyc.ChipLinkOccupy)
					}
				default:
					c := bp.dst
					dst = &n.queue[c]
					if dst.n() >= qCap {
						continue
					}
					lat, link = int64(cyc.SameTile), occ
				}
				r.in[best].pop()
				bp.arr = t + lat
				dst.push(bp)
				r.busy[o] = t + link
				progress = true
				if nr != nil {
					if dst.max > n.stats.MaxFIFO {
						n.stats.MaxFIFO = dst.max
					}
					if !nr.act {
						nr.act = true
						woke = append(woke, nr)
					}
				} else if dst.max > n.stats.MaxCoreQueue {
					n.stats.MaxCoreQueue = dst.max
				}
			}
			empty := true
			for i := range r.in {
				if r.in[i].n() > 0 {
					empty = false
					break
				}
			}
			if empty {
				r.act = false
			} else {
				keep = append(keep, r)
			}
		}
		active = append(keep, woke...)
		// 3. Axon engines.
		for c := range n.inj {
			if n.injPos[c] >= len(n.inj[c]) {
				continue
			}
			p := n.inj[c][n.injPos[c]]
			ready := max(p.emit, n.aeNext[c])
			if ready > t {
				continue
			}
			loc := n.locs[c]
			r := n.routerAt(loc.X, loc.Y)
			f := &r.in[portL0+loc.Core]
			if f.n() >= fifoCap {
				continue
			}
			p.inject, p.arr = t, t
			f.push(p)
			if f.max > n.stats.MaxFIFO {
				n.stats.MaxFIFO = f.max
			}
			if !r.act {
				r.act = true
				active = append(active, r)
			}
			n.injPos[c]++
			n.aeNext[c] = t + max(occ, int64(cyc.PacketForm))
			aeBusy[c] += max(occ, int64(cyc.PacketForm))
			pending--
			inFlight++
			quiet = max(quiet, n.aeNext[c])
			progress = true
		}
		if pending == 0 && inFlight == 0 {
			break
		}
		if progress {
			t++
			continue
		}
		// Nothing moved: jump to the next cycle at which something can.
		next := int64(-1)
		consider := func(x int64) {
			if x > t && (next < 0 || x < next) {
				next = x
			}
		}
		for c := range n.queue {
			if n.queue[c].n() > 0 {
				consider(n.seFree[c])
				consider(n.queue[c].head().arr)
			}
		}
		for _, r := range active {
			for i := range r.in {
				if r.in[i].n() > 0 {
					h := r.in[i].head()
					consider(h.arr)
					consider(r.busy[n.route(r, h)])
				}
			}
		}
		for c := range n.inj {
			if n.injPos[c] < len(n.inj[c]) {
				consider(max(n.inj[c][n.injPos[c]].emit, n.aeNext[c]))
			}
		}
		if next < 0 {
			return 0, fmt.Errorf("sim: the network on chip is stuck at cycle %d with %d packets in flight (a back-pressure deadlock: a simulator bug)", t, inFlight)
		}
		t = next
	}
	for c := range n.inj {
		n.inj[c] = n.inj[c][:0]
	}
	return quiet, nil
}

// pair is the event-driven model and the reference on one network, fed
// the same traffic step after step.
type pair struct {
	a    *noc
	b    *refNet
	locs []loihi.Loc
	se   [][]int32
	got  []int64 // per packet of the step: the event-driven model's delivery cycle
	evs  []string
}

// newPair places len(ids) cores at the global core ids; se[i] are core
// i's SE cycles per input axon.
func newPair(cfg *loihi.ChipConfig, chips int, ids []int, se [][]int32) *pair {
	p := &pair{se: se}
	var cs []*core
	for i, id := range ids {
		p.locs = append(p.locs, cfg.CoreLoc(id, chips))
		cs = append(cs, &core{idx: i, loc: p.locs[i], axCycles: se[i]})
	}
	p.a = newNoC(cfg, chips, cs)
	p.b = newRefNet(cfg, chips, p.locs, se)
	p.a.onDeliver = func(seq int32, t int64) {
		for int(seq) >= len(p.got) {
			p.got = append(p.got, -1)
		}
		p.got[seq] = t
	}
	return p
}

// add queues a packet in both (per source, in emission order).
func (p *pair) add(src, dst int, axon int32, emit int64) {
	p.a.add(src, dst, axon, emit)
	p.b.add(src, dst, axon, emit)
	p.evs = append(p.evs, fmt.Sprintf("%d→%d@%d", src, dst, emit))
}

// step runs the queued traffic in both and returns what differs, or "":
// the quiescence cycle, every packet's delivery cycle, the SE and AE busy
// cycles per core, and the statistics so far.
func (p *pair) step(ce []int64) string {
	n := len(p.locs)
	sa, aa, sb, ab := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	qa, errA := p.a.run(ce, sa, aa)
	qb, errB := p.b.run(ce, sb, ab)
	defer func() { p.got, p.b.delivered, p.b.seq, p.evs = p.got[:0], p.b.delivered[:0], 0, p.evs[:0] }()
	if errA != nil || errB != nil || qa != qb || p.a.stats != p.b.stats || !slices.Equal(sa, sb) || !slices.Equal(aa, ab) || !slices.Equal(p.got, p.b.delivered) {
		var cores []string
		for i, l := range p.locs {
			cores = append(cores, fmt.Sprintf("core %d at (%d,%d) #%d, SE %v", i, l.X, l.Y, l.Core, p.se[i]))
		}
		return fmt.Sprintf("cores %v\npackets (src→dst@emit) %v\nevent-driven: quiet %d, %v, %+v, SE %v, AE %v\n  delivered %v\nreference:    quiet %d, %v, %+v, SE %v, AE %v\n  delivered %v",
			cores, p.evs, qa, errA, p.a.stats, sa, aa, p.got, qb, errB, p.b.stats, sb, ab, p.b.delivered)
	}
	return ""
}

// TestNoCEventDrivenEqualsCycleByCycle runs random traffic through both
// implementations and requires identical timing — every packet's delivery
// cycle — and statistics.
func TestNoCEventDrivenEqualsCycleByCycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 400; trial++ {
		cfg := loihi.DefaultChip()
		chips := 1 + rng.IntN(3)
		if rng.IntN(3) == 0 {
			cfg.Cycles.RouterFIFO = 1 + rng.IntN(3)
			cfg.Cycles.CoreInQueue = 1 + rng.IntN(3)
		}
		if rng.IntN(4) == 0 {
			cfg.CoresPerTile = 1 + rng.IntN(16)
		}
		ncores := 2 + rng.IntN(20)
		ids := rng.Perm(cfg.CoresPerChip() * chips)[:ncores]
		naxons := 1 + rng.IntN(4)
		se := make([][]int32, ncores)
		for i := range se {
			for a := 0; a < naxons; a++ {
				se[i] = append(se[i], int32(1+rng.IntN(60)))
			}
		}
		p := newPair(&cfg, chips, ids, se)
		// Two steps on the same network: nothing may leak from one to the
		// next.
		for step := 0; step < 2; step++ {
			type ev struct {
				s, d int
				a    int32
				t    int64
			}
			var evs []ev
			for k := rng.IntN(400); k > 0; k-- {
				evs = append(evs, ev{rng.IntN(ncores), rng.IntN(ncores), int32(rng.IntN(naxons)), int64(rng.IntN(300))})
			}
			sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
			for _, e := range evs {
				p.add(e.s, e.d, e.a, e.t)
			}
			ce := make([]int64, ncores)
			for i := range ce {
				ce[i] = int64(rng.IntN(200))
			}
			if d := p.step(ce); d != "" {
				t.Fatalf("trial %d step %d (FIFO %d, queue %d, %d cores/tile):\n%s", trial, step, cfg.Cycles.RouterFIFO, cfg.Cycles.CoreInQueue, cfg.CoresPerTile, d)
			}
		}
	}
}

// TestNoCSmallNetworks compares the two implementations on many tiny
// networks (2–4 cores, 1–6 packets, FIFOs and queues of 1–2 packets):
// small cases where one rule decides a cycle are where an ordering
// mistake shows, and it reads easily when it does.
func TestNoCSmallNetworks(t *testing.T) {
	trials := 5000
	if testing.Short() {
		trials = 500
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for trial := 0; trial < trials; trial++ {
		cfg := loihi.DefaultChip()
		cfg.Cycles.RouterFIFO = 1 + rng.IntN(2)
		cfg.Cycles.CoreInQueue = 1 + rng.IntN(2)
		ncores := 2 + rng.IntN(3)
		ids := rng.Perm(cfg.CoresPerChip())[:ncores]
		se := make([][]int32, ncores)
		for i := range se {
			se[i] = []int32{int32(1 + rng.IntN(10))}
		}
		p := newPair(&cfg, 1, ids, se)
		type ev struct {
			s, d int
			t    int64
		}
		var evs []ev
		for k := 1 + rng.IntN(6); k > 0; k-- {
			evs = append(evs, ev{rng.IntN(ncores), rng.IntN(ncores), int64(rng.IntN(10))})
		}
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
		for _, e := range evs {
			p.add(e.s, e.d, 0, e.t)
		}
		if d := p.step(make([]int64, ncores)); d != "" {
			t.Fatalf("trial %d (FIFO %d, queue %d):\n%s", trial, cfg.Cycles.RouterFIFO, cfg.Cycles.CoreInQueue, d)
		}
	}
}

// TestRunTimingEqualsReference times every step of a whole run (several
// cores, Poisson inputs, delays) with the reference as well: the per-step
// cycles and the network statistics of sim.Run must be the reference's.
func TestRunTimingEqualsReference(t *testing.T) {
	inst := build(t, mixedSrc)
	net, err := loihitest.Net(inst, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := loihi.DefaultChip()
	cfg.Limits.Compartments = 64
	img := compile(t, net, cfg)
	for _, threads := range []int{1, 2} {
		m, err := newMachine(img, Options{Threads: threads, StepCycles: true})
		if err != nil {
			t.Fatal(err)
		}
		m.tm.keep = true
		if err := m.run(); err != nil {
			t.Fatal(err)
		}
		if err := m.tm.finish(); err != nil {
			t.Fatal(err)
		}
		st := m.finishStats(time.Now())
		var locs []loihi.Loc
		for _, c := range m.cores {
			locs = append(locs, c.loc)
		}
		ref := newRefNet(m.cfg, img.Chips, locs, nil)
		var cycles []int64
		se, ae := make([]int64, len(locs)), make([]int64, len(locs))
		for _, tr := range m.tm.kept {
			for _, p := range tr.pkts {
				ref.addCost(int(p.src), int(p.dst), int64(p.cost), p.emit)
			}
			q, err := ref.run(tr.ceEnd, se, ae)
			if err != nil {
				t.Fatal(err)
			}
			cycles = append(cycles, q+m.barrier)
			ref.seq = 0
		}
		if len(m.tm.kept) < 10 || st.NoC.Packets == 0 {
			t.Fatalf("%d steps, %d packets: nothing to compare", len(m.tm.kept), st.NoC.Packets)
		}
		if !slices.Equal(cycles, st.StepCycles) {
			t.Errorf("threads %d: step cycles differ from the reference", threads)
		}
		if st.NoC != ref.stats {
			t.Errorf("threads %d: network statistics %+v, reference %+v", threads, st.NoC, ref.stats)
		}
		for i, c := range st.Cores {
			if c.SEBusy != se[i] || c.AEBusy != ae[i] {
				t.Errorf("threads %d core %d: SE/AE busy %d/%d, reference %d/%d", threads, i, c.SEBusy, c.AEBusy, se[i], ae[i])
			}
		}
	}
}
