package fpga

import (
	"fmt"
	"strconv"
	"strings"

	"snnc/internal/fixed"
)

// array writes `static const TYPE NAME[SIZE] = {…};` with 12 values a line.
func array(w *cw, typ, name, size string, n int, at func(i int) string) {
	w.l("static const %s %s[%s] = {", typ, name, size)
	var line []string
	for i := 0; i < n; i++ {
		line = append(line, at(i))
		if len(line) == 12 || i == n-1 {
			sep := ","
			if i == n-1 {
				sep = ""
			}
			w.l("    %s%s", strings.Join(line, ", "), sep)
			line = line[:0]
		}
	}
	w.l("};")
}

func ints(v []int64) func(int) string { return func(i int) string { return lit(v[i]) } }

func (e *emitter) weightFile(name, what string, body func(w *cw)) {
	w := &cw{}
	e.banner(w, "weights/"+name, what)
	guard := "WEIGHTS_" + upper(ident(strings.TrimSuffix(name, ".h"))) + "_H_"
	w.l("#ifndef %s", guard)
	w.l("#define %s", guard)
	w.l("")
	w.l(`#include "../parameters.h"`)
	w.l("")
	body(w)
	w.l("")
	w.l("#endif  // %s", guard)
	e.files["firmware/weights/"+name] = w.bytes()
}

// weights writes firmware/weights/*.h: initial states, parameter defaults,
// tables, synapse tables (CSR by source) and Poisson keys.
func (e *emitter) weights() {
	d := e.d
	for _, p := range d.pops {
		if p.N == 0 {
			continue
		}
		if e.hasHeteroInit(p) {
			e.weightFile(p.id+"_init.h", fmt.Sprintf("initial states of population %s", p.p.Name), func(w *cw) {
				for _, r := range p.regs {
					if r.Kind == fixed.RegState && !r.homog {
						w.l("// state %s : %s", r.Name, r.Type)
						array(w, r.typ, r.init, p.nN, p.N, ints(r.vals))
					}
				}
			})
		}
		if e.hasHeteroParams(p) {
			e.weightFile(p.id+"_params.h", fmt.Sprintf("parameter defaults of population %s (loaded over AXI-lite)", p.p.Name), func(w *cw) {
				for _, r := range p.regs {
					if r.Kind == fixed.RegParam && !r.homog {
						w.l("// param %s : %s", r.Name, r.Type)
						array(w, r.typ, r.deflt, p.nN, p.N, ints(r.vals))
					}
				}
			})
		}
		for _, t := range p.luts {
			e.weightFile(t.file, fmt.Sprintf("table @%s of population %s", t.t.Name, p.p.Name), func(w *cw) {
				interp := "no interpolation"
				if t.t.Interp {
					interp = "linear interpolation"
				}
				w.l("// %s", oneLine(t.t.Comment, 200))
				w.l("// %d entries of %s; entry i at x = %d + (i << %d); %s (docs/fixed-point.md §4)", len(t.t.Vals), t.t.Type, t.t.X0, t.t.Shift, interp)
				array(w, t.typ, t.arr, t.nN, len(t.t.Vals), ints(t.t.Vals))
			})
		}
	}
	for _, p := range d.projs {
		ip := p.ip
		e.weightFile(p.file, fmt.Sprintf("synapses of %s", ip.Name), func(w *cw) {
			w.l("// %d presynaptic neurons, %d synapses in CSR by source: the synapses of neuron i are", ip.NPre, p.nSyn)
			w.l("// s = row[i] .. row[i+1]-1, with postsynaptic neuron post[s].")
			if p.wArr == "" {
				w.l("// Every weight is %d (added into %s).", p.w, p.ring.accT)
			}
			if p.dArr == "" {
				w.l("// Every delay is %d steps: a spike at step k arrives at step k + %d.", p.d, p.d+1)
			}
			array(w, p.rowSt.String(), p.row, strconv.Itoa(ip.NPre+1), ip.NPre+1, func(i int) string { return strconv.Itoa(ip.Row[i]) })
			array(w, p.postSt.String(), p.post, strconv.Itoa(p.nSyn), p.nSyn, func(i int) string { return strconv.Itoa(int(ip.Post[i])) })
			if p.wArr != "" {
				w.l("// integer weights, added into the accumulator (%s)", p.ring.accT)
				array(w, p.wSt.String(), p.wArr, strconv.Itoa(p.nSyn), p.nSyn, ints(p.pr.Weights))
			}
			if p.dArr != "" {
				w.l("// delays in steps: a spike at step k arrives at step k + 1 + delay")
				array(w, p.dSt.String(), p.dArr, strconv.Itoa(p.nSyn), p.nSyn, func(i int) string { return strconv.Itoa(ip.DelayAt(i)) })
			}
		})
	}
	for _, s := range d.srcs {
		if !s.poisson || s.queue == nil {
			continue
		}
		e.weightFile(s.file, fmt.Sprintf("Poisson source %s", s.s.Name), func(w *cw) {
			w.l("// key_i = Key(seed %d, 4, %d, i); neuron i spikes at step k iff", d.inst.Seed, s.idx)
			w.l("// mix64(key_i + (k + 1)·0x9E3779B97F4A7C15) >> 11 < T_i (docs/rng.md).")
			array(w, "uint64_t", s.key, s.nN, s.N, func(i int) string { return fmt.Sprintf("0x%016xull", s.s.Keys[i]) })
			if s.thr != "" {
				array(w, "uint64_t", s.thr, s.nN, s.N, func(i int) string { return fmt.Sprintf("%dull", s.s.Thresholds[i]) })
			} else {
				w.l("// T = %d for every neuron (rate %g Hz)", s.thr0, s.s.Rate.Scalar)
			}
		})
	}
}
