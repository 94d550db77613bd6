package fixed

import (
	"errors"
	"fmt"
	"math/bits"
)

// Verify checks a program's structure (docs/fixed-point.md §3): register
// names and types, operand kinds and ranges, destinations, tables. It
// returns every problem found, joined.
func (p *Program) Verify() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("program %s: "+format, append([]any{p.Name}, a...)...))
	}
	seen := map[string]bool{}
	for i, r := range p.Regs {
		if r.Name == "" {
			bad("register %d has no name", i)
		}
		if seen[r.Name] {
			bad("register %q declared twice", r.Name)
		}
		seen[r.Name] = true
		if r.Kind >= numRegKinds {
			bad("register %s: bad kind", r.Name)
		}
		if r.Type.Width < 1 || r.Type.Width > 64 {
			bad("register %s: width %d", r.Name, r.Type.Width)
		}
	}
	lseen := map[string]bool{}
	for _, t := range p.LUTs {
		if lseen[t.Name] {
			bad("table %s declared twice", t.Name)
		}
		lseen[t.Name] = true
		if len(t.Vals) == 0 {
			bad("table %s is empty", t.Name)
		}
		if t.Shift > 62 {
			bad("table %s: shift %d > 62", t.Name, t.Shift)
		}
		if t.Type.Width < 1 || t.Type.Width > 64 {
			bad("table %s: width %d", t.Name, t.Type.Width)
		}
		for i, v := range t.Vals {
			if v < t.Type.Min() || v > t.Type.Max() {
				bad("table %s: value %d at %d outside %s", t.Name, v, i, t.Type)
				break
			}
		}
		if n := int64(len(t.Vals)); n > 0 && (n-1) > (1<<62)>>t.Shift {
			bad("table %s: %d entries << %d overflows", t.Name, n, t.Shift)
		}
		if t.Interp {
			for i := 1; i < len(t.Vals); i++ {
				d := t.Vals[i] - t.Vals[i-1]
				if (t.Vals[i] < t.Vals[i-1]) != (d < 0) || bits.Len64(uint64(Abs(d)))+int(t.Shift) > 62 {
					bad("table %s: step %d→%d too large for interpolation with shift %d", t.Name, i-1, i, t.Shift)
					break
				}
			}
		}
	}
	reg := func(k int, in *Instr, o Operand) {
		if o.Imm {
			return
		}
		if o.Reg < 0 || int(o.Reg) >= len(p.Regs) {
			bad("instruction %d (%s): operand register %d out of range", k, in.Op, o.Reg)
		}
	}
	for k := range p.Code {
		in := &p.Code[k]
		info := in.Op.Info()
		if in.Op == OpInvalid || in.Op >= numOps {
			bad("instruction %d: invalid op", k)
			continue
		}
		if in.Dst < 0 || int(in.Dst) >= len(p.Regs) {
			bad("instruction %d (%s): destination out of range", k, in.Op)
		} else if kd := p.Regs[in.Dst].Kind; kd != RegState && kd != RegTemp {
			bad("instruction %d (%s): writes %s register %s", k, in.Op, kd, p.Regs[in.Dst].Name)
		}
		if in.Rnd >= numRounds || !info.Round && in.Rnd != Floor {
			bad("instruction %d (%s): bad rounding", k, in.Op)
		}
		for j := 0; j < info.NArgs; j++ {
			reg(k, in, in.Args[j])
		}
		for j := info.NArgs; j < 3; j++ {
			if in.Args[j] != (Operand{}) {
				bad("instruction %d (%s): operand %d set but unused", k, in.Op, j)
			}
		}
		if info.ImmArg >= 0 {
			a := in.Args[info.ImmArg]
			if !a.Imm {
				bad("instruction %d (%s): operand %d must be an immediate", k, in.Op, info.ImmArg)
			} else {
				lo, hi := int64(0), int64(62)
				if in.Op == OpWrap {
					lo, hi = 1, 64
				}
				if a.Val < lo || a.Val > hi {
					bad("instruction %d (%s): immediate %d outside %d..%d", k, in.Op, a.Val, lo, hi)
				}
			}
		}
		switch in.Op {
		case OpClamp:
			if in.Args[1].Imm && in.Args[2].Imm && in.Args[1].Val > in.Args[2].Val {
				bad("instruction %d (clamp): lo %d > hi %d", k, in.Args[1].Val, in.Args[2].Val)
			}
		case OpDecay:
			if a := in.Args[1]; a.Imm && (a.Val < 0 || a.Val > 4096) {
				bad("instruction %d (decay): d = %d outside 0..4096", k, a.Val)
			}
		case OpLut:
			if in.LUT < 0 || int(in.LUT) >= len(p.LUTs) {
				bad("instruction %d (lut): table %d out of range", k, in.LUT)
			}
		}
	}
	if p.Spike < -1 || int(p.Spike) >= len(p.Regs) {
		bad("spike register %d out of range", p.Spike)
	}
	return errors.Join(errs...)
}
