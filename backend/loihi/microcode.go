package loihi

import (
	"fmt"

	"snnc/internal/fixed"
)

// Microcode (docs/chip.md §5): one instruction per op of the integer
// update program. An instruction is one 64-bit word followed by one word
// per immediate operand:
//
//	bits  0–7   opcode (MicroOps order)
//	bits  8–9   rounding: 0 flr, 1 rnd, 2 trz
//	bits 10–17  destination register
//	bits 18–25  operand a register   bits 26–33 operand b   bits 34–41 operand c
//	bits 42–44  immediate flags of a, b, c (the immediates follow, in order)
//	bits 45–52  LUT index (lut)

// MicroOps lists the microcode opcodes; the opcode is the index. The names
// are the integer program's op names (docs/fixed-point.md §2.2).
var MicroOps = []string{
	"invalid", "mov", "add", "sub", "neg", "mul", "mulsh", "shl", "shr", "div", "rem", "abs",
	"min", "max", "clamp", "wrap", "decay", "gt", "ge", "lt", "le", "eq", "ne", "and", "or", "xor",
	"sel", "lut",
}

var (
	opcodeOf  = map[fixed.Op]uint8{}
	fixedOpOf = map[uint8]fixed.Op{}
)

func init() {
	for code, name := range MicroOps {
		if op, ok := fixed.LookupOp(name); ok {
			opcodeOf[op] = uint8(code)
			fixedOpOf[uint8(code)] = op
		}
	}
}

// EncodeMicrocode encodes a program's code.
func EncodeMicrocode(p *fixed.Program) ([]uint64, error) {
	if len(p.Regs) > 256 {
		return nil, fmt.Errorf("program %s: %d registers, the microcode engine addresses 256", p.Name, len(p.Regs))
	}
	if len(p.LUTs) > 256 {
		return nil, fmt.Errorf("program %s: %d tables, the microcode engine addresses 256", p.Name, len(p.LUTs))
	}
	var out []uint64
	for i := range p.Code {
		in := &p.Code[i]
		code, ok := opcodeOf[in.Op]
		if !ok {
			return nil, fmt.Errorf("program %s: op %v has no microcode instruction", p.Name, in.Op)
		}
		w := uint64(code) | uint64(in.Rnd&3)<<8 | uint64(uint8(in.Dst))<<10
		var imms []uint64
		for j := 0; j < in.Op.Info().NArgs; j++ {
			a := in.Args[j]
			if a.Imm {
				w |= 1 << (42 + j)
				imms = append(imms, uint64(a.Val))
			} else {
				w |= uint64(uint8(a.Reg)) << (18 + 8*j)
			}
		}
		if in.Op == fixed.OpLut {
			w |= uint64(uint8(in.LUT)) << 45
		}
		out = append(out, w)
		out = append(out, imms...)
	}
	return out, nil
}

// DecodeMicrocode decodes microcode back into instructions.
func DecodeMicrocode(words []uint64) ([]fixed.Instr, error) {
	var code []fixed.Instr
	for x := 0; x < len(words); {
		w := words[x]
		x++
		op, ok := fixedOpOf[uint8(w)]
		if !ok {
			return nil, fmt.Errorf("microcode word %d: bad opcode %d", x-1, uint8(w))
		}
		in := fixed.Instr{Op: op, Rnd: fixed.Round(w >> 8 & 3), Dst: int32(uint8(w >> 10)), LUT: -1}
		for j := 0; j < op.Info().NArgs; j++ {
			if w>>(42+j)&1 != 0 {
				if x >= len(words) {
					return nil, fmt.Errorf("microcode: immediate missing at the end")
				}
				in.Args[j] = fixed.Imm(int64(words[x]))
				x++
			} else {
				in.Args[j] = fixed.R(int(uint8(w >> (18 + 8*j))))
			}
		}
		if op == fixed.OpLut {
			in.LUT = int32(uint8(w >> 45))
		}
		code = append(code, in)
	}
	return code, nil
}

// InstrCycles returns the cycles of one instruction (docs/chip.md §5).
func InstrCycles(c *Cycles, op fixed.Op, interp bool) int {
	switch op.Info().Cost {
	case fixed.CostMul:
		return c.InstrMul
	case fixed.CostDiv:
		return c.InstrDiv
	case fixed.CostLUT:
		if interp {
			return c.InstrLUTInterp
		}
		return c.InstrLUT
	}
	return c.InstrALU
}
