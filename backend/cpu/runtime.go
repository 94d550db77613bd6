package cpu

// The program around the population steps: main (arguments, data file,
// output stream), the per-thread step loop with its barrier, and the serial
// part of every step (spike lists, sources, synaptic delivery, stimuli,
// recording, the non-finite check). Everything is emitted as LLVM IR; the
// program calls only libc and libpthread.

import (
	"fmt"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"snnc/instance"
	snn "snnc/ir"
)

// runtimeDecls are the libc functions and the program's global variables.
type runtimeDecls struct {
	fopen, fdopen, fread, fwrite, fclose, setvbuf, getopt, strtol, write, dprintf, readlink,
	strlen, memcpy, malloc, getNprocs, clockGettime, pthreadCreate, pthreadJoin, exit, pause *ir.Func
	optarg *ir.Global

	out, nthreads, bad, stop, done                 *ir.Global
	errPop, errNeuron, errState, errValue, errStep *ir.Global
	gen, sleepers, quit                            *ir.Global // the step generation (futex word), sleeping workers, exit
	next, ndone, step, active                      *ir.Global // per thread the next chunk of its range (one cache line each); chunks done; the step; threads sharing it
	syscall, schedYield                            *ir.Func
}

func declareRuntime(m *ir.Module) *runtimeDecls {
	d := func(name string, ret types.Type, params ...types.Type) *ir.Func {
		var ps []*ir.Param
		for i, t := range params {
			ps = append(ps, ir.NewParam(fmt.Sprintf("a%d", i), t))
		}
		return m.NewFunc(name, ret, ps...)
	}
	r := &runtimeDecls{}
	r.fopen = d("fopen", tI8p, tI8p, tI8p)
	r.fdopen = d("fdopen", tI8p, tI32, tI8p)
	r.fread = d("fread", tI64, tI8p, tI64, tI64, tI8p)
	r.fwrite = d("fwrite", tI64, tI8p, tI64, tI64, tI8p)
	r.fclose = d("fclose", tI32, tI8p)
	r.setvbuf = d("setvbuf", tI32, tI8p, tI8p, tI32, tI64)
	r.getopt = d("getopt", tI32, tI32, tI8pp, tI8p)
	r.strtol = d("strtol", tI64, tI8p, tI8pp, tI32)
	r.write = d("write", tI64, tI32, tI8p, tI64)
	r.dprintf = d("dprintf", tI32, tI32, tI8p)
	r.dprintf.Sig.Variadic = true
	r.readlink = d("readlink", tI64, tI8p, tI8p, tI64)
	r.strlen = d("strlen", tI64, tI8p)
	r.memcpy = d("llvm.memcpy.p0i8.p0i8.i64", tVoid, tI8p, tI8p, tI64, tI1)
	r.malloc = d("malloc", tI8p, tI64)
	r.getNprocs = d("get_nprocs", tI32)
	r.clockGettime = d("clock_gettime", tI32, tI32, tI8p)
	thrFn := types.NewPointer(types.NewFunc(tI8p, tI8p))
	r.pthreadCreate = d("pthread_create", tI32, tI64p, tI8p, thrFn, tI8p)
	r.pthreadJoin = d("pthread_join", tI32, tI64, tI8pp)
	r.exit = d("exit", tVoid, tI32)
	r.exit.FuncAttrs = append(r.exit.FuncAttrs, enum.FuncAttrNoReturn)
	if isX86() {
		r.pause = d("llvm.x86.sse2.pause", tVoid)
	}
	r.optarg = m.NewGlobal("optarg", tI8p)
	r.optarg.Linkage = enum.LinkageExternal
	g := func(name string, t types.Type) *ir.Global {
		return m.NewGlobalDef(name, constant.NewZeroInitializer(t))
	}
	r.out = g("snnc.out", tI8p)
	r.nthreads = g("snnc.nthreads", tI64)
	r.bad = g("snnc.bad", tI32)
	r.stop = g("snnc.stop", tI32)
	r.done = g("snnc.done", tI64)
	r.errPop = g("snnc.err.pop", tI32)
	r.errNeuron = g("snnc.err.neuron", tI32)
	r.errState = g("snnc.err.state", tI32)
	r.errValue = g("snnc.err.value", tI64) // the bits of the float64
	r.errStep = g("snnc.err.step", tI64)
	r.gen = g("snnc.gen", tI32)
	r.sleepers = g("snnc.sleepers", tI32)
	r.quit = g("snnc.quit", tI32)
	r.next = g("snnc.next", arrayOf(8*maxThreads, tI64))
	r.ndone = g("snnc.ndone", tI64)
	r.step = g("snnc.step", tI64)
	r.active = g("snnc.active", tI64)
	r.gen.Align, r.next.Align, r.ndone.Align = 64, 64, 64
	r.schedYield = d("sched_yield", tI32)
	r.syscall = d("syscall", tI64, tI64)
	r.syscall.Sig.Variadic = true
	return r
}

// alloca creates a stack slot in the function's entry block (so that
// mem2reg promotes it).
func (b *fb) alloca(t types.Type) value.Value {
	entry := b.f.Blocks[0]
	a := ir.NewAlloca(t)
	entry.Insts = append([]ir.Instruction{a}, entry.Insts...)
	return a
}

// whileLoop emits `for cond() { body() }`.
func (b *fb) whileLoop(name string, cond func() value.Value, body func()) {
	head := b.block(name + ".head")
	bodyB := b.block(name + ".body")
	exit := b.block(name + ".exit")
	b.cur.NewBr(head)
	b.cur = head
	c := cond()
	b.cur.NewCondBr(c, bodyB, exit)
	b.cur = bodyB
	body()
	b.cur.NewBr(head)
	b.cur = exit
}

// writeBytes emits fwrite(p, 1, n, out).
func (b *builder) writeBytes(fb *fb, p, n value.Value) {
	out := fb.loadG(b.rt.out)
	fb.call(b.rt.fwrite, fb.cur.NewBitCast(p, tI8p), i64(1), n, out)
}

// writeStruct stores fields into a packed struct on the stack and writes it.
func (b *builder) writeStruct(fb *fb, fields ...value.Value) {
	var ts []types.Type
	size := 0
	for _, f := range fields {
		ts = append(ts, f.Type())
		switch f.Type() {
		case tF64, tI64:
			size += 8
		case tI32:
			size += 4
		default:
			panic("cpu: writeStruct field type")
		}
	}
	st := types.NewStruct(ts...)
	st.Packed = true
	a := fb.alloca(st)
	for i, f := range fields {
		fb.cur.NewStore(f, fb.cur.NewGetElementPtr(st, a, i32(0), i32(int64(i))))
	}
	b.writeBytes(fb, a, i64(int64(size)))
}

// ---- serial part of a step ----

// emitSerial emits i32 @snnc.serial(i64 k): what follows the parallel part
// of step k — the non-finite check, spike lists, sources, spike records,
// synaptic delivery, the stimuli of step k+1 and the samples at k+1. It
// returns 1 when the run must stop.
func (b *builder) emitSerial(sample *ir.Func, findErr *ir.Func) *ir.Func {
	k := ir.NewParam("k", tI64)
	f := b.m.NewFunc("snnc.serial", tI32, k)
	defAttrs(f)
	fb := newFB(f)
	// Non-finite states (float mode): find the first as the interpreter
	// would.
	if findErr != nil {
		bad := fb.cur.NewICmp(enum.IPredNE, fb.loadG(b.rt.bad), i32(0))
		fb.ifThen("bad", bad, func() {
			found := fb.call(findErr, k)
			fb.ifThen("found", fb.cur.NewICmp(enum.IPredNE, found, i32(0)), func() {
				fb.cur.NewRet(i32(1))
			})
			fb.cur.NewStore(i32(0), b.rt.bad)
		})
	}
	// Merged spike lists, in neuron order.
	for _, p := range b.pops {
		if !p.needList {
			continue
		}
		if !p.hasCond {
			fb.cur.NewStore(i64(0), p.count)
			continue
		}
		b.emitScan(fb, p)
	}
	for _, s := range b.srcs {
		if s.needList {
			b.emitSource(fb, s, k)
		}
	}
	// Spike records.
	for r, so := range b.souts {
		var list, count *ir.Global
		if so.pop >= 0 {
			list, count = b.pops[so.pop].list, b.pops[so.pop].count
		} else {
			list, count = b.srcs[so.src].list, b.srcs[so.src].count
		}
		n := fb.loadG(count)
		fb.ifThen("rec", fb.cur.NewICmp(enum.IPredSGT, n, i64(0)), func() {
			b.writeStruct(fb, i32(tagSpikes), i32(int64(r)), k, fb.cur.NewTrunc(n, tI32))
			b.writeBytes(fb, fb.elemPtr(list, tI32, i64(0)), fb.cur.NewMul(n, i64(4)))
		})
	}
	// Synaptic delivery: projections in declaration order, spikes in neuron
	// order, synapses in CSR order (the interpreter's summation order).
	for _, pg := range b.projs {
		b.emitPropagate(fb, pg, k)
	}
	k1 := fb.cur.NewAdd(k, i64(1))
	b.emitStimValues(fb, k1)
	fb.call(sample, k1)
	fb.cur.NewStore(k1, b.rt.done)
	fb.cur.NewRet(i32(0))
	return f
}

// emitScan collects the population's spike flags [0, n) into its list:
// eight flags at a time, skipping words without a spike.
func (b *builder) emitScan(fb *fb, p *popGen) {
	c := fb.alloca(tI64)
	fb.cur.NewStore(i64(0), c)
	words := p.n / 8
	flagsW := fb.cur.NewBitCast(p.spk, types.NewPointer(tI64))
	appendIf := func(idx value.Value) {
		f := fb.load(tI8, p.spk, idx)
		n := fb.cur.NewLoad(tI64, c)
		fb.store(tI32, fb.cur.NewTrunc(idx, tI32), p.list, n)
		fb.cur.NewStore(fb.cur.NewAdd(n, fb.cur.NewZExt(fb.cur.NewICmp(enum.IPredNE, f, i8(0)), tI64)), c)
	}
	if words > 0 {
		fb.loop("scan", i64(0), i64(int64(words)), nil, func(w value.Value, _ []value.Value) []value.Value {
			word := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(tI64, flagsW, w))
			fb.ifThen("word", fb.cur.NewICmp(enum.IPredNE, word, i64(0)), func() {
				base := fb.cur.NewShl(w, i64(3))
				for j := 0; j < 8; j++ {
					appendIf(fb.cur.NewAdd(base, i64(int64(j))))
				}
			})
			return nil
		})
	}
	if words*8 < p.n {
		fb.loop("scantail", i64(int64(words*8)), i64(int64(p.n)), nil, func(i value.Value, _ []value.Value) []value.Value {
			appendIf(i)
			return nil
		})
	}
	fb.cur.NewStore(fb.cur.NewLoad(tI64, c), p.count)
}

// mix64 returns SplitMix64's output function (instance.Mix64).
func (b *builder) mix64() *ir.Func {
	if f, ok := b.lib.fns["snnc.mix64"]; ok {
		return f
	}
	z := ir.NewParam("z", tI64)
	f := b.m.NewFunc("snnc.mix64", tI64, z)
	f.Linkage = enum.LinkageInternal
	f.FuncAttrs = append(f.FuncAttrs, enum.FuncAttrAlwaysInline, enum.FuncAttrNoUnwind, enum.FuncAttrReadNone, enum.FuncAttrWillReturn)
	b.lib.fns["snnc.mix64"] = f
	c := newFB(f).cur
	var x value.Value = z
	x = c.NewXor(x, c.NewLShr(x, i64(30)))
	x = c.NewMul(x, i64(int64(-4658895280553007687))) // 0xBF58476D1CE4E5B9
	x = c.NewXor(x, c.NewLShr(x, i64(27)))
	x = c.NewMul(x, i64(int64(-7723592293110705685))) // 0x94D049BB133111EB
	x = c.NewXor(x, c.NewLShr(x, i64(31)))
	c.NewRet(x)
	return f
}

// emitSource emits the spikes of source s at step k into its list.
func (b *builder) emitSource(fb *fb, s *srcGen, k value.Value) {
	is := s.is
	c := fb.alloca(tI64)
	fb.cur.NewStore(i64(0), c)
	switch is.Kind {
	case snn.Poisson:
		if s.thr.homog && s.thr.c == 0 {
			break
		}
		// Draw(key, k) = mix64(key + (k+1)·γ); spike iff draw >> 11 < T.
		inc := fb.cur.NewMul(fb.cur.NewAdd(k, i64(1)), i64(gammaI64))
		fb.loop("poisson", i64(0), i64(int64(is.N)), nil, func(i value.Value, _ []value.Value) []value.Value {
			key := fb.load(tI64, s.keys, i)
			d := fb.call(b.mix64(), fb.cur.NewAdd(key, inc))
			var thr value.Value
			if s.thr.homog {
				thr = i64(int64(uint64(s.thr.c)))
			} else {
				thr = fb.load(tI64, s.thr.g, i)
			}
			hit := fb.cur.NewICmp(enum.IPredULT, fb.cur.NewLShr(d, i64(11)), thr)
			n := fb.cur.NewLoad(tI64, c)
			fb.store(tI32, fb.cur.NewTrunc(i, tI32), s.list, n)
			fb.cur.NewStore(fb.cur.NewAdd(n, fb.cur.NewZExt(hit, tI64)), c)
			return nil
		})
	default:
		// Events (step, neuron) sorted by step; a sentinel step MaxInt64
		// ends the list.
		cur := func() value.Value { return fb.loadG(s.cursor) }
		fb.whileLoop("evskip", func() value.Value {
			return fb.cur.NewICmp(enum.IPredSLT, fb.load(tI64, s.evStep, cur()), k)
		}, func() {
			fb.cur.NewStore(fb.cur.NewAdd(cur(), i64(1)), s.cursor)
		})
		fb.whileLoop("ev", func() value.Value {
			return fb.cur.NewICmp(enum.IPredEQ, fb.load(tI64, s.evStep, cur()), k)
		}, func() {
			e := cur()
			n := fb.cur.NewLoad(tI64, c)
			fb.store(tI32, fb.load(tI32, s.evNeur, e), s.list, n)
			fb.cur.NewStore(fb.cur.NewAdd(n, i64(1)), c)
			fb.cur.NewStore(fb.cur.NewAdd(e, i64(1)), s.cursor)
		})
	}
	fb.cur.NewStore(fb.cur.NewLoad(tI64, c), s.count)
}

// emitPropagate adds the spikes of step k of a projection's source to its
// ring: a synapse with delay d delivers at step k+1+d.
func (b *builder) emitPropagate(fb *fb, pg *projGen, k value.Value) {
	ip := pg.ip
	if ip.NumSynapses() == 0 {
		return
	}
	var list, count *ir.Global
	if ip.SrcPop >= 0 {
		list, count = b.pops[ip.SrcPop].list, b.pops[ip.SrcPop].count
	} else {
		list, count = b.srcs[ip.SrcSrc].list, b.srcs[ip.SrcSrc].count
	}
	pad := int64(b.pops[ip.Dst].pad)
	L := int64(pg.ring.l)
	elem := pg.ring.elem
	accum := func(ptr, w value.Value) {
		old := fb.cur.NewLoad(elem, ptr)
		if elem == tF64 {
			fb.cur.NewStore(fb.cur.NewFAdd(old, w), ptr)
		} else {
			fb.cur.NewStore(fb.cur.NewAdd(old, w), ptr) // wraps (docs/fixed-point.md §1)
		}
	}
	n := fb.loadG(count)
	if pg.weights == nil && pg.delays == nil {
		slot := fb.cur.NewMul(fb.cur.NewURem(fb.cur.NewAdd(k, i64(1+int64(ip.Delay))), i64(L)), i64(pad))
		base := fb.cur.NewGetElementPtr(pg.ring.g.ContentType, pg.ring.g, i64(0), slot)
		fb.loop("spk", i64(0), n, nil, func(s value.Value, _ []value.Value) []value.Value {
			pre := fb.cur.NewSExt(fb.load(tI32, list, s), tI64)
			a := fb.load(tI64, pg.row, pre)
			e := fb.load(tI64, pg.row, fb.cur.NewAdd(pre, i64(1)))
			fb.loop("syn", a, e, nil, func(syn value.Value, _ []value.Value) []value.Value {
				j := fb.cur.NewSExt(fb.load(tI32, pg.post, syn), tI64)
				accum(fb.cur.NewGetElementPtr(elem, base, j), pg.weight)
				return nil
			})
			return nil
		})
		return
	}
	fb.loop("spk", i64(0), n, nil, func(s value.Value, _ []value.Value) []value.Value {
		pre := fb.cur.NewSExt(fb.load(tI32, list, s), tI64)
		a := fb.load(tI64, pg.row, pre)
		e := fb.load(tI64, pg.row, fb.cur.NewAdd(pre, i64(1)))
		fb.loop("syn", a, e, nil, func(syn value.Value, _ []value.Value) []value.Value {
			var d value.Value = i64(int64(ip.Delay))
			if pg.delays != nil {
				d = fb.cur.NewZExt(fb.load(pg.delElem, pg.delays, syn), tI64)
			}
			w := pg.weight
			if pg.weights != nil {
				w = fb.load(elem, pg.weights, syn)
			}
			slot := fb.cur.NewURem(fb.cur.NewAdd(fb.cur.NewAdd(k, i64(1)), d), i64(L))
			j := fb.cur.NewSExt(fb.load(tI32, pg.post, syn), tI64)
			idx := fb.cur.NewAdd(fb.cur.NewMul(slot, i64(pad)), j)
			accum(fb.elemPtr(pg.ring.g, elem, idx), w)
			return nil
		})
		return nil
	})
}

// emitStimValues stores every stimulus's value at step k into
// snnc.stim.val: the run containing k (runs start at ascending steps; the
// cursor only moves forward).
func (b *builder) emitStimValues(fb *fb, k value.Value) {
	for j, sg := range b.stims {
		next := func() value.Value {
			return fb.load(tI64, sg.runStep, fb.cur.NewAdd(fb.loadG(sg.cursor), i64(1)))
		}
		fb.whileLoop("run", func() value.Value {
			return fb.cur.NewICmp(enum.IPredSLE, next(), k)
		}, func() {
			fb.cur.NewStore(fb.cur.NewAdd(fb.loadG(sg.cursor), i64(1)), sg.cursor)
		})
		v := fb.load(b.valElem, sg.runVal, fb.loadG(sg.cursor))
		fb.store(b.valElem, v, b.stimVal, i64(int64(j)))
	}
}

// emitSample emits void @snnc.sample(i64 b): every trace due at step
// boundary b (time b·dt).
func (b *builder) emitSample() (*ir.Func, error) {
	bp := ir.NewParam("b", tI64)
	f := b.m.NewFunc("snnc.sample", tVoid, bp)
	defAttrs(f)
	fb := newFB(f)
	for idx, to := range b.tours {
		r, p := to.rec, to.pop
		due := fb.cur.NewICmp(enum.IPredEQ, fb.cur.NewSRem(bp, i64(r.Every)), i64(0))
		var err error
		fb.ifThen("trace", due, func() {
			b.writeStruct(fb, i32(tagSample), i32(int64(idx)), bp)
			n := int64(r.Hi - r.Lo)
			nbytes := i64(8 * n)
			switch r.Kind {
			case instance.RecordState:
				b.writeBytes(fb, fb.elemPtr(p.states[r.Index], tF64, i64(int64(r.Lo))), nbytes)
				return
			case instance.RecordInput:
				if p.inputs[r.Index] != nil {
					b.writeBytes(fb, fb.elemPtr(p.inputs[r.Index], tF64, i64(int64(r.Lo))), nbytes)
					return
				}
			case instance.RecordParam:
				if ps := p.params[r.Index]; !ps.homog {
					b.writeBytes(fb, fb.elemPtr(ps.g, tF64, i64(int64(r.Lo))), nbytes)
					return
				}
			}
			// Computed values: a let, a dead input (0), a homogeneous param.
			fb.loop("val", i64(int64(r.Lo)), i64(int64(r.Hi)), nil, func(i value.Value, _ []value.Value) []value.Value {
				var v value.Value
				switch r.Kind {
				case instance.RecordInput:
					v = f64(0)
				case instance.RecordParam:
					v = f64(p.params[r.Index].c)
				case instance.RecordLet:
					xs := make([]value.Value, len(p.u.States))
					for s := range xs {
						xs[s] = fb.load(tF64, p.states[s], i)
					}
					ins := make([]val, len(p.u.Inputs))
					for j := range ins {
						if p.inputs != nil && p.inputs[j] != nil {
							ins[j] = dbl(fb.load(tF64, p.inputs[j], i))
						} else {
							ins[j] = constVal(0)
						}
					}
					env := newEnv(to.g, b.lib, nil, func() *ir.Block { return fb.cur }, p.leafFunc(fb, i, xs, ins, dbl(b.timeOf(fb.cur, bp))))
					x, e := env.emit(to.expr)
					if e != nil {
						err = e
						return nil
					}
					v = asF64(fb.cur, x)
				}
				fb.store(tF64, v, b.scratch, fb.cur.NewSub(i, i64(int64(r.Lo))))
				return nil
			})
			b.writeBytes(fb, fb.elemPtr(b.scratch, tF64, i64(0)), nbytes)
		})
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", b.meta.Traces[idx].Name, err)
		}
	}
	fb.cur.NewRet(nil)
	return f, nil
}

// emitFindError emits i32 @snnc.find_error(i64 k): the first non-finite
// state in the interpreter's order — populations in order, chunks of 256
// neurons, within a chunk states in order, then neurons — stored into the
// snnc.err.* globals. Returns 0 when only padding neurons went non-finite.
func (b *builder) emitFindError() *ir.Func {
	k := ir.NewParam("k", tI64)
	f := b.m.NewFunc("snnc.find_error", tI32, k)
	defAttrs(f)
	fb := newFB(f)
	fabs := b.lib.intrinsic("fabs", 1)
	const chunk = 256
	for pi, p := range b.pops {
		nch := (p.n + chunk - 1) / chunk
		fb.loop("chunk", i64(0), i64(int64(nch)), nil, func(c value.Value, _ []value.Value) []value.Value {
			lo := fb.cur.NewMul(c, i64(chunk))
			hi := fb.cur.NewAdd(lo, i64(chunk))
			hi2 := fb.cur.NewSelect(fb.cur.NewICmp(enum.IPredSLT, hi, i64(int64(p.n))), hi, i64(int64(p.n)))
			for s := range p.u.States {
				fb.loop("n", lo, hi2, nil, func(i value.Value, _ []value.Value) []value.Value {
					x := fb.load(tF64, p.states[s], i)
					nf := fb.cur.NewFCmp(enum.FPredUEQ, fb.cur.NewCall(fabs, x), f64(posInf))
					fb.ifThen("nf", nf, func() {
						fb.cur.NewStore(i32(int64(pi)), b.rt.errPop)
						fb.cur.NewStore(fb.cur.NewTrunc(i, tI32), b.rt.errNeuron)
						fb.cur.NewStore(i32(int64(s)), b.rt.errState)
						fb.cur.NewStore(fb.cur.NewBitCast(x, tI64), b.rt.errValue)
						fb.cur.NewStore(k, b.rt.errStep)
						fb.cur.NewRet(i32(1))
					})
					return nil
				})
			}
			return nil
		})
	}
	fb.cur.NewRet(i32(0))
	return f
}

// ---- threads ----

func isX86() bool { return true } // amd64 is the target the backend is tested on; see setTarget

// Threads share each step's neuron updates through chunks: the
// populations are cut into chunks of whole blocks, about chunkCost of work
// each (cost.go; fixed boundaries,
// so a neuron's arithmetic never depends on who computes it), and thread t
// of T owns chunks [t·C/T, (t+1)·C/T), which it claims in order from its
// own counter — the same neurons every step, so their data stays in its
// core's cache. A thread that has finished its own chunks takes chunks
// from another's range while two or more are left; the main thread, once
// it has waited a while for the last ones, takes any. A worker the OS has
// descheduled therefore delays nobody: on a loaded machine the program
// degrades toward one thread instead of stalling. The main thread waits
// until every chunk is done, runs the serial part and publishes the next
// step by bumping a generation word that idle workers poll, then sleep on
// (futex).

// maxThreads bounds the threads (the per-thread claim counters).
const maxThreads = 256

// workerSpins is how many times an idle worker polls before it sleeps;
// mainSpins how many times the main thread polls for the last chunks
// before it takes them itself or yields its core.
const (
	workerSpins = 2000
	mainSpins   = 500
)

// Linux futex constants.
const (
	sysFutex         = 202 // x86-64
	futexWaitPrivate = 128
	futexWakePrivate = 129
)

// chunk is a range of one population's neurons.
type chunk struct{ pop, lo, hi int }

// chunks returns the chunks of every population, in population order.
func (b *builder) chunks() []chunk {
	var cs []chunk
	for i, p := range b.pops {
		size := chunkNeurons(p.cost)
		for lo := 0; lo < p.pad; lo += size {
			cs = append(cs, chunk{i, lo, min(lo+size, p.pad)})
		}
	}
	return cs
}

func atomicLoad(blk *ir.Block, t types.Type, g value.Value, o enum.AtomicOrdering) value.Value {
	l := blk.NewLoad(t, g)
	l.Atomic, l.Ordering = true, o
	l.Align = ir.Align(elemSize(t))
	return l
}

func atomicStore(blk *ir.Block, v, g value.Value, o enum.AtomicOrdering) {
	st := blk.NewStore(v, g)
	st.Atomic, st.Ordering = true, o
	st.Align = ir.Align(elemSize(v.Type()))
}

// pause emits a spin-wait hint.
func (b *builder) pause(blk *ir.Block) {
	if b.rt.pause != nil {
		blk.NewCall(b.rt.pause)
	}
}

// emitWork emits void @snnc.work(i64 tid, i64 nt, i64 minLeft): claim
// and run the chunks of thread tid's range, then those of the others'
// ranges while at least minLeft are unclaimed there.
func (b *builder) emitWork() *ir.Func {
	rt := b.rt
	tid, nt, minLeft := ir.NewParam("tid", tI64), ir.NewParam("nt", tI64), ir.NewParam("minleft", tI64)
	f := b.m.NewFunc("snnc.work", tVoid, tid, nt, minLeft)
	defAttrs(f, enum.FuncAttrNoInline)
	fb := newFB(f)
	cs := b.chunks()
	nc := i64(int64(len(cs)))
	pops := make([]float64, len(cs))
	los := make([]int64, len(cs))
	his := make([]int64, len(cs))
	for i, c := range cs {
		pops[i], los[i], his[i] = float64(c.pop), int64(c.lo), int64(c.hi)
	}
	popOf := b.data.values("snnc.chunk.pop", tI32, pops)
	loOf := b.data.ints("snnc.chunk.lo", tI64, los)
	hiOf := b.data.ints("snnc.chunk.hi", tI64, his)
	// runChunk runs chunk c of the current step.
	runChunk := func(c value.Value) {
		k := atomicLoad(fb.cur, tI64, rt.step, enum.AtomicOrderingMonotonic)
		pop := fb.load(tI32, popOf, c)
		lo, hi := fb.load(tI64, loOf, c), fb.load(tI64, hiOf, c)
		done := fb.block("ran")
		var cases []*ir.Case
		var results []*ir.Incoming
		for i, p := range b.pops {
			blk := fb.block("pop")
			r := blk.NewCall(p.step, k, lo, hi)
			blk.NewBr(done)
			cases = append(cases, ir.NewCase(i32(int64(i)), blk))
			results = append(results, ir.NewIncoming(r, blk))
		}
		def := fb.block("nopop")
		def.NewBr(done)
		results = append(results, ir.NewIncoming(i32(0), def))
		fb.cur.NewSwitch(pop, def, cases...)
		fb.cur = done
		r := done.NewPhi(results...)
		// The non-finite flag is set before the chunk counts as done, so
		// that the main thread sees it in the serial part.
		fb.ifThen("bad", fb.cur.NewICmp(enum.IPredNE, r, i32(0)), func() {
			fb.cur.NewAtomicRMW(enum.AtomicOpOr, rt.bad, i32(1), enum.AtomicOrderingMonotonic)
		})
		// Counted per chunk: a thread descheduled between chunks holds
		// nothing the main thread waits for.
		fb.cur.NewAtomicRMW(enum.AtomicOpAdd, rt.ndone, i64(1), enum.AtomicOrderingRelease)
	}
	counter := func(u value.Value) value.Value { // &next[u·8]: one cache line each
		return fb.elemPtr(rt.next, tI64, fb.cur.NewMul(u, i64(8)))
	}
	rangeEnd := func(u value.Value) value.Value {
		return fb.cur.NewSDiv(fb.cur.NewMul(fb.cur.NewAdd(u, i64(1)), nc), nt)
	}
	idx := fb.alloca(tI64)
	// Own range.
	own, ownEnd := counter(tid), rangeEnd(tid)
	fb.whileLoop("own", func() value.Value {
		c := fb.cur.NewAtomicRMW(enum.AtomicOpAdd, own, i64(1), enum.AtomicOrderingAcquireRelease)
		fb.cur.NewStore(c, idx)
		return fb.cur.NewICmp(enum.IPredSLT, c, ownEnd)
	}, func() { runChunk(fb.cur.NewLoad(tI64, idx)) })
	// The others' ranges.
	fb.loop("victim", i64(1), nt, nil, func(v value.Value, _ []value.Value) []value.Value {
		u := fb.cur.NewSRem(fb.cur.NewAdd(tid, v), nt)
		cnt, end := counter(u), rangeEnd(u)
		fb.whileLoop("steal", func() value.Value {
			left := fb.cur.NewSub(end, atomicLoad(fb.cur, tI64, cnt, enum.AtomicOrderingMonotonic))
			enough := fb.cur.NewICmp(enum.IPredSGE, left, minLeft)
			claimed := fb.block("try")
			no := fb.block("no")
			join := fb.block("tried")
			fb.cur.NewCondBr(enough, claimed, no)
			c := claimed.NewAtomicRMW(enum.AtomicOpAdd, cnt, i64(1), enum.AtomicOrderingAcquireRelease)
			claimed.NewStore(c, idx)
			got := claimed.NewICmp(enum.IPredSLT, c, end)
			claimed.NewBr(join)
			no.NewBr(join)
			fb.cur = join
			return join.NewPhi(ir.NewIncoming(got, claimed), ir.NewIncoming(i1(false), no))
		}, func() { runChunk(fb.cur.NewLoad(tI64, idx)) })
		return nil
	})
	fb.cur.NewRet(nil)
	return f
}

// emitWorker emits void @snnc.worker(i64 tid): wait for a new generation
// (poll, then futex), then work; until snnc.quit.
func (b *builder) emitWorker(work *ir.Func) *ir.Func {
	rt := b.rt
	tid := ir.NewParam("tid", tI64)
	f := b.m.NewFunc("snnc.worker", tVoid, tid)
	defAttrs(f)
	fb := newFB(f)
	seen := fb.alloca(tI32)
	fb.cur.NewStore(i32(0), seen)
	loop := fb.block("loop")
	fb.cur.NewBr(loop)
	fb.cur = loop
	// Poll.
	polls := fb.alloca(tI64)
	fb.cur.NewStore(i64(0), polls)
	changed := func() value.Value {
		return fb.cur.NewICmp(enum.IPredNE, atomicLoad(fb.cur, tI32, rt.gen, enum.AtomicOrderingAcquire), fb.cur.NewLoad(tI32, seen))
	}
	fb.whileLoop("poll", func() value.Value {
		c := changed()
		n := fb.cur.NewLoad(tI64, polls)
		return fb.cur.NewAnd(fb.cur.NewXor(c, i1(true)), fb.cur.NewICmp(enum.IPredSLT, n, i64(workerSpins)))
	}, func() {
		b.pause(fb.cur)
		fb.cur.NewStore(fb.cur.NewAdd(fb.cur.NewLoad(tI64, polls), i64(1)), polls)
	})
	// Sleep while the generation has not changed.
	fb.ifThen("sleep", fb.cur.NewXor(changed(), i1(true)), func() {
		fb.cur.NewAtomicRMW(enum.AtomicOpAdd, rt.sleepers, i32(1), enum.AtomicOrderingSequentiallyConsistent)
		fb.whileLoop("futex", func() value.Value {
			g := atomicLoad(fb.cur, tI32, rt.gen, enum.AtomicOrderingSequentiallyConsistent)
			return fb.cur.NewICmp(enum.IPredEQ, g, fb.cur.NewLoad(tI32, seen))
		}, func() {
			fb.cur.NewCall(rt.syscall, i64(sysFutex), fb.cur.NewBitCast(rt.gen, tI8p), i64(futexWaitPrivate), fb.cur.NewSExt(fb.cur.NewLoad(tI32, seen), tI64), constant.NewNull(tI8p))
		})
		fb.cur.NewAtomicRMW(enum.AtomicOpSub, rt.sleepers, i32(1), enum.AtomicOrderingSequentiallyConsistent)
	})
	fb.cur.NewStore(atomicLoad(fb.cur, tI32, rt.gen, enum.AtomicOrderingAcquire), seen)
	quit := fb.cur.NewICmp(enum.IPredNE, atomicLoad(fb.cur, tI32, rt.quit, enum.AtomicOrderingAcquire), i32(0))
	body := fb.block("work")
	exit := fb.block("exit")
	fb.cur.NewCondBr(quit, exit, body)
	fb.cur = body
	active := atomicLoad(fb.cur, tI64, rt.active, enum.AtomicOrderingMonotonic)
	fb.ifThen("mine", fb.cur.NewICmp(enum.IPredSLT, tid, active), func() {
		fb.cur.NewCall(work, tid, active, i64(2))
	})
	fb.cur.NewBr(loop)
	exit.NewRet(nil)
	return f
}

// publish emits the start of a new generation: wake the sleeping workers.
func (b *builder) publish(fb *fb) {
	rt := b.rt
	fb.cur.NewAtomicRMW(enum.AtomicOpAdd, rt.gen, i32(1), enum.AtomicOrderingSequentiallyConsistent)
	sl := atomicLoad(fb.cur, tI32, rt.sleepers, enum.AtomicOrderingSequentiallyConsistent)
	fb.ifThen("wake", fb.cur.NewICmp(enum.IPredNE, sl, i32(0)), func() {
		fb.cur.NewCall(rt.syscall, i64(sysFutex), fb.cur.NewBitCast(rt.gen, tI8p), i64(futexWakePrivate), i64(1<<31-1))
	})
}

// The main thread checks now and then that the threads pay: it runs
// probeSteps steps with every thread, then probeSteps with itself alone,
// and keeps whichever was faster for the next exploitSteps steps (the
// alone-or-not choice changes only who computes a chunk, never a result).
// On a quiet machine the threads win and the probe costs a few percent; on
// one where another process holds a core, the program does not pay for
// threads that are descheduled in the middle of their chunks.
const (
	probeSteps   = 256
	exploitSteps = 16 * probeSteps
)

// nowNs emits clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
func (b *builder) nowNs(fb *fb) value.Value {
	ts := fb.alloca(arrayOf(2, tI64))
	fb.call(b.rt.clockGettime, i32(1), fb.cur.NewBitCast(ts, tI8p))
	at := ts.(*ir.InstAlloca).ElemType
	sec := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(at, ts, i64(0), i64(0)))
	ns := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(at, ts, i64(0), i64(1)))
	return fb.cur.NewAdd(fb.cur.NewMul(sec, i64(1e9)), ns)
}

// emitRunSteps emits void @snnc.run(): the step loop of the main thread.
func (b *builder) emitRunSteps(serial, work *ir.Func) *ir.Func {
	rt := b.rt
	f := b.m.NewFunc("snnc.run", tVoid)
	defAttrs(f)
	fb := newFB(f)
	nchunks := int64(len(b.chunks()))
	nt := fb.loadG(rt.nthreads)
	// The probe: phase 0 measures all threads, 1 the main thread alone,
	// 2 exploits the faster.
	phase, left, since, allNs := fb.alloca(tI64), fb.alloca(tI64), fb.alloca(tI64), fb.alloca(tI64)
	fb.cur.NewStore(i64(0), phase)
	fb.cur.NewStore(i64(probeSteps), left)
	fb.cur.NewStore(b.nowNs(fb), since)
	atomicStore(fb.cur, nt, rt.active, enum.AtomicOrderingMonotonic)
	fb.loop("step", i64(0), i64(b.steps), nil, func(k value.Value, _ []value.Value) []value.Value {
		fb.ifThen("probe", fb.cur.NewAnd(fb.cur.NewICmp(enum.IPredSGT, nt, i64(1)), fb.cur.NewICmp(enum.IPredEQ, fb.cur.NewLoad(tI64, left), i64(0))), func() {
			now := b.nowNs(fb)
			el := fb.cur.NewSub(now, fb.cur.NewLoad(tI64, since))
			fb.cur.NewStore(now, since)
			ph := fb.cur.NewLoad(tI64, phase)
			p0, p1, p2 := fb.block("all"), fb.block("alone"), fb.block("exploit")
			join := fb.block("probed")
			fb.cur.NewSwitch(ph, p2, ir.NewCase(i64(0), p0), ir.NewCase(i64(1), p1))
			// Measured all threads: now measure the main thread alone.
			p0.NewStore(el, allNs)
			atomicStore(p0, i64(1), rt.active, enum.AtomicOrderingMonotonic)
			p0.NewStore(i64(1), phase)
			p0.NewStore(i64(probeSteps), left)
			p0.NewBr(join)
			// Measured alone: keep the threads if they were 10 % faster.
			better := p1.NewICmp(enum.IPredSLT, p1.NewMul(p1.NewLoad(tI64, allNs), i64(10)), p1.NewMul(el, i64(9)))
			atomicStore(p1, p1.NewSelect(better, nt, i64(1)), rt.active, enum.AtomicOrderingMonotonic)
			p1.NewStore(i64(2), phase)
			p1.NewStore(i64(exploitSteps), left)
			p1.NewBr(join)
			// Exploited: probe again.
			atomicStore(p2, nt, rt.active, enum.AtomicOrderingMonotonic)
			p2.NewStore(i64(0), phase)
			p2.NewStore(i64(probeSteps), left)
			p2.NewBr(join)
			fb.cur = join
		})
		fb.cur.NewStore(fb.cur.NewSub(fb.cur.NewLoad(tI64, left), i64(1)), left)
		active := atomicLoad(fb.cur, tI64, rt.active, enum.AtomicOrderingMonotonic)
		atomicStore(fb.cur, k, rt.step, enum.AtomicOrderingMonotonic)
		atomicStore(fb.cur, i64(0), rt.ndone, enum.AtomicOrderingMonotonic)
		fb.loop("reset", i64(0), active, nil, func(t value.Value, _ []value.Value) []value.Value {
			start := fb.cur.NewSDiv(fb.cur.NewMul(t, i64(nchunks)), active)
			atomicStore(fb.cur, start, fb.elemPtr(rt.next, tI64, fb.cur.NewMul(t, i64(8))), enum.AtomicOrderingRelease)
			return nil
		})
		// Alone: the workers are not woken.
		fb.ifThen("publish", fb.cur.NewICmp(enum.IPredSGT, active, i64(1)), func() { b.publish(fb) })
		fb.cur.NewCall(work, i64(0), active, i64(2))
		// Wait for the chunks other threads are still computing.
		polls := fb.alloca(tI64)
		fb.cur.NewStore(i64(0), polls)
		fb.whileLoop("wait", func() value.Value {
			return fb.cur.NewICmp(enum.IPredSLT, atomicLoad(fb.cur, tI64, rt.ndone, enum.AtomicOrderingAcquire), i64(nchunks))
		}, func() {
			n := fb.cur.NewLoad(tI64, polls)
			fb.cur.NewStore(fb.cur.NewAdd(n, i64(1)), polls)
			spin := fb.block("spin")
			yield := fb.block("yield")
			next := fb.block("next")
			fb.cur.NewCondBr(fb.cur.NewICmp(enum.IPredSLT, n, i64(mainSpins)), spin, yield)
			b.pause(spin)
			spin.NewBr(next)
			// Waited long enough: take what is left, or give the core to
			// whoever computes it.
			yield.NewCall(work, i64(0), active, i64(1))
			yield.NewCall(rt.schedYield)
			yield.NewBr(next)
			fb.cur = next
		})
		stop := fb.cur.NewCall(serial, k)
		fb.cur.NewStore(stop, rt.stop)
		// Leave the loop on a stop.
		cont := fb.block("cont")
		brk := fb.block("break")
		fb.cur.NewCondBr(fb.cur.NewICmp(enum.IPredNE, stop, i32(0)), brk, cont)
		brk.NewRet(nil)
		fb.cur = cont
		return nil
	})
	fb.cur.NewRet(nil)
	return f
}

// ---- start-up and main ----

// emitInit emits void @snnc.init(): fills, Poisson keys, stimulus values
// of step 0, the initial spike conditions and the samples at time 0.
func (b *builder) emitInit(sample *ir.Func) *ir.Func {
	f := b.m.NewFunc("snnc.init", tVoid)
	defAttrs(f)
	fb := newFB(f)
	for _, a := range b.data.arrays {
		if a.place != placeFill {
			continue
		}
		a := a
		fb.loop("fill", i64(0), i64(int64(a.n)), nil, func(i value.Value, _ []value.Value) []value.Value {
			fb.store(a.elem, a.fill, a.g, i)
			return nil
		})
	}
	for _, s := range b.srcs {
		if s.keys == nil {
			continue
		}
		// Key(seed, DomainPoisson, source, i) = mix(mix(mix(mix(seed) + γ + d) + γ + a) + γ + i).
		mix := b.mix64()
		g := gammaI64
		h := fb.call(mix, i64(int64(b.inst.Seed)))
		h = fb.call(mix, fb.cur.NewAdd(fb.cur.NewAdd(h, i64(g)), i64(int64(instance.DomainPoisson))))
		h = fb.call(mix, fb.cur.NewAdd(fb.cur.NewAdd(h, i64(g)), i64(int64(s.idx))))
		s := s
		fb.loop("keys", i64(0), i64(int64(s.is.N)), nil, func(i value.Value, _ []value.Value) []value.Value {
			key := fb.call(mix, fb.cur.NewAdd(fb.cur.NewAdd(h, i64(g)), i))
			fb.store(tI64, key, s.keys, i)
			return nil
		})
	}
	b.emitStimValues(fb, i64(0))
	for _, p := range b.pops {
		if p.init != nil {
			fb.call(p.init, i64(0), i64(int64(p.pad)))
		}
	}
	fb.call(sample, i64(0))
	fb.cur.NewRet(nil)
	return f
}

// emitLoad emits i32 @snnc.load(i8* path): reads the sidecar arrays.
// Returns 0, or 1 (cannot open), 2 (not this program's data), 3 (short).
func (b *builder) emitLoad() *ir.Func {
	path := ir.NewParam("path", tI8p)
	f := b.m.NewFunc("snnc.load", tI32, path)
	defAttrs(f)
	fb := newFB(f)
	rt := b.rt
	fh := fb.call(rt.fopen, path, b.strs.get("rb"))
	fail := func(code int64) { fb.cur.NewRet(i32(code)) }
	fb.ifThen("open", fb.cur.NewICmp(enum.IPredEQ, fh, constant.NewNull(tI8p)), func() { fail(1) })
	hdr := fb.alloca(arrayOf(3, tI64))
	hp := fb.cur.NewBitCast(hdr, tI8p)
	got := fb.call(rt.fread, hp, i64(1), i64(24), fh)
	fb.ifThen("short", fb.cur.NewICmp(enum.IPredNE, got, i64(24)), func() { fail(3) })
	magic := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(hdr.(*ir.InstAlloca).ElemType, hdr, i64(0), i64(0)))
	fp := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(hdr.(*ir.InstAlloca).ElemType, hdr, i64(0), i64(1)))
	cnt := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(hdr.(*ir.InstAlloca).ElemType, hdr, i64(0), i64(2)))
	var mw int64
	for i := 7; i >= 0; i-- {
		mw = mw<<8 | int64(dataMagic[i])
	}
	ok := fb.cur.NewAnd(fb.cur.NewICmp(enum.IPredEQ, magic, i64(mw)), fb.cur.NewICmp(enum.IPredEQ, fp, i64(int64(b.data.fingerprint()))))
	ok = fb.cur.NewAnd(ok, fb.cur.NewICmp(enum.IPredEQ, cnt, i64(int64(len(b.data.side)))))
	fb.ifThen("magic", fb.cur.NewXor(ok, i1(true)), func() { fail(2) })
	lenp := fb.alloca(tI64)
	for _, a := range b.data.side {
		got := fb.call(rt.fread, fb.cur.NewBitCast(lenp, tI8p), i64(1), i64(8), fh)
		fb.ifThen("short", fb.cur.NewICmp(enum.IPredNE, got, i64(8)), func() { fail(3) })
		fb.ifThen("len", fb.cur.NewICmp(enum.IPredNE, fb.cur.NewLoad(tI64, lenp), i64(int64(len(a.bytes)))), func() { fail(2) })
		got = fb.call(rt.fread, fb.cur.NewBitCast(a.g, tI8p), i64(1), i64(int64(len(a.bytes))), fh)
		fb.ifThen("short", fb.cur.NewICmp(enum.IPredNE, got, i64(int64(len(a.bytes)))), func() { fail(3) })
	}
	fb.call(rt.fclose, fh)
	fb.cur.NewRet(i32(0))
	return f
}

// emitRuntime emits every function but the population steps, and main.
func (b *builder) emitRuntime() error {
	var sample, findErr *ir.Func
	var err error
	if b.fixed != nil {
		sample = b.emitFixedSample()
	} else {
		if sample, err = b.emitSample(); err != nil {
			return err
		}
		findErr = b.emitFindError()
	}
	serial := b.emitSerial(sample, findErr)
	work := b.emitWork()
	worker := b.emitWorker(work)
	runSteps := b.emitRunSteps(serial, work)
	init := b.emitInit(sample)
	var load *ir.Func
	if len(b.data.side) > 0 {
		load = b.emitLoad()
	}
	// Thread entry: i8* (i8* arg).
	arg := ir.NewParam("arg", tI8p)
	entryF := b.m.NewFunc("snnc.thread_entry", tI8p, arg)
	defAttrs(entryF)
	{
		fb := newFB(entryF)
		fb.call(worker, fb.cur.NewPtrToInt(arg, tI64))
		fb.cur.NewRet(constant.NewNull(tI8p))
	}
	b.emitMain(init, load, runSteps, entryF)
	return nil
}

// emitMain emits i32 @main(i32 argc, i8** argv). Options: -o FILE (the
// result stream; default standard output), -t N (threads; default the
// compiled-in count, 0 = online CPUs), -d FILE (the data file; default the
// executable's path + ".data"), -T N (exactly N threads, even where the
// cost model finds fewer useful), -v (print the step loop's wall time in
// ns, the threads and the steps done to standard error).
func (b *builder) emitMain(init, load, runSteps, entryF *ir.Func) {
	argc, argv := ir.NewParam("argc", tI32), ir.NewParam("argv", tI8pp)
	f := b.m.NewFunc("main", tI32, argc, argv)
	fb := newFB(f)
	rt := b.rt
	outPath := fb.alloca(tI8p)
	dataPath := fb.alloca(tI8p)
	threads := fb.alloca(tI64)
	verbose := fb.alloca(tI1)
	fb.cur.NewStore(i1(false), verbose)
	fb.cur.NewStore(constant.NewNull(tI8p), outPath)
	fb.cur.NewStore(constant.NewNull(tI8p), dataPath)
	fb.cur.NewStore(i64(int64(b.opt.Threads)), threads)
	force := fb.alloca(tI1) // -T: exactly that many threads
	fb.cur.NewStore(i1(false), force)
	die := func(msg string, code int64) {
		fb.call(rt.write, i32(2), b.strs.get(msg), i64(int64(len(msg))))
		fb.call(rt.exit, i32(code))
		fb.cur.NewUnreachable()
	}
	// getopt loop.
	optC := fb.alloca(tI32)
	fb.whileLoop("opt", func() value.Value {
		c := fb.call(rt.getopt, argc, argv, b.strs.get("o:t:T:d:v"))
		fb.cur.NewStore(c, optC)
		return fb.cur.NewICmp(enum.IPredNE, c, i32(-1))
	}, func() {
		c := fb.cur.NewLoad(tI32, optC)
		oa := fb.loadG(rt.optarg)
		fb.ifThen("o", fb.cur.NewICmp(enum.IPredEQ, c, i32('o')), func() { fb.cur.NewStore(oa, outPath) })
		fb.ifThen("d", fb.cur.NewICmp(enum.IPredEQ, c, i32('d')), func() { fb.cur.NewStore(oa, dataPath) })
		fb.ifThen("v", fb.cur.NewICmp(enum.IPredEQ, c, i32('v')), func() { fb.cur.NewStore(i1(true), verbose) })
		fb.ifThen("t", fb.cur.NewICmp(enum.IPredEQ, c, i32('t')), func() {
			fb.cur.NewStore(fb.call(rt.strtol, oa, constant.NewNull(tI8pp), i32(10)), threads)
			fb.cur.NewStore(i1(false), force)
		})
		fb.ifThen("T", fb.cur.NewICmp(enum.IPredEQ, c, i32('T')), func() {
			fb.cur.NewStore(fb.call(rt.strtol, oa, constant.NewNull(tI8pp), i32(10)), threads)
			fb.cur.NewStore(i1(true), force)
		})
		fb.ifThen("usage", fb.cur.NewICmp(enum.IPredEQ, c, i32('?')), func() {
			die("usage: PROGRAM [-o RESULTS] [-t THREADS | -T THREADS] [-d DATAFILE] [-v]\n", 2)
		})
	})
	// Threads: -t N (or the compiled-in count) is at most N — no more than
	// the step's work keeps busy (cost.go), since on a small network the
	// synchronisation would cost more than it saves; 0 means the online
	// CPUs. -T N is exactly N (tests). Never more than the chunks.
	nt := fb.cur.NewLoad(tI64, threads)
	fb.ifThen("ncpu", fb.cur.NewICmp(enum.IPredSLE, nt, i64(0)), func() {
		fb.cur.NewStore(fb.cur.NewSExt(fb.call(rt.getNprocs), tI64), threads)
	})
	useful := int64(b.usefulThreads())
	nt = fb.cur.NewLoad(tI64, threads)
	capped := fb.cur.NewSelect(fb.cur.NewICmp(enum.IPredSGT, nt, i64(useful)), i64(useful), nt)
	fb.cur.NewStore(fb.cur.NewSelect(fb.cur.NewLoad(tI1, force), nt, capped), threads)
	nt = fb.cur.NewLoad(tI64, threads)
	fb.ifThen("one", fb.cur.NewICmp(enum.IPredSLE, nt, i64(0)), func() { fb.cur.NewStore(i64(1), threads) })
	nt = fb.cur.NewLoad(tI64, threads)
	most := int64(min(len(b.chunks()), maxThreads))
	fb.ifThen("cap", fb.cur.NewICmp(enum.IPredSGT, nt, i64(most)), func() { fb.cur.NewStore(i64(most), threads) })
	nt = fb.cur.NewLoad(tI64, threads)
	fb.cur.NewStore(nt, rt.nthreads)
	if load != nil {
		fb.ifThen("defdata", fb.cur.NewICmp(enum.IPredEQ, fb.cur.NewLoad(tI8p, dataPath), constant.NewNull(tI8p)), func() {
			buf := fb.call(rt.malloc, i64(4200))
			n := fb.call(rt.readlink, b.strs.get("/proc/self/exe"), buf, i64(4096))
			fb.ifThen("rl", fb.cur.NewICmp(enum.IPredSLT, n, i64(0)), func() { die("cannot find the executable's path; give the data file with -d\n", 2) })
			suffix := ".data\x00"
			fb.call(rt.memcpy, fb.cur.NewGetElementPtr(tI8, buf, n), b.strs.get(".data"), i64(int64(len(suffix))), i1(false))
			fb.cur.NewStore(buf, dataPath)
		})
		rc := fb.call(load, fb.cur.NewLoad(tI8p, dataPath))
		fb.ifThen("open", fb.cur.NewICmp(enum.IPredEQ, rc, i32(1)), func() { die("cannot open the data file (OUT.data beside the executable, or -d FILE)\n", 2) })
		fb.ifThen("bad", fb.cur.NewICmp(enum.IPredEQ, rc, i32(2)), func() { die("the data file does not belong to this program\n", 2) })
		fb.ifThen("short", fb.cur.NewICmp(enum.IPredEQ, rc, i32(3)), func() { die("the data file is truncated\n", 2) })
	}
	// The output stream.
	op := fb.cur.NewLoad(tI8p, outPath)
	outF := fb.alloca(tI8p)
	isNull := fb.cur.NewICmp(enum.IPredEQ, op, constant.NewNull(tI8p))
	isDash := fb.alloca(tI1)
	fb.cur.NewStore(isNull, isDash)
	fb.ifThen("notnull", fb.cur.NewXor(isNull, i1(true)), func() {
		c0 := fb.cur.NewLoad(tI8, op)
		c1 := fb.cur.NewLoad(tI8, fb.cur.NewGetElementPtr(tI8, op, i64(1)))
		dash := fb.cur.NewAnd(fb.cur.NewICmp(enum.IPredEQ, c0, i8('-')), fb.cur.NewICmp(enum.IPredEQ, c1, i8(0)))
		fb.cur.NewStore(dash, isDash)
	})
	fb.cur.NewStore(constant.NewNull(tI8p), outF)
	useStdout := fb.cur.NewLoad(tI1, isDash)
	fb.ifThen("stdout", useStdout, func() { fb.cur.NewStore(fb.call(rt.fdopen, i32(1), b.strs.get("wb")), outF) })
	fb.ifThen("file", fb.cur.NewXor(useStdout, i1(true)), func() { fb.cur.NewStore(fb.call(rt.fopen, op, b.strs.get("wb")), outF) })
	out := fb.cur.NewLoad(tI8p, outF)
	fb.ifThen("noout", fb.cur.NewICmp(enum.IPredEQ, out, constant.NewNull(tI8p)), func() { die("cannot create the result file\n", 2) })
	fb.cur.NewStore(out, rt.out)
	fb.call(rt.setvbuf, out, constant.NewNull(tI8p), i32(0), i64(1<<20))
	// Header: magic, meta.
	meta := b.metaJSON()
	hdr := append([]byte(resultMagic), byte(len(meta)), byte(len(meta)>>8), byte(len(meta)>>16), byte(len(meta)>>24))
	hdr = append(hdr, meta...)
	hp, hn := b.blob("snnc.header", hdr)
	b.writeBytes(fb, hp, i64(int64(hn)))
	fb.call(init)
	// Threads.
	ts := fb.alloca(arrayOf(2, tI64))
	fb.call(rt.clockGettime, i32(1), fb.cur.NewBitCast(ts, tI8p))
	tids := fb.cur.NewBitCast(fb.call(rt.malloc, fb.cur.NewMul(nt, i64(8))), tI64p)
	fb.loop("spawn", i64(1), nt, nil, func(i value.Value, _ []value.Value) []value.Value {
		fb.call(rt.pthreadCreate, fb.cur.NewGetElementPtr(tI64, tids, i), constant.NewNull(tI8p), entryF, fb.cur.NewIntToPtr(i, tI8p))
		return nil
	})
	fb.call(runSteps)
	atomicStore(fb.cur, i32(1), rt.quit, enum.AtomicOrderingRelease)
	b.publish(fb)
	fb.loop("join", i64(1), nt, nil, func(i value.Value, _ []value.Value) []value.Value {
		fb.call(rt.pthreadJoin, fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(tI64, tids, i)), constant.NewNull(tI8pp))
		return nil
	})
	ts2 := fb.alloca(arrayOf(2, tI64))
	fb.call(rt.clockGettime, i32(1), fb.cur.NewBitCast(ts2, tI8p))
	nanos := func(a value.Value) value.Value {
		at := a.(*ir.InstAlloca).ElemType
		sec := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(at, a, i64(0), i64(0)))
		ns := fb.cur.NewLoad(tI64, fb.cur.NewGetElementPtr(at, a, i64(0), i64(1)))
		return fb.cur.NewAdd(fb.cur.NewMul(sec, i64(1e9)), ns)
	}
	loopNs := fb.cur.NewSub(nanos(ts2), nanos(ts))
	fb.ifThen("verbose", fb.cur.NewLoad(tI1, verbose), func() {
		fb.call(rt.dprintf, i32(2), b.strs.get("loop_ns=%lld threads=%lld steps=%lld\n"), loopNs, nt, fb.loadG(rt.done))
	})
	// End record.
	stop := fb.loadG(rt.stop)
	b.writeStruct(fb, i32(tagEnd), stop, fb.loadG(rt.done),
		fb.loadG(rt.errPop), fb.loadG(rt.errNeuron), fb.loadG(rt.errState), fb.loadG(rt.errValue), fb.loadG(rt.errStep),
		loopNs, fb.cur.NewTrunc(nt, tI32))
	rc := fb.call(rt.fclose, out)
	fb.ifThen("close", fb.cur.NewICmp(enum.IPredNE, rc, i32(0)), func() { die("error writing the result file\n", 2) })
	fb.cur.NewRet(i32(0))
}

// gammaI64 is instance.Gamma as the int64 with the same bits.
var gammaI64 = func() int64 { g := instance.Gamma; return int64(g) }()
