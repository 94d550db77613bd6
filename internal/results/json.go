package results

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// WriteJSON writes r as JSON with keys in a fixed order:
//
//	{"network", "dt_ms", "duration_ms", "seed",
//	 "spikes": {POP: {"neuron": [...], "time_ms": [...]}},
//	 "traces": {"POP.VAR": {"unit", "time_ms": [...], "neurons": [...],
//	                        "values": [[per neuron] per sample]}}}
//
// Populations and traces appear in r's order (declaration order). Numbers
// are written in the shortest form that reads back to the same float64;
// a non-finite value is written as null (and read back as NaN).
func (r *Result) WriteJSON(w io.Writer) error {
	b := bufio.NewWriter(w)
	jw := jsonWriter{b: b}
	b.WriteString("{\n")
	b.WriteString(`  "network": `)
	jw.str(r.Network)
	b.WriteString(",\n  \"dt_ms\": ")
	jw.num(r.DtMs)
	b.WriteString(",\n  \"duration_ms\": ")
	jw.num(r.DurationMs)
	b.WriteString(",\n  \"seed\": ")
	b.WriteString(strconv.FormatUint(r.Seed, 10))
	b.WriteString(",\n  \"spikes\": {")
	for i, s := range r.Spikes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		jw.str(s.Pop)
		b.WriteString(": {\n      \"neuron\": [")
		for j, n := range s.Neuron {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(int64(n), 10))
		}
		b.WriteString("],\n      \"time_ms\": ")
		jw.nums(s.TimeMs)
		b.WriteString("\n    }")
	}
	if len(r.Spikes) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("},\n  \"traces\": {")
	for i, t := range r.Traces {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		jw.str(t.Name)
		b.WriteString(": {\n      \"unit\": ")
		jw.str(t.Unit)
		b.WriteString(",\n      \"time_ms\": ")
		jw.nums(t.TimeMs)
		b.WriteString(",\n      \"neurons\": [")
		for j, n := range t.Neurons {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(n))
		}
		b.WriteString("],\n      \"values\": [")
		for j, row := range t.Values {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n        ")
			jw.nums(row)
		}
		if len(t.Values) > 0 {
			b.WriteString("\n      ")
		}
		b.WriteString("]\n    }")
	}
	if len(r.Traces) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("}\n}\n")
	return b.Flush()
}

type jsonWriter struct {
	b   *bufio.Writer
	buf []byte
}

func (jw *jsonWriter) str(s string) {
	q, _ := json.Marshal(s) // a string always marshals
	jw.b.Write(q)
}

func (jw *jsonWriter) num(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		jw.b.WriteString("null")
		return
	}
	jw.buf = appendJSONFloat(jw.buf[:0], v)
	jw.b.Write(jw.buf)
}

func (jw *jsonWriter) nums(vs []float64) {
	jw.b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			jw.b.WriteByte(',')
		}
		jw.num(v)
	}
	jw.b.WriteByte(']')
}

// appendJSONFloat appends the shortest round-tripping form of a finite v:
// plain decimals for ordinary magnitudes, exponent form (valid JSON) for
// very small or large ones.
func appendJSONFloat(b []byte, v float64) []byte {
	if v == 0 {
		if math.Signbit(v) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	}
	abs := math.Abs(v)
	if abs < 1e-6 || abs >= 1e21 {
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}
