package sim

import (
	"fmt"
	"math"
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
//
// The model is most of the simulator's time on packet-heavy networks, so it
// is built for speed: the elements visited are router output ports (and
// axon engines), each at the first cycle at which something can leave by
// it; synapse engines are run lazily (drainSE); packets are small records
// addressed by index; FIFOs are rings of indices in one slab with their
// head's arrival, age and wanted output cached; each output port keeps the
// set of inputs whose head wants it; routers have a routing table from
// destination core to output port.

const (
	portW = iota
	portE
	portS
	portN
	portL0
)

// maxPorts bounds a router's ports: four mesh links and up to 16 local
// cores (loihi.ChipConfig.Validate); a power of two so that port indices
// can be masked instead of bounds-checked.
const maxPorts = 32

// packet is one packet in flight during a step.
// Its index in noc.pk is its sequence number: the order of add within the
// step (ages of packets injected in the same cycle compare by it). 32
// bytes.
type packet struct {
	arr  int64  // arrival at the FIFO or queue it is in
	key  uint64 // age: inject cycle << 32 | sequence (smaller is older)
	due  int64  // emission + unloaded latency: waiting past it is a stall
	dst  int32  // destination core
	cost uint16 // SE cycles at the destination (at most maxSECost)
	out  uint8  // the output port it wants at the router it is in
}

// maxSECost bounds a synapse engine's cycles for one packet.
const maxSECost = 1<<16 - 1

// fifo is a packet queue: a ring of packet indices in the noc's slab,
// with its head's arrival, age and wanted output cached. Capacities are at
// most maxFIFO.
type fifo struct {
	hArr int64  // head's arrival
	hKey uint64 // head's age
	base int32  // ring's offset in the slab
	hOut uint8  // head's wanted output
	h, n uint8
	mask uint8 // ring size − 1
	cap  uint8 // credits: packets it may hold
	max  uint8 // largest occupancy seen (not for injection FIFOs, which count packets injected ahead: see localFIFOMax)
}

// maxFIFO bounds router FIFOs and core input queues (packets).
const maxFIFO = 128

// port is one output port of a router: its link's state and, fixed by the
// geometry, where it leads (the FIFO it fills — a router's input or a
// core's queue —, the next router and its input port, or -1 for local
// ports), its latency and link occupancy.
type port struct {
	busy  int64  // the link is free at this cycle
	want  uint32 // the inputs whose head wants this output
	out   int32
	next  int32
	nextP int32
	lat   int32
	link  int32
}

type router struct {
	id    int32
	x, y  int32
	fifo0 int32 // input port i's FIFO is fifos[fifo0+i]
	port  [maxPorts]port
	// Per input port: who fills it, a router or (local ports) a core;
	// -1 for none.
	upR, upC [maxPorts]int32
	route    []int8 // per destination core: the output port
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

// add adds o's counters to s (sums; maxima for the Max fields).
func (s *NoCStats) add(o NoCStats) {
	s.Packets += o.Packets
	s.WithinTile += o.WithinTile
	s.HopsX += o.HopsX
	s.HopsY += o.HopsY
	s.ChipCrossings += o.ChipCrossings
	s.StallCycles += o.StallCycles
	s.MaxFIFO = max(s.MaxFIFO, o.MaxFIFO)
	s.MaxCoreQueue = max(s.MaxCoreQueue, o.MaxCoreQueue)
}

// countRoute adds a packet's timing-independent counters: its hops and
// chip crossings, or that it stayed in its tile.
func (s *NoCStats) countRoute(r *routeInfo) {
	if r.hopsX == 0 && r.hopsY == 0 {
		s.WithinTile++
	}
	s.HopsX += int64(r.hopsX)
	s.HopsY += int64(r.hopsY)
	s.ChipCrossings += int64(r.crossings)
}

// routeInfo is what the simulator needs of the route between two cores.
type routeInfo struct {
	hopsX, hopsY, crossings int32
	unloaded                int32   // latency without contention, from injection to the SE's queue
	energy                  float64 // pJ per packet
}

// resolveRoute returns the route from the core at a to the core at b.
func resolveRoute(cfg *loihi.ChipConfig, a, b loihi.Loc) routeInfo {
	r := cfg.RouteBetween(a, b)
	ri := routeInfo{hopsX: int32(r.HopsX), hopsY: int32(r.HopsY), crossings: int32(r.ChipCrossX + r.ChipCrossY),
		unloaded: int32(r.LatencyCyc) + 1, // +1: the router sees an injected packet the next cycle
		energy:   r.EnergyPJ}
	if !r.SameTile {
		ri.unloaded += int32(cfg.Cycles.SameTile) // the final ejection
	}
	return ri
}

type noc struct {
	cfg     *loihi.ChipConfig
	w, h    int
	routers []router
	cores   []*core
	fifos   []fifo
	slab    []int32
	stats   NoCStats
	ev      *calendar

	// Per core.
	coreR  []int32 // its tile's router
	coreIn []int32 // the router input FIFO its AE fills
	queue  []int32 // its SE input queue (a FIFO)
	inj    [][]int32
	injAt  [][]int64 // emission cycle of each packet of inj
	injT   [][]int64 // this step: the cycles its AE injected at
	popT   [][]int64 // this step: the cycles its injection FIFO was popped at
	injPos []int
	aeNext []int64
	seFree []int64
	aeStep int64
	pshift uint // a port's event id is router<<pshift | port

	// Per step.
	pk       []packet
	pending  int
	inFlight int
	quiet    int64
	seBusy   []int64
	aeBusy   []int64

	// onDeliver, when set, is told every packet's delivery (tests).
	onDeliver func(seq int32, t int64)
}

func newNoC(cfg *loihi.ChipConfig, chips int, cores []*core) *noc {
	cols := loihi.GridCols(max(chips, 1))
	rows := (max(chips, 1) + cols - 1) / cols
	n := &noc{cfg: cfg, w: cols * cfg.TilesX, h: rows * cfg.TilesY, cores: cores}
	cyc := &cfg.Cycles
	nports := portL0 + cfg.CoresPerTile
	if nports > maxPorts {
		panic(fmt.Sprintf("sim: %d cores per tile (at most %d)", cfg.CoresPerTile, maxPorts-portL0))
	}
	if cyc.RouterFIFO < 1 || cyc.RouterFIFO > maxFIFO || cyc.CoreInQueue < 1 || cyc.CoreInQueue > maxFIFO {
		panic(fmt.Sprintf("sim: FIFO capacities %d and %d outside 1..%d (checked by newMachine)", cyc.RouterFIFO, cyc.CoreInQueue, maxFIFO))
	}
	for 1<<n.pshift < nports {
		n.pshift++
	}
	newFifo := func(capacity int) int32 {
		size := 1
		for size < capacity {
			size <<= 1
		}
		n.fifos = append(n.fifos, fifo{mask: uint8(size - 1), base: int32(len(n.slab)), cap: uint8(capacity)})
		n.slab = append(n.slab, make([]int32, size)...)
		return int32(len(n.fifos) - 1)
	}
	coreAt := make([]int32, n.w*n.h*cfg.CoresPerTile)
	for i := range coreAt {
		coreAt[i] = -1
	}
	for ci, c := range cores {
		coreAt[(c.loc.Y*n.w+c.loc.X)*cfg.CoresPerTile+c.loc.Core] = int32(ci)
	}
	n.routers = make([]router, n.w*n.h)
	for y := 0; y < n.h; y++ {
		for x := 0; x < n.w; x++ {
			r := &n.routers[y*n.w+x]
			r.id, r.x, r.y = int32(y*n.w+x), int32(x), int32(y)
			for i := range maxPorts {
				r.port[i].out, r.port[i].next, r.port[i].nextP, r.upR[i], r.upC[i] = -1, -1, -1, -1, -1
			}
			r.fifo0 = int32(len(n.fifos))
			for i := 0; i < nports; i++ {
				newFifo(cyc.RouterFIFO)
			}
		}
	}
	n.queue = make([]int32, len(cores))
	for ci := range cores {
		n.queue[ci] = newFifo(cyc.CoreInQueue)
	}
	for ri := range n.routers {
		r := &n.routers[ri]
		for o := 0; o < nports; o++ {
			x, y := int(r.x), int(r.y)
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
				if ci := coreAt[ri*cfg.CoresPerTile+o-portL0]; ci >= 0 {
					r.port[o].out, r.port[o].nextP = n.queue[ci], ci
					r.port[o].lat, r.port[o].link = int32(cyc.SameTile), int32(cyc.LinkOccupancy)
					r.upC[o] = ci // its AE fills local input o
				}
				continue
			}
			if x < 0 || y < 0 || x >= n.w || y >= n.h {
				continue
			}
			nr := &n.routers[y*n.w+x]
			ip := inPortOf(o)
			pt := &r.port[o]
			pt.next, pt.nextP, pt.out = nr.id, int32(ip), nr.fifo0+int32(ip)
			pt.lat, pt.link = int32(cyc.HopX), int32(cyc.LinkOccupancy)
			if o == portN || o == portS {
				pt.lat = int32(cyc.HopY)
			}
			if floorDiv(x, cfg.TilesX) != floorDiv(int(r.x), cfg.TilesX) || floorDiv(y, cfg.TilesY) != floorDiv(int(r.y), cfg.TilesY) {
				pt.lat, pt.link = int32(cyc.ChipLink), int32(cyc.ChipLinkOccupy)
			}
			nr.upR[ip] = r.id
		}
		r.route = make([]int8, len(cores))
		for ci, c := range cores {
			r.route[ci] = int8(routePort(int(r.x), int(r.y), c.loc))
		}
	}
	n.coreR = make([]int32, len(cores))
	n.coreIn = make([]int32, len(cores))
	for ci, c := range cores {
		r := &n.routers[c.loc.Y*n.w+c.loc.X]
		n.coreR[ci] = r.id
		n.coreIn[ci] = r.fifo0 + int32(portL0+c.loc.Core)
	}
	n.inj = make([][]int32, len(cores))
	n.injAt = make([][]int64, len(cores))
	n.injT = make([][]int64, len(cores))
	n.popT = make([][]int64, len(cores))
	n.injPos = make([]int, len(cores))
	n.aeNext = make([]int64, len(cores))
	n.seFree = make([]int64, len(cores))
	n.aeStep = max(int64(cyc.LinkOccupancy), int64(cyc.PacketForm))
	return n
}

// routePort returns the output port at router (x, y) of a packet for the
// core at d: XY routing.
func routePort(x, y int, d loihi.Loc) int {
	switch {
	case d.X > x:
		return portE
	case d.X < x:
		return portW
	case d.Y > y:
		return portN
	case d.Y < y:
		return portS
	}
	return portL0 + d.Core
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

// add queues a packet for injection by its source core's AE, resolving
// its route here and counting the statistics that do not depend on timing.
// The simulator resolves routes once per output axon (outAxon) and uses
// addResolved; add serves the tests that build traffic by hand.
func (n *noc) add(src, dst int, axon int32, emit int64) {
	r := resolveRoute(n.cfg, n.cores[src].loc, n.cores[dst].loc)
	n.stats.countRoute(&r)
	n.addResolved(trafficPkt{src: int32(src), dst: int32(dst), cost: n.cores[dst].axCycles[axon], emit: emit, due: emit + int64(r.unloaded)})
}

// addResolved queues a packet whose route the caller has resolved (it
// counts the timing-independent statistics itself).
func (n *noc) addResolved(tp trafficPkt) {
	id := int32(len(n.pk))
	n.pk = append(n.pk, packet{due: tp.due, dst: tp.dst, cost: uint16(tp.cost)})
	n.inj[tp.src] = append(n.inj[tp.src], id)
	n.injAt[tp.src] = append(n.injAt[tp.src], tp.emit)
}

// push appends packet id to FIFO f and reports whether it is the head.
func (n *noc) push(f *fifo, id int32) bool {
	n.slab[f.base+int32((f.h+f.n)&f.mask)] = id
	f.n++
	if f.n > f.max {
		f.max = f.n
	}
	if f.n == 1 {
		p := &n.pk[id]
		f.hArr, f.hKey, f.hOut = p.arr, p.key, p.out
		return true
	}
	return false
}

// pop removes and returns f's head.
func (n *noc) pop(f *fifo) int32 {
	id := n.slab[f.base+int32(f.h)]
	f.h = (f.h + 1) & f.mask
	f.n--
	if f.n > 0 {
		p := &n.pk[n.slab[f.base+int32(f.h)]]
		f.hArr, f.hKey, f.hOut = p.arr, p.key, p.out
	}
	return id
}

// run simulates the step's traffic; ceEnd is every core's compartment
// engine end. It returns the quiescence cycle and adds, per core, the SE
// and AE busy cycles.
//
// It is event-driven: an element (a router's output port, a core's axon
// engine) is visited only at the cycles at which it may act — a head that
// wants it arriving, its link freeing, a credit returning — and within a
// cycle in the order stated above (ports by router, then port), with
// synapse engines run up to the cycle before their queue is looked at, so
// the outcome equals visiting every element in every cycle
// (noc_ref_test.go keeps such an implementation and checks the two agree
// packet for packet).
func (n *noc) run(ceEnd []int64, seBusy, aeBusy []int64) (int64, error) {
	quiet := int64(0)
	for _, e := range ceEnd {
		quiet = max(quiet, e)
	}
	defer n.endStep()
	if len(n.pk) == 0 {
		return quiet, nil
	}
	for c := range n.inj {
		n.injPos[c] = 0
		n.aeNext[c] = 0
		n.seFree[c] = 0
	}
	for i := range n.routers {
		for o := range n.routers[i].port {
			n.routers[i].port[o].busy = 0
		}
	}
	ev := n.events()
	ev.reset()
	n.pending, n.inFlight, n.quiet = len(n.pk), 0, quiet
	n.seBusy, n.aeBusy = seBusy, aeBusy
	for c := range n.inj {
		if len(n.inj[c]) > 0 {
			ev.wakeAE(c, n.injAt[c][0])
		}
	}
	for ev.next() {
		t := ev.t
		ev.phase = phasePort
		mask := 1<<n.pshift - 1
		// The ports in increasing id, including those woken for this cycle
		// by the visits (a word is read again after every visit; the
		// summary skips empty words).
		cur := ev.cur
		for w := 0; w < ev.npt; {
			x := cur[1+w]
			if x == 0 {
				if w = ev.nextWord(w+1, ev.npt); w < 0 {
					break
				}
				continue
			}
			id := w<<6 | bits.TrailingZeros64(x)
			cur[1+w] = x & (x - 1) // visited (a wake-up for this port now goes to the next cycle)
			ev.curPort = id
			n.visitPort(&n.routers[id>>n.pshift], id&mask, t)
		}
		ev.phase = phaseAE
		for c := ev.scan(ev.npt, ev.npt+ev.nae, -1); c >= 0; c = ev.scan(ev.npt, ev.npt+ev.nae, c) {
			ev.curCore = c
			n.visitAE(c, t)
		}
		ev.done()
		if n.pending == 0 && n.inFlight == 0 {
			break
		}
	}
	// What is left sits in the cores' input queues: the synapse engines
	// take it in turn.
	for c := range n.queue {
		n.drainSE(c, math.MaxInt64)
	}
	n.localFIFOMax()
	if n.pending != 0 || n.inFlight != 0 {
		return 0, fmt.Errorf("sim: the network on chip is stuck with %d packets in flight and %d to inject (a back-pressure deadlock: a simulator bug)", n.inFlight, n.pending)
	}
	return n.quiet, nil
}

// endStep forgets the step's packets (ages are compared within a step).
func (n *noc) endStep() {
	for c := range n.inj {
		n.inj[c] = n.inj[c][:0]
		n.injAt[c] = n.injAt[c][:0]
		n.injT[c] = n.injT[c][:0]
		n.popT[c] = n.popT[c][:0]
	}
	n.pk = n.pk[:0]
}

// drainSE runs core c's synapse engine up to cycle t: it takes, in turn,
// every packet of its input queue whose turn has come by then (the packet
// has arrived and the engine is free). The engine affects the network only
// by freeing queue slots, so it is run when its queue is looked at — by the
// router, before it tests or fills the queue — and at the end of the step,
// rather than visited: each packet is taken at the cycle a visit in every
// cycle would take it (synapse engines come first in a cycle).
func (n *noc) drainSE(c int, t int64) {
	q := &n.fifos[n.queue[c]]
	for q.n > 0 {
		at := max(q.hArr, n.seFree[c])
		if at > t {
			return
		}
		id := n.pop(q)
		p := &n.pk[id]
		cost := int64(p.cost)
		n.seFree[c] = at + cost
		n.seBusy[c] += cost
		n.inFlight--
		n.stats.Packets++
		n.stats.StallCycles += max(0, at-p.due)
		if n.onDeliver != nil {
			n.onDeliver(id, at)
		}
		n.quiet = max(n.quiet, at+cost)
	}
}

// sePop returns the cycle core c's synapse engine next takes a packet
// (its queue is not empty).
func (n *noc) sePop(c int) int64 {
	return max(n.fifos[n.queue[c]].hArr, n.seFree[c])
}

// addWant records that input i's head wants output o; dropWant that it
// no longer does.
func (r *router) addWant(i, o int32) { r.port[o&(maxPorts-1)].want |= 1 << uint(i) }

func (r *router) dropWant(i, o int32) { r.port[o&(maxPorts-1)].want &^= 1 << uint(i) }

// wakePort asks for a visit of output o of router r at cycle t.
func (n *noc) wakePort(r *router, o int32, t int64) {
	n.ev.wakePort(int(r.id)<<n.pshift|int(o), t)
}

// visitPort moves what can leave by output o of router r at cycle t: the
// oldest head that has arrived and wants it, when its link is free and the
// FIFO it fills has a credit. Ports are visited in the order of the
// reference (routers by id, their outputs in order), and every event that
// can let a port move — a head arriving or becoming a head, its link
// freeing, a credit — asks for a visit at the first cycle it can, so the
// outcome is the reference's; a visit at which nothing can move only asks
// for the next one.
func (n *noc) visitPort(r *router, o int, t int64) {
	o &= maxPorts - 1
	pt := &r.port[o]
	if pt.want == 0 {
		return
	}
	if pt.busy > t {
		n.wakePort(r, int32(o), pt.busy)
		return
	}
	if pt.next < 0 {
		n.drainSE(int(pt.nextP), t) // a local port: nextP is the core
	}
	fifos := n.fifos
	dst := &fifos[pt.out]
	if dst.n >= dst.cap {
		if pt.next < 0 {
			n.wakePort(r, int32(o), n.sePop(int(pt.nextP))) // its SE frees a slot
		}
		return // a router downstream: woken by the credit
	}
	in := fifos[r.fifo0:]
	best := -1
	var bestKey uint64
	first := int64(math.MaxInt64)
	for m := pt.want; m != 0; m &= m - 1 {
		i := bits.TrailingZeros32(m)
		f := &in[i]
		if f.hArr <= t {
			if best < 0 || f.hKey < bestKey {
				best, bestKey = i, f.hKey
			}
		} else {
			first = min(first, f.hArr)
		}
	}
	if best < 0 {
		n.wakePort(r, int32(o), first)
		return
	}
	i := best & (maxPorts - 1)
	f := &in[i]
	wasFull := f.n >= f.cap
	id := n.pop(f)
	r.dropWant(int32(i), int32(o))
	if uc := r.upC[i]; uc >= 0 {
		n.popT[uc] = append(n.popT[uc], t) // an injection FIFO
	}
	p := &n.pk[id]
	p.arr = t + int64(pt.lat)
	pt.busy = t + int64(pt.link)
	if pt.want != 0 {
		n.wakePort(r, int32(o), pt.busy)
	}
	if f.n > 0 {
		// Input i's new head: it may leave by a later output in this cycle.
		ho := int32(f.hOut)
		r.addWant(int32(i), ho)
		n.wakePort(r, ho, max(f.hArr, r.port[ho&(maxPorts-1)].busy, t))
	}
	// Downstream, the packet needs a visit when it can first move, if it
	// is its FIFO's head: not before it arrives nor before the link it
	// wants frees (a packet behind others is considered when its turn
	// comes). A core's queue is drained when looked at.
	if nx := pt.next; nx >= 0 {
		nr := &n.routers[nx]
		out := nr.route[p.dst]
		p.out = uint8(out)
		if n.push(dst, id) {
			nr.addWant(pt.nextP, int32(out))
			n.wakePort(nr, int32(out), max(p.arr, nr.port[out&(maxPorts-1)].busy))
		}
		if int(dst.max) > n.stats.MaxFIFO {
			n.stats.MaxFIFO = int(dst.max)
		}
	} else {
		n.push(dst, id)
		if int(dst.max) > n.stats.MaxCoreQueue {
			n.stats.MaxCoreQueue = int(dst.max)
		}
	}
	// Credit back to whoever fills input i: it can only have been stopped
	// by a full FIFO (it alone fills input i), so the credit matters only
	// when the FIFO was full, and only to an upstream output with a head
	// that wants it or an AE with packets left.
	if wasFull {
		if ur := r.upR[i]; ur >= 0 {
			u := &n.routers[ur]
			if uo := int32(inPortOf(i)); u.port[uo&(maxPorts-1)].want != 0 {
				n.wakePort(u, uo, t)
			}
		} else if uc := r.upC[i]; uc >= 0 && n.injPos[uc] < len(n.inj[uc]) {
			n.ev.wakeAE(int(uc), t)
		}
	}
}

func (n *noc) visitAE(c int, t int64) {
	pos := n.injPos[c]
	list := n.inj[c]
	if pos >= len(list) {
		return
	}
	ready := max(n.injAt[c][pos], n.aeNext[c])
	if ready > t {
		n.ev.wakeAE(c, ready)
		return
	}
	f := &n.fifos[n.coreIn[c]]
	if f.n >= f.cap {
		return // woken by the credit
	}
	r := &n.routers[n.coreR[c]]
	in := int32(portL0 + n.cores[c].loc.Core)
	// Inject now and, while the FIFO has room, the next packets at the
	// cycles the engine reaches them: only this engine fills the FIFO, so
	// a slot free now is still free then. A packet injected at cycle x is
	// seen by the router from x + 1 (routers come before axon engines in a
	// cycle). The FIFO then counts packets that are not in it yet, which
	// only makes this engine wait for a credit it would wait for anyway;
	// its true occupancy, for MaxFIFO, is worked out from the injection
	// and pop cycles at the end of the step.
	x := t
	for {
		id := list[pos]
		p := &n.pk[id]
		p.key = uint64(x)<<32 | uint64(uint32(id))
		p.arr = x + 1
		out := r.route[p.dst]
		p.out = uint8(out)
		if n.push(f, id) {
			r.addWant(in, int32(out))
			n.wakePort(r, int32(out), max(x+1, r.port[out&(maxPorts-1)].busy))
		}
		n.injT[c] = append(n.injT[c], x)
		n.aeNext[c] = x + n.aeStep
		n.aeBusy[c] += n.aeStep
		n.pending--
		n.inFlight++
		n.quiet = max(n.quiet, n.aeNext[c])
		pos++
		if pos >= len(list) || f.n >= f.cap {
			break
		}
		x = max(n.injAt[c][pos], n.aeNext[c])
	}
	n.injPos[c] = pos
}

// localFIFOMax adds the largest occupancy of the cores' injection FIFOs
// to the statistics: after the j-th injection (at cycle x) a FIFO holds
// j + 1 packets less those popped by cycle x (a pop in cycle x comes
// first).
func (n *noc) localFIFOMax() {
	for c, inj := range n.injT {
		pops := n.popT[c]
		k := 0
		for j, x := range inj {
			for k < len(pops) && pops[k] <= x {
				k++
			}
			n.stats.MaxFIFO = max(n.stats.MaxFIFO, j+1-k)
		}
	}
}

// --- the event calendar ------------------------------------------------------

const (
	phaseNone = iota

	phasePort
	phaseAE
)

// calendar maps cycles to what to visit in them: per cycle, two bit sets
// (router output ports, axon engines) stored as one run of words after a
// summary word whose bit g says that group g of the words may have members
// (a group is gs words; gs is 1 unless a cycle has more than 64 words), so
// that a cycle is scanned and cleared in the words it uses. The near
// future (most wake-ups are a few cycles ahead) is a wheel of wheelSize
// cycles whose words lie in one array; cycles beyond it go to a map and a
// heap.
const wheelSize = 1 << 9

type calendar struct {
	n       *noc
	t       int64
	cur     []uint64 // the words of the cycle being processed
	curSlot int      // its wheel slot, or -1 for a far cycle
	phase   int
	curPort int
	curCore int

	npt, nae int // words per set
	words    int // per cycle: 1 + npt + nae
	gs       int // data words per summary bit: 1 << gsh
	gsh      uint

	wheel    []uint64 // wheelSize·words
	wheelT   [wheelSize]int64
	occupied [wheelSize / 64]uint64
	inWheel  int

	far   map[int64][]uint64
	times timeHeap
	free  [][]uint64
}

func (n *noc) events() *calendar {
	if n.ev == nil {
		c := &calendar{n: n, far: map[int64][]uint64{}}
		c.npt = (len(n.routers)<<n.pshift + 63) / 64
		c.nae = (len(n.cores) + 63) / 64
		for (c.npt+c.nae+(1<<c.gsh)-1)>>c.gsh > 64 {
			c.gsh++
		}
		c.gs = 1 << c.gsh
		c.words = 1 + c.npt + c.nae
		c.wheel = make([]uint64, wheelSize*c.words)
		n.ev = c
	}
	return n.ev
}

func (c *calendar) reset() {
	for t, b := range c.far {
		clear(b)
		c.free = append(c.free, b)
		delete(c.far, t)
	}
	for i := range c.occupied {
		for c.occupied[i] != 0 {
			k := i<<6 + bits.TrailingZeros64(c.occupied[i])
			c.occupied[i] &= c.occupied[i] - 1
			clear(c.wheel[k*c.words : (k+1)*c.words])
		}
	}
	c.inWheel = 0
	c.times = c.times[:0]
	c.t, c.cur, c.curSlot, c.phase = -1, nil, -1, phaseNone
}

// at returns the words of cycle t.
func (c *calendar) at(t int64) []uint64 {
	if t <= c.t {
		if t == c.t && c.cur != nil {
			return c.cur // the cycle being processed
		}
		panic(fmt.Sprintf("sim: network model: a wake-up at cycle %d while at cycle %d", t, c.t))
	}
	if len(c.times) > 0 && t >= c.times[0] { // no far cycle is earlier than the heap's top
		if b, ok := c.far[t]; ok {
			return b
		}
	}
	if t < c.t+wheelSize {
		k := int(t & (wheelSize - 1))
		if c.occupied[k>>6]&(1<<(uint(k)&63)) == 0 {
			c.wheelT[k] = t
			c.occupied[k>>6] |= 1 << (uint(k) & 63)
			c.inWheel++
		}
		return c.wheel[k*c.words : (k+1)*c.words : (k+1)*c.words]
	}
	var b []uint64
	if k := len(c.free); k > 0 {
		b = c.free[k-1]
		c.free = c.free[:k-1]
	} else {
		b = make([]uint64, c.words)
	}
	c.far[t] = b
	c.times.push(t)
	return b
}

// Wake-ups at the current cycle go to the next cycle when the element's
// phase (or its turn within the phase) has passed.
func (c *calendar) wakePort(id int, t int64) {
	if t == c.t && (c.phase > phasePort || (c.phase == phasePort && id <= c.curPort)) {
		t++
	}
	c.wake(t, id>>6, id)
}

// wake adds bit i&63 to data word w of cycle t: straight into the wheel
// when t is a later cycle within it and no far cycle can be t.
func (c *calendar) wake(t int64, w, i int) {
	if t <= c.t || t >= c.t+wheelSize || (len(c.times) > 0 && t >= c.times[0]) {
		c.set(c.at(t), w, i)
		return
	}
	k := int(t & (wheelSize - 1))
	if m := uint64(1) << (uint(k) & 63); c.occupied[k>>6]&m == 0 {
		c.occupied[k>>6] |= m
		c.wheelT[k] = t
		c.inWheel++
	}
	c.set(c.wheel[k*c.words:], w, i)
}

func (c *calendar) wakeAE(core int, t int64) {
	if t == c.t && c.phase == phaseAE && core <= c.curCore {
		t++
	}
	c.wake(t, c.npt+core>>6, core)
}

// set adds bit i&63 to data word w of a cycle's words b.
func (c *calendar) set(b []uint64, w, i int) {
	b[1+w] |= 1 << (uint(i) & 63)
	b[0] |= 1 << uint(w>>c.gsh)
}

// nextWord returns the first data word of the current cycle at or after w
// (and before hi) that may be non-zero by the summary, or -1.
func (c *calendar) nextWord(w, hi int) int {
	b := c.cur
	for w < hi {
		g := w >> c.gsh
		sm := b[0] >> uint(g)
		if sm == 0 {
			return -1
		}
		g += bits.TrailingZeros64(sm)
		w = max(w, g<<c.gsh)
		for end := min((g+1)<<c.gsh, hi); w < end; w++ {
			if b[1+w] != 0 {
				return w
			}
		}
	}
	return -1
}

// scan returns the smallest member greater than i of the set held in the
// current cycle's data words [lo, hi), or -1 (members added while a cycle
// is scanned are found if they lie ahead).
func (c *calendar) scan(lo, hi, i int) int {
	b := c.cur
	i++
	w := lo + i>>6
	if w >= hi {
		return -1
	}
	if x := b[1+w] >> (uint(i) & 63); x != 0 {
		return i + bits.TrailingZeros64(x)
	}
	if w = c.nextWord(w+1, hi); w < 0 {
		return -1
	}
	return (w-lo)<<6 + bits.TrailingZeros64(b[1+w])
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
		c.t, c.cur, c.curSlot = tw, c.wheel[k*c.words:(k+1)*c.words:(k+1)*c.words], k
		c.occupied[k>>6] &^= 1 << (uint(k) & 63)
		c.inWheel--
	default:
		c.t = c.times.pop()
		c.cur, c.curSlot = c.far[c.t], -1
		delete(c.far, c.t)
	}
	c.phase = phaseNone
	c.curPort, c.curCore = -1, -1
	return true
}

// done releases the current cycle's words.
func (c *calendar) done() {
	b := c.cur
	clear(b[1+c.npt:]) // the axon engines' words: the ports' were cleared as they were visited
	b[0] = 0
	if c.curSlot < 0 {
		c.free = append(c.free, c.cur)
	}
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
