package loihi

import (
	"errors"
	"fmt"
	"sort"

	"snnc/instance"
	"snnc/internal/fixed"
	"snnc/ir"
)

// The core image (docs/chip.md §12): everything the chip — and so the
// simulator — needs to run a network, and nothing else. The struct below
// is normative; imagebin.go gives its binary layout and imagetext.go the
// text form of `snnc dump --emit=loihi`.

// ImageMagic starts every binary image.
const ImageMagic = "SNNCIMG\x00"

// ImageVersion is the format version this package reads and writes.
const ImageVersion = 3

// Image is a compiled network for the chip.
type Image struct {
	Version int
	Chip    ChipConfig // geometry, limits, cycle costs and energy model
	Chips   int        // chips in use

	Network string
	Dt      float64 // s
	Steps   int64
	Seed    uint64

	Programs []*ImgProgram
	Entities []*ImgEntity
	Cores    []*ImgCore // ascending ID
	Stims    []*ImgStim
	Spikes   []*ImgSpikeProbe // in results order
	Traces   []*ImgTraceProbe // in record order
}

// ImgProgram is a microcode program with its register file and tables.
type ImgProgram struct {
	Name  string
	Regs  []ImgReg
	LUTs  []*fixed.LUT // Name, Type, X0, Shift, Interp, Vals (Comment not stored)
	Code  []uint64     // microcode (microcode.go)
	Spike int          // spike register, -1: never
}

// ImgReg is a program register.
type ImgReg struct {
	Name string
	Kind fixed.RegKind
	Type fixed.Type
}

// ImgEntity is a population or source and where its neurons are.
type ImgEntity struct {
	Name     string
	Source   bool
	N        int
	Datapath Datapath
	Program  int // index into Programs (CUBA too: its register layout), -1 for generators
	Comps    int // compartments per unit
	// Targets[j] is the accumulator register fed by compartment j's ring.
	Targets []int
	// RegWord[r] is the word of the unit's compartment words holding
	// register r (states and per-neuron params; 2 words when wider than 32
	// bits), -1 when not stored per neuron.
	RegWord []int
	Pieces  []ImgPiece
}

// ImgPiece is a contiguous range of an entity's neurons on one core.
type ImgPiece struct {
	Core   int // index into Image.Cores
	Lo, Hi int
	Comp0  int
}

// ImgCore is one core's memories (docs/chip.md §2).
type ImgCore struct {
	ID         int
	RingSlots  int // dendritic ring depth (power of two, ≥ max delay + 2)
	Profiles   []ImgProfile
	Thresholds []int64 // vth (CUBA compares v > vth << 6)
	Comps      []ImgComp
	Formats    []ImgFormat
	InAxons    []ImgInAxon
	SynMem     []uint64
	OutAxons   []ImgOutAxon
	Events     []ImgEvent // spike-list generator memory, by step then compartment
}

// ImgProfile is a compartment profile.
type ImgProfile struct {
	Datapath Datapath
	Program  int     // microcode and CUBA: index into Programs
	Du, Dv   int64   // CUBA
	RefR     int64   // CUBA: refractory steps after a spike (R − 1)
	Consts   []int64 // microcode: per register, the value of params shared by the profile
	Poisson  uint64  // Poisson: spike iff Draw(key, k) >> 11 < Poisson
}

// ImgComp is one compartment.
type ImgComp struct {
	Profile  uint8
	Thresh   uint8
	Words    [2]uint32 // state words (CUBA: u, v; Poisson: the key, low word first)
	BiasMant int16     // CUBA: 13-bit bias mantissa
	BiasExp  uint8     // CUBA: 0..7
	Ref      uint8     // CUBA: refractory steps left
	OutStart uint16    // soma: first output axon
	OutCount uint16    // soma: number of output axons
}

// ImgFormat is a synapse format: how one projection's synapses on this
// core are stored, and where they land.
type ImgFormat struct {
	Proj       int // the projection (for the dump)
	WeightBits uint8
	DelayBits  uint8
	IndexBits  uint8 // 0: dense (a synapse to every unit of the piece, in order)
	Weight     WeightFormat
	Base       uint16 // compartment of the piece's first unit
	Units      uint16 // units in the piece (dense groups)
	Stride     uint8  // compartments per unit
	Target     uint8  // compartment within the unit (its accumulator ring)
}

// ImgInAxon is an input axon: a range of synapse-memory words.
type ImgInAxon struct {
	Ptr   uint16
	Words uint16
}

// ImgOutAxon is an output axon: a destination core (global id) and an
// input axon there.
type ImgOutAxon struct {
	Core uint32
	Axon uint16
}

// ImgEvent is a spike-list event.
type ImgEvent struct {
	Step int64
	Comp uint16
}

// ImgStim is a stimulus schedule (played by the LMT into stimulus registers).
type ImgStim struct {
	Name   string
	Entity int
	Acc    int // accumulator register
	Runs   []fixed.Run
}

// ImgSpikeProbe records the spikes of neurons Lo ≤ i < Hi of an entity.
type ImgSpikeProbe struct {
	Name   string
	Entity int
	N      int
	Lo, Hi int
}

// ImgTraceProbe records a register of neurons Lo ≤ i < Hi every Every
// steps (and at step boundary 0).
type ImgTraceProbe struct {
	Name   string
	Unit   string
	Entity int
	Reg    int
	Lo, Hi int
	Every  int64
	Conv   fixed.Conv
}

// BuildImage lowers a mapped, quantised network to a core image.
func BuildImage(mp *Mapping, net *fixed.Net) (*Image, error) {
	inst := net.Inst
	if mp.Model.Inst != inst {
		return nil, fmt.Errorf("loihi: the mapping and the quantised network come from different instances")
	}
	img := &Image{
		Version: ImageVersion, Chip: mp.Chip, Chips: mp.Chips,
		Network: net.Name, Dt: net.Dt, Steps: net.Steps, Seed: net.Seed,
	}
	b := &imgBuilder{mp: mp, net: net, img: img, progIdx: map[string]int{}}
	if err := b.programs(); err != nil {
		return nil, err
	}
	b.entities()
	if err := b.cores(); err != nil {
		return nil, err
	}
	for _, s := range net.Stims {
		img.Stims = append(img.Stims, &ImgStim{Name: s.Name, Entity: s.Pop, Acc: s.Acc, Runs: append([]fixed.Run(nil), s.Runs...)})
	}
	b.probes()
	return img, nil
}

type imgBuilder struct {
	mp      *Mapping
	net     *fixed.Net
	img     *Image
	progIdx map[string]int
	entProg []int
	het     [][]bool
	wfmt    []WeightFormat
}

func (b *imgBuilder) programs() error {
	np := len(b.net.Pops)
	b.entProg = make([]int, len(b.mp.Model.Entities))
	b.het = make([][]bool, np)
	for e := range b.entProg {
		b.entProg[e] = -1
	}
	for pi, p := range b.net.Pops {
		b.het[pi] = HetParams(p)
		key := ProgramKey(p.Prog)
		idx, ok := b.progIdx[key]
		if !ok {
			code, err := EncodeMicrocode(p.Prog)
			if err != nil {
				return err
			}
			ip := &ImgProgram{Name: p.Prog.Name, Code: code, Spike: int(p.Prog.Spike)}
			for _, r := range p.Prog.Regs {
				ip.Regs = append(ip.Regs, ImgReg{Name: r.Name, Kind: r.Kind, Type: r.Type})
			}
			for _, t := range p.Prog.LUTs {
				ip.LUTs = append(ip.LUTs, &fixed.LUT{Name: t.Name, Type: t.Type, X0: t.X0, Shift: t.Shift, Interp: t.Interp, Vals: append([]int64(nil), t.Vals...)})
			}
			idx = len(b.img.Programs)
			b.img.Programs = append(b.img.Programs, ip)
			b.progIdx[key] = idx
		}
		b.entProg[pi] = idx
	}
	b.wfmt = make([]WeightFormat, len(b.net.Inst.Projections))
	for _, q := range b.net.Projections {
		name := b.net.Inst.Projections[q.Index].Name
		f, err := WeightFormatIn(q, b.net.Inst.Projections[q.Index].NumSynapses(), b.img.Chip.Limits)
		var ee *WeightExpError
		if errors.As(err, &ee) {
			return fmt.Errorf("connect %s: %v (the chip's synapses hold weight_exp %d..%d); %s", name, ee, ee.Min, ee.Max, ee.Remedy())
		}
		if err != nil {
			return fmt.Errorf("connect %s: %w", name, err)
		}
		b.wfmt[q.Index] = f
	}
	return nil
}

func (b *imgBuilder) entities() {
	m := b.mp.Model
	for e, en := range m.Entities {
		ie := &ImgEntity{Name: en.Name, Source: en.Source, N: en.N, Datapath: en.Cost.Datapath,
			Program: b.entProg[e], Comps: en.Comps}
		for _, t := range en.Targets {
			ie.Targets = append(ie.Targets, t.Index)
		}
		if !en.Source {
			p := b.net.Pops[e]
			ie.RegWord = make([]int, len(p.Prog.Regs))
			w := 0
			for r, reg := range p.Prog.Regs {
				ie.RegWord[r] = -1
				if en.Cost.Datapath == DatapathCUBA {
					continue
				}
				if reg.Kind == fixed.RegState || (reg.Kind == fixed.RegParam && b.het[e][r]) {
					ie.RegWord[r] = w
					w += RegWords(reg.Type)
				}
			}
			if en.Cost.Datapath == DatapathCUBA {
				ie.RegWord[p.Prog.Reg(fixed.CubaRegU)] = 0
				ie.RegWord[p.Prog.Reg(fixed.CubaRegV)] = 1
			}
		}
		for _, pi := range b.mp.EntityPieces[e] {
			p := b.mp.Pieces[pi]
			ie.Pieces = append(ie.Pieces, ImgPiece{Core: p.Core, Lo: p.Lo, Hi: p.Hi, Comp0: p.Comp0})
		}
		b.img.Entities = append(b.img.Entities, ie)
	}
}

// axonKey names an input axon: (source entity, neuron).
type axonKey struct{ e, pre int }

func (b *imgBuilder) cores() error {
	mp, inst, img := b.mp, b.net.Inst, b.img
	formats := mp.Formats()
	// Per core: its groups by input axon.
	type grp struct {
		proj int
		syn  []int32
		fmt  int
	}
	axGroups := make([]map[axonKey][]grp, len(mp.Cores))
	maxDelay := make([]int, len(mp.Cores))
	for c := range axGroups {
		axGroups[c] = map[axonKey][]grp{}
	}
	for qi, q := range inst.Projections {
		src := mp.Model.ProjSrcEntity(q)
		mp.ForEachGroup(qi, func(g *Group) {
			c := mp.Pieces[g.Piece].Core
			fi := -1
			for x, f := range formats[c] {
				if f.Proj == qi {
					fi = x
				}
			}
			for _, k := range g.Syn {
				maxDelay[c] = max(maxDelay[c], q.DelayAt(int(k)))
			}
			k := axonKey{src, g.Pre}
			axGroups[c][k] = append(axGroups[c][k], grp{qi, append([]int32(nil), g.Syn...), fi})
		})
	}
	// Input axon ids: sorted (entity, neuron) per core.
	axonID := make([]map[axonKey]int, len(mp.Cores))
	outs := map[axonKey][]ImgOutAxon{}
	for c := range mp.Cores {
		keys := make([]axonKey, 0, len(axGroups[c]))
		for k := range axGroups[c] {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].e != keys[j].e {
				return keys[i].e < keys[j].e
			}
			return keys[i].pre < keys[j].pre
		})
		axonID[c] = map[axonKey]int{}
		for id, k := range keys {
			axonID[c][k] = id
			outs[k] = append(outs[k], ImgOutAxon{Core: uint32(mp.Cores[c].ID), Axon: uint16(id)})
		}
		_ = keys
	}
	for c, cm := range mp.Cores {
		ic := &ImgCore{ID: cm.ID}
		slots := 2
		for slots < maxDelay[c]+2 {
			slots *= 2
		}
		ic.RingSlots = slots
		// Formats.
		for _, f := range formats[c] {
			q := inst.Projections[f.Proj]
			var piece *Piece
			for _, pi := range cm.Pieces {
				if p := &mp.Pieces[pi]; p.Entity == q.Dst {
					piece = p
				}
			}
			en := mp.Model.Entities[q.Dst]
			j := -1
			for x, t := range en.Targets {
				if t.Index == b.accOf(f.Proj) {
					j = x
				}
			}
			if piece == nil || j < 0 {
				return fmt.Errorf("loihi: image: projection %s has synapses on core %d but no target there", q.Name, cm.ID)
			}
			wf := b.wfmt[f.Proj]
			ic.Formats = append(ic.Formats, ImgFormat{Proj: f.Proj, WeightBits: uint8(wf.Bits), DelayBits: uint8(f.DelayBits),
				IndexBits: uint8(f.IndexBits), Weight: wf, Base: uint16(piece.Comp0), Units: uint16(piece.Hi - piece.Lo),
				Stride: uint8(en.Comps), Target: uint8(j)})
		}
		// Synapse memory, one input axon at a time.
		keys := make([]axonKey, len(axonID[c]))
		for k, id := range axonID[c] {
			keys[id] = k
		}
		for _, k := range keys {
			ptr := len(ic.SynMem)
			for _, g := range axGroups[c][k] {
				f := &ic.Formats[g.fmt]
				q := inst.Projections[g.proj]
				piece := &mp.Pieces[mp.PieceOf(q.Dst, int(q.Post[g.syn[0]]))]
				ic.SynMem = appendBlocks(ic.SynMem, g.fmt, f, q, b.net.Projections[b.projIdx(g.proj)], g.syn, piece.Lo)
			}
			ic.InAxons = append(ic.InAxons, ImgInAxon{Ptr: uint16(ptr), Words: uint16(len(ic.SynMem) - ptr)})
		}
		if got, want := len(ic.SynMem)*WordBits, cm.Usage.SynapseBits; got != want {
			return fmt.Errorf("loihi: image: core %d synapse memory %d bits, the mapper counted %d", cm.ID, got, want)
		}
		if err := b.compartments(ic, cm, outs); err != nil {
			return err
		}
		img.Cores = append(img.Cores, ic)
	}
	return nil
}

// projIdx returns the index in net.Projections of instance projection qi.
func (b *imgBuilder) projIdx(qi int) int {
	for x, q := range b.net.Projections {
		if q.Index == qi {
			return x
		}
	}
	panic(fmt.Sprintf("loihi: image: projection %d not quantised", qi))
}

func (b *imgBuilder) accOf(qi int) int { return b.net.Projections[b.projIdx(qi)].Acc }

// appendBlocks encodes one group (docs/chip.md §3): blocks of up to 64
// synapses, each a 10-bit header (format, count−1) then per synapse the
// weight, delay and index fields, LSB first, each block in whole words.
func appendBlocks(mem []uint64, fi int, f *ImgFormat, q *instance.Projection, fp *fixed.Proj, syn []int32, lo int) []uint64 {
	for s := 0; s < len(syn); s += BlockSynapses {
		blk := syn[s:min(s+BlockSynapses, len(syn))]
		var w bitWriter
		w.put(uint64(fi), 4)
		w.put(uint64(len(blk)-1), 6)
		for _, k := range blk {
			w.put(f.Weight.Field(fp.WeightAt(int(k))), int(f.WeightBits))
			w.put(uint64(q.DelayAt(int(k))), int(f.DelayBits))
			w.put(uint64(int(q.Post[k])-lo), int(f.IndexBits))
		}
		mem = append(mem, w.words...)
	}
	return mem
}

type bitWriter struct {
	words []uint64
	n     int // bits written
}

func (w *bitWriter) put(v uint64, bits int) {
	for bits > 0 {
		if w.n%64 == 0 {
			w.words = append(w.words, 0)
		}
		off := w.n % 64
		take := min(bits, 64-off)
		w.words[len(w.words)-1] |= (v & (1<<take - 1)) << off
		v >>= take
		bits -= take
		w.n += take
	}
}

// BitReader reads LSB-first fields from synapse memory.
type BitReader struct {
	Words []uint64
	N     int
}

// Get reads bits bits.
func (r *BitReader) Get(bits int) uint64 {
	var v uint64
	got := 0
	for got < bits {
		off := r.N % 64
		take := min(bits-got, 64-off)
		v |= (r.Words[r.N/64] >> off & (1<<take - 1)) << got
		got += take
		r.N += take
	}
	return v
}

// Align moves to the next word boundary.
func (r *BitReader) Align() { r.N = (r.N + 63) / 64 * 64 }

func (b *imgBuilder) compartments(ic *ImgCore, cm *CoreMap, outs map[axonKey][]ImgOutAxon) error {
	mp, net := b.mp, b.net
	ic.Comps = make([]ImgComp, cm.Usage.Compartments)
	profIdx, thrIdx := map[string]int{}, map[string]int{}
	profile := func(key string, p ImgProfile) uint8 {
		i, ok := profIdx[key]
		if !ok {
			i = len(ic.Profiles)
			profIdx[key] = i
			ic.Profiles = append(ic.Profiles, p)
		}
		return uint8(i)
	}
	thresh := func(v int64) uint8 {
		k := fmt.Sprint(v)
		i, ok := thrIdx[k]
		if !ok {
			i = len(ic.Thresholds)
			thrIdx[k] = i
			ic.Thresholds = append(ic.Thresholds, v)
		}
		return uint8(i)
	}
	for _, pi := range cm.Pieces {
		p := mp.Pieces[pi]
		en := mp.Model.Entities[p.Entity]
		ie := b.img.Entities[p.Entity]
		for i := p.Lo; i < p.Hi; i++ {
			c0 := p.Comp0 + (i-p.Lo)*en.Comps
			soma := &ic.Comps[c0]
			k := axonKey{p.Entity, i}
			if o := outs[k]; len(o) > 0 {
				sort.Slice(o, func(a, b int) bool {
					if o[a].Core != o[b].Core {
						return o[a].Core < o[b].Core
					}
					return o[a].Axon < o[b].Axon
				})
				soma.OutStart, soma.OutCount = uint16(len(ic.OutAxons)), uint16(len(o))
				ic.OutAxons = append(ic.OutAxons, o...)
			}
			var prof uint8
			switch en.Cost.Datapath {
			case DatapathPoisson:
				src := net.Inst.Sources[en.Index]
				th := src.Threshold
				if src.Thresholds != nil {
					th = src.Thresholds[i]
				}
				prof = profile(fmt.Sprintf("poisson|%d", th), ImgProfile{Datapath: DatapathPoisson, Program: -1, Poisson: th})
				key := src.Keys[i]
				soma.Words = [2]uint32{uint32(key), uint32(key >> 32)}
			case DatapathSpikeList:
				prof = profile("spikelist", ImgProfile{Datapath: DatapathSpikeList, Program: -1})
			case DatapathCUBA:
				pop := net.Pops[p.Entity]
				v := func(name string) int64 {
					if r := pop.Prog.Reg(name); r >= 0 {
						return pop.Vals[r][i]
					}
					return 0
				}
				pr := ImgProfile{Datapath: DatapathCUBA, Program: ie.Program, Du: v(fixed.CubaRegDu), Dv: v(fixed.CubaRegDv), RefR: v(fixed.CubaRegRefR)}
				prof = profile(fmt.Sprintf("cuba|%d|%d|%d", pr.Du, pr.Dv, pr.RefR), pr)
				vth := v(fixed.CubaRegVth)
				if vth&(1<<fixed.CubaActShift-1) != 0 {
					return fmt.Errorf("pop %s neuron %d: threshold register %d is not vth << 6", pop.Name, i, vth)
				}
				soma.Thresh = thresh(vth >> fixed.CubaActShift)
				mant, exp, ok := splitBias(v(fixed.CubaRegBias))
				if !ok {
					return fmt.Errorf("pop %s neuron %d: bias %d is not bias_mant << bias_exp (13-bit mantissa, exponent 0..7)", pop.Name, i, v(fixed.CubaRegBias))
				}
				soma.BiasMant, soma.BiasExp = int16(mant), uint8(exp)
				for _, name := range []string{fixed.CubaRegU, fixed.CubaRegV, fixed.CubaRegRef} {
					if r := pop.Prog.Reg(name); r >= 0 && pop.Prog.Regs[r].Type.Reduce(v(name)) != v(name) {
						return fmt.Errorf("pop %s neuron %d: initial %s = %d does not fit its type", pop.Name, i, name, v(name))
					}
				}
				soma.Words = [2]uint32{uint32(v(fixed.CubaRegU)), uint32(v(fixed.CubaRegV))}
				soma.Ref = uint8(v(fixed.CubaRegRef))
			case DatapathMicrocode:
				pop := net.Pops[p.Entity]
				consts := make([]int64, len(pop.Prog.Regs))
				key := fmt.Sprintf("microcode|%d", ie.Program)
				for r, reg := range pop.Prog.Regs {
					if reg.Kind == fixed.RegParam && !b.het[p.Entity][r] && len(pop.Vals[r]) > 0 {
						consts[r] = pop.Vals[r][i]
						key += fmt.Sprintf("|%d", consts[r])
					}
				}
				prof = profile(key, ImgProfile{Datapath: DatapathMicrocode, Program: ie.Program, Consts: consts})
				for r, reg := range pop.Prog.Regs {
					w := ie.RegWord[r]
					if w < 0 {
						continue
					}
					x := pop.Vals[r][i]
					if reg.Type.Reduce(x) != x {
						return fmt.Errorf("pop %s neuron %d: initial %s = %d does not fit its type %s", pop.Name, i, reg.Name, x, reg.Type)
					}
					setWord(ic.Comps[c0+w/2:], w%2, uint32(x))
					if RegWords(pop.Prog.Regs[r].Type) == 2 {
						setWord(ic.Comps[c0+(w+1)/2:], (w+1)%2, uint32(uint64(x)>>32))
					}
				}
			}
			for c := c0; c < c0+en.Comps; c++ {
				ic.Comps[c].Profile = prof
			}
			if en.Cost.Datapath == DatapathSpikeList {
				src := net.Inst.Sources[en.Index]
				for x, n := range src.EvNeuron {
					if int(n) == i {
						ic.Events = append(ic.Events, ImgEvent{Step: src.EvStep[x], Comp: uint16(c0)})
					}
				}
			}
		}
	}
	sort.SliceStable(ic.Events, func(a, b int) bool {
		if ic.Events[a].Step != ic.Events[b].Step {
			return ic.Events[a].Step < ic.Events[b].Step
		}
		return ic.Events[a].Comp < ic.Events[b].Comp
	})
	if len(ic.Profiles) > b.img.Chip.Limits.Profiles || len(ic.Thresholds) > b.img.Chip.Limits.ThresholdProfile {
		return fmt.Errorf("loihi: image: core %d has %d profiles and %d thresholds", ic.ID, len(ic.Profiles), len(ic.Thresholds))
	}
	return nil
}

func setWord(c []ImgComp, half int, v uint32) { c[0].Words[half] = v }

// splitBias writes b as mant << exp with a 13-bit signed mantissa and the
// smallest exponent 0..7.
func splitBias(b int64) (mant, exp int64, ok bool) {
	for e := int64(0); e <= 7; e++ {
		m := b >> e
		if m<<e != b {
			return 0, 0, false
		}
		if m >= fixed.CubaBiasMin && m <= fixed.CubaBiasMax {
			return m, e, true
		}
	}
	return 0, 0, false
}

func (b *imgBuilder) probes() {
	inst, img := b.net.Inst, b.img
	rng := func(pop, src, size int) (int, int, bool) {
		lo, hi, any := size, 0, false
		for _, r := range inst.Records {
			if r.Kind == instance.RecordSpikes && r.Pop == pop && r.Source == src {
				lo, hi, any = min(lo, r.Lo), max(hi, r.Hi), true
			}
		}
		return lo, hi, any
	}
	for pi, p := range inst.Pops {
		if lo, hi, ok := rng(pi, -1, p.N); ok {
			img.Spikes = append(img.Spikes, &ImgSpikeProbe{Name: p.Name, Entity: pi, N: p.N, Lo: lo, Hi: hi})
		}
	}
	for si, s := range inst.Sources {
		if lo, hi, ok := rng(-1, si, s.N); ok {
			img.Spikes = append(img.Spikes, &ImgSpikeProbe{Name: s.Name, Entity: len(inst.Pops) + si, N: s.N, Lo: lo, Hi: hi})
		}
	}
	for _, r := range b.net.Records {
		img.Traces = append(img.Traces, &ImgTraceProbe{Name: r.Name, Unit: r.Unit, Entity: r.Pop, Reg: r.Reg,
			Lo: r.Lo, Hi: r.Hi, Every: r.Every, Conv: r.Conv})
	}
}

var _ = ir.NoNode

// Synapses decodes input axon a of the core, calling fn for every synapse
// with its target compartment (whose accumulator ring receives it), its
// delay in steps and its integer weight (docs/chip.md §3). Dense groups
// (no index field) address the units of their piece in order.
func (co *ImgCore) Synapses(a int, fn func(comp, delay int, weight int64)) error {
	ax := co.InAxons[a]
	r := BitReader{Words: co.SynMem[int(ax.Ptr) : int(ax.Ptr)+int(ax.Words)]}
	end := int(ax.Words) * WordBits
	var dense [16]int
	for r.N < end {
		fi := int(r.Get(4))
		n := int(r.Get(6)) + 1
		if fi >= len(co.Formats) {
			return fmt.Errorf("core %d axon %d: format %d does not exist", co.ID, a, fi)
		}
		f := &co.Formats[fi]
		if r.N+n*int(f.WeightBits+f.DelayBits+f.IndexBits) > end {
			return fmt.Errorf("core %d axon %d: block runs past the axon's words", co.ID, a)
		}
		for s := 0; s < n; s++ {
			w := f.Weight.Weight(r.Get(int(f.WeightBits)))
			d := int(r.Get(int(f.DelayBits)))
			var u int
			if f.IndexBits == 0 {
				u = dense[fi] % max(int(f.Units), 1)
				dense[fi]++
			} else {
				u = int(r.Get(int(f.IndexBits)))
			}
			if u >= int(f.Units) {
				return fmt.Errorf("core %d axon %d: synapse to unit %d of a piece of %d", co.ID, a, u, f.Units)
			}
			fn(int(f.Base)+u*int(f.Stride)+int(f.Target), d, w)
		}
		r.Align()
	}
	return nil
}
