package fixed

import "fmt"

// val returns an operand's value.
func val(o Operand, r []int64) int64 {
	if o.Imm {
		return o.Val
	}
	return r[o.Reg]
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Eval computes one instruction's result from the register file r
// (docs/fixed-point.md §2). It does not write the destination.
func (p *Program) Eval(in *Instr, r []int64) int64 {
	a := val(in.Args[0], r)
	switch in.Op {
	case OpMov:
		return a
	case OpNeg:
		return -a
	case OpAbs:
		return Abs(a)
	case OpLut:
		return p.LUTs[in.LUT].At(a)
	}
	b := val(in.Args[1], r)
	switch in.Op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpMulSh:
		return MulSh(a, b, uint(in.Args[2].Val), in.Rnd)
	case OpShl:
		return a << uint(b)
	case OpShr:
		return Shr(a, uint(b), in.Rnd)
	case OpDiv:
		return Div(a, b)
	case OpRem:
		return Rem(a, b)
	case OpMin:
		return min(a, b)
	case OpMax:
		return max(a, b)
	case OpClamp:
		return Clamp(a, b, val(in.Args[2], r))
	case OpWrap:
		return Wrap(a, uint(b))
	case OpDecay:
		return Decay(a, b)
	case OpGt:
		return b2i(a > b)
	case OpGe:
		return b2i(a >= b)
	case OpLt:
		return b2i(a < b)
	case OpLe:
		return b2i(a <= b)
	case OpEq:
		return b2i(a == b)
	case OpNe:
		return b2i(a != b)
	case OpAnd:
		return a & b
	case OpOr:
		return a | b
	case OpXor:
		return a ^ b
	case OpSel:
		if a != 0 {
			return b
		}
		return val(in.Args[2], r)
	}
	panic(fmt.Sprintf("fixed: program %s: cannot execute op %v", p.Name, in.Op))
}

// Exec runs the program once on the register file r (len(r) ==
// len(p.Regs)), which holds the stored states, the params and the
// accumulators; temporaries must be 0 (Load does that). It reduces every
// state to its storage type and reports whether the neuron spiked
// (docs/fixed-point.md §3.3). It is the reference execution.
func (p *Program) Exec(r []int64) bool {
	for i := range p.Code {
		in := &p.Code[i]
		r[in.Dst] = p.Eval(in, r)
	}
	for i := range p.Regs {
		if p.Regs[i].Kind == RegState {
			r[i] = p.Regs[i].Type.Reduce(r[i])
		}
	}
	return p.Spike >= 0 && r[p.Spike] != 0
}

// ClearTemps zeroes the temporaries of r.
func (p *Program) ClearTemps(r []int64) {
	for i := range p.Regs {
		if p.Regs[i].Kind == RegTemp {
			r[i] = 0
		}
	}
}
