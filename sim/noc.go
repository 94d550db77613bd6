package sim

import (
	"fmt"
	"math/bits"

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
	out       int   // the output port it wants at the router it is in
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

// fifo is a packet queue (a ring that grows as needed). The head's
// arrival, wanted output and age key are cached in the struct, so that
// arbitration reads no packet memory.
type fifo struct {
	buf  []*packet
	h, c int
	max  int
	hArr int64
	hKey uint64
	hOut int
}

func (f *fifo) n() int { return f.c }

func (f *fifo) head() *packet { return f.buf[f.h] }

func ageKey(p *packet) uint64 { return uint64(p.inject)<<32 | uint64(uint32(p.seq)) }

func (f *fifo) cacheHead() {
	p := f.buf[f.h]
	f.hArr, f.hKey, f.hOut = p.arr, ageKey(p), p.out
}

func (f *fifo) push(p *packet) {
	if f.c == len(f.buf) {
		nb := make([]*packet, max(4, 2*len(f.buf)))
		for i := 0; i < f.c; i++ {
			nb[i] = f.buf[(f.h+i)&(len(f.buf)-1)]
		}
		f.buf, f.h = nb, 0
	}
	f.buf[(f.h+f.c)&(len(f.buf)-1)] = p
	f.c++
	if f.c == 1 {
		f.cacheHead()
	}
	if f.c > f.max {
		f.max = f.c
	}
}

func (f *fifo) pop() *packet {
	p := f.buf[f.h]
	f.buf[f.h] = nil
	f.h = (f.h + 1) & (len(f.buf) - 1)
	f.c--
	if f.c > 0 {
		f.cacheHead()
	}
	return p
}

type router struct {
	id   int
	x, y int
	in   []fifo  // per input port
	busy []int64 // per output port: link free at this cycle
	act  bool
	mask uint16 // input ports with packets (event-driven run)
	// Per output port, fixed by the geometry: where it leads.
	outNext []*router // nil for local ports
	outIn   []int     // input port at the next router
	outLat  []int64
	outLink []int64
	outCore []int // local ports: core index, -1 if none
	// Fixed by the geometry as well: per output port, the FIFO it fills
	// and its capacity; per input port, who fills it (a router id, or -1
	// and a core index, -1 if none).
	outFifo []*fifo
	outCap  []int
	upR     []int
	upC     []int
}

// NoCStats are the network's counters over a run.
type NoCStats struct {
	Packets       int64 `json:"packets"`        // packets delivered
	WithinTile    int64 `json:"within_tile"`    // packets that stayed in their tile
	HopsX         int64 `json:"hops_x"`         // tile hops along x (chip-link hops included)
	HopsY         int64 `json:"hops_y"`         // tile hops along y
	ChipCrossings int64 `json:"chip_crossings"` // hops across a chip boundary
	StallCycles   int64 `json:"stall_cycles"`   // Σ (delivery − emission − unloaded latency): waiting caused by contention
	MaxFIFO       int   `json:"max_fifo"`       // largest router FIFO occupancy seen (packets)
	MaxCoreQueue  int   `json:"max_core_queue"` // largest core input queue occupancy seen (packets)
}

type noc struct {
	cfg     *loihi.ChipConfig
	w, h    int
	routers []*router
	cores   []*core
	seq     int64
	stats   NoCStats
	// per step
	inj    [][]*packet // per core: packets to inject, in AE order
	injPos []int
	aeNext []int64
	seFree []int64
	queue  []fifo // per core: SE input queue
	pool   []packet
	coreAt [][]int       // per router: core index per local port, -1 if none
	coreR  []*router     // per core: its tile's router
	routes [][]routeInfo // per source core (filled on first use): per destination core
	ev     *calendar

	// during run
	pending, inFlight    int
	quiet                int64
	seBusyOut, aeBusyOut []int64
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
	n.coreAt = make([][]int, len(n.routers))
	for i := range n.coreAt {
		n.coreAt[i] = make([]int, cfg.CoresPerTile)
		for j := range n.coreAt[i] {
			n.coreAt[i][j] = -1
		}
	}
	for ci, c := range cores {
		n.coreAt[c.loc.Y*n.w+c.loc.X][c.loc.Core] = ci
	}
	cyc := &cfg.Cycles
	for _, r := range n.routers {
		np := len(r.in)
		r.outNext, r.outIn = make([]*router, np), make([]int, np)
		r.outLat, r.outLink, r.outCore = make([]int64, np), make([]int64, np), make([]int, np)
		for o := 0; o < np; o++ {
			r.outCore[o] = -1
			x, y := r.x, r.y
			switch o {
			case portE:
				x++
			case portW:
				x--
			case portN:
				y++
			case portS:
				y--
			default:
				r.outCore[o] = n.coreAt[r.id][o-portL0]
				r.outLat[o], r.outLink[o] = int64(cyc.SameTile), int64(cyc.LinkOccupancy)
				continue
			}
			if x < 0 || y < 0 || x >= n.w || y >= n.h {
				continue
			}
			r.outNext[o], r.outIn[o] = n.routerAt(x, y), inPortOf(o)
			r.outLat[o], r.outLink[o] = int64(cyc.HopX), int64(cyc.LinkOccupancy)
			if o == portN || o == portS {
				r.outLat[o] = int64(cyc.HopY)
			}
			if floorDiv(x, cfg.TilesX) != floorDiv(r.x, cfg.TilesX) || floorDiv(y, cfg.TilesY) != floorDiv(r.y, cfg.TilesY) {
				r.outLat[o], r.outLink[o] = int64(cyc.ChipLink), int64(cyc.ChipLinkOccupy)
			}
		}
	}
	for _, r := range n.routers {
		np := len(r.in)
		r.outFifo, r.outCap = make([]*fifo, np), make([]int, np)
		r.upR, r.upC = make([]int, np), make([]int, np)
		for o := 0; o < np; o++ {
			if r.outNext[o] != nil || r.outCore[o] >= 0 {
				r.outFifo[o], r.outCap[o] = n.downstream(r, o)
			}
			r.upR[o], r.upC[o] = -1, -1
			if o >= portL0 || r.outNext[o] != nil {
				r.upR[o], r.upC[o] = n.upstream(r, o)
			}
		}
	}
	n.coreR = make([]*router, len(cores))
	for ci, c := range cores {
		n.coreR[ci] = n.routerAt(c.loc.X, c.loc.Y)
	}
	return n
}

func (n *noc) routerAt(x, y int) *router { return n.routers[y*n.w+x] }

// routeInfo is what a packet needs of its route.
type routeInfo struct {
	hopsX, hopsY, crossings int
	unloaded                int64
}

// add queues a packet for injection by its source core's AE.
func (n *noc) add(src, dst int, axon int32, emit int64) {
	if len(n.pool) == cap(n.pool) {
		n.pool = make([]packet, 0, max(256, 2*cap(n.pool)))
	}
	n.pool = n.pool[:len(n.pool)+1]
	p := &n.pool[len(n.pool)-1]
	if n.routes == nil {
		n.routes = make([][]routeInfo, len(n.cores))
	}
	if n.routes[src] == nil {
		ri := make([]routeInfo, len(n.cores))
		s := n.cores[src].loc
		for j, c := range n.cores {
			r := n.cfg.RouteBetween(s, c.loc)
			ri[j] = routeInfo{hopsX: r.HopsX, hopsY: r.HopsY, crossings: r.ChipCrossX + r.ChipCrossY,
				unloaded: int64(r.LatencyCyc) + 1} // +1: the router sees an injected packet the next cycle
			if !r.SameTile {
				ri[j].unloaded += int64(n.cfg.Cycles.SameTile) // the final ejection
			}
		}
		n.routes[src] = ri
	}
	d := n.cores[dst].loc
	r := &n.routes[src][dst]
	*p = packet{src: src, dst: dst, axon: axon, x: d.X, y: d.Y, c: d.Core, emit: emit, seq: n.seq,
		hopsX: r.hopsX, hopsY: r.hopsY, crossings: r.crossings, unloaded: r.unloaded}
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
// engine end. It returns the quiescence cycle and adds, per core, the SE
// and AE busy cycles.
//
// It is event-driven: an element (a core's synapse engine, a router, a
// core's axon engine) is visited only at the cycles at which its state can
// change — a packet arriving, a link or engine becoming free, a credit
// returning — and within a cycle the phases and orders are those stated
// above, so the outcome equals visiting every element in every cycle
// (noc_ref_test.go keeps that implementation and checks the two agree).
func (n *noc) run(ceEnd []int64, seBusy, aeBusy []int64) (int64, error) {
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
		n.seq = 0
		return quiet, nil
	}
	for _, r := range n.routers {
		clear(r.busy)
	}
	ev := n.events()
	ev.reset()
	n.pending, n.inFlight, n.quiet = pending, 0, quiet
	n.seBusyOut, n.aeBusyOut = seBusy, aeBusy
	for c := range n.inj {
		if len(n.inj[c]) > 0 {
			ev.wakeAE(c, n.inj[c][0].emit)
		}
	}
	for ev.next() {
		t := ev.t
		b := ev.cur
		ev.phase = phaseSE
		for c := b.se.next(-1); c >= 0; c = b.se.next(c) {
			n.visitSE(c, t)
		}
		ev.phase = phaseRouter
		for r := b.rt.next(-1); r >= 0; r = b.rt.next(r) {
			ev.curRouter = r
			n.visitRouter(n.routers[r], t)
		}
		ev.phase = phaseAE
		for c := b.ae.next(-1); c >= 0; c = b.ae.next(c) {
			ev.curCore = c
			n.visitAE(c, t)
		}
		ev.done()
		if n.pending == 0 && n.inFlight == 0 {
			break
		}
	}
	if n.pending != 0 || n.inFlight != 0 {
		return 0, fmt.Errorf("sim: the network on chip is stuck with %d packets in flight and %d to inject (a back-pressure deadlock: a simulator bug)", n.inFlight, n.pending)
	}
	for c := range n.inj {
		n.inj[c] = n.inj[c][:0]
	}
	n.pool = n.pool[:0]
	n.seq = 0 // ages are compared within a step only
	return n.quiet, nil
}

func (n *noc) visitSE(c int, t int64) {
	q := &n.queue[c]
	if q.n() == 0 {
		return
	}
	ev := n.ev
	if n.seFree[c] > t {
		ev.wakeSE(c, n.seFree[c])
		return
	}
	if q.hArr > t {
		ev.wakeSE(c, q.hArr)
		return
	}
	wasFull := q.n() >= n.cfg.Cycles.CoreInQueue
	p := q.pop()
	cost := int64(n.cores[c].axCycles[p.axon])
	n.seFree[c] = t + cost
	n.seBusyOut[c] += cost
	n.inFlight--
	n.stats.Packets++
	if p.hopsX == 0 && p.hopsY == 0 {
		n.stats.WithinTile++
	}
	n.stats.HopsX += int64(p.hopsX)
	n.stats.HopsY += int64(p.hopsY)
	n.stats.ChipCrossings += int64(p.crossings)
	n.stats.StallCycles += max(0, t-p.emit-p.unloaded)
	n.quiet = max(n.quiet, t+cost)
	if q.n() > 0 {
		ev.wakeSE(c, n.seFree[c])
	}
	// A slot of the queue is free: the ejection port may go on. Only
	// a full queue can have stopped it (and only that router fills the
	// queue), so the credit matters only then.
	if wasFull {
		ev.wakeRouter(n.coreR[c].id, t)
	}
}

// upstream returns who fills input port i of router r: a router id, or
// -1 and a core index for a local port.
func (n *noc) upstream(r *router, i int) (int, int) {
	switch i {
	case portW:
		return n.routerAt(r.x-1, r.y).id, -1
	case portE:
		return n.routerAt(r.x+1, r.y).id, -1
	case portS:
		return n.routerAt(r.x, r.y-1).id, -1
	case portN:
		return n.routerAt(r.x, r.y+1).id, -1
	}
	return -1, n.coreAt[r.id][i-portL0]
}

// downstream returns where output o of router r leads: the FIFO (a
// router's input or a core's queue) and its capacity.
func (n *noc) downstream(r *router, o int) (*fifo, int) {
	if nr := r.outNext[o]; nr != nil {
		return &nr.in[r.outIn[o]], n.cfg.Cycles.RouterFIFO
	}
	return &n.queue[r.outCore[o]], n.cfg.Cycles.CoreInQueue
}

func (n *noc) visitRouter(r *router, t int64) {
	ev := n.ev
	var bestIn [16]int8
	var bestKey [16]uint64
	var has uint16
	for m := r.mask; m != 0; m &= m - 1 {
		i := bits.TrailingZeros16(m)
		f := &r.in[i]
		if f.hArr > t {
			continue
		}
		o := f.hOut
		if has&(1<<uint(o)) == 0 || f.hKey < bestKey[o] {
			bestIn[o], bestKey[o] = int8(i), f.hKey
			has |= 1 << uint(o)
		}
	}
	for o := -1; ; {
		// The next output above o with a candidate (has may gain
		// outputs above o as the loop goes).
		rest := uint32(has) >> uint(o+1)
		if rest == 0 {
			break
		}
		o += 1 + bits.TrailingZeros32(rest)
		if r.busy[o] > t {
			continue
		}
		dst, capacity := r.outFifo[o], r.outCap[o]
		if dst.n() >= capacity {
			continue // woken by the credit
		}
		nr, lat, link := r.outNext[o], r.outLat[o], r.outLink[o]
		i := int(bestIn[o])
		f := &r.in[i]
		wasFull := f.n() >= n.cfg.Cycles.RouterFIFO
		bp := f.pop()
		if f.n() == 0 {
			r.mask &^= 1 << uint(i)
		}
		bp.arr = t + lat
		r.busy[o] = t + link
		if nr != nil {
			bp.out = n.route(nr, bp)
			dst.push(bp)
			nr.mask |= 1 << uint(r.outIn[o])
			if dst.max > n.stats.MaxFIFO {
				n.stats.MaxFIFO = dst.max
			}
			ev.wakeRouter(nr.id, bp.arr)
		} else {
			dst.push(bp)
			if dst.max > n.stats.MaxCoreQueue {
				n.stats.MaxCoreQueue = dst.max
			}
			ev.wakeSE(bp.dst, bp.arr)
		}
		// Credit back to whoever fills input i: it can only have been
		// stopped by a full FIFO (it alone fills input i), so the credit
		// matters only when the FIFO was full.
		if !wasFull {
		} else if ur, uc := r.upR[i], r.upC[i]; ur >= 0 {
			ev.wakeRouter(ur, t)
		} else if uc >= 0 {
			ev.wakeAE(uc, t)
		}
		// Input i's new head may want a later output in this cycle.
		if f.n() > 0 && f.hArr <= t {
			if ho := f.hOut; ho > o && (has&(1<<uint(ho)) == 0 || f.hKey < bestKey[ho]) {
				bestIn[ho], bestKey[ho] = int8(i), f.hKey
				has |= 1 << uint(ho)
			}
		}
	}
	// When to look again: the earliest cycle at which a head can move
	// (it arrives, or its link frees; a head stopped by a full
	// downstream FIFO is woken by the credit).
	next := int64(-1)
	for m := r.mask; m != 0; m &= m - 1 {
		f := &r.in[bits.TrailingZeros16(m)]
		w := f.hArr
		if w <= t {
			if b := r.busy[f.hOut]; b > t {
				w = b
			} else if r.outFifo[f.hOut].n() >= r.outCap[f.hOut] {
				continue
			} else {
				w = t + 1
			}
		}
		if next < 0 || w < next {
			next = w
		}
	}
	if next >= 0 {
		ev.wakeRouter(r.id, next)
	}
}

// inPortOf returns the input port at the next router of output o.
func inPortOf(o int) int {
	switch o {
	case portE:
		return portW
	case portW:
		return portE
	case portN:
		return portS
	case portS:
		return portN
	}
	return -1
}

func (n *noc) visitAE(c int, t int64) {
	if n.injPos[c] >= len(n.inj[c]) {
		return
	}
	ev := n.ev
	cyc := &n.cfg.Cycles
	p := n.inj[c][n.injPos[c]]
	ready := max(p.emit, n.aeNext[c])
	if ready > t {
		ev.wakeAE(c, ready)
		return
	}
	loc := n.cores[c].loc
	r := n.coreR[c]
	f := &r.in[portL0+loc.Core]
	if f.n() >= cyc.RouterFIFO {
		return // woken by the credit
	}
	p.inject, p.arr = t, t
	p.out = n.route(r, p)
	f.push(p)
	r.mask |= 1 << uint(portL0+loc.Core)
	if f.max > n.stats.MaxFIFO {
		n.stats.MaxFIFO = f.max
	}
	step := max(int64(cyc.LinkOccupancy), int64(cyc.PacketForm))
	n.injPos[c]++
	n.aeNext[c] = t + step
	n.aeBusyOut[c] += step
	n.pending--
	n.inFlight++
	n.quiet = max(n.quiet, n.aeNext[c])
	ev.wakeRouter(r.id, t+1)
	if n.injPos[c] < len(n.inj[c]) {
		ev.wakeAE(c, max(n.inj[c][n.injPos[c]].emit, n.aeNext[c]))
	}
}

// --- the event calendar ------------------------------------------------------

const (
	phaseNone = iota
	phaseSE
	phaseRouter
	phaseAE
)

// bitset is a set of small integers scanned in increasing order.
type bitset []uint64

func (b bitset) set(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

// next returns the smallest member greater than i, or -1.
func (b bitset) next(i int) int {
	i++
	w := i >> 6
	if w >= len(b) {
		return -1
	}
	x := b[w] >> (uint(i) & 63)
	if x != 0 {
		return i + bits.TrailingZeros64(x)
	}
	for w++; w < len(b); w++ {
		if b[w] != 0 {
			return w<<6 + bits.TrailingZeros64(b[w])
		}
	}
	return -1
}

// bucket holds what to visit at one cycle.
type bucket struct {
	se, rt, ae bitset
}

// calendar maps cycles to buckets: a wheel of wheelSize slots for the
// near future (most wake-ups are a few cycles ahead), a map and a heap for
// cycles beyond it.
const wheelSize = 1 << 12

type calendar struct {
	n         *noc
	t         int64
	cur       *bucket
	phase     int
	curRouter int
	curCore   int

	wheel    [wheelSize]*bucket
	wheelT   [wheelSize]int64
	occupied [wheelSize / 64]uint64
	inWheel  int

	far   map[int64]*bucket
	times timeHeap
	free  []*bucket
}

func (n *noc) events() *calendar {
	if n.ev == nil {
		n.ev = &calendar{n: n, far: map[int64]*bucket{}}
	}
	return n.ev
}

func (c *calendar) reset() {
	for t, b := range c.far {
		c.release(b)
		delete(c.far, t)
	}
	for i := range c.occupied {
		for c.occupied[i] != 0 {
			k := i<<6 + bits.TrailingZeros64(c.occupied[i])
			c.occupied[i] &= c.occupied[i] - 1
			c.release(c.wheel[k])
			c.wheel[k] = nil
		}
	}
	c.inWheel = 0
	c.times = c.times[:0]
	c.t, c.cur, c.phase = -1, nil, phaseNone
}

func (c *calendar) release(b *bucket) {
	clear(b.se)
	clear(b.rt)
	clear(b.ae)
	c.free = append(c.free, b)
}

func (c *calendar) alloc() *bucket {
	if k := len(c.free); k > 0 {
		b := c.free[k-1]
		c.free = c.free[:k-1]
		return b
	}
	nc, nr := len(c.n.cores), len(c.n.routers)
	return &bucket{se: make(bitset, (nc+63)/64), rt: make(bitset, (nr+63)/64), ae: make(bitset, (nc+63)/64)}
}

func (c *calendar) at(t int64) *bucket {
	if t == c.t && c.cur != nil {
		return c.cur // the cycle being processed
	}
	if len(c.far) > 0 {
		if b, ok := c.far[t]; ok {
			return b
		}
	}
	if t < c.t+wheelSize {
		k := int(t & (wheelSize - 1))
		if c.occupied[k>>6]&(1<<(uint(k)&63)) != 0 {
			return c.wheel[k]
		}
		b := c.alloc()
		c.wheel[k], c.wheelT[k] = b, t
		c.occupied[k>>6] |= 1 << (uint(k) & 63)
		c.inWheel++
		return b
	}
	b := c.alloc()
	c.far[t] = b
	c.times.push(t)
	return b
}

// Wake-ups at the current cycle go to the next cycle when the element's
// phase (or its turn within the phase) has passed.
func (c *calendar) wakeSE(core int, t int64) {
	if t == c.t && c.phase >= phaseSE {
		t++
	}
	c.at(t).se.set(core)
}

func (c *calendar) wakeRouter(r int, t int64) {
	if t == c.t && (c.phase > phaseRouter || (c.phase == phaseRouter && r <= c.curRouter)) {
		t++
	}
	c.at(t).rt.set(r)
}

func (c *calendar) wakeAE(core int, t int64) {
	if t == c.t && c.phase == phaseAE && core <= c.curCore {
		t++
	}
	c.at(t).ae.set(core)
}

// wheelMin returns the slot of the earliest cycle in the wheel, or -1:
// every wheel cycle lies in (c.t, c.t + wheelSize), so the first occupied
// slot after c.t's, circularly, holds the earliest.
func (c *calendar) wheelMin() int {
	if c.inWheel == 0 {
		return -1
	}
	const words = wheelSize / 64
	s := int((c.t + 1) & (wheelSize - 1))
	w := s >> 6
	if x := c.occupied[w] >> (uint(s) & 63); x != 0 {
		return s + bits.TrailingZeros64(x)
	}
	for i := 1; i <= words; i++ {
		ww := (w + i) & (words - 1)
		if c.occupied[ww] != 0 {
			return ww<<6 + bits.TrailingZeros64(c.occupied[ww])
		}
	}
	return -1
}

// next moves to the earliest cycle with something to visit.
func (c *calendar) next() bool {
	var tw, tf int64 = -1, -1
	k := c.wheelMin()
	if k >= 0 {
		tw = c.wheelT[k]
	}
	if len(c.times) > 0 {
		tf = c.times[0]
	}
	switch {
	case tw < 0 && tf < 0:
		return false
	case tf < 0 || (tw >= 0 && tw < tf):
		c.t, c.cur = tw, c.wheel[k]
		c.wheel[k] = nil
		c.occupied[k>>6] &^= 1 << (uint(k) & 63)
		c.inWheel--
	default:
		c.t = c.times.pop()
		c.cur = c.far[c.t]
		delete(c.far, c.t)
	}
	c.phase = phaseNone
	c.curRouter, c.curCore = -1, -1
	return true
}

// done releases the current cycle's bucket.
func (c *calendar) done() {
	c.release(c.cur)
	c.cur = nil
	c.phase = phaseNone
}

// timeHeap is a min-heap of cycles.
type timeHeap []int64

func (h *timeHeap) push(t int64) {
	*h = append(*h, t)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p] <= a[i] {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

func (h *timeHeap) pop() int64 {
	a := *h
	t := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a[l] < a[m] {
			m = l
		}
		if r < len(a) && a[r] < a[m] {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return t
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
