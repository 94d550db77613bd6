package fpga

import (
	"fmt"
	"strings"

	"snnc/internal/fixed"
)

// engine returns firmware/<id>.cpp.
func (e *emitter) engine() ([]byte, error) {
	d := e.d
	w := &cw{}
	e.banner(w, d.id+".cpp", "the time-step engine")
	w.l("//")
	w.l("// One time step k (docs/fixed-point.md §6), in this order:")
	w.l("//   begin_step       which trace records sample at the end of the step")
	w.l("//   read_inputs      spikes of the input sources and stimulus values for step k")
	w.l("//   update_phase     (DATAFLOW) every population's update datapath: accumulators from the")
	w.l("//                    delay rings and stimuli, the integer program, spike queues; the")
	w.l("//                    Poisson generators")
	w.l("//   write_outputs    the recorded spikes of step k and the samples at boundary k + 1")
	w.l("//   propagate_phase  every spike through its CSR synapse rows into the delay rings")
	w.l("//   advance          k + 1, ring slots, sample counters")
	w.l("")
	w.l(`#include "%s.h"`, d.id)
	w.l("")
	for _, inc := range e.weightIncludes(false) {
		w.l(`#include "weights/%s"`, inc)
	}
	w.l("")
	w.l("namespace {")
	w.l("")
	e.stateDecls(w)
	w.l("")
	if d.opt.IO == IOStream {
		w.l("void put(snnc::stream<out_word_t>& out, uint32_t kind, uint32_t index, uint32_t neuron, int64_t value) {")
		w.l("    out_word_t o;")
		w.l("    o.kind = kind;")
		w.l("    o.index = index;")
		w.l("    o.neuron = neuron;")
		w.l("    o.value = value;")
		w.l("    out.write(o);")
		w.l("}")
		w.l("")
	}
	e.initFn(w)
	e.emitInitialFn(w)
	e.beginStepFn(w)
	e.readInputsFn(w)
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		if err := e.updateFn(w, p); err != nil {
			return nil, err
		}
	}
	for _, s := range d.srcs {
		if s.poisson && s.queue != nil {
			e.poissonFn(w, s)
		}
	}
	e.updatePhaseFn(w)
	e.writeOutputsFn(w)
	for _, p := range d.projs {
		e.propagateFn(w, p)
	}
	e.propagatePhaseFn(w)
	e.advanceFn(w)
	w.l("}  // namespace")
	w.l("")
	e.topFn(w)
	return w.bytes(), nil
}

// weightIncludes lists the weights headers; tb: those the testbench needs.
func (e *emitter) weightIncludes(tb bool) []string {
	d := e.d
	var out []string
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		if tb {
			if e.hasHeteroParams(p) {
				out = append(out, p.id+"_params.h")
			}
			continue
		}
		if e.hasHeteroInit(p) {
			out = append(out, p.id+"_init.h")
		}
		for _, t := range p.luts {
			out = append(out, t.file)
		}
	}
	if tb {
		return out
	}
	for _, p := range d.projs {
		out = append(out, p.file)
	}
	for _, s := range d.srcs {
		if s.poisson && s.queue != nil {
			out = append(out, s.file)
		}
	}
	return out
}

func (e *emitter) hasHeteroInit(p *popD) bool {
	for _, r := range p.regs {
		if r.Kind == fixed.RegState && !r.homog {
			return true
		}
	}
	return false
}

func (e *emitter) hasHeteroParams(p *popD) bool {
	for _, r := range p.regs {
		if r.Kind == fixed.RegParam && !r.homog {
			return true
		}
	}
	return false
}

func (e *emitter) stateDecls(w *cw) {
	d := e.d
	w.l("// ---- the engine's state ----")
	w.l("uint64_t k_step;    // the step about to run")
	w.l("uint32_t overflow;  // sticky: an input spike was dropped")
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		w.l("// population %s", p.p.Name)
		for _, r := range p.regs {
			switch {
			case r.Kind == fixed.RegState:
				w.l("%s %s[%s];  // state %s", r.typ, r.arr, p.nN, r.Name)
			case r.Kind == fixed.RegParam && r.homog:
				w.l("%s %s;  // param %s (the same for every neuron; loaded at reset)", r.typ, r.arr, r.Name)
			case r.Kind == fixed.RegParam:
				w.l("%s %s[%s];  // param %s (loaded at reset)", r.typ, r.arr, p.nN, r.Name)
			}
		}
		if q := p.queue; q != nil {
			w.l("uint32_t %s[%s];  // spike queue: the neurons that fired this step, ascending", q.arr, p.nN)
			w.l("uint32_t %s;", q.n)
		}
	}
	for _, r := range d.rings {
		w.l("%s %s[%s][%s];  // delay ring of %s.%s", r.typ, r.arr, r.nSlot, r.pop.nN, r.pop.p.Name, r.pop.p.Prog.Regs[r.acc].Name)
		w.l("uint32_t %s;  // the slot read at this step: k mod %s", r.slot, r.nSlot)
	}
	for _, s := range d.stims {
		w.l("snnc::word %s;  // stimulus %s -> %s.%s: its value at this step", s.id, s.s.Name, s.pop.p.Name, s.pop.p.Prog.Regs[s.s.Acc].Name)
	}
	for _, s := range d.srcs {
		if q := s.queue; q != nil {
			w.l("uint32_t %s[%d];  // source %s: its spikes of this step", q.arr, q.cap, s.s.Name)
			w.l("uint32_t %s;", q.n)
		}
	}
	for _, r := range d.traceRecs {
		if n := r.r.Hi - r.r.Lo; n > 0 {
			w.l("snnc::word %s[%d];  // record %s[%d..%d]: the samples due", r.buf, n, r.r.Name, r.r.Lo, r.r.Hi-1)
		}
		w.l("uint32_t %s;  // steps since the last sample", r.ctr)
		w.l("bool %s;      // a sample is due at the end of this step", r.due)
	}
}

// idx returns "LO + t" without a useless "0 +".
func idx(lo int, v string) string {
	if lo == 0 {
		return v
	}
	return fmt.Sprintf("%du + %s", lo, v)
}

// rangeCond returns the condition lo <= v < hi for a neuron index v of a
// population of n (unsigned; no always-true comparisons), or "".
func rangeCond(v string, lo, hi, n int) string {
	var c []string
	if lo > 0 {
		c = append(c, fmt.Sprintf("%s >= %du", v, lo))
	}
	if hi < n {
		c = append(c, fmt.Sprintf("%s < %du", v, hi))
	}
	return strings.Join(c, " && ")
}

func (e *emitter) initFn(w *cw) {
	d := e.d
	arg := ""
	if len(d.params()) > 0 {
		arg = "const params_t& params"
	}
	w.open("void init(%s) {", arg)
	w.l("k_step = 0;")
	w.l("overflow = 0;")
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		w.l("SNNC_LABEL(INIT_%s)", p.id)
		w.open("for (uint32_t i = 0; i < %s; ++i) {", p.nN)
		w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
		for _, r := range p.regs {
			switch {
			case r.Kind == fixed.RegState && r.homog:
				w.l("%s[i] = (%s)(%s);", r.arr, r.typ, lit(r.val))
			case r.Kind == fixed.RegState:
				w.l("%s[i] = %s[i];", r.arr, r.init)
			case r.Kind == fixed.RegParam && !r.homog:
				w.l("%s[i] = params.%s[i];", r.arr, r.field)
			}
		}
		w.close("}")
		for _, r := range p.regs {
			if r.Kind == fixed.RegParam && r.homog {
				w.l("%s = params.%s;", r.arr, r.field)
			}
		}
		if p.queue != nil {
			w.l("%s = 0;", p.queue.n)
		}
	}
	for _, r := range d.rings {
		w.l("SNNC_LABEL(INIT_%s)", r.arr)
		w.open("for (uint32_t s = 0; s < %s; ++s) {", r.nSlot)
		w.open("for (uint32_t i = 0; i < %s; ++i) {", r.pop.nN)
		w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
		w.l("%s[s][i] = 0;", r.arr)
		w.close("}")
		w.close("}")
		w.l("%s = 0;", r.slot)
	}
	for _, s := range d.stims {
		w.l("%s = 0;", s.id)
	}
	for _, s := range d.srcs {
		if s.queue != nil {
			w.l("%s = 0;", s.queue.n)
		}
	}
	// The samples at b = 0: the initial register values (0 for
	// accumulators and temporaries).
	for _, r := range d.traceRecs {
		w.l("%s = 0;", r.ctr)
		w.l("%s = true;", r.due)
		n := r.r.Hi - r.r.Lo
		if n == 0 {
			continue
		}
		var v string
		switch {
		case r.reg.Kind == fixed.RegState || r.reg.Kind == fixed.RegParam && !r.reg.homog:
			v = fmt.Sprintf("snnc::to_word(%s[%s])", r.reg.arr, idx(r.r.Lo, "t"))
		case r.reg.Kind == fixed.RegParam:
			v = fmt.Sprintf("snnc::to_word(%s)", r.reg.arr)
		default:
			v = "0"
		}
		w.open("for (uint32_t t = 0; t < %du; ++t) {", n)
		w.l("%s[t] = %s;", r.buf, v)
		w.close("}")
	}
	w.close("}")
	w.l("")
}

func (e *emitter) emitInitialFn(w *cw) {
	d := e.d
	if d.opt.IO == IOStream {
		w.l("// The samples at b = 0, then the end-of-step word with b = 0.")
		w.open("void emit_initial(snnc::stream<out_word_t>& out) {")
		for _, r := range d.traceRecs {
			if n := r.r.Hi - r.r.Lo; n > 0 {
				w.open("for (uint32_t t = 0; t < %du; ++t) {", n)
				w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
				w.l("put(out, SNNC_OUT_SAMPLE, %du, %s, %s[t]);", r.j, idx(r.r.Lo, "t"), r.buf)
				w.close("}")
			}
		}
		w.l("put(out, SNNC_OUT_END, 0, 0, 0);")
		w.close("}")
		w.l("")
		return
	}
	args := e.outArgs()
	w.l("// The samples at b = 0; no spikes.")
	w.open("void emit_initial(%s) {", strings.Join(args, ", "))
	if d.spikeOutN() > 0 {
		w.open("for (uint32_t o = 0; o < N_SPIKE_OUT; ++o) {")
		w.l("SNNC_PRAGMA(HLS UNROLL)")
		w.l("spike_out[o] = 0;")
		w.close("}")
	}
	for _, r := range d.traceRecs {
		w.l("trace_valid[%d] = 1;", r.j)
		if n := r.r.Hi - r.r.Lo; n > 0 {
			w.open("for (uint32_t t = 0; t < %du; ++t) {", n)
			w.l("SNNC_PRAGMA(HLS UNROLL)")
			w.l("trace_out[%s] = %s[t];", idx(r.off, "t"), r.buf)
			w.close("}")
		}
	}
	w.close("}")
	w.l("")
}

func (e *emitter) outArgs() []string {
	d := e.d
	var args []string
	if d.spikeOutN() > 0 {
		args = append(args, "uint16_t spike_out[N_SPIKE_OUT]")
	}
	if d.traceOutN() > 0 {
		args = append(args, "int64_t trace_out[N_TRACE_OUT]", "uint8_t trace_valid[N_TRACE_REC]")
	}
	return args
}

func (e *emitter) outCallArgs() string {
	d := e.d
	var args []string
	if d.spikeOutN() > 0 {
		args = append(args, "spike_out")
	}
	if d.traceOutN() > 0 {
		args = append(args, "trace_out", "trace_valid")
	}
	return strings.Join(args, ", ")
}

func (e *emitter) beginStepFn(w *cw) {
	w.open("void begin_step() {")
	for _, r := range e.d.traceRecs {
		w.l("%s = %s + 1u == %s;", r.due, r.ctr, r.nEvery)
	}
	w.close("}")
	w.l("")
}

func (e *emitter) readInputsFn(w *cw) {
	d := e.d
	streamed := d.streamed()
	if d.opt.IO == IOStream {
		w.l("// The input words of step k, up to its end-of-step word.")
		w.open("void read_inputs(snnc::stream<in_word_t>& in) {")
		for _, s := range streamed {
			w.l("%s = 0;", s.queue.n)
		}
		w.l("SNNC_LABEL(READ)")
		w.open("for (;;) {")
		w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
		w.l("const in_word_t w = in.read();")
		w.l("if (w.kind == SNNC_IN_END) break;")
		w.open("if (w.kind == SNNC_IN_SPIKE) {")
		els := ""
		for _, s := range streamed {
			q := s.queue
			w.open("%sif (w.index == %du) {", els, s.idx)
			w.open("if (w.neuron < %s && %s < %du) {", s.nN, q.n, q.cap)
			w.l("%s[%s] = w.neuron;", q.arr, q.n)
			w.l("%s = %s + 1;", q.n, q.n)
			w.close("} else {")
			w.ind++
			w.l("overflow = 1;")
			w.close("}")
			w.ind--
			els = "} else "
		}
		if len(streamed) > 0 {
			w.open("} else {")
			w.l("overflow = 1;")
			w.close("}")
		} else {
			w.l("overflow = 1;")
		}
		w.close("} else if (w.kind == SNNC_IN_STIM) {")
		w.ind++
		els = ""
		for _, s := range d.stims {
			w.l("%sif (w.index == %du) %s = w.value;", els, s.idx, s.id)
			els = "else "
		}
		if len(d.stims) > 0 {
			w.l("else overflow = 1;")
		} else {
			w.l("overflow = 1;")
		}
		w.close("} else {")
		w.ind++
		w.l("overflow = 1;")
		w.close("}")
		w.close("}")
		w.close("}")
		w.l("")
		return
	}
	var args []string
	if d.srcInN() > 0 {
		args = append(args, "const uint16_t src_in[N_SRC_IN]")
	}
	if len(d.stims) > 0 {
		args = append(args, "const int64_t stim_in[N_STIM_IN]")
	}
	w.l("// The inputs of step k: spike counts per input-source neuron, stimulus values.")
	w.open("void read_inputs(%s) {", strings.Join(args, ", "))
	for _, s := range streamed {
		q := s.queue
		w.l("%s = 0;", q.n)
		w.open("for (uint32_t i = 0; i < %s; ++i) {", s.nN)
		w.open("for (uint32_t c = 0; c < src_in[%s]; ++c) {", idx(s.inOff, "i"))
		w.open("if (%s < %du) {", q.n, q.cap)
		w.l("%s[%s] = i;", q.arr, q.n)
		w.l("%s = %s + 1;", q.n, q.n)
		w.close("} else {")
		w.ind++
		w.l("overflow = 1;")
		w.close("}")
		w.close("}")
		w.close("}")
	}
	for j, s := range d.stims {
		w.l("%s = stim_in[%d];", s.id, j)
	}
	w.close("}")
	w.l("")
}

func (e *emitter) inCallArgs() string {
	d := e.d
	var args []string
	if d.opt.IO == IOStream {
		return "in"
	}
	if d.srcInN() > 0 {
		args = append(args, "src_in")
	}
	if len(d.stims) > 0 {
		args = append(args, "stim_in")
	}
	return strings.Join(args, ", ")
}

// updateFn writes the update datapath of a population.
func (e *emitter) updateFn(w *cw, p *popD) error {
	prog := p.p.Prog
	w.l("// Population %s: %d neurons, program @%s (%d instructions). Each lane reads a neuron's", p.p.Name, p.N, prog.Name, len(prog.Code))
	w.l("// registers, takes its accumulators from the delay rings (clearing the slot) and the")
	w.l("// stimuli, runs the program, stores the states reduced to their types and queues a spike.")
	w.open("void %s() {", p.update)
	for r, rd := range p.regs {
		if rd.Kind != fixed.RegAcc || len(p.accStims[r]) == 0 {
			continue
		}
		x := p.accStims[r][0].id
		for _, s := range p.accStims[r][1:] {
			x = fmt.Sprintf("snnc::add(%s, %s)", x, s.id)
		}
		w.l("const snnc::word stim_%s = %s;", rd.local, x)
	}
	if p.queue != nil {
		w.l("uint32_t nspk = 0;")
	}
	w.l("SNNC_LABEL(UPDATE_%s)", p.id)
	w.open("for (uint32_t i0 = 0; i0 < %s; i0 += %s) {", p.nN, p.nL)
	w.l("SNNC_PRAGMA(HLS PIPELINE II=SNNC_REUSE)")
	if p.mults > 0 {
		w.l("SNNC_PRAGMA(HLS ALLOCATION operation instances=mul limit=%s)", p.nMul)
	}
	w.open("for (uint32_t l = 0; l < %s; ++l) {", p.nL)
	w.l("SNNC_PRAGMA(HLS UNROLL)")
	w.l("const uint32_t i = i0 + l;")
	if p.N%p.lanes != 0 {
		w.open("if (i < %s) {", p.nN)
	} else {
		w.open("{")
	}
	recorded := map[int]bool{}
	for _, r := range p.recs {
		recorded[r.reg.idx] = true
	}
	var locals []string
	for r, rd := range p.regs {
		switch rd.Kind {
		case fixed.RegState:
			w.l("snnc::word %s = snnc::to_word(%s[i]);", rd.local, rd.arr)
			locals = append(locals, rd.local)
		case fixed.RegParam:
			if !rd.used && !recorded[r] {
				continue
			}
			if rd.homog {
				w.l("const snnc::word %s = snnc::to_word(%s);", rd.local, rd.arr)
			} else {
				w.l("const snnc::word %s = snnc::to_word(%s[i]);", rd.local, rd.arr)
			}
			locals = append(locals, rd.local)
		case fixed.RegAcc:
			var sum string
			if len(p.accStims[r]) > 0 {
				sum = "stim_" + rd.local
			}
			for _, ring := range p.accRing[r] {
				el := fmt.Sprintf("%s[%s][i]", ring.arr, ring.slot)
				if rd.used || recorded[r] {
					x := "snnc::to_word(" + el + ")"
					if sum == "" {
						sum = x
					} else {
						sum = fmt.Sprintf("snnc::add(%s, %s)", sum, x)
					}
				}
			}
			if rd.used || recorded[r] {
				if sum == "" {
					sum = "0"
				} else {
					sum = reduceExpr(rd.Type, sum)
				}
				w.l("const snnc::word %s = %s;", rd.local, sum)
				locals = append(locals, rd.local)
			}
			for _, ring := range p.accRing[r] {
				w.l("%s[%s][i] = 0;", ring.arr, ring.slot)
			}
		case fixed.RegTemp:
			if rd.used || recorded[r] {
				w.l("snnc::word %s = 0;", rd.local)
				locals = append(locals, rd.local)
			}
		}
	}
	names := make([]string, len(p.regs))
	for r, rd := range p.regs {
		names[r] = rd.local
	}
	lutExpr := func(t int, x string) string {
		ld := p.luts[t]
		interp := "false"
		if ld.t.Interp {
			interp = "true"
		}
		return fmt.Sprintf("snnc::lut<%s, %s, %s>(%s, %s, %s)", ld.nN, ld.nS, interp, ld.arr, ld.nX0, x)
	}
	for k := range prog.Code {
		in := &prog.Code[k]
		x, err := instrExpr(in, names, lutExpr)
		if err != nil {
			return fmt.Errorf("fpga: population %s: instruction %d: %w", p.p.Name, k, err)
		}
		w.l("%s = %s;", names[in.Dst], x)
	}
	for _, rd := range p.regs {
		if rd.Kind == fixed.RegState {
			if r := reduceExpr(rd.Type, rd.local); r != rd.local {
				w.l("%s = %s;", rd.local, r)
			}
			w.l("%s[i] = (%s)%s;", rd.arr, rd.typ, rd.local)
		}
	}
	if p.queue != nil {
		w.open("if (%s != 0) {", names[prog.Spike])
		w.l("%s[nspk] = i;", p.queue.arr)
		w.l("nspk = nspk + 1;")
		w.close("}")
	}
	for _, r := range p.recs {
		n := r.r.Hi - r.r.Lo
		if n == 0 {
			continue
		}
		c := rangeCond("i", r.r.Lo, r.r.Hi, p.N)
		if c != "" {
			c = " && " + c
		}
		i := "i"
		if r.r.Lo > 0 {
			i = fmt.Sprintf("i - %du", r.r.Lo)
		}
		w.l("if (%s%s) %s[%s] = %s;", r.due, c, r.buf, i, r.reg.local)
	}
	for _, l := range locals {
		w.l("(void)%s;", l)
	}
	w.close("}")
	w.close("}")
	w.close("}")
	if p.queue != nil {
		w.l("%s = nspk;", p.queue.n)
	}
	w.close("}")
	w.l("")
	return nil
}

func (e *emitter) poissonFn(w *cw, s *srcD) {
	q := s.queue
	w.l("// Poisson source %s: neuron i spikes at step k iff Draw(key_i, k) >> 11 < T_i (docs/rng.md).", s.s.Name)
	w.open("void %s() {", s.fn)
	w.l("uint32_t nspk = 0;")
	w.l("SNNC_LABEL(POISSON_%s)", s.id)
	w.open("for (uint32_t i0 = 0; i0 < %s; i0 += %s) {", s.nN, s.nL)
	w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
	w.open("for (uint32_t l = 0; l < %s; ++l) {", s.nL)
	w.l("SNNC_PRAGMA(HLS UNROLL)")
	w.l("const uint32_t i = i0 + l;")
	cond := ""
	if s.N%s.lanes != 0 {
		cond = fmt.Sprintf("i < %s && ", s.nN)
	}
	thr := fmt.Sprintf("%dull", s.thr0)
	if s.thr != "" {
		thr = s.thr + "[i]"
	}
	w.open("if (%ssnnc::poisson(%s[i], %s, k_step)) {", cond, s.key, thr)
	w.l("%s[nspk] = i;", q.arr)
	w.l("nspk = nspk + 1;")
	w.close("}")
	w.close("}")
	w.close("}")
	w.l("%s = nspk;", q.n)
	w.close("}")
	w.l("")
}

func (e *emitter) updatePhaseFn(w *cw) {
	d := e.d
	var calls []string
	for _, p := range d.pops {
		if p.N > 0 {
			calls = append(calls, p.update+"();")
		}
	}
	for _, s := range d.srcs {
		if s.poisson && s.queue != nil {
			calls = append(calls, s.fn+"();")
		}
	}
	w.l("// The populations and the Poisson generators are independent: one task each.")
	w.open("void update_phase() {")
	if len(calls) > 1 {
		w.l("SNNC_PRAGMA(HLS DATAFLOW)")
	}
	for _, c := range calls {
		w.l("%s", c)
	}
	w.close("}")
	w.l("")
}

func (e *emitter) writeOutputsFn(w *cw) {
	d := e.d
	stream := d.opt.IO == IOStream
	if stream {
		w.l("// The recorded spikes of step k, the samples due at boundary k + 1, the end word.")
		w.open("void write_outputs(snnc::stream<out_word_t>& out) {")
	} else {
		w.l("// The recorded spikes of step k (counts) and the samples due at boundary k + 1.")
		w.open("void write_outputs(%s) {", strings.Join(e.outArgs(), ", "))
		if d.spikeOutN() > 0 {
			w.open("for (uint32_t o = 0; o < N_SPIKE_OUT; ++o) {")
			w.l("SNNC_PRAGMA(HLS UNROLL)")
			w.l("spike_out[o] = 0;")
			w.close("}")
		}
	}
	for _, r := range d.spikeRecs {
		if r.queue == nil || r.hi <= r.lo {
			continue
		}
		n := 0
		if r.pop != nil {
			n = r.pop.N
		} else {
			n = r.src.N
		}
		w.open("for (uint32_t q = 0; q < %s; ++q) {", r.queue.n)
		w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
		w.l("const uint32_t i = %s[q];", r.queue.arr)
		var stmt string
		if stream {
			stmt = fmt.Sprintf("put(out, SNNC_OUT_SPIKE, %du, i, 0);", r.j)
		} else {
			o := "i"
			if r.lo > 0 {
				o = fmt.Sprintf("i - %du", r.lo)
			}
			if r.off > 0 {
				o = fmt.Sprintf("%du + %s", r.off, o)
			}
			stmt = fmt.Sprintf("spike_out[%s] = (uint16_t)(spike_out[%s] + 1);", o, o)
		}
		if c := rangeCond("i", r.lo, r.hi, n); c != "" {
			w.l("if (%s) %s", c, stmt)
		} else {
			w.l("%s", stmt)
		}
		w.close("}")
	}
	for _, r := range d.traceRecs {
		n := r.r.Hi - r.r.Lo
		if stream {
			if n == 0 {
				continue
			}
			w.open("if (%s) {", r.due)
			w.open("for (uint32_t t = 0; t < %du; ++t) {", n)
			w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
			w.l("put(out, SNNC_OUT_SAMPLE, %du, %s, %s[t]);", r.j, idx(r.r.Lo, "t"), r.buf)
			w.close("}")
			w.close("}")
			continue
		}
		w.l("trace_valid[%d] = %s ? 1 : 0;", r.j, r.due)
		if n > 0 {
			w.open("for (uint32_t t = 0; t < %du; ++t) {", n)
			w.l("SNNC_PRAGMA(HLS UNROLL)")
			w.l("trace_out[%s] = %s ? %s[t] : 0;", idx(r.off, "t"), r.due, r.buf)
			w.close("}")
		}
	}
	if stream {
		w.l("put(out, SNNC_OUT_END, 0, 0, (int64_t)(k_step + 1));")
	}
	w.close("}")
	w.l("")
}

func (e *emitter) propagateFn(w *cw, p *projD) {
	ring := p.ring
	q := p.src
	w.l("// %s: %d synapses; every spike of the step adds its row's weights into the ring.", p.ip.Name, p.nSyn)
	w.open("void %s() {", p.fn)
	w.l("SNNC_LABEL(SPIKES_%s)", p.id)
	w.open("for (uint32_t q = 0; q < %s; ++q) {", q.n)
	w.l("const uint32_t pre = %s[q];", q.arr)
	w.l("const uint32_t lo = (uint32_t)snnc::to_word(%s[pre]);", p.row)
	w.l("const uint32_t hi = (uint32_t)snnc::to_word(%s[pre + 1]);", p.row)
	w.l("SNNC_LABEL(SYNAPSES_%s)", p.id)
	w.open("for (uint32_t s = lo; s < hi; ++s) {")
	w.l("SNNC_PRAGMA(HLS PIPELINE II=1)")
	if p.rowUnique {
		w.l("SNNC_PRAGMA(HLS DEPENDENCE variable=%s type=inter dependent=false)  // a row never hits one element twice", ring.arr)
	}
	if p.dArr != "" {
		w.l("uint32_t t = %s + 1u + (uint32_t)snnc::to_word(%s[s]);", ring.slot, p.dArr)
	} else {
		w.l("uint32_t t = %s + %du;", ring.slot, p.d+1)
	}
	w.l("if (t >= %s) t -= %s;", ring.nSlot, ring.nSlot)
	w.l("const uint32_t j = (uint32_t)snnc::to_word(%s[s]);", p.post)
	wt := lit(p.w)
	if p.wArr != "" {
		wt = fmt.Sprintf("snnc::to_word(%s[s])", p.wArr)
	}
	sum := fmt.Sprintf("snnc::add(snnc::to_word(%s[t][j]), %s)", ring.arr, wt)
	w.l("%s[t][j] = (%s)%s;", ring.arr, ring.typ, reduceExpr(ring.accT, sum))
	w.close("}")
	w.close("}")
	w.close("}")
	w.l("")
}

func (e *emitter) propagatePhaseFn(w *cw) {
	w.open("void propagate_phase() {")
	for _, p := range e.d.projs {
		w.l("%s();", p.fn)
	}
	w.close("}")
	w.l("")
}

func (e *emitter) advanceFn(w *cw) {
	w.open("void advance() {")
	w.l("k_step = k_step + 1;")
	for _, r := range e.d.rings {
		w.l("%s = %s + 1u == %s ? 0u : %s + 1u;", r.slot, r.slot, r.nSlot, r.slot)
	}
	for _, r := range e.d.traceRecs {
		w.l("%s = %s ? 0u : %s + 1u;", r.ctr, r.due, r.ctr)
	}
	w.close("}")
	w.l("")
}

func (e *emitter) topFn(w *cw) {
	d := e.d
	w.open("void %s(%s) {", d.id, e.topArgs())
	// Interfaces.
	if d.opt.IO == IOStream {
		w.l("SNNC_PRAGMA(HLS INTERFACE mode=axis port=in)")
		w.l("SNNC_PRAGMA(HLS INTERFACE mode=axis port=out)")
	} else {
		ports := []string{}
		if d.srcInN() > 0 {
			ports = append(ports, "src_in")
		}
		if len(d.stims) > 0 {
			ports = append(ports, "stim_in")
		}
		if d.spikeOutN() > 0 {
			ports = append(ports, "spike_out")
		}
		if d.traceOutN() > 0 {
			ports = append(ports, "trace_out", "trace_valid")
		}
		for _, p := range ports {
			w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=complete dim=0)", p)
			w.l("SNNC_PRAGMA(HLS INTERFACE mode=ap_vld port=%s)", p)
		}
	}
	w.l("SNNC_PRAGMA(HLS INTERFACE mode=s_axilite port=ctrl bundle=control)")
	if len(d.params()) > 0 {
		w.l("SNNC_PRAGMA(HLS INTERFACE mode=s_axilite port=params bundle=control)")
	}
	w.l("SNNC_PRAGMA(HLS INTERFACE mode=s_axilite port=status bundle=control)")
	w.l("SNNC_PRAGMA(HLS INTERFACE mode=s_axilite port=return bundle=control)")
	// Memories.
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		if p.lanes > 1 {
			for _, r := range p.regs {
				if r.Kind == fixed.RegState || r.Kind == fixed.RegParam && !r.homog {
					w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=cyclic factor=%s dim=1)", r.arr, p.nL)
				}
			}
			for _, r := range p.recs {
				if r.r.Hi > r.r.Lo {
					w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=cyclic factor=%s dim=1)", r.buf, p.nL)
				}
			}
		}
		for _, t := range p.luts {
			w.l("SNNC_PRAGMA(HLS BIND_STORAGE variable=%s type=rom_2p impl=bram)", t.arr)
		}
	}
	for _, r := range d.rings {
		if r.pop.lanes > 1 {
			w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=cyclic factor=%s dim=2)", r.arr, r.pop.nL)
		}
	}
	for _, p := range d.projs {
		for _, a := range []string{p.row, p.post, p.wArr, p.dArr} {
			if a != "" {
				w.l("SNNC_PRAGMA(HLS BIND_STORAGE variable=%s type=rom_1p impl=bram)", a)
			}
		}
	}
	for _, s := range d.srcs {
		if s.poisson && s.queue != nil && s.lanes > 1 {
			w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=cyclic factor=%s dim=1)", s.key, s.nL)
			if s.thr != "" {
				w.l("SNNC_PRAGMA(HLS ARRAY_PARTITION variable=%s type=cyclic factor=%s dim=1)", s.thr, s.nL)
			}
		}
	}
	w.l("")
	initArg := ""
	if len(d.params()) > 0 {
		initArg = "params"
	}
	if d.opt.IO == IOStream {
		w.open("if (ctrl.reset != 0) {")
		w.l("init(%s);", initArg)
		w.l("emit_initial(out);")
		w.close("}")
		w.l("SNNC_LABEL(STEPS)")
		w.open("for (uint32_t n = 0; n < ctrl.n_steps; ++n) {")
		w.l("SNNC_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=%d)", d.steps)
		e.stepCalls(w)
		w.close("}")
	} else {
		w.open("if (ctrl.reset != 0) {")
		w.l("init(%s);", initArg)
		w.l("emit_initial(%s);", e.outCallArgs())
		w.close("} else {")
		w.ind++
		e.stepCalls(w)
		w.close("}")
	}
	w.l("status->step = k_step;")
	w.l("status->overflow = overflow;")
	w.close("}")
}

func (e *emitter) stepCalls(w *cw) {
	w.l("begin_step();")
	w.l("read_inputs(%s);", e.inCallArgs())
	w.l("update_phase();")
	if e.d.opt.IO == IOStream {
		w.l("write_outputs(out);")
	} else {
		w.l("write_outputs(%s);", e.outCallArgs())
	}
	w.l("propagate_phase();")
	w.l("advance();")
}
