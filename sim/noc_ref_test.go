package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"snnc/backend/loihi"
)

// runCycleByCycle is the first implementation of the network's timing,
// kept as the reference the event-driven run must equal: it visits every
// element in every cycle that anything happens.
//
// run simulates the step's traffic; ceEnd is every core's compartment
// engine end. It returns the quiescence cycle and, per core, the SE and AE
// busy cycles added.
func (n *noc) runCycleByCycle(ceEnd []int64, seBusy, aeBusy []int64) (int64, error) {
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
			if q.n() == 0 || n.seFree[c] > t || q.head().arr > t {
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
			loc := n.cores[c].loc
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
	n.pool = n.pool[:0]
	return quiet, nil
}

// TestNoCEventDrivenEqualsCycleByCycle runs random traffic through both
// implementations and requires identical timing and statistics.
func TestNoCEventDrivenEqualsCycleByCycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		cfg := loihi.DefaultChip()
		chips := 1 + rng.IntN(3)
		if rng.IntN(3) == 0 {
			cfg.Cycles.RouterFIFO = 1 + rng.IntN(3)
			cfg.Cycles.CoreInQueue = 1 + rng.IntN(3)
		}
		ncores := 2 + rng.IntN(20)
		perm := rng.Perm(cfg.CoresPerChip() * chips)
		ids := perm[:ncores]
		se := make([]int32, ncores)
		for i := range se {
			se[i] = int32(1 + rng.IntN(60))
		}
		mk := func() *noc {
			var cs []*core
			for i, id := range ids {
				cs = append(cs, &core{idx: i, loc: cfg.CoreLoc(id, chips), axCycles: []int32{se[i]}})
			}
			return newNoC(&cfg, chips, cs)
		}
		a, b := mk(), mk()
		npk := rng.IntN(400)
		type ev struct {
			s, d int
			t    int64
		}
		var evs []ev
		for k := 0; k < npk; k++ {
			evs = append(evs, ev{rng.IntN(ncores), rng.IntN(ncores), int64(rng.IntN(300))})
		}
		// Per source, packets in emission order (as the AE gets them).
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
		for _, e := range evs {
			a.add(e.s, e.d, 0, e.t)
			b.add(e.s, e.d, 0, e.t)
		}
		ce := make([]int64, ncores)
		sa, aa := make([]int64, ncores), make([]int64, ncores)
		sb, ab := make([]int64, ncores), make([]int64, ncores)
		qa, errA := a.run(ce, sa, aa)
		qb, errB := b.runCycleByCycle(ce, sb, ab)
		if errA != nil || errB != nil {
			t.Fatalf("trial %d: %v / %v", trial, errA, errB)
		}
		if qa != qb || a.stats != b.stats || !slices.Equal(sa, sb) || !slices.Equal(aa, ab) {
			t.Fatalf("trial %d (%d cores, %d packets, fifo %d, queue %d): event-driven %d %+v, cycle-by-cycle %d %+v",
				trial, ncores, npk, cfg.Cycles.RouterFIFO, cfg.Cycles.CoreInQueue, qa, a.stats, qb, b.stats)
		}
	}
}
