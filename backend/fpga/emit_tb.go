package fpga

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
)

// Input event kinds of tb_data/input_events.dat (= SNNC_IN_SPIKE, SNNC_IN_STIM).
const (
	evSpike = 1
	evStim  = 2
)

type inEvent struct {
	step        int64
	kind, index int
	value       int64
}

// inputEvents returns the input events of the run, ordered by step; within
// a step the stimulus values first, then the spikes by source in event
// order (ascending neuron).
func (d *design) inputEvents() []inEvent {
	var ev []inEvent
	for _, s := range d.stims {
		for _, r := range s.s.Runs {
			if r.Step < d.steps {
				ev = append(ev, inEvent{r.Step, evStim, s.idx, r.Value})
			}
		}
	}
	for _, s := range d.streamed() {
		for k, step := range s.s.EvStep {
			if step < d.steps {
				ev = append(ev, inEvent{step, evSpike, s.idx, int64(s.s.EvNeuron[k])})
			}
		}
	}
	sort.SliceStable(ev, func(i, j int) bool {
		if ev[i].step != ev[j].step {
			return ev[i].step < ev[j].step
		}
		return ev[i].kind > ev[j].kind // stimuli first
	})
	return ev
}

// tbData writes tb_data/: the input events and, unless NoExpected, the
// expected spikes and traces of the interpreter's fixed mode.
func (e *emitter) tbData() error {
	d := e.d
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: input events of network %s, %d steps\n", "input_events.dat", d.net.Name, d.steps)
	fmt.Fprintf(&b, "# step kind index value\n")
	fmt.Fprintf(&b, "#   kind 1: a spike of source `index` (declaration order), value = the neuron\n")
	fmt.Fprintf(&b, "#   kind 2: stimulus `index` has value `value` from this step on (0 before its first event)\n")
	for _, s := range d.srcs {
		if !s.poisson {
			fmt.Fprintf(&b, "# source %d: %s[%d], spikes from the input\n", s.idx, s.s.Name, s.N)
		}
	}
	for _, s := range d.stims {
		fmt.Fprintf(&b, "# stimulus %d: %s -> %s.%s\n", s.idx, s.s.Name, s.pop.p.Name, s.pop.p.Prog.Regs[s.s.Acc].Name)
	}
	for _, ev := range d.inputEvents() {
		fmt.Fprintf(&b, "%d %d %d %d\n", ev.step, ev.kind, ev.index, ev.value)
	}
	e.files["tb_data/input_events.dat"] = b.Bytes()
	if d.opt.NoExpected {
		return nil
	}
	opt := interp.RunOptions{}
	if d.steps != d.net.Steps {
		opt.Duration = float64(d.steps) * d.net.Dt
	}
	res, err := interp.RunFixed(d.net, opt)
	if err != nil {
		return fmt.Errorf("fpga: the reference run for tb_data: %w", err)
	}
	if res.Steps != d.steps {
		return fmt.Errorf("fpga: the reference run made %d steps, want %d", res.Steps, d.steps)
	}
	sp, tr, err := d.expected(res)
	if err != nil {
		return err
	}
	e.files["tb_data/expected_spikes.dat"] = sp
	e.files["tb_data/expected_traces.dat"] = tr
	return nil
}

// stepOf inverts fixed.Clock.Ms.
func stepOf(c fixed.Clock, ms float64) (int64, error) {
	var k int64
	if c.PerMs > 0 {
		k = int64(math.Round(ms * float64(c.PerMs)))
	} else {
		k = int64(math.Round(ms / c.DtMs))
	}
	if c.Ms(k) != ms {
		return 0, fmt.Errorf("fpga: time %v ms is not a step boundary", ms)
	}
	return k, nil
}

// expected writes a result as the testbench's expected files, in the order
// the design emits: by step (boundary), then record, then neuron order.
func (d *design) expected(res *results.Result) ([]byte, []byte, error) {
	clk := fixed.NewClock(d.net.Dt)
	if len(res.Spikes) != len(d.spikeRecs) || len(res.Traces) != len(d.traceRecs) {
		return nil, nil, fmt.Errorf("fpga: the reference result has %d spike records and %d traces, the design %d and %d",
			len(res.Spikes), len(res.Traces), len(d.spikeRecs), len(d.traceRecs))
	}
	type sp struct {
		k        int64
		rec, seq int
		neuron   int32
	}
	var spikes []sp
	for j, s := range res.Spikes {
		for i := range s.Neuron {
			k, err := stepOf(clk, s.TimeMs[i])
			if err != nil {
				return nil, nil, err
			}
			spikes = append(spikes, sp{k, j, i, s.Neuron[i]})
		}
	}
	sort.Slice(spikes, func(a, b int) bool {
		x, y := spikes[a], spikes[b]
		if x.k != y.k {
			return x.k < y.k
		}
		if x.rec != y.rec {
			return x.rec < y.rec
		}
		return x.seq < y.seq
	})
	var b bytes.Buffer
	fmt.Fprintf(&b, "# expected_spikes.dat: network %s, %d steps (the interpreter's fixed mode)\n", d.net.Name, d.steps)
	fmt.Fprintf(&b, "# step record neuron; records: %s\n", d.spikeRecNames())
	for _, s := range spikes {
		fmt.Fprintf(&b, "%d %d %d\n", s.k, s.rec, s.neuron)
	}
	type smp struct {
		b        int64
		rec, col int
		neuron   int
		v        float64
	}
	var samples []smp
	for j, t := range res.Traces {
		for s, ms := range t.TimeMs {
			bnd, err := stepOf(clk, ms)
			if err != nil {
				return nil, nil, err
			}
			for c, n := range t.Neurons {
				samples = append(samples, smp{bnd, j, c, n, t.Values[s][c]})
			}
		}
	}
	sort.SliceStable(samples, func(a, c int) bool {
		x, y := samples[a], samples[c]
		if x.b != y.b {
			return x.b < y.b
		}
		if x.rec != y.rec {
			return x.rec < y.rec
		}
		return x.col < y.col
	})
	var t bytes.Buffer
	fmt.Fprintf(&t, "# expected_traces.dat: network %s, %d steps (the interpreter's fixed mode)\n", d.net.Name, d.steps)
	fmt.Fprintf(&t, "# boundary record neuron si_bits si; records: %s\n", d.traceRecNames())
	for _, s := range samples {
		fmt.Fprintf(&t, "%d %d %d %016x %.17g\n", s.b, s.rec, s.neuron, math.Float64bits(s.v), s.v)
	}
	return b.Bytes(), t.Bytes(), nil
}

func (d *design) spikeRecNames() string {
	var s []string
	for _, r := range d.spikeRecs {
		s = append(s, fmt.Sprintf("%d %s", r.j, r.name()))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func (d *design) traceRecNames() string {
	var s []string
	for _, r := range d.traceRecs {
		s = append(s, fmt.Sprintf("%d %s", r.j, r.r.Name))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func (r *spikeRecD) name() string {
	if r.pop != nil {
		return r.pop.p.Name
	}
	return r.src.s.Name
}

func cstr(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// carray writes `const T name[] = {…};` (a placeholder element when empty).
func carray(w *cw, typ, name string, vals []string) {
	if len(vals) == 0 {
		vals = []string{"0"}
		if typ == "char* const" || strings.Contains(typ, "char") {
			vals = []string{`""`}
		}
	}
	w.l("const %s %s[] = {%s};", typ, name, strings.Join(vals, ", "))
}

// testbench returns <id>_test.cpp.
func (e *emitter) testbench() []byte {
	d := e.d
	w := &cw{}
	e.banner(w, d.id+"_test.cpp", "the C-simulation testbench")
	w.l("//")
	w.l("//   make csim        (g++ -std=c++17 -O2 -ffp-contract=off, then ./csim [STEPS])")
	w.l("//")
	w.l("// Reads tb_data/input_events.dat (spikes of the input sources, stimulus values), runs the")
	w.l("// design for N_STEPS steps (or STEPS), writes tb_data/csim_spikes.log and")
	w.l("// tb_data/csim_traces.log and compares them with tb_data/expected_*.dat when present.")
	w.l("// Exit status 0: the run matched (or nothing to compare); 1: it did not.")
	w.l("#include <cstdio>")
	w.l("#include <cstdlib>")
	w.l("#include <cstring>")
	w.l("#include <vector>")
	w.l("")
	w.l(`#include "firmware/%s.h"`, d.id)
	for _, inc := range e.weightIncludes(true) {
		w.l(`#include "firmware/weights/%s"`, inc)
	}
	w.l("")
	w.l("namespace {")
	w.l("")
	var names, tnames, scale, offset []string
	var slo, sn, soff, tlo, tn, toff []string
	for _, r := range d.spikeRecs {
		names = append(names, cstr(r.name()))
		slo = append(slo, fmt.Sprint(r.lo))
		sn = append(sn, fmt.Sprint(max(r.hi-r.lo, 0)))
		soff = append(soff, fmt.Sprint(r.off))
	}
	for _, r := range d.traceRecs {
		tnames = append(tnames, cstr(r.r.Name))
		scale = append(scale, flit(r.r.Conv.Scale))
		offset = append(offset, flit(r.r.Conv.Offset))
		tlo = append(tlo, fmt.Sprint(r.r.Lo))
		tn = append(tn, fmt.Sprint(r.r.Hi-r.r.Lo))
		toff = append(toff, fmt.Sprint(r.off))
	}
	w.l("const uint32_t n_spike_recs = %d;", len(d.spikeRecs))
	carray(w, "char* const", "spike_rec_name", names)
	w.l("const uint32_t n_trace_recs = %d;", len(d.traceRecs))
	carray(w, "char* const", "trace_rec_name", tnames)
	w.l("// A sample x of record j is reported as trace_offset[j] + x * trace_scale[j] (no FMA).")
	carray(w, "double", "trace_scale", scale)
	carray(w, "double", "trace_offset", offset)
	if d.opt.IO == IOParallel {
		carray(w, "uint32_t", "spike_rec_lo", slo)
		carray(w, "uint32_t", "spike_rec_n", sn)
		carray(w, "uint32_t", "spike_rec_off", soff)
		carray(w, "uint32_t", "trace_rec_lo", tlo)
		carray(w, "uint32_t", "trace_rec_n", tn)
		carray(w, "uint32_t", "trace_rec_off", toff)
		var off, size []string
		for _, s := range d.srcs {
			if !s.poisson && s.N > 0 {
				off = append(off, fmt.Sprint(s.inOff))
			} else {
				off = append(off, "-1")
			}
			size = append(size, fmt.Sprint(s.N))
		}
		w.l("// io parallel: where each source's neurons sit in src_in (-1: not an input source)")
		w.l("const uint32_t n_sources = %d;", len(d.srcs))
		carray(w, "int32_t", "src_in_offset", off)
		carray(w, "uint32_t", "src_size", size)
	} else {
		w.l("const uint32_t tb_chunk = 1000;  // steps per call of the design")
	}
	w.raw(`
struct in_event {
    uint64_t step;
    uint32_t kind;
    uint32_t index;
    int64_t value;
};
struct spike_event {
    uint64_t step;
    uint32_t rec;
    uint32_t neuron;
};
struct sample {
    uint64_t b;
    uint32_t rec;
    uint32_t neuron;
    int64_t x;
    uint64_t bits;  // of the value in SI units
};

inline double to_si(uint32_t rec, int64_t x) {
    const double p = (double)x * trace_scale[rec];
    return trace_offset[rec] + p;
}

inline uint64_t bits_of(double v) {
    uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    return u;
}

inline double of_bits(uint64_t u) {
    double v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

// Data lines of a tb_data file (comments start with '#'); false if it is missing.
inline bool read_lines(const char* path, std::vector<std::vector<unsigned long long> >& rows, int cols, bool hex_last) {
    FILE* f = std::fopen(path, "r");
    if (!f) return false;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        std::vector<unsigned long long> row(cols);
        char* p = line;
        for (int c = 0; c < cols; ++c) {
            char* end = nullptr;
            const bool hex = hex_last && c == cols - 1;
            if (!hex && c == cols - 1 && cols == 4 && !hex_last) {
                row[c] = (unsigned long long)std::strtoll(p, &end, 10);
            } else {
                row[c] = std::strtoull(p, &end, hex ? 16 : 10);
            }
            if (end == p) {
                std::fprintf(stderr, "%s: bad line: %s", path, line);
                std::exit(2);
            }
            p = end;
        }
        rows.push_back(row);
    }
    std::fclose(f);
    return true;
}
`)
	if params := d.params(); len(params) > 0 {
		w.l("void default_params(params_t& p) {")
		for _, r := range params {
			if r.homog {
				w.l("    p.%s = (%s)(%s);", r.field, r.typ, lit(r.val))
			} else {
				w.l("    for (uint32_t i = 0; i < %s; ++i) p.%s[i] = %s[i];", e.popOf(r).nN, r.field, r.deflt)
			}
		}
		w.l("}")
		w.l("")
	}
	w.l("}  // namespace")
	w.l("")
	w.open("int main(int argc, char** argv) {")
	w.l("uint64_t steps = N_STEPS;")
	w.l("if (argc > 1) steps = std::strtoull(argv[1], nullptr, 10);")
	w.l("std::vector<in_event> events;")
	w.l("{")
	w.l("    std::vector<std::vector<unsigned long long> > rows;")
	w.l(`    read_lines("tb_data/input_events.dat", rows, 4, false);`)
	w.l("    for (const auto& r : rows) events.push_back({r[0], (uint32_t)r[1], (uint32_t)r[2], (int64_t)r[3]});")
	w.l("}")
	if len(d.params()) > 0 {
		w.l("static params_t params;")
		w.l("default_params(params);")
	}
	w.l("std::vector<spike_event> spikes;")
	w.l("std::vector<sample> samples;")
	w.l("status_t st = status_t();")
	w.l("bool overflow = false;")
	w.l("std::size_t e = 0;")
	callArgs := func(ctrl string) string {
		var a []string
		if d.opt.IO == IOStream {
			a = append(a, "in", "out")
		} else {
			if d.srcInN() > 0 {
				a = append(a, "src_in")
			}
			if len(d.stims) > 0 {
				a = append(a, "stim_in")
			}
			if d.spikeOutN() > 0 {
				a = append(a, "spike_out")
			}
			if d.traceOutN() > 0 {
				a = append(a, "trace_out", "trace_valid")
			}
		}
		a = append(a, ctrl)
		if len(d.params()) > 0 {
			a = append(a, "params")
		}
		a = append(a, "&st")
		return strings.Join(a, ", ")
	}
	if d.opt.IO == IOStream {
		w.l(`snnc::stream<in_word_t> in("in");`)
		w.l(`snnc::stream<out_word_t> out("out");`)
		w.l("std::vector<out_word_t> group;")
		w.l("uint64_t done = 0;")
		w.l("bool reset = true;")
		w.open("while (reset || done < steps) {")
		w.l("const uint64_t left = steps - done;")
		w.l("const uint32_t n = left < tb_chunk ? (uint32_t)left : tb_chunk;")
		w.open("for (uint32_t s = 0; s < n; ++s) {")
		w.l("const uint64_t k = done + s;")
		w.l("while (e < events.size() && events[e].step < k) ++e;")
		w.open("for (; e < events.size() && events[e].step == k; ++e) {")
		w.l("in_word_t iw;")
		w.l("iw.kind = events[e].kind;")
		w.l("iw.index = events[e].index;")
		w.l("iw.neuron = events[e].kind == SNNC_IN_SPIKE ? (uint32_t)events[e].value : 0;")
		w.l("iw.value = events[e].value;")
		w.l("in.write(iw);")
		w.close("}")
		w.l("in_word_t end = in_word_t();")
		w.l("end.kind = SNNC_IN_END;")
		w.l("in.write(end);")
		w.close("}")
		w.l("ctrl_t ctrl;")
		w.l("ctrl.n_steps = n;")
		w.l("ctrl.reset = reset ? 1 : 0;")
		w.l("%s(%s);", d.id, callArgs("ctrl"))
		w.open("while (!out.empty()) {")
		w.l("const out_word_t ow = out.read();")
		w.open("if (ow.kind != SNNC_OUT_END) {")
		w.l("group.push_back(ow);")
		w.l("continue;")
		w.close("}")
		w.l("const uint64_t b = (uint64_t)ow.value;")
		w.open("for (const out_word_t& g : group) {")
		w.l("if (g.kind == SNNC_OUT_SPIKE) spikes.push_back({b - 1, g.index, g.neuron});")
		w.l("else samples.push_back({b, g.index, g.neuron, g.value, bits_of(to_si(g.index, g.value))});")
		w.close("}")
		w.l("group.clear();")
		w.close("}")
		w.l("overflow = overflow || st.overflow != 0;")
		w.l("reset = false;")
		w.l("done += n;")
		w.close("}")
	} else {
		if d.srcInN() > 0 {
			w.l("static uint16_t src_in[N_SRC_IN];")
		}
		if len(d.stims) > 0 {
			w.l("static int64_t stim_in[N_STIM_IN];")
			w.l("static int64_t stim_now[N_STIM_IN];")
		}
		if d.spikeOutN() > 0 {
			w.l("static uint16_t spike_out[N_SPIKE_OUT];")
		}
		if d.traceOutN() > 0 {
			w.l("static int64_t trace_out[N_TRACE_OUT];")
			w.l("static uint8_t trace_valid[N_TRACE_REC];")
		}
		w.l("ctrl_t ctrl;")
		w.l("ctrl.n_steps = 1;")
		w.open("for (uint64_t k = 0; k <= steps; ++k) {")
		w.l("// The first call resets (and yields the samples at b = 0); call k + 1 runs step k.")
		w.l("ctrl.reset = k == 0 ? 1 : 0;")
		w.l("const uint64_t step = k - 1;")
		w.open("if (k > 0) {")
		if d.srcInN() > 0 {
			w.l("std::memset(src_in, 0, sizeof src_in);")
		}
		w.l("while (e < events.size() && events[e].step < step) ++e;")
		w.open("for (; e < events.size() && events[e].step == step; ++e) {")
		w.l("const in_event& ev = events[e];")
		w.open("if (ev.kind == SNNC_IN_SPIKE) {")
		if d.srcInN() > 0 {
			w.l("if (ev.index < n_sources && src_in_offset[ev.index] >= 0 && (uint64_t)ev.value < src_size[ev.index]) ++src_in[src_in_offset[ev.index] + ev.value];")
			w.l("else overflow = true;")
		} else {
			w.l("overflow = true;")
		}
		w.close("} else {")
		w.ind++
		if len(d.stims) > 0 {
			w.l("if (ev.index < N_STIM_IN) stim_now[ev.index] = ev.value;")
			w.l("else overflow = true;")
		} else {
			w.l("overflow = true;")
		}
		w.close("}")
		w.close("}")
		if len(d.stims) > 0 {
			w.l("std::memcpy(stim_in, stim_now, sizeof stim_in);")
		}
		w.close("}")
		w.l("%s(%s);", d.id, callArgs("ctrl"))
		w.l("overflow = overflow || st.overflow != 0;")
		if d.spikeOutN() > 0 {
			w.open("if (k > 0) {")
			w.open("for (uint32_t j = 0; j < n_spike_recs; ++j) {")
			w.open("for (uint32_t t = 0; t < spike_rec_n[j]; ++t) {")
			w.l("for (uint32_t c = 0; c < spike_out[spike_rec_off[j] + t]; ++c) spikes.push_back({step, j, spike_rec_lo[j] + t});")
			w.close("}")
			w.close("}")
			w.close("}")
		}
		if d.traceOutN() > 0 {
			w.open("for (uint32_t j = 0; j < n_trace_recs; ++j) {")
			w.l("if (!trace_valid[j]) continue;")
			w.open("for (uint32_t t = 0; t < trace_rec_n[j]; ++t) {")
			w.l("const int64_t x = trace_out[trace_rec_off[j] + t];")
			w.l("samples.push_back({k, j, trace_rec_lo[j] + t, x, bits_of(to_si(j, x))});")
			w.close("}")
			w.close("}")
		}
		w.close("}")
	}
	w.raw(`
    FILE* fs = std::fopen("tb_data/csim_spikes.log", "w");
    FILE* ft = std::fopen("tb_data/csim_traces.log", "w");
    if (!fs || !ft) {
        std::fprintf(stderr, "cannot write tb_data/csim_*.log\n");
        return 2;
    }
    std::fprintf(fs, "# step record neuron\n");
    for (const spike_event& s : spikes) std::fprintf(fs, "%llu %u %u\n", (unsigned long long)s.step, s.rec, s.neuron);
    std::fprintf(ft, "# boundary record neuron value si_bits si\n");
    for (const sample& s : samples)
        std::fprintf(ft, "%llu %u %u %lld %016llx %.17g\n", (unsigned long long)s.b, s.rec, s.neuron, (long long)s.x,
                     (unsigned long long)s.bits, of_bits(s.bits));
    std::fclose(fs);
    std::fclose(ft);

    int fail = 0;
    std::printf("snnc csim: %llu steps, %zu spikes, %zu samples\n", (unsigned long long)steps, spikes.size(), samples.size());
    if (overflow) {
        std::printf("FAIL: an input spike was dropped (queue full, or a bad source or neuron)\n");
        fail = 1;
    }
    std::vector<std::vector<unsigned long long> > xs, xt;
    if (read_lines("tb_data/expected_spikes.dat", xs, 3, false)) {
        std::size_t i = 0;
        for (; i < xs.size() && i < spikes.size(); ++i) {
            if (xs[i][0] != spikes[i].step || xs[i][1] != spikes[i].rec || xs[i][2] != spikes[i].neuron) break;
        }
        if (i == xs.size() && i == spikes.size()) {
            std::printf("spikes: PASS (%zu as expected)\n", spikes.size());
        } else {
            fail = 1;
            std::printf("spikes: FAIL: %zu expected, %zu produced; first difference at spike #%zu:", xs.size(), spikes.size(), i);
            if (i < xs.size()) std::printf(" expected step %llu %s[%llu]", xs[i][0], xs[i][1] < n_spike_recs ? spike_rec_name[xs[i][1]] : "?", xs[i][2]);
            if (i < spikes.size()) std::printf(", produced step %llu %s[%u]", (unsigned long long)spikes[i].step, spike_rec_name[spikes[i].rec], spikes[i].neuron);
            std::printf("\n");
        }
    }
    if (read_lines("tb_data/expected_traces.dat", xt, 4, true)) {
        std::size_t i = 0;
        for (; i < xt.size() && i < samples.size(); ++i) {
            if (xt[i][0] != samples[i].b || xt[i][1] != samples[i].rec || xt[i][2] != samples[i].neuron || xt[i][3] != samples[i].bits) break;
        }
        if (i == xt.size() && i == samples.size()) {
            std::printf("traces: PASS (%zu samples as expected)\n", samples.size());
        } else {
            fail = 1;
            std::printf("traces: FAIL: %zu expected, %zu produced; first difference at sample #%zu:", xt.size(), samples.size(), i);
            if (i < xt.size()) std::printf(" expected b=%llu %s[%llu] = %.17g", xt[i][0], xt[i][1] < n_trace_recs ? trace_rec_name[xt[i][1]] : "?", xt[i][2], of_bits(xt[i][3]));
            if (i < samples.size()) std::printf(", produced b=%llu %s[%u] = %.17g", (unsigned long long)samples[i].b, trace_rec_name[samples[i].rec], samples[i].neuron, of_bits(samples[i].bits));
            std::printf("\n");
        }
    }
    return fail;
`)
	w.ind--
	w.l("}")
	return w.bytes()
}
