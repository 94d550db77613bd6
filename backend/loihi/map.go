package loihi

import (
	"fmt"
	"sort"
	"strings"

	"snnc/ir"
)

// MapOptions control the mapper.
type MapOptions struct {
	// RateHz is the firing rate assumed for neurons when estimating traffic
	// (sources use their own rates); 0 means DefaultRateHz.
	RateHz float64
	// NoRefine skips the traffic refinement (greedy placement only).
	NoRefine bool
	// Passes bounds the refinement passes (0: 4).
	Passes int
}

// DefaultRateHz is the neuron firing rate assumed for expected traffic.
const DefaultRateHz = 10.0

// Usage is what a core uses of each limited resource.
type Usage struct {
	Compartments      int
	InputAxons        int
	OutputAxons       int
	SynapseBits       int // whole 64-bit words, in bits
	Synapses          int
	Profiles          int
	ThresholdProfiles int
	SynapseFormats    int
	MicrocodeWords    int
	LUTWords          int
	GeneratorEvents   int
}

// Piece is a contiguous range of one entity's neurons on one core.
type Piece struct {
	Entity int // index into Model.Entities
	Lo, Hi int // neurons Lo ≤ i < Hi
	Core   int // index into Mapping.Cores
	Comp0  int // first compartment of neuron Lo
}

// CoreMap is one used core.
type CoreMap struct {
	ID     int // global core id (docs/chip.md §1)
	Loc    Loc
	Pieces []int // piece indices, in compartment order
	Usage  Usage
	// Expected activity per time step at the assumed rates.
	PacketsOut float64 // packets injected
	PacketsIn  float64 // packets received
	SynEvents  float64 // synapses processed
}

// Flow is expected traffic from one core to another, per time step.
type Flow struct {
	From, To int // indices into Mapping.Cores
	Packets  float64
}

// Mapping is the placement of a network on the chip.
type Mapping struct {
	Chip         ChipConfig
	Model        *Model
	Chips        int
	Cores        []*CoreMap // ascending global id
	Pieces       []Piece
	EntityPieces [][]int // per entity: its pieces in neuron order
	RateHz       float64
	Flows        []Flow // sorted by (From, To)
	// HopCost is Σ flows × route energy (pJ per step): what refinement
	// lowers. GreedyHopCost is the same before refinement.
	HopCost, GreedyHopCost float64

	pieceOf   [][]int32 // per entity: per neuron: piece index
	pieceOut  []int     // per piece: output axons
	neuronOut [][]int32 // per entity: per neuron: output axons
}

// Locate returns the core index and compartment of neuron i of entity e
// (its soma compartment for multi-compartment units).
func (m *Mapping) Locate(e, i int) (core, comp int) {
	p := &m.Pieces[m.pieceOf[e][i]]
	return p.Core, p.Comp0 + (i-p.Lo)*m.Model.Entities[e].Comps
}

// PieceOf returns the piece index of neuron i of entity e.
func (m *Mapping) PieceOf(e, i int) int { return int(m.pieceOf[e][i]) }

// MapError is a network that does not fit.
type MapError struct {
	Limit  string // "compartments", "input axons", …
	Core   int    // global core id, or -1
	Where  string // "pop exc[0..511]", "connect exc -> inh.ge", …
	Value  int
	Max    int
	Remedy string
	Msg    string // the whole message, when not of the standard form
}

func (e *MapError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	var b strings.Builder
	if e.Core >= 0 {
		fmt.Fprintf(&b, "core %d (%s): ", e.Core, e.Where)
	} else {
		fmt.Fprintf(&b, "%s: ", e.Where)
	}
	fmt.Fprintf(&b, "%s %s exceed %s by %s", e.Limit, commas(e.Value), commas(e.Max), commas(e.Value-e.Max))
	if e.Remedy != "" {
		b.WriteString("; " + e.Remedy)
	}
	return b.String()
}

// commas formats an integer with thousands separators.
func commas(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func (m *Model) entityLabel(e, lo, hi int) string {
	en := m.Entities[e]
	kind := "pop"
	if en.Source {
		kind = "source"
	}
	if lo == 0 && hi == en.N && hi > 1 {
		return fmt.Sprintf("%s %s[0..%d]", kind, en.Name, hi-1)
	}
	if hi-lo == 1 {
		return fmt.Sprintf("%s %s[%d]", kind, en.Name, lo)
	}
	return fmt.Sprintf("%s %s[%d..%d]", kind, en.Name, lo, hi-1)
}

// csc is a projection's synapses by target.
type csc struct {
	col []int32 // len NPost+1
	syn []int32 // synapse positions k
	pre []int32 // per synapse position: presynaptic neuron
}

// groupStat accumulates one synaptic group during a trial.
type groupStat struct {
	stamp          int64
	n              int32
	minU, maxU     int32
	prev           int32
	dense          bool
	dupOrUnordered bool
}

type mapper struct {
	cfg  *ChipConfig
	lim  *Limits
	m    *Model
	opt  MapOptions
	cscs []*csc
	in   [][]int   // per entity: incoming projections
	fan  [][]int32 // per entity, per neuron: output axons expected (from the last placement)

	epoch   int64
	axStamp [][]int64     // per entity: per neuron: epoch that counted its input axon
	groups  [][]groupStat // per projection: per presynaptic neuron
	touched []int32

	// The core being filled.
	cur coreFill
}

type coreFill struct {
	slot     int
	epoch    int64
	use      Usage
	profs    map[string]bool
	thrs     map[string]bool
	programs map[string]bool
	entities map[int]bool
	empty    bool
}

// Map places an instantiated network (its Model) on the chip.
func Map(m *Model, cfg ChipConfig, opt MapOptions) (*Mapping, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.RateHz <= 0 {
		opt.RateHz = DefaultRateHz
	}
	if opt.Passes <= 0 {
		opt.Passes = 4
	}
	mp := &mapper{cfg: &cfg, lim: &cfg.Limits, m: m, opt: opt}
	if err := mp.checkStatic(); err != nil {
		return nil, err
	}
	mp.prepare()
	var mapping *Mapping
	for iter := 0; ; iter++ {
		pieces, slots, err := mp.greedy()
		if err != nil {
			return nil, err
		}
		mapping = mp.build(pieces, slots)
		over, err := mapping.account()
		if err != nil {
			return nil, err
		}
		if len(over) == 0 {
			break
		}
		// Output axons exceeded: feed every neuron's measured fan-out (in
		// cores) back into the greedy packing and place again. Fan-outs
		// only grow, so this converges.
		grew := false
		for e := range mp.fan {
			for i, n := range mapping.neuronOut[e] {
				if f := int32(n); f > mp.fan[e][i] {
					mp.fan[e][i] = f
					grew = true
				}
			}
		}
		if !grew || iter == 24 {
			c := mapping.Cores[over[0]]
			var where []string
			for _, pi := range c.Pieces {
				p := mapping.Pieces[pi]
				if mapping.pieceOut[pi] > 0 {
					where = append(where, m.entityLabel(p.Entity, p.Lo, p.Hi))
				}
			}
			return nil, &MapError{Limit: "output axons", Core: c.ID, Where: strings.Join(where, ", "),
				Value: c.Usage.OutputAxons, Max: mp.lim.OutputAxons,
				Remedy: "lower fan-out: the targets of each neuron span too many cores"}
		}
	}
	if cfg.MaxChips > 0 && mapping.Chips > cfg.MaxChips {
		return nil, &MapError{Msg: fmt.Sprintf("the network needs %d chips (%d cores); %d available",
			mapping.Chips, len(mapping.Cores), cfg.MaxChips)}
	}
	mapping.traffic()
	mapping.GreedyHopCost = mapping.hopCost()
	if !opt.NoRefine {
		mapping.refine(opt.Passes)
	}
	mapping.HopCost = mapping.hopCost()
	return mapping, nil
}

// checkStatic checks what no placement can fix: delays, weight exponents,
// refractory periods, weight widths, units too big for a core.
func (mp *mapper) checkStatic() error {
	inst := mp.m.Inst
	for qi, q := range inst.Projections {
		if d := q.MaxDelay(); d > mp.lim.MaxDelay {
			return &MapError{Limit: "delay", Core: -1, Where: "connect " + q.Name,
				Msg: fmt.Sprintf("connect %s: delay %d steps exceeds the maximum %d by %d; use a larger dt or relay neurons",
					q.Name, d, mp.lim.MaxDelay, d-mp.lim.MaxDelay)}
		}
		if e := mp.m.Projs[qi].ExpErr; e != nil {
			lim := e.Max
			if e.Exp < e.Min {
				lim = e.Min
			}
			return &MapError{Limit: "weight exponent", Core: -1, Where: "connect " + q.Name, Value: e.Exp, Max: lim,
				Msg: fmt.Sprintf("connect %s: %v (the chip's synapses hold weight_exp %d..%d); %s", q.Name, e, e.Min, e.Max, e.Remedy())}
		}
		if wb := mp.m.Projs[qi].WeightBits; wb > mp.lim.WeightBits {
			return &MapError{Msg: fmt.Sprintf("connect %s: weights need %d mantissa bits, more than the %d a synapse holds; quantize with fewer weight bits",
				q.Name, wb, mp.lim.WeightBits)}
		}
	}
	for ei, e := range mp.m.Entities {
		if e.RefSteps > mp.lim.MaxRefractory {
			return &MapError{Msg: fmt.Sprintf("%s: refractory period %d steps exceeds the maximum %d by %d; use a larger dt or a shorter refractory period",
				mp.m.entityLabel(ei, 0, e.N), e.RefSteps, mp.lim.MaxRefractory, e.RefSteps-mp.lim.MaxRefractory)}
		}
		if e.Comps > mp.lim.Compartments {
			return &MapError{Limit: "compartments", Core: -1, Where: mp.m.entityLabel(ei, 0, 1),
				Value: e.Comps, Max: mp.lim.Compartments, Remedy: "one unit needs more compartments than a core has; reduce its state"}
		}
	}
	return nil
}

func (mp *mapper) prepare() {
	inst := mp.m.Inst
	ne := len(mp.m.Entities)
	mp.in = make([][]int, ne)
	mp.fan = make([][]int32, ne)
	mp.axStamp = make([][]int64, ne)
	for ei, e := range mp.m.Entities {
		mp.axStamp[ei] = make([]int64, e.N)
		mp.fan[ei] = make([]int32, e.N)
	}
	mp.cscs = make([]*csc, len(inst.Projections))
	mp.groups = make([][]groupStat, len(inst.Projections))
	for qi, q := range inst.Projections {
		mp.in[q.Dst] = append(mp.in[q.Dst], qi)
		c := &csc{col: make([]int32, q.NPost+1), syn: make([]int32, len(q.Post)), pre: make([]int32, len(q.Post))}
		for _, j := range q.Post {
			c.col[j+1]++
		}
		for j := 0; j < q.NPost; j++ {
			c.col[j+1] += c.col[j]
		}
		fill := append([]int32(nil), c.col[:q.NPost]...)
		for i := 0; i < q.NPre; i++ {
			for k := q.Row[i]; k < q.Row[i+1]; k++ {
				c.pre[k] = int32(i)
				j := q.Post[k]
				c.syn[fill[j]] = int32(k)
				fill[j]++
			}
		}
		mp.cscs[qi] = c
		mp.groups[qi] = make([]groupStat, q.NPre)
	}
}

// order returns the placement order of entities: each population preceded
// by the sources that project to it (not yet placed), then leftover sources.
func (mp *mapper) order() []int {
	inst := mp.m.Inst
	np := len(inst.Pops)
	placed := make([]bool, len(mp.m.Entities))
	var out []int
	for p := 0; p < np; p++ {
		var srcs []int
		for _, q := range inst.Projections {
			if q.Dst == p && q.SrcSrc >= 0 && !placed[np+q.SrcSrc] {
				placed[np+q.SrcSrc] = true
				srcs = append(srcs, np+q.SrcSrc)
			}
		}
		sort.Ints(srcs)
		out = append(out, srcs...)
		placed[p] = true
		out = append(out, p)
	}
	for e := np; e < len(mp.m.Entities); e++ {
		if !placed[e] {
			out = append(out, e)
		}
	}
	return out
}

func (mp *mapper) openCore(slot int) {
	mp.epoch++
	mp.cur = coreFill{slot: slot, epoch: mp.epoch, profs: map[string]bool{}, thrs: map[string]bool{},
		programs: map[string]bool{}, entities: map[int]bool{}, empty: true}
}

// trial is the usage a candidate piece adds to the current core.
type trial struct {
	add      Usage
	newProfs []string
	newThrs  []string
	program  bool
}

// eval computes what piece [lo, hi) of entity e adds to the current core;
// with commit it also marks its input axons as counted on this core.
func (mp *mapper) eval(e, lo, hi int, commit bool) trial {
	en := mp.m.Entities[e]
	var t trial
	n := hi - lo
	t.add.Compartments = n * en.Comps
	// Profiles.
	seenP := map[string]bool{}
	addKey := func(keys []string, ids []int32, have map[string]bool, out *[]string) {
		if ids == nil {
			if len(keys) > 0 && !have[keys[0]] {
				*out = append(*out, keys[0])
			}
			return
		}
		clear(seenP)
		for i := lo; i < hi; i++ {
			k := keys[ids[i]]
			if !have[k] && !seenP[k] {
				seenP[k] = true
				*out = append(*out, k)
			}
		}
	}
	addKey(en.ProfKeys, en.Profile, mp.cur.profs, &t.newProfs)
	addKey(en.ThrKeys, en.Thresh, mp.cur.thrs, &t.newThrs)
	t.add.Profiles = len(t.newProfs)
	t.add.ThresholdProfiles = len(t.newThrs)
	if en.Cost.Datapath == DatapathMicrocode && !mp.cur.programs[en.Cost.Program] {
		t.program = true
		t.add.MicrocodeWords = en.Cost.MicrocodeWords
		t.add.LUTWords = en.Cost.LUTWords
	}
	if en.Events != nil {
		for i := lo; i < hi; i++ {
			t.add.GeneratorEvents += int(en.Events[i])
		}
	}
	for _, f := range mp.fan[e][lo:hi] {
		t.add.OutputAxons += int(f)
	}
	// Incoming synapses.
	var mark int64
	if commit {
		mark = mp.cur.epoch
	} else {
		mp.epoch++
		mark = mp.epoch
	}
	inst := mp.m.Inst
	for _, qi := range mp.in[e] {
		q := inst.Projections[qi]
		c := mp.cscs[qi]
		src := mp.m.ProjSrcEntity(q)
		ax := mp.axStamp[src]
		gs := mp.groups[qi]
		mp.epoch++
		gepoch := mp.epoch
		mp.touched = mp.touched[:0]
		maxDelay := 0
		for j := lo; j < hi; j++ {
			u := int32(j - lo)
			for x := c.col[j]; x < c.col[j+1]; x++ {
				k := c.syn[x]
				p := c.pre[k]
				if s := ax[p]; s != mp.cur.epoch && s != mark {
					ax[p] = mark
					t.add.InputAxons++
				}
				g := &gs[p]
				if g.stamp != gepoch {
					*g = groupStat{stamp: gepoch, n: 1, minU: u, maxU: u, prev: u, dense: true}
					mp.touched = append(mp.touched, p)
				} else {
					g.n++
					if u != g.prev+1 {
						g.dense = false
					}
					g.prev = u
					g.maxU = max(g.maxU, u)
				}
				if d := q.DelayAt(int(k)); d > maxDelay {
					maxDelay = d
				}
			}
		}
		if len(mp.touched) == 0 {
			continue
		}
		t.add.SynapseFormats++
		allDense, span := true, 0
		for _, p := range mp.touched {
			g := &gs[p]
			allDense = allDense && g.dense && g.minU == 0 && int(g.n) == n
			span = max(span, int(g.maxU)+1)
		}
		per := mp.m.Projs[qi].WeightBits + DelayBitsFor(maxDelay)
		if !allDense {
			per += IndexBitsFor(span)
		}
		words := 0
		for _, p := range mp.touched {
			n := int(gs[p].n)
			words += GroupWords(n, per)
			t.add.Synapses += n
		}
		t.add.SynapseBits += words * WordBits
	}
	return t
}

// violation returns the first limit the current core plus t exceeds.
func (mp *mapper) violation(t trial) (name string, value, limit int, remedy string) {
	u, a, l := mp.cur.use, t.add, mp.lim
	switch {
	case u.Compartments+a.Compartments > l.Compartments:
		return "compartments", u.Compartments + a.Compartments, l.Compartments, "the unit needs more compartments than a core has"
	case u.InputAxons+a.InputAxons > l.InputAxons:
		return "input axons", u.InputAxons + a.InputAxons, l.InputAxons, "split the population or lower fan-in"
	case u.OutputAxons+a.OutputAxons > l.OutputAxons:
		return "output axons", u.OutputAxons + a.OutputAxons, l.OutputAxons, "lower fan-out: the targets of each neuron span too many cores"
	case u.SynapseBits+a.SynapseBits > l.SynapseBits:
		return "synapse memory bits", u.SynapseBits + a.SynapseBits, l.SynapseBits, "lower fan-in or weight precision"
	case u.Profiles+a.Profiles > l.Profiles:
		return "compartment profiles", u.Profiles + a.Profiles, l.Profiles, "make the parameters homogeneous or use fewer distinct values"
	case u.ThresholdProfiles+a.ThresholdProfiles > l.ThresholdProfile:
		return "threshold profiles", u.ThresholdProfiles + a.ThresholdProfiles, l.ThresholdProfile, "use fewer distinct thresholds"
	case u.SynapseFormats+a.SynapseFormats > l.SynapseFormats:
		return "synapse formats", u.SynapseFormats + a.SynapseFormats, l.SynapseFormats, "fewer projections into one population"
	case u.MicrocodeWords+a.MicrocodeWords > l.MicrocodeWords:
		return "microcode words", u.MicrocodeWords + a.MicrocodeWords, l.MicrocodeWords, "simplify the unit"
	case u.LUTWords+a.LUTWords > l.LUTWords:
		return "LUT words", u.LUTWords + a.LUTWords, l.LUTWords, "use coarser lookup tables"
	case u.GeneratorEvents+a.GeneratorEvents > l.GeneratorEvents:
		return "generator events", u.GeneratorEvents + a.GeneratorEvents, l.GeneratorEvents, "split the spike list over more sources"
	}
	return "", 0, 0, ""
}

func (mp *mapper) fits(e, lo, hi int) bool {
	name, _, _, _ := mp.violation(mp.eval(e, lo, hi, false))
	return name == ""
}

func (mp *mapper) commit(e, lo, hi int) {
	t := mp.eval(e, lo, hi, true)
	u := &mp.cur.use
	a := t.add
	u.Compartments += a.Compartments
	u.InputAxons += a.InputAxons
	u.OutputAxons += a.OutputAxons
	u.SynapseBits += a.SynapseBits
	u.Synapses += a.Synapses
	u.Profiles += a.Profiles
	u.ThresholdProfiles += a.ThresholdProfiles
	u.SynapseFormats += a.SynapseFormats
	u.MicrocodeWords += a.MicrocodeWords
	u.LUTWords += a.LUTWords
	u.GeneratorEvents += a.GeneratorEvents
	for _, k := range t.newProfs {
		mp.cur.profs[k] = true
	}
	for _, k := range t.newThrs {
		mp.cur.thrs[k] = true
	}
	if t.program {
		mp.cur.programs[mp.m.Entities[e].Cost.Program] = true
	}
	mp.cur.entities[e] = true
	mp.cur.empty = false
}

// greedy places pieces in fill order; it returns the pieces with Core set
// to the fill slot, and the number of slots used.
func (mp *mapper) greedy() ([]Piece, int, error) {
	var pieces []Piece
	slot := 0
	mp.openCore(slot)
	next := func() {
		slot++
		mp.openCore(slot)
	}
	for _, e := range mp.order() {
		en := mp.m.Entities[e]
		lo := 0
		for lo < en.N {
			if mp.cur.entities[e] {
				next()
			}
			nmax := en.N - lo
			nmax = min(nmax, (mp.lim.Compartments-mp.cur.use.Compartments)/en.Comps)
			n := 0
			if nmax > 0 {
				if mp.fits(e, lo, lo+nmax) {
					n = nmax
				} else {
					a, b := 0, nmax // fits(a), !fits(b)
					for b-a > 1 {
						mid := a + (b-a)/2
						if mp.fits(e, lo, lo+mid) {
							a = mid
						} else {
							b = mid
						}
					}
					n = a
				}
			}
			if n == 0 {
				if mp.cur.empty {
					name, v, l, remedy := mp.violation(mp.eval(e, lo, lo+1, false))
					if name == "input axons" || name == "synapse memory bits" {
						remedy = "lower fan-in: one unit alone exceeds a core"
					}
					return nil, 0, &MapError{Limit: name, Core: mp.cfg.FillOrder(slot),
						Where: mp.m.entityLabel(e, lo, lo+1), Value: v, Max: l, Remedy: remedy}
				}
				next()
				continue
			}
			mp.commit(e, lo, lo+n)
			pieces = append(pieces, Piece{Entity: e, Lo: lo, Hi: lo + n, Core: slot, Comp0: mp.cur.use.Compartments - n*en.Comps})
			lo += n
		}
	}
	used := slot + 1
	if mp.cur.empty {
		used = slot
	}
	return pieces, used, nil
}

// build turns greedy output into a Mapping (cores at their fill-order ids).
func (mp *mapper) build(pieces []Piece, slots int) *Mapping {
	m := &Mapping{Chip: *mp.cfg, Model: mp.m, RateHz: mp.opt.RateHz, Pieces: pieces}
	per := mp.cfg.CoresPerChip()
	m.Chips = max(1, (slots+per-1)/per)
	m.Cores = make([]*CoreMap, slots)
	for s := range m.Cores {
		m.Cores[s] = &CoreMap{ID: mp.cfg.FillOrder(s)}
	}
	for i, p := range pieces {
		m.Cores[p.Core].Pieces = append(m.Cores[p.Core].Pieces, i)
	}
	m.sortCores()
	m.index()
	return m
}

// sortCores orders Cores by global id and renumbers Piece.Core.
func (m *Mapping) sortCores() {
	idx := make([]int, len(m.Cores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return m.Cores[idx[a]].ID < m.Cores[idx[b]].ID })
	newOf := make([]int, len(idx))
	cores := make([]*CoreMap, len(idx))
	for n, o := range idx {
		newOf[o] = n
		cores[n] = m.Cores[o]
	}
	for i := range m.Pieces {
		m.Pieces[i].Core = newOf[m.Pieces[i].Core]
	}
	for i := range m.Flows {
		m.Flows[i].From, m.Flows[i].To = newOf[m.Flows[i].From], newOf[m.Flows[i].To]
	}
	sort.Slice(m.Flows, func(a, b int) bool {
		fa, fb := m.Flows[a], m.Flows[b]
		if fa.From != fb.From {
			return fa.From < fb.From
		}
		return fa.To < fb.To
	})
	m.Cores = cores
	for _, c := range m.Cores {
		c.Loc = m.Chip.CoreLoc(c.ID, m.Chips)
	}
}

func (m *Mapping) index() {
	m.EntityPieces = make([][]int, len(m.Model.Entities))
	m.pieceOf = make([][]int32, len(m.Model.Entities))
	for e, en := range m.Model.Entities {
		m.pieceOf[e] = make([]int32, en.N)
	}
	for i, p := range m.Pieces {
		m.EntityPieces[p.Entity] = append(m.EntityPieces[p.Entity], i)
		for n := p.Lo; n < p.Hi; n++ {
			m.pieceOf[p.Entity][n] = int32(i)
		}
	}
}

// Group is one synaptic group: the synapses of one presynaptic neuron in
// one projection whose targets lie on one core, sorted by target.
type Group struct {
	Proj  int
	Pre   int
	Piece int     // the destination piece (hence core)
	Syn   []int32 // synapse positions k, sorted by (post, k)
}

// ForEachGroup calls fn for every synaptic group of projection qi, in
// order of presynaptic neuron and then destination piece (neuron order).
// The Syn slice is reused between calls.
func (m *Mapping) ForEachGroup(qi int, fn func(g *Group)) {
	q := m.Model.Inst.Projections[qi]
	dst := q.Dst
	var buf []int32
	g := &Group{Proj: qi}
	for i := 0; i < q.NPre; i++ {
		r0, r1 := q.Row[i], q.Row[i+1]
		if r0 == r1 {
			continue
		}
		buf = buf[:0]
		sorted := true
		for k := r0; k < r1; k++ {
			buf = append(buf, int32(k))
			if k > r0 && q.Post[k] < q.Post[k-1] {
				sorted = false
			}
		}
		if !sorted {
			sort.SliceStable(buf, func(a, b int) bool { return q.Post[buf[a]] < q.Post[buf[b]] })
		}
		start := 0
		for x := 1; x <= len(buf); x++ {
			if x == len(buf) || m.pieceOf[dst][q.Post[buf[x]]] != m.pieceOf[dst][q.Post[buf[start]]] {
				g.Pre = i
				g.Piece = int(m.pieceOf[dst][q.Post[buf[start]]])
				g.Syn = buf[start:x]
				fn(g)
				start = x
			}
		}
	}
}

// Format is the synapse format of one projection on one core.
type Format struct {
	Proj       int
	WeightBits int
	DelayBits  int
	IndexBits  int // 0: dense groups
}

// PerSynapse returns the bits per synapse.
func (f Format) PerSynapse() int { return f.WeightBits + f.DelayBits + f.IndexBits }

// Formats computes the synapse formats of every (projection, core): the
// result is indexed by core, then sorted by projection.
func (m *Mapping) Formats() [][]Format {
	inst := m.Model.Inst
	type acc struct {
		dense    bool
		span     int
		maxDelay int
		seen     bool
	}
	out := make([][]Format, len(m.Cores))
	for qi, q := range inst.Projections {
		per := make([]acc, len(m.Cores))
		for c := range per {
			per[c].dense = true
		}
		m.ForEachGroup(qi, func(g *Group) {
			p := &m.Pieces[g.Piece]
			a := &per[p.Core]
			a.seen = true
			prev := -1
			for _, k := range g.Syn {
				u := int(q.Post[k]) - p.Lo
				if u != prev+1 {
					a.dense = false
				}
				prev = u
				a.maxDelay = max(a.maxDelay, q.DelayAt(int(k)))
			}
			if len(g.Syn) != p.Hi-p.Lo {
				a.dense = false
			}
			a.span = max(a.span, prev+1)
		})
		for c, a := range per {
			if !a.seen {
				continue
			}
			f := Format{Proj: qi, WeightBits: m.Model.Projs[qi].WeightBits, DelayBits: DelayBitsFor(a.maxDelay)}
			if !a.dense {
				f.IndexBits = IndexBitsFor(a.span)
			}
			out[c] = append(out[c], f)
		}
	}
	return out
}

// account computes every core's exact usage and returns the cores whose
// output axons exceed the limit (other limits are checked as an error:
// they would be a mapper bug).
func (m *Mapping) account() ([]int, error) {
	inst := m.Model.Inst
	lim := &m.Chip.Limits
	if len(m.Cores) > 1<<16 || len(m.Model.Entities) > 1<<16 {
		return nil, &MapError{Msg: fmt.Sprintf("the network needs %d cores for %d populations and sources; at most 65,536 of each are supported",
			len(m.Cores), len(m.Model.Entities))}
	}
	m.pieceOut = make([]int, len(m.Pieces))
	m.neuronOut = make([][]int32, len(m.Model.Entities))
	for e, en := range m.Model.Entities {
		m.neuronOut[e] = make([]int32, en.N)
	}
	for _, c := range m.Cores {
		c.Usage = Usage{}
		profs, thrs, progs := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, pi := range c.Pieces {
			p := m.Pieces[pi]
			en := m.Model.Entities[p.Entity]
			c.Usage.Compartments += (p.Hi - p.Lo) * en.Comps
			for i := p.Lo; i < p.Hi; i++ {
				if en.Profile == nil {
					profs[en.ProfKeys[0]] = true
				} else {
					profs[en.ProfKeys[en.Profile[i]]] = true
				}
				if en.Thresh == nil {
					if len(en.ThrKeys) > 0 {
						thrs[en.ThrKeys[0]] = true
					}
				} else {
					thrs[en.ThrKeys[en.Thresh[i]]] = true
				}
				if en.Events != nil {
					c.Usage.GeneratorEvents += int(en.Events[i])
				}
			}
			if en.Cost.Datapath == DatapathMicrocode && !progs[en.Cost.Program] {
				progs[en.Cost.Program] = true
				c.Usage.MicrocodeWords += en.Cost.MicrocodeWords
				c.Usage.LUTWords += en.Cost.LUTWords
			}
		}
		c.Usage.Profiles, c.Usage.ThresholdProfiles = len(profs), len(thrs)
	}
	formats := m.Formats()
	fmtOf := func(c, qi int) Format {
		for _, f := range formats[c] {
			if f.Proj == qi {
				return f
			}
		}
		panic("loihi: mapper: no synapse format for a group")
	}
	for c, fs := range formats {
		m.Cores[c].Usage.SynapseFormats = len(fs)
	}
	// Axons: distinct (source entity, neuron, core) triples.
	var triples []uint64
	for qi, q := range inst.Projections {
		src := m.Model.ProjSrcEntity(q)
		m.ForEachGroup(qi, func(g *Group) {
			c := m.Pieces[g.Piece].Core
			f := fmtOf(c, qi)
			m.Cores[c].Usage.SynapseBits += GroupWords(len(g.Syn), f.PerSynapse()) * WordBits
			m.Cores[c].Usage.Synapses += len(g.Syn)
			triples = append(triples, uint64(src)<<48|uint64(g.Pre)<<16|uint64(c))
		})
	}
	sort.Slice(triples, func(a, b int) bool { return triples[a] < triples[b] })
	for x, t := range triples {
		if x > 0 && triples[x-1] == t {
			continue
		}
		e, pre, c := int(t>>48), int(t>>16&0xffffffff), int(t&0xffff)
		m.Cores[c].Usage.InputAxons++
		sc, _ := m.Locate(e, pre)
		m.Cores[sc].Usage.OutputAxons++
		m.pieceOut[m.pieceOf[e][pre]]++
		m.neuronOut[e][pre]++
	}
	var over []int
	for ci, c := range m.Cores {
		u := &c.Usage
		check := func(name string, v, l int) error {
			if v > l {
				return fmt.Errorf("loihi: mapper bug: core %d %s %d > %d after placement", c.ID, name, v, l)
			}
			return nil
		}
		for _, err := range []error{
			check("compartments", u.Compartments, lim.Compartments),
			check("input axons", u.InputAxons, lim.InputAxons),
			check("synapse bits", u.SynapseBits, lim.SynapseBits),
			check("profiles", u.Profiles, lim.Profiles),
			check("threshold profiles", u.ThresholdProfiles, lim.ThresholdProfile),
			check("synapse formats", u.SynapseFormats, lim.SynapseFormats),
			check("microcode words", u.MicrocodeWords, lim.MicrocodeWords),
			check("LUT words", u.LUTWords, lim.LUTWords),
			check("generator events", u.GeneratorEvents, lim.GeneratorEvents),
		} {
			if err != nil {
				return nil, err
			}
		}
		if u.OutputAxons > lim.OutputAxons {
			over = append(over, ci)
		}
	}
	return over, nil
}

// neuronRate returns the expected spikes per step of neuron i of entity e.
func (m *Mapping) neuronRate(e, i int) float64 {
	en := m.Model.Entities[e]
	dt := m.Model.Inst.Dt
	if en.RateHz != nil {
		return en.RateHz[i] * dt
	}
	return m.RateHz * dt
}

// traffic computes expected packets and synaptic events per step.
func (m *Mapping) traffic() {
	inst := m.Model.Inst
	for _, c := range m.Cores {
		c.PacketsIn, c.PacketsOut, c.SynEvents = 0, 0, 0
	}
	flows := map[[2]int]float64{}
	type key struct{ e, pre, c int }
	seen := map[key]bool{}
	for qi, q := range inst.Projections {
		src := m.Model.ProjSrcEntity(q)
		m.ForEachGroup(qi, func(g *Group) {
			c := m.Pieces[g.Piece].Core
			r := m.neuronRate(src, g.Pre)
			m.Cores[c].SynEvents += r * float64(len(g.Syn))
			k := key{src, g.Pre, c}
			if seen[k] {
				return
			}
			seen[k] = true
			sc, _ := m.Locate(src, g.Pre)
			m.Cores[c].PacketsIn += r
			m.Cores[sc].PacketsOut += r
			flows[[2]int{sc, c}] += r
		})
	}
	m.Flows = m.Flows[:0]
	for k, v := range flows {
		m.Flows = append(m.Flows, Flow{From: k[0], To: k[1], Packets: v})
	}
	sort.Slice(m.Flows, func(a, b int) bool {
		fa, fb := m.Flows[a], m.Flows[b]
		if fa.From != fb.From {
			return fa.From < fb.From
		}
		return fa.To < fb.To
	})
}

// hopCost is Σ flows × route energy.
func (m *Mapping) hopCost() float64 {
	s := 0.0
	for _, f := range m.Flows {
		s += f.Packets * m.Chip.RouteBetween(m.Cores[f.From].Loc, m.Cores[f.To].Loc).EnergyPJ
	}
	return s
}

// TilesUsed returns the number of distinct tiles holding used cores.
func (m *Mapping) TilesUsed() int {
	seen := map[[3]int]bool{}
	for _, c := range m.Cores {
		seen[[3]int{c.Loc.Chip, c.Loc.X, c.Loc.Y}] = true
	}
	return len(seen)
}

// keep ir imported for entity labels in future messages.
var _ = ir.NoNode
