package sim

import (
	"testing"

	"snnc/backend/loihi"
)

// fakeCores places n cores at the given global ids with a fixed SE cost.
func fakeNoC(cfg *loihi.ChipConfig, chips int, ids []int, seCost int32) *noc {
	var cs []*core
	for i, id := range ids {
		cs = append(cs, &core{idx: i, loc: cfg.CoreLoc(id, chips), axCycles: []int32{seCost}})
	}
	return newNoC(cfg, chips, cs)
}

func TestNoCUnloadedLatency(t *testing.T) {
	cfg := loihi.DefaultChip()
	cyc := cfg.Cycles
	for _, c := range []struct {
		name     string
		from, to int
		want     int64
	}{
		{"same tile", 0, 1, 1 + int64(cyc.SameTile)},
		{"one hop east", 0, 4, 1 + int64(cyc.HopX+cyc.SameTile)},
		{"corner", 0, 127, 1 + int64(7*cyc.HopX+3*cyc.HopY+cyc.SameTile)},
	} {
		n := fakeNoC(&cfg, 1, []int{c.from, c.to}, 10)
		n.add(0, 1, 0, 100)
		se, ae := make([]int64, 2), make([]int64, 2)
		q, err := n.run([]int64{100, 0}, se, ae)
		if err != nil {
			t.Fatal(err)
		}
		if q != 100+c.want+10 {
			t.Errorf("%s: quiescence %d, want %d (emit 100 + latency %d + SE 10)", c.name, q, 100+c.want+10, c.want)
		}
		if n.stats.StallCycles != 0 || n.stats.Packets != 1 || se[1] != 10 {
			t.Errorf("%s: stats %+v se %v", c.name, n.stats, se)
		}
	}
	// Across a chip boundary: tile (7,0) of chip 0 to tile (0,0) of chip 1.
	n := fakeNoC(&cfg, 2, []int{7 * 4, 128}, 1)
	n.add(0, 1, 0, 0)
	q, _ := n.run([]int64{0, 0}, make([]int64, 2), make([]int64, 2))
	if want := int64(1 + cyc.ChipLink + cyc.SameTile + 1); q != want {
		t.Errorf("chip link: quiescence %d, want %d", q, want)
	}
	if n.stats.ChipCrossings != 1 {
		t.Errorf("crossings %d", n.stats.ChipCrossings)
	}
}

func TestNoCContention(t *testing.T) {
	cfg := loihi.DefaultChip()
	cyc := cfg.Cycles
	// Two packets from one core: the injection link serialises them.
	n := fakeNoC(&cfg, 1, []int{0, 4}, 1)
	n.add(0, 1, 0, 0)
	n.add(0, 1, 0, 0)
	q, _ := n.run([]int64{0, 0}, make([]int64, 2), make([]int64, 2))
	lat := int64(1 + cyc.HopX + cyc.SameTile)
	if want := int64(cyc.LinkOccupancy) + lat + 1; q != want {
		t.Errorf("two packets: quiescence %d, want %d", q, want)
	}
	if n.stats.StallCycles != int64(cyc.LinkOccupancy) {
		t.Errorf("stall %d, want %d", n.stats.StallCycles, cyc.LinkOccupancy)
	}
	// Two sources in different tiles sending to one core through the same
	// last link: the second waits for the link.
	n = fakeNoC(&cfg, 1, []int{8, 0, 4}, 1) // tiles (2,0), (0,0), (1,0)
	n.add(0, 2, 0, 0)                       // from (2,0) west to (1,0)
	n.add(1, 2, 0, 0)                       // from (0,0) east to (1,0)
	se := make([]int64, 3)
	q, err := n.run([]int64{0, 0, 0}, se, make([]int64, 3))
	if err != nil {
		t.Fatal(err)
	}
	// Both arrive at (1,0) at the same cycle and compete for the ejection port.
	if want := lat + int64(cyc.LinkOccupancy) + 1; q != want {
		t.Errorf("merge: quiescence %d, want %d", q, want)
	}
}

func TestNoCBackPressure(t *testing.T) {
	cfg := loihi.DefaultChip()
	// 8 cores of tile 0 and 1 and 2 flood one core whose SE takes 100
	// cycles a packet: queues fill, FIFOs fill, nothing is lost or stuck.
	ids := []int{}
	for i := 0; i < 12; i++ {
		ids = append(ids, i)
	}
	n := fakeNoC(&cfg, 1, append(ids, 127), 100)
	const per = 20
	for s := 0; s < 12; s++ {
		for j := 0; j < per; j++ {
			n.add(s, 12, 0, 0)
		}
	}
	se := make([]int64, 13)
	q, err := n.run(make([]int64, 13), se, make([]int64, 13))
	if err != nil {
		t.Fatal(err)
	}
	if n.stats.Packets != 12*per {
		t.Fatalf("%d packets delivered", n.stats.Packets)
	}
	if se[12] != 12*per*100 || q < 12*per*100 {
		t.Errorf("SE busy %d, quiescence %d: the SE is the bottleneck", se[12], q)
	}
	if n.stats.MaxCoreQueue != cfg.Cycles.CoreInQueue || n.stats.MaxFIFO != cfg.Cycles.RouterFIFO {
		t.Errorf("max queue %d, max FIFO %d: back-pressure should fill both", n.stats.MaxCoreQueue, n.stats.MaxFIFO)
	}
	// Deterministic.
	n2 := fakeNoC(&cfg, 1, append(ids, 127), 100)
	for s := 0; s < 12; s++ {
		for j := 0; j < per; j++ {
			n2.add(s, 12, 0, 0)
		}
	}
	q2, _ := n2.run(make([]int64, 13), make([]int64, 13), make([]int64, 13))
	if q2 != q || n2.stats != n.stats {
		t.Error("two identical runs differ")
	}
}
