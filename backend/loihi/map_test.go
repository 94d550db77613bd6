package loihi

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSynapseCost(t *testing.T) {
	for _, c := range []struct{ n, per, words int }{
		{1, 0, 1}, {64, 0, 1}, {65, 0, 2}, {64, 8, 9}, {65, 8, 10}, {6, 9, 1}, {7, 9, 2}, {0, 8, 0},
	} {
		if got := GroupWords(c.n, c.per); got != c.words {
			t.Errorf("GroupWords(%d, %d) = %d, want %d", c.n, c.per, got, c.words)
		}
	}
	for _, c := range []struct{ span, bits int }{{1, 6}, {64, 6}, {65, 7}, {128, 7}, {1024, 10}, {4096, 12}, {4097, -1}} {
		if got := IndexBitsFor(c.span); got != c.bits {
			t.Errorf("IndexBitsFor(%d) = %d, want %d", c.span, got, c.bits)
		}
	}
	for _, c := range []struct{ d, bits int }{{0, 0}, {1, 1}, {2, 2}, {62, 6}} {
		if got := DelayBitsFor(c.d); got != c.bits {
			t.Errorf("DelayBitsFor(%d) = %d, want %d", c.d, got, c.bits)
		}
	}
	for _, c := range []struct{ b, w int }{{0, 0}, {7, 8}, {8, 8}, {9, -1}} {
		if got := WeightBitsFor(c.b); got != c.w {
			t.Errorf("WeightBitsFor(%d) = %d, want %d", c.b, got, c.w)
		}
	}
}

func TestGeometry(t *testing.T) {
	cfg := DefaultChip()
	if cfg.CoresPerChip() != 128 {
		t.Fatalf("cores per chip %d", cfg.CoresPerChip())
	}
	// Fill order is a permutation and walks neighbouring tiles.
	seen := map[int]bool{}
	prev := cfg.CoreLoc(cfg.FillOrder(0), 1)
	for n := 0; n < 128; n++ {
		g := cfg.FillOrder(n)
		if seen[g] || g < 0 || g >= 128 {
			t.Fatalf("fill order %d -> %d repeats or is out of range", n, g)
		}
		seen[g] = true
		l := cfg.CoreLoc(g, 1)
		if d := abs(l.X-prev.X) + abs(l.Y-prev.Y); d > 1 {
			t.Fatalf("fill order step %d jumps %d tiles", n, d)
		}
		prev = l
	}
	// Two chips side by side: crossing costs a chip link.
	a, b := cfg.CoreLoc(7*4, 2), cfg.CoreLoc(128, 2) // tile (7,0) of chip 0, tile (0,0) of chip 1
	if a.X != 7 || b.X != 8 || b.Chip != 1 {
		t.Fatalf("locs %+v %+v", a, b)
	}
	r := cfg.RouteBetween(a, b)
	if r.HopsX != 1 || r.ChipCrossX != 1 || r.LatencyCyc != cfg.Cycles.ChipLink {
		t.Fatalf("route %+v", r)
	}
	r = cfg.RouteBetween(cfg.CoreLoc(0, 1), cfg.CoreLoc(1, 1))
	if !r.SameTile || r.LatencyCyc != 2 || r.EnergyPJ != 1.7 {
		t.Fatalf("same-tile route %+v", r)
	}
	r = cfg.RouteBetween(cfg.CoreLoc(0, 1), cfg.CoreLoc(127, 1))
	if r.HopsX != 7 || r.HopsY != 3 || r.LatencyCyc != 7*4+3*7 {
		t.Fatalf("corner route %+v", r)
	}
	if got := cfg.Barrier(32, 1); got != 113+11*31 {
		t.Fatalf("barrier %d", got)
	}
}

// checkLimits verifies every core's usage independently of the mapper.
func checkLimits(t *testing.T, m *Mapping) {
	t.Helper()
	l := m.Chip.Limits
	for _, c := range m.Cores {
		u := c.Usage
		for _, x := range []struct {
			name string
			v, l int
		}{
			{"compartments", u.Compartments, l.Compartments},
			{"input axons", u.InputAxons, l.InputAxons},
			{"output axons", u.OutputAxons, l.OutputAxons},
			{"synapse bits", u.SynapseBits, l.SynapseBits},
			{"profiles", u.Profiles, l.Profiles},
			{"threshold profiles", u.ThresholdProfiles, l.ThresholdProfile},
			{"formats", u.SynapseFormats, l.SynapseFormats},
			{"microcode", u.MicrocodeWords, l.MicrocodeWords},
			{"luts", u.LUTWords, l.LUTWords},
			{"events", u.GeneratorEvents, l.GeneratorEvents},
		} {
			if x.v > x.l {
				t.Errorf("core %d: %s %d > %d", c.ID, x.name, x.v, x.l)
			}
		}
	}
	// Every neuron placed exactly once, compartments disjoint.
	for e, en := range m.Model.Entities {
		n := 0
		for _, pi := range m.EntityPieces[e] {
			n += m.Pieces[pi].Hi - m.Pieces[pi].Lo
		}
		if n != en.N {
			t.Errorf("%s: %d of %d neurons placed", en.Name, n, en.N)
		}
	}
	for _, c := range m.Cores {
		next := 0
		for _, pi := range c.Pieces {
			p := m.Pieces[pi]
			if p.Comp0 != next {
				t.Errorf("core %d: piece at compartment %d, want %d", c.ID, p.Comp0, next)
			}
			next += (p.Hi - p.Lo) * m.Model.Entities[p.Entity].Comps
		}
	}
}

func TestMapCobahh(t *testing.T) {
	inst := buildFile(t, "../../testdata/cobahh.snn")
	m, err := mapInst(t, inst, DefaultChip())
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if e := m.Model.Entities[0]; e.Comps != 3 || e.Cost.Datapath != DatapathMicrocode {
		t.Errorf("traub: %d compartments on %v", e.Comps, e.Cost.Datapath)
	}
	if len(m.Cores) != 12 || m.Chips != 1 {
		t.Errorf("COBAHH on %d cores, %d chips; want 12 cores (341 Traub units per core), 1 chip", len(m.Cores), m.Chips)
	}
	if m.HopCost > m.GreedyHopCost {
		t.Errorf("refinement raised the hop cost %g -> %g", m.GreedyHopCost, m.HopCost)
	}
	// Deterministic.
	m2, err := mapInst(t, inst, DefaultChip())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Pieces, m2.Pieces) || !reflect.DeepEqual(m.Flows, m2.Flows) {
		t.Error("two mappings of the same network differ")
	}
	for i := range m.Cores {
		if !reflect.DeepEqual(*m.Cores[i], *m2.Cores[i]) {
			t.Errorf("core %d differs between runs", i)
		}
	}
}

const lifNet = `
network n {
    dt = 0.1 ms
    duration = 1 ms
%s
}
`

func mapSrc(t *testing.T, body string, cfg ChipConfig) (*Mapping, error) {
	t.Helper()
	return mapInst(t, build(t, fmt.Sprintf(lifNet, body)), cfg)
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
	if _, ok := err.(*MapError); !ok {
		t.Errorf("error %T is not a *MapError", err)
	}
}

func TestLimitInputAxons(t *testing.T) {
	_, err := mapSrc(t, `
    source s = poisson[5000] { rate = 10 Hz }
    pop p = lif[10]
    connect s -> p.I : fixed_indegree(k = 4200) { weight = 1 nA }`, DefaultChip())
	wantErr(t, err, "(pop p[0]): input axons 4,200 exceed 4,096 by 104", "lower fan-in")
}

func TestLimitSynapseBits(t *testing.T) {
	_, err := mapSrc(t, `
    source s = poisson[4096] { rate = 10 Hz }
    pop p = lif[1]
    connect s -> p.I : all_to_all { weight = 1 nA }
    connect s -> p.I : all_to_all { weight = 1 nA }
    connect s -> p.I : all_to_all { weight = 1 nA }
    connect s -> p.I : all_to_all { weight = 1 nA }
    connect s -> p.I : all_to_all { weight = 1 nA }`, DefaultChip())
	// 5 projections × 4,096 groups of one synapse: one 64-bit word each.
	wantErr(t, err, "core 4 (pop p[0]): synapse memory bits 1,310,720 exceed 1,048,576 by 262,144")
}

func TestLimitSynapseBitsSplits(t *testing.T) {
	// 2,000 sources all-to-all onto 600 units with per-synapse weights: a
	// core holds at most 1 Mbit, so the population splits.
	m, err := mapSrc(t, `
    source s = poisson[2000] { rate = 10 Hz }
    pop p = lif[600]
    connect s -> p.I : all_to_all { weight = uniform(0 nA, 1 nA) }`, DefaultChip())
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if n := len(m.EntityPieces[0]); n < 2 {
		t.Errorf("p in %d pieces; 1.2M synapses of 8 bits need at least 10 cores", n)
	}
	total := 0
	for _, c := range m.Cores {
		total += c.Usage.Synapses
	}
	if total != 2000*600 {
		t.Errorf("%d synapses accounted, want %d", total, 2000*600)
	}
}

func TestLimitProfilesSplit(t *testing.T) {
	m, err := mapSrc(t, `
    pop p = lif[100] { tau = uniform(10 ms, 20 ms) }
    pop q = lif[40] { Vth = uniform(-55 mV, -45 mV) }`, DefaultChip())
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if n := len(m.EntityPieces[0]); n != 4 {
		t.Errorf("100 distinct profiles in %d pieces, want 4 (32 per core)", n)
	}
	// p's last 4 neurons leave 7 threshold profiles on their core: 7+8+8+8+8+1.
	if n := len(m.EntityPieces[1]); n != 6 {
		t.Errorf("40 distinct thresholds in %d pieces, want 6 (8 per core)", n)
	}
}

func TestLimitProfilesError(t *testing.T) {
	cfg := DefaultChip()
	cfg.Limits.Profiles = 0
	_, err := mapSrc(t, `pop p = lif[4]`, cfg)
	wantErr(t, err, "core 0 (pop p[0]): compartment profiles 1 exceed 0 by 1")
	cfg = DefaultChip()
	cfg.Limits.ThresholdProfile = 0
	_, err = mapSrc(t, `pop p = lif[4]`, cfg)
	wantErr(t, err, "threshold profiles 1 exceed 0 by 1")
}

func TestLimitDelay(t *testing.T) {
	_, err := mapSrc(t, `
    pop a = lif[2]
    pop b = lif[2]
    connect a -> b.I : all_to_all { weight = 1 nA; delay = 10 ms }`, DefaultChip())
	wantErr(t, err, "connect a -> b.I: delay 100 steps exceeds the maximum 62 by 38", "larger dt")
	// 62 is fine.
	if _, err := mapSrc(t, `
    pop a = lif[2]
    pop b = lif[2]
    connect a -> b.I : all_to_all { weight = 1 nA; delay = 6.2 ms }`, DefaultChip()); err != nil {
		t.Errorf("delay 62: %v", err)
	}
}

func TestLimitRefractory(t *testing.T) {
	_, err := mapSrc(t, `pop a = lif[2] { tref = 10 ms }`, DefaultChip())
	wantErr(t, err, "pop a[0..1]: refractory period 100 steps exceeds the maximum 63 by 37")
	if _, err := mapSrc(t, `pop a = lif[2] { tref = 6.3 ms }`, DefaultChip()); err != nil {
		t.Errorf("refractory 63: %v", err)
	}
}

func TestLimitCompartments(t *testing.T) {
	inst := build(t, fmt.Sprintf(lifNet, `pop p = lif[3000]`))
	md, _ := EstimateModel(inst)
	m, err := Map(md, DefaultChip(), MapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if len(m.Cores) != 3 {
		t.Errorf("3,000 LIF on %d cores, want 3", len(m.Cores))
	}
	md.Entities[0].Comps = 1500
	_, err = Map(md, DefaultChip(), MapOptions{})
	wantErr(t, err, "pop p[0]: compartments 1,500 exceed 1,024 by 476")
}

func TestLimitFormats(t *testing.T) {
	var b strings.Builder
	b.WriteString("source s = poisson[4] { rate = 10 Hz }\npop p = lif[1]\n")
	for i := 0; i < 17; i++ {
		b.WriteString("connect s -> p.I : all_to_all { weight = 1 nA }\n")
	}
	_, err := mapSrc(t, b.String(), DefaultChip())
	wantErr(t, err, "(pop p[0]): synapse formats 17 exceed 16 by 1")
}

func TestLimitOutputAxons(t *testing.T) {
	cfg := DefaultChip()
	cfg.Limits.Compartments = 100
	cfg.Limits.OutputAxons = 100
	// a's 60 neurons each reach both cores of b: 120 output axons on one
	// core; the mapper splits a.
	m, err := mapSrc(t, `
    pop a = lif[60]
    pop b = lif[200]
    connect a -> b.I : all_to_all { weight = 1 nA }`, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if n := len(m.EntityPieces[0]); n < 2 {
		t.Errorf("a in %d pieces, want ≥ 2", n)
	}
	cfg.Limits.OutputAxons = 2
	_, err = mapSrc(t, `
    pop a = lif[1]
    pop b = lif[300]
    connect a -> b.I : all_to_all { weight = 1 nA }`, cfg)
	wantErr(t, err, "core 0 (pop a[0]): output axons 4 exceed 2 by 2", "lower fan-out")
}

func TestLimitMicrocodeAndLUT(t *testing.T) {
	cfg := DefaultChip()
	cfg.Limits.MicrocodeWords = 10
	_, err := mapSrc(t, `pop h = hh[2]`, cfg)
	wantErr(t, err, "core 0 (pop h[0]): microcode words", "exceed 10")
	cfg = DefaultChip()
	cfg.Limits.LUTWords = 100
	_, err = mapSrc(t, `pop h = hh[2]`, cfg)
	wantErr(t, err, "LUT words", "exceed 100")
}

func TestLimitGeneratorEvents(t *testing.T) {
	cfg := DefaultChip()
	cfg.Limits.GeneratorEvents = 2
	_, err := mapSrc(t, `source s = spikes[1] { times = [[0.1 ms, 0.2 ms, 0.3 ms]] }`, cfg)
	wantErr(t, err, "(source s[0]): generator events 3 exceed 2 by 1")
	m, err := mapSrc(t, `source s = spikes[3] { times = [[0.1 ms], [0.2 ms], [0.3 ms]] }`, cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
}

func TestLimitWeightBits(t *testing.T) {
	inst := build(t, fmt.Sprintf(lifNet, `
    pop a = lif[2]
    pop b = lif[2]
    connect a -> b.I : all_to_all { weight = 1 nA }`))
	md, _ := EstimateModel(inst)
	md.Projs[0].WeightBits = 9
	_, err := Map(md, DefaultChip(), MapOptions{})
	wantErr(t, err, "connect a -> b.I: weights need 9 mantissa bits, more than the 8")
}

func TestLimitChips(t *testing.T) {
	cfg := DefaultChip()
	cfg.TilesX, cfg.TilesY, cfg.CoresPerTile = 2, 1, 1 // 2 cores per chip
	cfg.MaxChips = 2
	_, err := mapSrc(t, `pop p = lif[5000]`, cfg)
	wantErr(t, err, "needs 3 chips (5 cores); 2 available")
}

// A 50,000-neuron network: 50 layers of 1,000 Traub units, each fed by
// the previous layer (fixed in-degree 50) — 147 cores, two chips.
func TestMap50k(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	var b strings.Builder
	b.WriteString("source in = poisson[1000] { rate = 20 Hz }\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "pop l%d = traub[1000]\n", i)
		src := "in"
		if i > 0 {
			src = fmt.Sprintf("l%d", i-1)
		}
		fmt.Fprintf(&b, "connect %s -> l%d.ge : fixed_indegree(k = 50) { weight = 6 nS }\n", src, i)
	}
	inst := build(t, fmt.Sprintf(lifNet, b.String()))
	if inst.Neurons() != 50000 {
		t.Fatalf("%d neurons", inst.Neurons())
	}
	m, err := mapInst(t, inst, DefaultChip())
	if err != nil {
		t.Fatal(err)
	}
	checkLimits(t, m)
	if m.Chips < 2 {
		t.Errorf("50,000 Traub units on %d chip(s), want several", m.Chips)
	}
	chips := map[int]bool{}
	for _, c := range m.Cores {
		chips[c.Loc.Chip] = true
	}
	if len(chips) != m.Chips {
		t.Errorf("cores on %d chips, mapping says %d", len(chips), m.Chips)
	}
	t.Logf("%d cores on %d chips, hop cost %.0f pJ/step (greedy %.0f)", len(m.Cores), m.Chips, m.HopCost, m.GreedyHopCost)
}
