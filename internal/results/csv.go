package results

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"snnc/internal/atomicfile"
)

// WriteSpikesCSV writes every spike as one row of
//
//	population,neuron,time_ms
//
// populations in r's order, each population's spikes in time order.
func (r *Result) WriteSpikesCSV(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("population,neuron,time_ms\n")
	var buf []byte
	for _, s := range r.Spikes {
		pop := csvField(s.Pop)
		for i, n := range s.Neuron {
			buf = append(buf[:0], pop...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(n), 10)
			buf = append(buf, ',')
			buf = appendCSVFloat(buf, s.TimeMs[i])
			buf = append(buf, '\n')
			b.Write(buf)
		}
	}
	return b.Flush()
}

// WriteCSV writes trace t as a table: a header `time_ms,POP.VAR[i] (UNIT),…`
// and one row per sample, the time then one column per recorded neuron.
func (t *Trace) WriteCSV(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("time_ms")
	for _, n := range t.Neurons {
		col := t.Name + "[" + strconv.Itoa(n) + "]"
		if t.Unit != "" && t.Unit != "1" {
			col += " (" + t.Unit + ")"
		}
		b.WriteByte(',')
		b.WriteString(csvField(col))
	}
	b.WriteByte('\n')
	var buf []byte
	for s, row := range t.Values {
		buf = appendCSVFloat(buf[:0], t.TimeMs[s])
		for _, v := range row {
			buf = append(buf, ',')
			buf = appendCSVFloat(buf, v)
		}
		buf = append(buf, '\n')
		b.Write(buf)
	}
	return b.Flush()
}

// TracePath returns the file the CSV writer puts trace name (POP.VAR) in,
// beside the spike file out: out.csv → out.POP.VAR.csv.
func TracePath(out, name string) string {
	base := out
	if i := strings.LastIndexByte(out, '.'); i >= 0 && !strings.ContainsAny(out[i:], `/\`) {
		base = out[:i]
	}
	return base + "." + name + ".csv"
}

// writeCSVFiles writes the spike file and every trace file, all or none.
func (r *Result) writeCSVFiles(path string) error {
	var temps []*atomicfile.Temp
	abort := func() {
		for _, t := range temps {
			t.Abort()
		}
	}
	add := func(p string, fill func(io.Writer) error) error {
		t, err := atomicfile.Create(p)
		if err != nil {
			return err
		}
		temps = append(temps, t)
		return fill(t)
	}
	if err := add(path, r.WriteSpikesCSV); err != nil {
		abort()
		return err
	}
	for i := range r.Traces {
		t := &r.Traces[i]
		if err := add(TracePath(path, t.Name), t.WriteCSV); err != nil {
			abort()
			return err
		}
	}
	return atomicfile.CommitAll(temps)
}

func appendCSVFloat(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// csvField quotes s if it holds a comma, quote or line break.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
