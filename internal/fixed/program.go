package fixed

import (
	"fmt"
	"math"
	"strconv"
)

// Type is a storage type: a signed or unsigned integer of Width bits whose
// value x represents x·2^−Frac in the SI unit of its quantity
// (docs/fixed-point.md §1). Frac is documentation for everything but the
// conversion of results.
type Type struct {
	Signed bool
	Width  uint8 // 1..64
	Frac   int16
}

// S returns the signed type of w bits with f fraction bits.
func S(w int, f int) Type { return Type{Signed: true, Width: uint8(w), Frac: int16(f)} }

// U returns the unsigned type of w bits with f fraction bits.
func U(w int, f int) Type { return Type{Signed: false, Width: uint8(w), Frac: int16(f)} }

// I64 is the full int64 type (no reduction).
var I64 = S(64, 0)

// String returns the text form: "s32", "s32 f28", "u6".
func (t Type) String() string {
	c := "u"
	if t.Signed {
		c = "s"
	}
	s := c + strconv.Itoa(int(t.Width))
	if t.Frac != 0 {
		s += " f" + strconv.Itoa(int(t.Frac))
	}
	return s
}

// Q returns the Q notation of a signed type when 0 ≤ Frac < Width
// ("Q3.28"), else a description with the LSB ("s32, LSB 2^-40").
func (t Type) Q() string {
	if t.Signed && t.Frac >= 0 && int(t.Frac) < int(t.Width) {
		return fmt.Sprintf("Q%d.%d", int(t.Width)-1-int(t.Frac), t.Frac)
	}
	if !t.Signed && t.Frac >= 0 && int(t.Frac) <= int(t.Width) {
		return fmt.Sprintf("UQ%d.%d", int(t.Width)-int(t.Frac), t.Frac)
	}
	return fmt.Sprintf("%s, LSB 2^%d", t.String()[:len(strconv.Itoa(int(t.Width)))+1], -t.Frac)
}

// Reduce returns x stored in the type: the low Width bits, sign-extended
// (signed) or zero-extended (unsigned).
func (t Type) Reduce(x int64) int64 {
	if t.Signed {
		return Wrap(x, uint(t.Width))
	}
	return WrapU(x, uint(t.Width))
}

// Min returns the smallest value of the type.
func (t Type) Min() int64 {
	if t.Signed {
		return MinOf(uint(t.Width))
	}
	return 0
}

// Max returns the largest value of the type.
func (t Type) Max() int64 {
	if t.Signed {
		return MaxOf(uint(t.Width))
	}
	if t.Width >= 64 {
		return math.MaxInt64
	}
	return 1<<t.Width - 1
}

// LSB returns the value of one unit in the last place, 2^−Frac.
func (t Type) LSB() float64 { return math.Ldexp(1, -int(t.Frac)) }

// RegKind is the role of a program register (docs/fixed-point.md §3.1).
type RegKind uint8

const (
	RegState RegKind = iota // persistent per neuron; stored back through its type
	RegParam                // per-neuron constant, read-only
	RegAcc                  // the step's accumulated input, read-only
	RegTemp                 // scratch, 0 at the start of the program
	numRegKinds
)

var regKindNames = [...]string{"state", "param", "acc", "temp"}

func (k RegKind) String() string {
	if k < numRegKinds {
		return regKindNames[k]
	}
	return "reg?"
}

// Reg is a program register.
type Reg struct {
	Name    string
	Kind    RegKind
	Type    Type   // storage type (state), value type (param, acc), documentation (temp)
	Comment string // printed after ';'
}

// Operand is a register or an immediate.
type Operand struct {
	Imm bool
	Reg int32 // register index when !Imm
	Val int64 // immediate value when Imm
}

// R returns a register operand.
func R(i int) Operand { return Operand{Reg: int32(i)} }

// Imm returns an immediate operand.
func Imm(v int64) Operand { return Operand{Imm: true, Val: v} }

// Op is an instruction of the integer update program.
type Op uint8

const (
	OpInvalid Op = iota
	OpMov
	OpAdd
	OpSub
	OpNeg
	OpMul
	OpMulSh
	OpShl
	OpShr
	OpDiv
	OpRem
	OpAbs
	OpMin
	OpMax
	OpClamp
	OpWrap
	OpDecay
	OpGt
	OpGe
	OpLt
	OpLe
	OpEq
	OpNe
	OpAnd
	OpOr
	OpXor
	OpSel
	OpLut
	numOps
)

// OpInfo describes an op.
type OpInfo struct {
	Name   string
	NArgs  int
	ImmArg int  // index of the argument that must be an immediate (shift, width), or -1
	Round  bool // takes a rounding suffix
	Cost   Cost // for cost reports
}

// Cost classes of ops (for cycle and energy estimates by backends).
type Cost uint8

const (
	CostALU Cost = iota
	CostMul
	CostDiv
	CostLUT
)

var opTable = [...]OpInfo{
	OpInvalid: {Name: "invalid", ImmArg: -1},
	OpMov:     {Name: "mov", NArgs: 1, ImmArg: -1},
	OpAdd:     {Name: "add", NArgs: 2, ImmArg: -1},
	OpSub:     {Name: "sub", NArgs: 2, ImmArg: -1},
	OpNeg:     {Name: "neg", NArgs: 1, ImmArg: -1},
	OpMul:     {Name: "mul", NArgs: 2, ImmArg: -1, Cost: CostMul},
	OpMulSh:   {Name: "mulsh", NArgs: 3, ImmArg: 2, Round: true, Cost: CostMul},
	OpShl:     {Name: "shl", NArgs: 2, ImmArg: 1},
	OpShr:     {Name: "shr", NArgs: 2, ImmArg: 1, Round: true},
	OpDiv:     {Name: "div", NArgs: 2, ImmArg: -1, Cost: CostDiv},
	OpRem:     {Name: "rem", NArgs: 2, ImmArg: -1, Cost: CostDiv},
	OpAbs:     {Name: "abs", NArgs: 1, ImmArg: -1},
	OpMin:     {Name: "min", NArgs: 2, ImmArg: -1},
	OpMax:     {Name: "max", NArgs: 2, ImmArg: -1},
	OpClamp:   {Name: "clamp", NArgs: 3, ImmArg: -1},
	OpWrap:    {Name: "wrap", NArgs: 2, ImmArg: 1},
	OpDecay:   {Name: "decay", NArgs: 2, ImmArg: -1, Cost: CostMul},
	OpGt:      {Name: "gt", NArgs: 2, ImmArg: -1},
	OpGe:      {Name: "ge", NArgs: 2, ImmArg: -1},
	OpLt:      {Name: "lt", NArgs: 2, ImmArg: -1},
	OpLe:      {Name: "le", NArgs: 2, ImmArg: -1},
	OpEq:      {Name: "eq", NArgs: 2, ImmArg: -1},
	OpNe:      {Name: "ne", NArgs: 2, ImmArg: -1},
	OpAnd:     {Name: "and", NArgs: 2, ImmArg: -1},
	OpOr:      {Name: "or", NArgs: 2, ImmArg: -1},
	OpXor:     {Name: "xor", NArgs: 2, ImmArg: -1},
	OpSel:     {Name: "sel", NArgs: 3, ImmArg: -1},
	OpLut:     {Name: "lut", NArgs: 1, ImmArg: -1, Cost: CostLUT},
}

// Info returns the op's table row.
func (op Op) Info() *OpInfo {
	if op >= numOps {
		return &opTable[OpInvalid]
	}
	return &opTable[op]
}

func (op Op) String() string { return op.Info().Name }

// Ops returns every valid op in table order.
func Ops() []Op {
	var ops []Op
	for op := Op(1); op < numOps; op++ {
		ops = append(ops, op)
	}
	return ops
}

// LookupOp returns the op with the given name.
func LookupOp(name string) (Op, bool) {
	for op := Op(1); op < numOps; op++ {
		if opTable[op].Name == name {
			return op, true
		}
	}
	return OpInvalid, false
}

// Instr is one instruction: Dst = Op(Args[0:NArgs]) (Lut: Dst = LUTs[LUT](Args[0])).
type Instr struct {
	Op   Op
	Rnd  Round // MulSh, Shr
	Dst  int32
	Args [3]Operand
	LUT  int32 // Lut: index into Program.LUTs
}

// LUT is a lookup table over one integer variable (docs/fixed-point.md §4).
type LUT struct {
	Name    string
	Type    Type // of the values
	X0      int64
	Shift   uint8
	Interp  bool
	Vals    []int64
	Comment string // what it tabulates, e.g. "m_inf(V)"
}

// At evaluates the table at x (docs/fixed-point.md §4).
func (t *LUT) At(x int64) int64 {
	n := int64(len(t.Vals))
	s := uint(t.Shift)
	u := Clamp(x-t.X0, 0, (n-1)<<s)
	i := u >> s
	if !t.Interp || i == n-1 {
		return t.Vals[i]
	}
	f := u - i<<s
	return t.Vals[i] + ((t.Vals[i+1]-t.Vals[i])*f)>>s
}

// GridX returns the x of grid point i: X0 + (i << Shift).
func (t *LUT) GridX(i int) int64 { return t.X0 + int64(i)<<t.Shift }

// Program is the per-step update of one neuron of one unit kind
// (docs/fixed-point.md §3).
type Program struct {
	Name  string
	Regs  []Reg
	LUTs  []*LUT
	Code  []Instr
	Spike int32 // register whose non-zero value after the program is a spike; -1: never spikes
}

// Reg returns the index of the named register, or -1.
func (p *Program) Reg(name string) int {
	for i, r := range p.Regs {
		if r.Name == name {
			return i
		}
	}
	return -1
}

// RegsOf returns the indices of the registers of a kind, in order.
func (p *Program) RegsOf(k RegKind) []int {
	var out []int
	for i, r := range p.Regs {
		if r.Kind == k {
			out = append(out, i)
		}
	}
	return out
}

// Cycles returns a count of instructions by cost class.
func (p *Program) Cycles() map[Cost]int {
	m := map[Cost]int{}
	for _, in := range p.Code {
		m[in.Op.Info().Cost]++
	}
	return m
}

// Builder assembles a program.
type Builder struct {
	P *Program
}

// NewBuilder starts a program.
func NewBuilder(name string) *Builder {
	return &Builder{P: &Program{Name: name, Spike: -1}}
}

// AddReg declares a register and returns its index.
func (b *Builder) AddReg(name string, k RegKind, t Type, comment string) int {
	if b.P.Reg(name) >= 0 {
		panic(fmt.Sprintf("fixed: program %s: register %q declared twice", b.P.Name, name))
	}
	b.P.Regs = append(b.P.Regs, Reg{Name: name, Kind: k, Type: t, Comment: comment})
	return len(b.P.Regs) - 1
}

// AddLUT adds a table and returns its index.
func (b *Builder) AddLUT(t *LUT) int {
	b.P.LUTs = append(b.P.LUTs, t)
	return len(b.P.LUTs) - 1
}

// Emit appends dst = op(args...).
func (b *Builder) Emit(op Op, dst int, args ...Operand) {
	b.EmitR(op, Floor, dst, args...)
}

// EmitR appends dst = op.rnd(args...).
func (b *Builder) EmitR(op Op, rnd Round, dst int, args ...Operand) {
	in := Instr{Op: op, Rnd: rnd, Dst: int32(dst), LUT: -1}
	copy(in.Args[:], args)
	b.P.Code = append(b.P.Code, in)
}

// EmitLUT appends dst = lut T, x.
func (b *Builder) EmitLUT(dst, table int, x Operand) {
	b.P.Code = append(b.P.Code, Instr{Op: OpLut, Dst: int32(dst), Args: [3]Operand{x}, LUT: int32(table)})
}

// SetSpike names the spike register.
func (b *Builder) SetSpike(r int) { b.P.Spike = int32(r) }
