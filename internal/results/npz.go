package results

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// npzTime is the modification time of every member of an .npz archive, so
// that the same result always gives the same bytes.
var npzTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteNPZ writes r as a NumPy .npz archive (numpy.load reads it) holding,
// for each population with spikes, POP.spikes.neuron (int32) and
// POP.spikes.time_ms (float64), and for each trace POP.VAR (float64,
// samples × neurons, in the trace's SI unit) and POP.VAR.time_ms.
// Members are stored uncompressed, with fixed timestamps.
func (r *Result) WriteNPZ(w io.Writer) error {
	bw := bufio.NewWriter(w)
	z := zip.NewWriter(bw)
	add := func(name string, write func(io.Writer) error) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store, Modified: npzTime})
		if err != nil {
			return err
		}
		return write(f)
	}
	for _, s := range r.Spikes {
		if err := add(s.Pop+".spikes.neuron", func(w io.Writer) error {
			return WriteNPYInt32(w, s.Neuron)
		}); err != nil {
			return err
		}
		if err := add(s.Pop+".spikes.time_ms", func(w io.Writer) error {
			return WriteNPYFloat64(w, s.TimeMs, len(s.TimeMs))
		}); err != nil {
			return err
		}
	}
	for _, t := range r.Traces {
		if err := add(t.Name, func(w io.Writer) error {
			flat := make([]float64, 0, len(t.Values)*len(t.Neurons))
			for _, row := range t.Values {
				if len(row) != len(t.Neurons) {
					return fmt.Errorf("trace %s: a sample has %d values for %d neurons", t.Name, len(row), len(t.Neurons))
				}
				flat = append(flat, row...)
			}
			return WriteNPYFloat64(w, flat, len(t.Values), len(t.Neurons))
		}); err != nil {
			return err
		}
		if err := add(t.Name+".time_ms", func(w io.Writer) error {
			return WriteNPYFloat64(w, t.TimeMs, len(t.TimeMs))
		}); err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteNPYFloat64 writes data as a little-endian float64 .npy array (format
// version 1.0) of the given shape, in C order.
func WriteNPYFloat64(w io.Writer, data []float64, shape ...int) error {
	if err := writeNPYHeader(w, "<f8", len(data), shape); err != nil {
		return err
	}
	buf := make([]byte, 8*min(len(data), 4096))
	for len(data) > 0 {
		n := min(len(data), len(buf)/8)
		for i, v := range data[:n] {
			binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
		}
		if _, err := w.Write(buf[:8*n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// WriteNPYInt32 writes data as a one-dimensional little-endian int32 .npy
// array.
func WriteNPYInt32(w io.Writer, data []int32) error {
	if err := writeNPYHeader(w, "<i4", len(data), []int{len(data)}); err != nil {
		return err
	}
	buf := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(buf[4*i:], uint32(v))
	}
	_, err := w.Write(buf)
	return err
}

// writeNPYHeader writes the magic, version 1.0 and the header dictionary,
// padded with spaces and a newline so the data starts at a multiple of 64.
func writeNPYHeader(w io.Writer, descr string, n int, shape []int) error {
	size := 1
	dims := make([]string, len(shape))
	for i, d := range shape {
		size *= d
		dims[i] = strconv.Itoa(d)
	}
	if size != n {
		return fmt.Errorf("npy: %d values for shape %v", n, shape)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	const pre = 10 // magic (6) + version (2) + header length (2)
	total := pre + len(dict) + 1
	pad := (64 - total%64) % 64
	if len(dict)+1+pad > math.MaxUint16 {
		return fmt.Errorf("npy: header too long")
	}
	hdr := make([]byte, 0, total+pad)
	hdr = append(hdr, "\x93NUMPY\x01\x00"...)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(dict)+1+pad))
	hdr = append(hdr, dict...)
	hdr = append(hdr, strings.Repeat(" ", pad)...)
	hdr = append(hdr, '\n')
	_, err := w.Write(hdr)
	return err
}
