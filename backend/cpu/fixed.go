package cpu

// Fixed mode: the quantised network (package fixed, made by the quantize
// pass) as a native program, bit-exact with every fixed-point backend
// (docs/fixed-point.md is the definition; fixed.Simulate its executable
// form). Every population's step is its integer update program emitted
// as straight-line i64 SSA — registers renamed to SSA values, homogeneous
// params as immediates, tables as constant arrays — inside the same
// neuron loop, thread split, spike lists, sources and delay rings as float
// mode. No floating point is used anywhere in the program: samples are
// written as raw register values and converted by the reader
// (fixed.Conv.Value).

import (
	"fmt"
	"math"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/value"

	"snnc/internal/fixed"
)

// fixedPop is the fixed-mode part of a population.
type fixedPop struct {
	fp       *fixed.Pop
	regArr   []*ir.Global // per register: state values, a heterogeneous param, or the recorded value of an acc/temp
	regConst []int64      // per register: a homogeneous param's value (regArr nil)
	homog    []bool
	accRing  []*ringGen // per accumulator register: its delay ring, or nil
	accStims [][]int    // per accumulator register: the stimuli into it
	luts     []*ir.Global
}

// BuildFixed generates the fixed-mode program of a quantised network.
func BuildFixed(n *fixed.Net, opt Options) (*Program, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	b := &builder{inst: n.Inst, opt: opt, steps: n.Steps, fixed: n, valElem: tI64}
	if opt.Steps > 0 {
		b.steps = opt.Steps
	}
	if opt.Threads < 0 {
		return nil, fmt.Errorf("cpu: negative thread count %d", opt.Threads)
	}
	b.m = ir.NewModule()
	setTarget(b.m)
	b.lib = newMathlib(b.m, opt.exp())
	b.data = &dataSet{m: b.m, limit: opt.embedLimit()}
	b.strs = &strTab{m: b.m, strs: map[string]*ir.Global{}}
	b.rt = declareRuntime(b.m)
	if err := b.buildFixed(); err != nil {
		return nil, err
	}
	return &Program{Module: b.m, Data: b.data.file(), Meta: b.meta, Mode: Fixed}, nil
}

func (b *builder) buildFixed() error {
	n, inst := b.fixed, b.inst
	b.stimVal = b.data.zero("snnc.stim.val", tI64, len(n.Stims))
	popList := make([]bool, len(n.Pops))
	srcList := make([]bool, len(inst.Sources))
	for _, pr := range n.Projections {
		ip := inst.Projections[pr.Index]
		if ip.SrcPop >= 0 {
			popList[ip.SrcPop] = true
		} else {
			srcList[ip.SrcSrc] = true
		}
	}
	for _, r := range inst.Records {
		if r.Kind == 0 { // instance.RecordSpikes
			if r.Pop >= 0 {
				popList[r.Pop] = true
			} else {
				srcList[r.Source] = true
			}
		}
	}
	recorded := map[[2]int]bool{}
	for _, r := range n.Records {
		recorded[[2]int{r.Pop, r.Reg}] = true
	}
	for i, fp := range n.Pops {
		b.pops = append(b.pops, b.newFixedPop(i, fp, popList[i], recorded))
	}
	for i, is := range inst.Sources {
		b.srcs = append(b.srcs, b.newSource(i, is, srcList[i]))
	}
	for _, pr := range n.Projections {
		b.projs = append(b.projs, b.newFixedProjection(pr))
	}
	for j, st := range n.Stims {
		b.stims = append(b.stims, b.newFixedStim(j, st))
	}
	b.setupFixedRecords()
	for _, p := range b.pops {
		b.emitFixedStep(p)
	}
	if err := b.emitRuntime(); err != nil {
		return err
	}
	b.lib.finish()
	return nil
}

// paddedInts extends v to pad elements with copies of its last one.
func paddedInts(v []int64, pad int) []int64 {
	out := make([]int64, pad)
	copy(out, v)
	for i := len(v); i < pad && len(v) > 0; i++ {
		out[i] = v[len(v)-1]
	}
	return out
}

func (b *builder) newFixedPop(idx int, fp *fixed.Pop, needList bool, recorded map[[2]int]bool) *popGen {
	prog := fp.Prog
	p := &popGen{idx: idx, id: fmt.Sprintf("p%d_%s", idx, sanitize(fp.Name)), n: fp.N, pad: padSize(fp.N), needList: needList}
	if idx < len(b.inst.Pops) {
		p.ip = b.inst.Pops[idx]
	}
	x := &fixedPop{fp: fp}
	p.fx = x
	p.cost = fixedCost(prog)
	nr := len(prog.Regs)
	x.regArr = make([]*ir.Global, nr)
	x.regConst = make([]int64, nr)
	x.homog = make([]bool, nr)
	x.accRing = make([]*ringGen, nr)
	x.accStims = make([][]int, nr)
	for r, reg := range prog.Regs {
		name := p.id + "." + sanitize(reg.Name)
		switch reg.Kind {
		case fixed.RegState:
			x.regArr[r] = b.data.ints(name, tI64, paddedInts(fp.Vals[r], p.pad))
		case fixed.RegParam:
			vals := fp.Vals[r]
			same := true
			for _, v := range vals {
				same = same && v == vals[0]
			}
			if same && len(vals) > 0 {
				x.homog[r], x.regConst[r] = true, vals[0]
			} else {
				x.regArr[r] = b.data.ints(name, tI64, paddedInts(vals, p.pad))
			}
		default: // acc, temp: an array only when recorded
			if recorded[[2]int{idx, r}] {
				x.regArr[r] = b.data.zero(name, tI64, p.pad)
			}
		}
	}
	maxDelay := map[int]int{}
	for _, pr := range b.fixed.Projections {
		if pr.Dst == idx {
			d := b.inst.Projections[pr.Index].MaxDelay()
			if old, ok := maxDelay[pr.Acc]; !ok || d > old {
				maxDelay[pr.Acc] = d
			}
		}
	}
	for r, reg := range prog.Regs {
		if d, ok := maxDelay[r]; ok {
			x.accRing[r] = &ringGen{g: b.data.zero(p.id+".ring."+sanitize(reg.Name), tI64, (d+1)*p.pad), l: d + 1, elem: tI64}
		}
	}
	for j, st := range b.fixed.Stims {
		if st.Pop == idx {
			x.accStims[st.Acc] = append(x.accStims[st.Acc], j)
		}
	}
	for ti, t := range prog.LUTs {
		elems := make([]constant.Constant, len(t.Vals))
		for i, v := range t.Vals {
			elems[i] = i64(v)
		}
		g := b.m.NewGlobalDef(fmt.Sprintf("%s.lut%d", p.id, ti), constant.NewArray(arrayOf(len(elems), tI64), elems...))
		g.Immutable, g.Linkage, g.Align = true, enum.LinkagePrivate, 64
		x.luts = append(x.luts, g)
	}
	p.hasCond = prog.Spike >= 0
	if p.hasCond {
		p.spk = b.data.zero(p.id+".spiked", tI8, (p.pad+7)/8*8)
	}
	if p.needList {
		p.list = b.data.zero(p.id+".spikes", tI32, p.n+1)
		p.count = b.data.scalar(p.id+".nspikes", tI64)
	}
	return p
}

func (b *builder) newFixedProjection(pr *fixed.Proj) *projGen {
	ip := b.inst.Projections[pr.Index]
	pg := b.newProjectionStructure(ip)
	id := fmt.Sprintf("proj%d", ip.Index)
	if pr.Weights != nil {
		pg.weights = b.data.ints(id+".weight", tI64, pr.Weights)
	} else {
		pg.weight = i64(pr.Weight)
	}
	pg.ring = b.pops[pr.Dst].fx.accRing[pr.Acc]
	return pg
}

// newFixedStim: the runs of the quantised stimulus, with a leading run of
// 0 when the first starts after step 0 (fixed.Stim.ValueAt).
func (b *builder) newFixedStim(j int, st *fixed.Stim) *stimGen {
	sg := &stimGen{}
	var steps, vals []int64
	if len(st.Runs) == 0 || st.Runs[0].Step > 0 {
		steps, vals = append(steps, 0), append(vals, 0)
	}
	for _, r := range st.Runs {
		steps, vals = append(steps, max(r.Step, 0)), append(vals, r.Value)
	}
	steps, vals = append(steps, math.MaxInt64), append(vals, 0)
	id := fmt.Sprintf("stim%d", j)
	sg.nRuns = len(vals) - 1
	sg.runStep = b.data.ints(id+".runstep", tI64, steps)
	sg.runVal = b.data.ints(id+".runval", tI64, vals)
	sg.cursor = b.data.scalar(id+".cursor", tI64)
	return sg
}

func (b *builder) setupFixedRecords() {
	n, inst := b.fixed, b.inst
	b.meta = &Meta{Version: 1, Network: n.Name, Mode: Fixed, Dt: n.Dt, Seed: n.Seed, Steps: b.steps}
	spikeRange := func(pop, src, size int) (int, int, bool) {
		lo, hi, any := size, 0, false
		for _, r := range inst.Records {
			if r.Kind == 0 && r.Pop == pop && r.Source == src {
				lo, hi, any = min(lo, r.Lo), max(hi, r.Hi), true
			}
		}
		return lo, hi, any
	}
	for pi, p := range n.Pops {
		if lo, hi, ok := spikeRange(pi, -1, p.N); ok {
			b.meta.Spikes = append(b.meta.Spikes, MetaSpikes{Name: p.Name, N: p.N, Lo: lo, Hi: hi})
			b.souts = append(b.souts, spikeOut{pop: pi, src: -1})
		}
	}
	for si, s := range inst.Sources {
		if lo, hi, ok := spikeRange(-1, si, s.N); ok {
			b.meta.Spikes = append(b.meta.Spikes, MetaSpikes{Name: s.Name, N: s.N, Lo: lo, Hi: hi})
			b.souts = append(b.souts, spikeOut{pop: -1, src: si})
		}
	}
	for _, r := range n.Records {
		c := r.Conv
		b.meta.Traces = append(b.meta.Traces, MetaTrace{Name: r.Name, Unit: r.Unit, Lo: r.Lo, Hi: r.Hi, Every: r.Every, Conv: &c})
		b.maxTr = max(b.maxTr, r.Hi-r.Lo)
	}
	for _, p := range n.Pops {
		mp := MetaPop{Name: p.Name}
		for _, r := range p.Prog.Regs {
			mp.States = append(mp.States, r.Name)
		}
		b.meta.Pops = append(b.meta.Pops, mp)
	}
	b.scratch = b.data.zero("snnc.scratch", tI64, b.maxTr)
}

// emitFixedStep emits i32 @pX.step(i64 k, i64 lo, i64 hi): deliver into
// the accumulators, then the population's program for every neuron
// lo ≤ i < hi (docs/fixed-point.md §6 steps 1–2). Returns 0.
func (b *builder) emitFixedStep(p *popGen) {
	x := p.fx
	prog := x.fp.Prog
	k, lo, hi := ir.NewParam("k", tI64), ir.NewParam("lo", tI64), ir.NewParam("hi", tI64)
	f := b.m.NewFunc(p.id+".step", tI32, k, lo, hi)
	defAttrs(f)
	p.step = f
	fb := newFB(f)
	entry := fb.cur
	slots := make([]value.Value, len(prog.Regs))
	stimSum := make([]value.Value, len(prog.Regs))
	for r, reg := range prog.Regs {
		if reg.Kind != fixed.RegAcc {
			continue
		}
		if ring := x.accRing[r]; ring != nil {
			var off value.Value = i64(0)
			if ring.l > 1 {
				off = entry.NewMul(entry.NewURem(k, i64(int64(ring.l))), i64(int64(p.pad)))
			}
			slots[r] = fb.named(entry.NewGetElementPtr(ring.g.ContentType, ring.g, i64(0), off), "slot."+sanitize(reg.Name))
		}
		for _, sj := range x.accStims[r] {
			v := fb.load(tI64, b.stimVal, i64(int64(sj)))
			if stimSum[r] == nil {
				stimSum[r] = v
			} else {
				stimSum[r] = entry.NewAdd(stimSum[r], v)
			}
		}
	}
	fb.loop("n", lo, hi, nil, func(i value.Value, _ []value.Value) []value.Value {
		regs := make([]value.Value, len(prog.Regs))
		for r, reg := range prog.Regs {
			name := sanitize(reg.Name)
			switch reg.Kind {
			case fixed.RegState:
				regs[r] = fb.named(fb.load(tI64, x.regArr[r], i), name)
			case fixed.RegParam:
				if x.homog[r] {
					regs[r] = i64(x.regConst[r])
				} else {
					regs[r] = fb.named(fb.load(tI64, x.regArr[r], i), name)
				}
			case fixed.RegAcc:
				// The step's sum: stimuli + arriving events, reduced to the
				// accumulator's type (modular, so the order is irrelevant).
				var v value.Value = i64(0)
				if stimSum[r] != nil {
					v = stimSum[r]
				}
				if sl := slots[r]; sl != nil {
					v = fb.cur.NewAdd(v, fb.load(tI64, sl, i))
					fb.store(tI64, i64(0), sl, i)
				}
				regs[r] = fb.named(reduceType(fb.cur, v, reg.Type), name)
			default:
				regs[r] = i64(0)
			}
		}
		for ci := range prog.Code {
			in := &prog.Code[ci]
			if c, ok := foldFixed(prog, in, regs); ok {
				regs[in.Dst] = i64(c)
				continue
			}
			regs[in.Dst] = lowerFixed(fb.cur, x, in, regs)
		}
		for r, reg := range prog.Regs {
			if reg.Kind == fixed.RegState {
				regs[r] = reduceType(fb.cur, regs[r], reg.Type)
				fb.store(tI64, regs[r], x.regArr[r], i)
			} else if reg.Kind != fixed.RegParam && x.regArr[r] != nil {
				fb.store(tI64, regs[r], x.regArr[r], i)
			}
		}
		if prog.Spike >= 0 {
			sp := fb.cur.NewICmp(enum.IPredNE, regs[prog.Spike], i64(0))
			fb.store(tI8, fb.cur.NewZExt(sp, tI8), p.spk, i)
		}
		return nil
	})
	fb.cur.NewRet(i32(0))
}

// foldFixed evaluates an instruction whose register operands are all
// constants (homogeneous params, cleared temporaries, folded results) with
// the reference semantics (fixed.Program.Eval).
func foldFixed(prog *fixed.Program, in *fixed.Instr, regs []value.Value) (int64, bool) {
	r := make([]int64, len(prog.Regs))
	for j := 0; j < in.Op.Info().NArgs; j++ {
		o := in.Args[j]
		if o.Imm {
			continue
		}
		c, ok := regs[o.Reg].(*constant.Int)
		if !ok {
			return 0, false
		}
		r[o.Reg] = c.X.Int64()
	}
	return prog.Eval(in, r), true
}

// reduceType stores x in type t: the low W bits, sign-extended (signed) or
// zero-extended (unsigned).
func reduceType(blk *ir.Block, x value.Value, t fixed.Type) value.Value {
	w := int64(t.Width)
	if w >= 64 {
		return x
	}
	if t.Signed {
		return blk.NewAShr(blk.NewShl(x, i64(64-w)), i64(64-w))
	}
	return blk.NewAnd(x, i64(int64(uint64(1)<<w-1)))
}

// shr emits round_R(x, s) (docs/fixed-point.md §2.1) for an immediate s.
func shr(blk *ir.Block, x value.Value, s int64, r fixed.Round) value.Value {
	if s == 0 {
		return x
	}
	switch r {
	case fixed.HalfUp:
		return blk.NewAShr(blk.NewAdd(x, i64(1<<(s-1))), i64(s))
	case fixed.Trunc:
		bias := blk.NewAnd(blk.NewAShr(x, i64(63)), i64(1<<s-1))
		return blk.NewAShr(blk.NewAdd(x, bias), i64(s))
	}
	return blk.NewAShr(x, i64(s))
}

func b2i(blk *ir.Block, c value.Value) value.Value { return blk.NewZExt(c, tI64) }

// lowerFixed is the one place that maps the integer program's ops to LLVM
// instructions (docs/fixed-point.md §2; fixed.Program.Eval is the
// reference). All arithmetic is on i64 and wraps: no nsw/nuw, and the
// divisions guard b = 0 and MinInt64/−1 before sdiv/srem.
func lowerFixed(blk *ir.Block, x *fixedPop, in *fixed.Instr, regs []value.Value) value.Value {
	arg := func(j int) value.Value {
		o := in.Args[j]
		if o.Imm {
			return i64(o.Val)
		}
		return regs[o.Reg]
	}
	imm := func(j int) int64 { return in.Args[j].Val }
	a := arg(0)
	switch in.Op {
	case fixed.OpMov:
		return a
	case fixed.OpNeg:
		return blk.NewSub(i64(0), a)
	case fixed.OpAbs:
		return blk.NewSelect(blk.NewICmp(enum.IPredSLT, a, i64(0)), blk.NewSub(i64(0), a), a)
	case fixed.OpLut:
		return lut(blk, x.fp.Prog.LUTs[in.LUT], x.luts[in.LUT], a)
	case fixed.OpAdd:
		return blk.NewAdd(a, arg(1))
	case fixed.OpSub:
		return blk.NewSub(a, arg(1))
	case fixed.OpMul:
		return blk.NewMul(a, arg(1))
	case fixed.OpMulSh:
		return shr(blk, blk.NewMul(a, arg(1)), imm(2), in.Rnd)
	case fixed.OpShl:
		return blk.NewShl(a, i64(imm(1)))
	case fixed.OpShr:
		return shr(blk, a, imm(1), in.Rnd)
	case fixed.OpDiv, fixed.OpRem:
		bb := arg(1)
		zero := blk.NewICmp(enum.IPredEQ, bb, i64(0))
		m1 := blk.NewICmp(enum.IPredEQ, bb, i64(-1))
		safe := blk.NewSelect(blk.NewOr(zero, m1), i64(1), bb)
		if in.Op == fixed.OpDiv {
			q := blk.NewSDiv(a, safe)
			return blk.NewSelect(zero, i64(0), blk.NewSelect(m1, blk.NewSub(i64(0), a), q))
		}
		r := blk.NewSRem(a, safe)
		return blk.NewSelect(zero, a, blk.NewSelect(m1, i64(0), r))
	case fixed.OpMin:
		bb := arg(1)
		return blk.NewSelect(blk.NewICmp(enum.IPredSLT, a, bb), a, bb)
	case fixed.OpMax:
		bb := arg(1)
		return blk.NewSelect(blk.NewICmp(enum.IPredSGT, a, bb), a, bb)
	case fixed.OpClamp:
		lo, hi := arg(1), arg(2)
		return blk.NewSelect(blk.NewICmp(enum.IPredSLT, a, lo), lo, blk.NewSelect(blk.NewICmp(enum.IPredSGT, a, hi), hi, a))
	case fixed.OpWrap:
		return reduceType(blk, a, fixed.Type{Signed: true, Width: uint8(imm(1))})
	case fixed.OpDecay:
		var f value.Value
		if c, ok := arg(1).(*constant.Int); ok {
			f = i64(4096 - c.X.Int64())
		} else {
			f = blk.NewSub(i64(4096), arg(1))
		}
		return shr(blk, blk.NewMul(a, f), 12, fixed.Trunc)
	case fixed.OpGt:
		return b2i(blk, blk.NewICmp(enum.IPredSGT, a, arg(1)))
	case fixed.OpGe:
		return b2i(blk, blk.NewICmp(enum.IPredSGE, a, arg(1)))
	case fixed.OpLt:
		return b2i(blk, blk.NewICmp(enum.IPredSLT, a, arg(1)))
	case fixed.OpLe:
		return b2i(blk, blk.NewICmp(enum.IPredSLE, a, arg(1)))
	case fixed.OpEq:
		return b2i(blk, blk.NewICmp(enum.IPredEQ, a, arg(1)))
	case fixed.OpNe:
		return b2i(blk, blk.NewICmp(enum.IPredNE, a, arg(1)))
	case fixed.OpAnd:
		return blk.NewAnd(a, arg(1))
	case fixed.OpOr:
		return blk.NewOr(a, arg(1))
	case fixed.OpXor:
		return blk.NewXor(a, arg(1))
	case fixed.OpSel:
		return blk.NewSelect(blk.NewICmp(enum.IPredNE, a, i64(0)), arg(1), arg(2))
	}
	panic(fmt.Sprintf("cpu: no lowering for fixed op %v", in.Op))
}

// lut emits fixed.LUT.At without branches: t = clamp(x − X0, 0,
// (N−1) << s), i = t >> s, and for an interpolating table V[i] +
// (((V[i+1] − V[i])·(t − (i << s))) >> s) with V[i+1] read at min(i+1,
// N−1), which adds 0 at the last entry exactly as the reference returns
// V[N−1].
func lut(blk *ir.Block, t *fixed.LUT, g *ir.Global, x value.Value) value.Value {
	n := int64(len(t.Vals))
	s := int64(t.Shift)
	u := blk.NewSub(x, i64(t.X0))
	top := i64((n - 1) << s)
	u2 := blk.NewSelect(blk.NewICmp(enum.IPredSLT, u, i64(0)), i64(0), blk.NewSelect(blk.NewICmp(enum.IPredSGT, u, top), top, u))
	idx := blk.NewAShr(u2, i64(s))
	at := func(j value.Value) value.Value {
		return blk.NewLoad(tI64, blk.NewGetElementPtr(g.ContentType, g, i64(0), j))
	}
	v0 := at(idx)
	if !t.Interp || n == 1 {
		return v0
	}
	var j1 value.Value = blk.NewAdd(idx, i64(1))
	j1 = blk.NewSelect(blk.NewICmp(enum.IPredSGT, j1, i64(n-1)), i64(n-1), j1)
	v1 := at(j1)
	frac := blk.NewSub(u2, blk.NewShl(idx, i64(s)))
	return blk.NewAdd(v0, blk.NewAShr(blk.NewMul(blk.NewSub(v1, v0), frac), i64(s)))
}

// emitFixedSample emits void @snnc.sample(i64 b): the fixed-mode traces
// due at step boundary b, as raw register values (record tag 4).
func (b *builder) emitFixedSample() *ir.Func {
	bp := ir.NewParam("b", tI64)
	f := b.m.NewFunc("snnc.sample", tVoid, bp)
	defAttrs(f)
	fb := newFB(f)
	for idx, r := range b.fixed.Records {
		p := b.pops[r.Pop]
		x := p.fx
		due := fb.cur.NewICmp(enum.IPredEQ, fb.cur.NewSRem(bp, i64(r.Every)), i64(0))
		fb.ifThen("trace", due, func() {
			b.writeStruct(fb, i32(tagSampleInt), i32(int64(idx)), bp)
			n := int64(r.Hi - r.Lo)
			if g := x.regArr[r.Reg]; g != nil {
				b.writeBytes(fb, fb.elemPtr(g, tI64, i64(int64(r.Lo))), i64(8*n))
				return
			}
			var v int64 // a homogeneous param, or a register never stored (0)
			if x.homog[r.Reg] {
				v = x.regConst[r.Reg]
			}
			fb.loop("val", i64(0), i64(n), nil, func(i value.Value, _ []value.Value) []value.Value {
				fb.store(tI64, i64(v), b.scratch, i)
				return nil
			})
			b.writeBytes(fb, fb.elemPtr(b.scratch, tI64, i64(0)), i64(8*n))
		})
	}
	fb.cur.NewRet(nil)
	return f
}
