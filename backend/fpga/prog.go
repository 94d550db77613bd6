package fpga

import (
	"fmt"
	"math"
	"strconv"

	"snnc/internal/fixed"
)

// lit returns a C++ literal of v with type snnc::word semantics.
func lit(v int64) string {
	switch {
	case v == math.MinInt64:
		return "(-9223372036854775807LL - 1)"
	case v > math.MaxInt32 || v < math.MinInt32:
		return strconv.FormatInt(v, 10) + "LL"
	}
	return strconv.FormatInt(v, 10)
}

// operand returns the C++ expression of an operand.
func operand(o fixed.Operand, regs []string) string {
	if o.Imm {
		return lit(o.Val)
	}
	return regs[o.Reg]
}

var roundSuffix = map[fixed.Round]string{fixed.Floor: "flr", fixed.HalfUp: "rnd", fixed.Trunc: "trz"}

var binFunc = map[fixed.Op]string{
	fixed.OpAdd: "add", fixed.OpSub: "sub", fixed.OpMul: "mul", fixed.OpDiv: "div", fixed.OpRem: "rem",
	fixed.OpMin: "min", fixed.OpMax: "max", fixed.OpDecay: "decay",
	fixed.OpGt: "gt", fixed.OpGe: "ge", fixed.OpLt: "lt", fixed.OpLe: "le", fixed.OpEq: "eq", fixed.OpNe: "ne",
	fixed.OpAnd: "band", fixed.OpOr: "bor", fixed.OpXor: "bxor",
}

// instrExpr returns the C++ expression that computes one instruction
// (docs/fixed-point.md §2) from the registers named regs; lut(t, x) returns
// the expression of table t at x.
func instrExpr(in *fixed.Instr, regs []string, lut func(t int, x string) string) (string, error) {
	a := func(i int) string { return operand(in.Args[i], regs) }
	imm := func(i int) (int64, error) {
		if !in.Args[i].Imm {
			return 0, fmt.Errorf("%s: operand %d must be an immediate", in.Op, i)
		}
		return in.Args[i].Val, nil
	}
	switch in.Op {
	case fixed.OpMov:
		return a(0), nil
	case fixed.OpNeg:
		return "snnc::neg(" + a(0) + ")", nil
	case fixed.OpAbs:
		return "snnc::abs(" + a(0) + ")", nil
	case fixed.OpMulSh:
		s, err := imm(2)
		if err != nil || s < 0 || s > 62 {
			return "", fmt.Errorf("mulsh: bad shift")
		}
		return fmt.Sprintf("snnc::mulsh_%s<%d>(%s, %s)", roundSuffix[in.Rnd], s, a(0), a(1)), nil
	case fixed.OpShl:
		s, err := imm(1)
		if err != nil || s < 0 || s > 62 {
			return "", fmt.Errorf("shl: bad shift")
		}
		return fmt.Sprintf("snnc::shl<%d>(%s)", s, a(0)), nil
	case fixed.OpShr:
		s, err := imm(1)
		if err != nil || s < 0 || s > 62 {
			return "", fmt.Errorf("shr: bad shift")
		}
		return fmt.Sprintf("snnc::shr_%s<%d>(%s)", roundSuffix[in.Rnd], s, a(0)), nil
	case fixed.OpWrap:
		w, err := imm(1)
		if err != nil || w < 1 || w > 64 {
			return "", fmt.Errorf("wrap: bad width")
		}
		return fmt.Sprintf("snnc::wrap<%d>(%s)", w, a(0)), nil
	case fixed.OpClamp:
		return fmt.Sprintf("snnc::clamp(%s, %s, %s)", a(0), a(1), a(2)), nil
	case fixed.OpSel:
		return fmt.Sprintf("snnc::sel(%s, %s, %s)", a(0), a(1), a(2)), nil
	case fixed.OpLut:
		return lut(int(in.LUT), a(0)), nil
	}
	if f, ok := binFunc[in.Op]; ok {
		return fmt.Sprintf("snnc::%s(%s, %s)", f, a(0), a(1)), nil
	}
	return "", fmt.Errorf("op %v has no C++ form", in.Op)
}

// reduceExpr returns the expression that reduces x to storage type t
// (docs/fixed-point.md §3.1).
func reduceExpr(t fixed.Type, x string) string {
	if t.Width >= 64 {
		return x
	}
	if t.Signed {
		return fmt.Sprintf("snnc::wrap<%d>(%s)", t.Width, x)
	}
	return fmt.Sprintf("snnc::wrapu<%d>(%s)", t.Width, x)
}

// storage is a C++ storage type for values that all lie in [lo, hi]: the
// macro form (SNNC_INT(w) / SNNC_UINT(w)) and its bit width.
type storage struct {
	Signed bool
	Width  int
}

func (s storage) String() string {
	if s.Signed {
		return fmt.Sprintf("SNNC_INT(%d)", s.Width)
	}
	return fmt.Sprintf("SNNC_UINT(%d)", s.Width)
}

// storageFor returns the storage of a register of type t whose stored
// values include vals: t itself when every value fits, else 64 bits.
func storageFor(t fixed.Type, vals ...[]int64) storage {
	for _, vs := range vals {
		for _, v := range vs {
			if v < t.Min() || v > t.Max() {
				return storage{true, 64}
			}
		}
	}
	if !t.Signed && t.Width >= 64 {
		return storage{true, 64} // u64: the low 64 bits are the int64 itself
	}
	return storage{t.Signed, int(t.Width)}
}

// bitsFor returns the narrowest storage holding every value of vs.
func bitsFor(vs []int64) storage {
	lo, hi := int64(0), int64(0)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	return rangeStorage(lo, hi)
}

// rangeStorage returns the narrowest storage of [lo, hi].
func rangeStorage(lo, hi int64) storage {
	if lo >= 0 {
		w := 1
		for w < 64 && hi > int64(1)<<w-1 {
			w++
		}
		if w == 64 {
			return storage{true, 64}
		}
		return storage{false, w}
	}
	w := 2
	for w < 64 && (hi > fixed.MaxOf(uint(w)) || lo < fixed.MinOf(uint(w))) {
		w++
	}
	return storage{true, w}
}
