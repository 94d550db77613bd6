package sim

import (
	"fmt"
	"sort"

	"snnc/backend/loihi"
)

// The timing of one step's phase 1 after the compartment engines: axon
// engines inject packets, routers move them (XY routing, FIFOs, credits,
// oldest-first arbitration), synapse engines drain the cores' input queues
// (docs/chip.md §7–9). It is simulated at cycle resolution, jumping over
// cycles in which nothing can change.
//
// Within a cycle the evaluation order is fixed: synapse engines (core
// order), then routers (id order; output ports W, E, S, N, L0…), then axon
// engines (core order); a FIFO slot freed earlier in a cycle can be filled
// later in the same cycle.

const (
	portW = iota
	portE
	portS
	portN
	portL0
)

type packet struct {
	src, dst  int   // core indices
	axon      int32 // input axon at dst
	x, y, c   int   // destination tile (global) and core in tile
	emit      int64 // cycle the compartment finished (spike time)
	inject    int64 // cycle it entered the mesh
	arr       int64 // arrival at the FIFO / queue it is in
	seq       int64
	unloaded  int64 // latency with no contention
	hopsX     int
	hopsY     int
	crossings int
}

type fifo struct {
	q   []*packet
	max int
}

func (f *fifo) push(p *packet) {
	f.q = append(f.q, p)
	if len(f.q) > f.max {
		f.max = len(f.q)
	}
}

func (f *fifo) pop() *packet {
	p := f.q[0]
	f.q[0] = nil
	f.q = f.q[1:]
	if len(f.q) == 0 {
		f.q = f.q[:0:0]
	}
	return p
}

type router struct {
	id   int
	x, y int
	in   []fifo  // per input port
	busy []int64 // per output port: link free at this cycle
	act  bool
}

// NoCStats are the network's counters over a run.
type NoCStats struct {
	Packets       int64 // packets delivered
	WithinTile    int64 // packets that stayed in their tile
	HopsX, HopsY  int64 // tile hops (chip-link hops included)
	ChipCrossings int64 // hops across a chip boundary
	StallCycles   int64 // Σ (delivery − emission − unloaded latency): waiting caused by contention
	MaxFIFO       int   // largest router FIFO occupancy seen (packets)
	MaxCoreQueue  int   // largest core input queue occupancy seen (packets)
}

type noc struct {
	cfg     *loihi.ChipConfig
	w, h    int
	routers []*router
	cores   []*core
	seq     int64
	stats   NoCStats
	// per step
	inj     [][]*packet // per core: packets to inject, in AE order
	injPos  []int
	aeNext  []int64
	seFree  []int64
	queue   []fifo // per core: SE input queue
	pool    []packet
	nactive int
}

func newNoC(cfg *loihi.ChipConfig, chips int, cores []*core) *noc {
	cols := loihi.GridCols(max(chips, 1))
	rows := (max(chips, 1) + cols - 1) / cols
	n := &noc{cfg: cfg, w: cols * cfg.TilesX, h: rows * cfg.TilesY, cores: cores}
	n.routers = make([]*router, n.w*n.h)
	nports := portL0 + cfg.CoresPerTile
	for y := 0; y < n.h; y++ {
		for x := 0; x < n.w; x++ {
			r := &router{id: y*n.w + x, x: x, y: y, in: make([]fifo, nports), busy: make([]int64, nports)}
			n.routers[r.id] = r
		}
	}
	n.inj = make([][]*packet, len(cores))
	n.injPos = make([]int, len(cores))
	n.aeNext = make([]int64, len(cores))
	n.seFree = make([]int64, len(cores))
	n.queue = make([]fifo, len(cores))
	return n
}

func (n *noc) routerAt(x, y int) *router { return n.routers[y*n.w+x] }

// add queues a packet for injection by its source core's AE.
func (n *noc) add(src, dst int, axon int32, emit int64) {
	if len(n.pool) == cap(n.pool) {
		n.pool = make([]packet, 0, max(256, 2*cap(n.pool)))
	}
	n.pool = n.pool[:len(n.pool)+1]
	p := &n.pool[len(n.pool)-1]
	d := n.cores[dst].loc
	s := n.cores[src].loc
	r := n.cfg.RouteBetween(s, d)
	*p = packet{src: src, dst: dst, axon: axon, x: d.X, y: d.Y, c: d.Core, emit: emit, seq: n.seq,
		hopsX: r.HopsX, hopsY: r.HopsY, crossings: r.ChipCrossX + r.ChipCrossY}
	p.unloaded = int64(r.LatencyCyc) + 1 // +1: the router sees an injected packet the next cycle
	if !r.SameTile {
		p.unloaded += int64(n.cfg.Cycles.SameTile) // the final ejection
	}
	n.seq++
	n.inj[src] = append(n.inj[src], p)
}

// route returns the output port of r for p.
func (n *noc) route(r *router, p *packet) int {
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
// engine end. It returns the quiescence cycle and, per core, the SE and AE
// busy cycles added.
func (n *noc) run(ceEnd []int64, seBusy, aeBusy []int64) (int64, error) {
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
		n.pool = n.pool[:0]
		return quiet, nil
	}
	for _, r := range n.routers { // times are per step: every link is free at cycle 0
		clear(r.busy)
	}
	inFlight := 0 // packets in router FIFOs or core queues
	var active []*router
	t := int64(0)
	for iter := 0; ; iter++ {
		progress := false
		// 1. Synapse engines.
		for c := range n.queue {
			q := &n.queue[c]
			if len(q.q) == 0 || n.seFree[c] > t || q.q[0].arr > t {
				continue
			}
			p := q.pop()
			cost := int64(n.cores[c].axCycles[p.axon])
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
			quiet = max(quiet, t+cost)
			progress = true
		}
		// 2. Routers.
		if len(active) > 1 {
			sort.Slice(active, func(a, b int) bool { return active[a].id < active[b].id })
		}
		keep := active[:0]
		var woke []*router
		for _, r := range active {
			for o := range r.busy {
				if r.busy[o] > t {
					continue
				}
				best := -1
				var bp *packet
				for i := range r.in {
					f := &r.in[i]
					if len(f.q) == 0 {
						continue
					}
					h := f.q[0]
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
				var dst *fifo
				var nr *router
				switch o {
				case portE, portW:
					nx := r.x + 1
					inPort := portW
					if o == portW {
						nx, inPort = r.x-1, portE
					}
					nr = n.routerAt(nx, r.y)
					dst = &nr.in[inPort]
					if len(dst.q) >= fifoCap {
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
					if len(dst.q) >= fifoCap {
						continue
					}
					lat, link = int64(cyc.HopY), occ
					if floorDiv(ny, n.cfg.TilesY) != floorDiv(r.y, n.cfg.TilesY) {
						lat, link = int64(cyc.ChipLink), int64(cyc.ChipLinkOccupy)
					}
				default:
					c := bp.dst
					dst = &n.queue[c]
					if len(dst.q) >= qCap {
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
				if len(r.in[i].q) > 0 {
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
			loc := n.cores[c].loc
			r := n.routerAt(loc.X, loc.Y)
			f := &r.in[portL0+loc.Core]
			if len(f.q) >= fifoCap {
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
			if len(n.queue[c].q) > 0 {
				consider(n.seFree[c])
				consider(n.queue[c].q[0].arr)
			}
		}
		for _, r := range active {
			for i := range r.in {
				if len(r.in[i].q) > 0 {
					h := r.in[i].q[0]
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
	n.pool = n.pool[:0]
	return quiet, nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
