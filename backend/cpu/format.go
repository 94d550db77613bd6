package cpu

// The result stream a generated program writes (to -o FILE, or standard
// output), and its reader. Little-endian throughout:
//
//	"SNNCRES1"
//	u32 n, n bytes of JSON: the Meta (names, sizes, ranges, dt, …)
//	records, each starting with a u32 tag:
//	  1 spikes  u32 out, i64 step, u32 count, count × i32 neuron   (the
//	            spikes of a population or source at a step, in neuron order)
//	  2 sample  u32 trace, i64 boundary b, n × f64                  (a trace
//	            sample at time b·dt, n = hi − lo)
//	  3 end     u32 status (0 ok, 1 non-finite state), i64 steps done,
//	            i32 pop, i32 neuron, i32 state, u64 bits of the f64 value,
//	            i64 step of the error, i64 nanoseconds of the step loop,
//	            u32 threads
//	  4 sample  u32 trace, i64 boundary b, n × i64: a fixed-mode sample, the
//	            raw register values (the reader converts them with the
//	            trace's Conv, docs/fixed-point.md §7)
//
// The reader turns it into the results.Result the interpreter would return
// (times from the interpreter's clock, spike ranges filtered, a
// *interp.NonFiniteError for status 1), so the stream is self-describing:
// a compiled program's output can be read back without the module.

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"snnc/internal/fixed"
	"snnc/internal/results"
	"snnc/interp"
)

const resultMagic = "SNNCRES1"

// Record tags of the result stream.
const (
	tagSpikes    = 1
	tagSample    = 2
	tagEnd       = 3
	tagSampleInt = 4
)

// Meta describes a program's outputs; it is the JSON header of its result
// stream.
type Meta struct {
	Version int          `json:"version"`
	Network string       `json:"network"`
	Mode    Mode         `json:"mode"`
	Exp     ExpImpl      `json:"exp,omitempty"`
	Dt      float64      `json:"dt"` // s
	Seed    uint64       `json:"seed"`
	Steps   int64        `json:"steps"`
	Spikes  []MetaSpikes `json:"spikes"`
	Traces  []MetaTrace  `json:"traces"`
	Pops    []MetaPop    `json:"pops"`
}

// MetaSpikes is one spike output: a population or a source, the neurons
// lo ≤ i < hi of which are recorded.
type MetaSpikes struct {
	Name   string `json:"name"`
	N      int    `json:"n"`
	Lo, Hi int
}

// MetaTrace is one trace output.
type MetaTrace struct {
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Lo, Hi int
	Every  int64       `json:"every"`
	Conv   *fixed.Conv `json:"conv,omitempty"` // fixed mode: register value to SI
}

// MetaPop names a population and its states (for error reports).
type MetaPop struct {
	Name   string   `json:"name"`
	States []string `json:"states"`
}

// RunStats are measurements a program reports about its run.
type RunStats struct {
	LoopSeconds float64 // wall time of the step loop (initialisation and I/O before it excluded)
	Threads     int
}

// ReadResultFile reads a result stream from a file.
func ReadResultFile(path string) (*results.Result, *RunStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, st, err := ReadResult(f)
	if err != nil {
		var nf *interp.NonFiniteError
		if !errors.As(err, &nf) {
			err = fmt.Errorf("%s: %w", path, err)
		}
	}
	return r, st, err
}

// ReadResult reads a result stream. A run stopped by a non-finite state
// returns what was recorded together with an *interp.NonFiniteError, as
// interp.Run does.
func ReadResult(rd io.Reader) (*results.Result, *RunStats, error) {
	br := bufio.NewReaderSize(rd, 1<<16)
	magic := make([]byte, 8)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != resultMagic {
		return nil, nil, fmt.Errorf("not an snnc CPU result stream")
	}
	var n uint32
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil {
		return nil, nil, fmt.Errorf("truncated result stream")
	}
	mj := make([]byte, n)
	if _, err := io.ReadFull(br, mj); err != nil {
		return nil, nil, fmt.Errorf("truncated result stream")
	}
	var meta Meta
	if err := json.Unmarshal(mj, &meta); err != nil {
		return nil, nil, fmt.Errorf("result stream header: %v", err)
	}
	clk := fixed.NewClock(meta.Dt)
	res := &results.Result{
		Network:    meta.Network,
		DtMs:       clk.Ms(1),
		DurationMs: clk.Ms(meta.Steps),
		Seed:       meta.Seed,
	}
	for _, s := range meta.Spikes {
		res.Spikes = append(res.Spikes, results.PopSpikes{Pop: s.Name, N: s.N})
	}
	for _, t := range meta.Traces {
		tr := results.Trace{Name: t.Name, Unit: t.Unit}
		for i := t.Lo; i < t.Hi; i++ {
			tr.Neurons = append(tr.Neurons, i)
		}
		res.Traces = append(res.Traces, tr)
	}
	le := binary.LittleEndian
	var hdr [64]byte
	read := func(b []byte) error {
		if _, err := io.ReadFull(br, b); err != nil {
			return fmt.Errorf("truncated result stream (the program did not finish)")
		}
		return nil
	}
	for {
		if err := read(hdr[:4]); err != nil {
			return nil, nil, err
		}
		switch le.Uint32(hdr[:4]) {
		case tagSpikes:
			if err := read(hdr[:16]); err != nil {
				return nil, nil, err
			}
			out, step, count := int(le.Uint32(hdr[0:])), int64(le.Uint64(hdr[4:])), int(le.Uint32(hdr[12:]))
			if out >= len(meta.Spikes) {
				return nil, nil, fmt.Errorf("result stream: bad spike output %d", out)
			}
			buf := make([]byte, 4*count)
			if err := read(buf); err != nil {
				return nil, nil, err
			}
			ms, ps := meta.Spikes[out], &res.Spikes[out]
			tms := clk.Ms(step)
			for j := 0; j < count; j++ {
				i := int32(le.Uint32(buf[4*j:]))
				if int(i) >= ms.Lo && int(i) < ms.Hi {
					ps.Neuron = append(ps.Neuron, i)
					ps.TimeMs = append(ps.TimeMs, tms)
				}
			}
		case tagSample, tagSampleInt:
			isInt := le.Uint32(hdr[:4]) == tagSampleInt
			if err := read(hdr[:12]); err != nil {
				return nil, nil, err
			}
			idx, b := int(le.Uint32(hdr[0:])), int64(le.Uint64(hdr[4:]))
			if idx >= len(meta.Traces) {
				return nil, nil, fmt.Errorf("result stream: bad trace %d", idx)
			}
			mt := meta.Traces[idx]
			buf := make([]byte, 8*(mt.Hi-mt.Lo))
			if err := read(buf); err != nil {
				return nil, nil, err
			}
			row := make([]float64, mt.Hi-mt.Lo)
			for j := range row {
				x := le.Uint64(buf[8*j:])
				switch {
				case isInt && mt.Conv != nil:
					row[j] = mt.Conv.Value(int64(x))
				case isInt:
					row[j] = float64(int64(x))
				default:
					row[j] = math.Float64frombits(x)
				}
			}
			tr := &res.Traces[idx]
			tr.TimeMs = append(tr.TimeMs, clk.Ms(b))
			tr.Values = append(tr.Values, row)
		case tagEnd:
			if err := read(hdr[:48]); err != nil {
				return nil, nil, err
			}
			status := le.Uint32(hdr[0:])
			res.Steps = int64(le.Uint64(hdr[4:]))
			pop, neuron, state := int(int32(le.Uint32(hdr[12:]))), int(int32(le.Uint32(hdr[16:]))), int(int32(le.Uint32(hdr[20:])))
			value := math.Float64frombits(le.Uint64(hdr[24:]))
			step := int64(le.Uint64(hdr[32:]))
			st := &RunStats{LoopSeconds: float64(int64(le.Uint64(hdr[40:]))) / 1e9}
			var t [4]byte
			if err := read(t[:]); err != nil {
				return nil, nil, err
			}
			st.Threads = int(le.Uint32(t[:]))
			if status == 0 {
				return res, st, nil
			}
			e := &interp.NonFiniteError{Neuron: neuron, Value: value, Step: step, TimeMs: clk.Ms(step)}
			if pop >= 0 && pop < len(meta.Pops) {
				e.Pop = meta.Pops[pop].Name
				if state >= 0 && state < len(meta.Pops[pop].States) {
					e.Var = meta.Pops[pop].States[state]
				}
			}
			return res, st, e
		default:
			return nil, nil, fmt.Errorf("result stream: unknown record tag %d", le.Uint32(hdr[:4]))
		}
	}
}
