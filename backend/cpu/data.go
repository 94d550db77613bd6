package cpu

// Arrays of the generated program and where their initial contents come
// from (docs/cpu.md §data):
//
//   - zero: a zeroinitializer global (rings, flags, spike lists, …);
//   - fill: every element equal — a zeroinitializer global filled by a loop
//     in snnc.init (homogeneous initial states);
//   - embed: a constant initialiser in the module, for arrays up to
//     Options.EmbedLimit bytes;
//   - sidecar: read at start-up from the data file written next to the
//     executable (OUT.data), for larger arrays (CSR structure, per-neuron
//     params and initial states of big populations).
//
// Data file: "SNNCDAT1", u64 fingerprint, u64 number of arrays, then per
// array u64 byte length and the bytes (little-endian). The program checks
// the magic, the fingerprint (FNV-1a of the contents, compiled into the
// program) and every length.

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/types"
)

const dataMagic = "SNNCDAT1"

type placement uint8

const (
	placeZero placement = iota
	placeFill
	placeEmbed
	placeSidecar
)

// array is one global array of the program.
type array struct {
	g     *ir.Global
	elem  types.Type
	n     int
	place placement
	fill  constant.Constant // placeFill
	bytes []byte            // placeSidecar
}

// dataSet holds the program's arrays.
type dataSet struct {
	m      *ir.Module
	limit  int // embed limit in bytes; <0: never embed
	arrays []*array
	side   []*array
}

// elemSize returns the size in bytes of an element type.
func elemSize(t types.Type) int {
	switch t {
	case tF64, tI64:
		return 8
	case tI32:
		return 4
	case tI16:
		return 2
	case tI8:
		return 1
	}
	panic(fmt.Sprintf("cpu: no element size for %v", t))
}

// zero returns a zero-initialised array [n x elem].
func (d *dataSet) zero(name string, elem types.Type, n int) *ir.Global {
	n = max(n, 1)
	g := d.m.NewGlobalDef(name, constant.NewZeroInitializer(arrayOf(n, elem)))
	g.Align = 64
	d.arrays = append(d.arrays, &array{g: g, elem: elem, n: n, place: placeZero})
	return g
}

// scalar returns a zero-initialised scalar global.
func (d *dataSet) scalar(name string, t types.Type) *ir.Global {
	g := d.m.NewGlobalDef(name, constant.NewZeroInitializer(t))
	return g
}

// values returns an array [len(vals) x elem] holding vals (converted to
// elem: float64 for tF64, integers otherwise), placed by the rules above.
func (d *dataSet) values(name string, elem types.Type, vals []float64) *ir.Global {
	n := len(vals)
	if n == 0 {
		return d.zero(name, elem, 1)
	}
	same := true
	for _, v := range vals[1:] {
		if math.Float64bits(v) != math.Float64bits(vals[0]) {
			same = false
			break
		}
	}
	if same {
		if math.Float64bits(vals[0]) == 0 {
			return d.zero(name, elem, n)
		}
		g := d.zero(name, elem, n)
		a := d.arrays[len(d.arrays)-1]
		a.place, a.fill = placeFill, elemConst(elem, vals[0])
		return g
	}
	size := n * elemSize(elem)
	if d.limit >= 0 && size <= d.limit {
		elems := make([]constant.Constant, n)
		for i, v := range vals {
			elems[i] = elemConst(elem, v)
		}
		g := d.m.NewGlobalDef(name, constant.NewArray(arrayOf(n, elem), elems...))
		g.Align = 64
		d.arrays = append(d.arrays, &array{g: g, elem: elem, n: n, place: placeEmbed})
		return g
	}
	buf := make([]byte, size)
	es := elemSize(elem)
	for i, v := range vals {
		switch elem {
		case tF64:
			binary.LittleEndian.PutUint64(buf[i*8:], math.Float64bits(v))
		case tI64:
			binary.LittleEndian.PutUint64(buf[i*8:], uint64(int64(v)))
		case tI32:
			binary.LittleEndian.PutUint32(buf[i*4:], uint32(int64(v)))
		case tI16:
			binary.LittleEndian.PutUint16(buf[i*2:], uint16(int64(v)))
		case tI8:
			buf[i*es] = byte(int64(v))
		}
	}
	g := d.m.NewGlobalDef(name, constant.NewZeroInitializer(arrayOf(n, elem)))
	g.Align = 64
	a := &array{g: g, elem: elem, n: n, place: placeSidecar, bytes: buf}
	d.arrays = append(d.arrays, a)
	d.side = append(d.side, a)
	return g
}

// ints is values for integer data given as int64s (exact beyond 2^53):
// the same placement rules.
func (d *dataSet) ints(name string, elem types.Type, vals []int64) *ir.Global {
	n := len(vals)
	if n == 0 {
		return d.zero(name, elem, 1)
	}
	it := elem.(*types.IntType)
	same := true
	for _, v := range vals[1:] {
		same = same && v == vals[0]
	}
	if same {
		g := d.zero(name, elem, n)
		if vals[0] != 0 {
			a := d.arrays[len(d.arrays)-1]
			a.place, a.fill = placeFill, constant.NewInt(it, vals[0])
		}
		return g
	}
	es := elemSize(elem)
	if size := n * es; d.limit >= 0 && size <= d.limit {
		elems := make([]constant.Constant, n)
		for i, v := range vals {
			elems[i] = constant.NewInt(it, v)
		}
		g := d.m.NewGlobalDef(name, constant.NewArray(arrayOf(n, elem), elems...))
		g.Align = 64
		d.arrays = append(d.arrays, &array{g: g, elem: elem, n: n, place: placeEmbed})
		return g
	}
	buf := make([]byte, n*es)
	for i, v := range vals {
		switch es {
		case 8:
			binary.LittleEndian.PutUint64(buf[i*8:], uint64(v))
		case 4:
			binary.LittleEndian.PutUint32(buf[i*4:], uint32(v))
		case 2:
			binary.LittleEndian.PutUint16(buf[i*2:], uint16(v))
		default:
			buf[i] = byte(v)
		}
	}
	g := d.m.NewGlobalDef(name, constant.NewZeroInitializer(arrayOf(n, elem)))
	g.Align = 64
	a := &array{g: g, elem: elem, n: n, place: placeSidecar, bytes: buf}
	d.arrays = append(d.arrays, a)
	d.side = append(d.side, a)
	return g
}

func elemConst(elem types.Type, v float64) constant.Constant {
	if elem == tF64 {
		return f64(v)
	}
	return constant.NewInt(elem.(*types.IntType), int64(v))
}

// fingerprint is the FNV-1a hash of the sidecar arrays.
func (d *dataSet) fingerprint() uint64 {
	h := fnv.New64a()
	for _, a := range d.side {
		h.Write(a.bytes)
	}
	return h.Sum64()
}

// file returns the sidecar data file, or nil when no array needs one.
func (d *dataSet) file() []byte {
	if len(d.side) == 0 {
		return nil
	}
	size := 24
	for _, a := range d.side {
		size += 8 + len(a.bytes)
	}
	out := make([]byte, 0, size)
	out = append(out, dataMagic...)
	out = binary.LittleEndian.AppendUint64(out, d.fingerprint())
	out = binary.LittleEndian.AppendUint64(out, uint64(len(d.side)))
	for _, a := range d.side {
		out = binary.LittleEndian.AppendUint64(out, uint64(len(a.bytes)))
		out = append(out, a.bytes...)
	}
	return out
}
