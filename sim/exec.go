package sim

import (
	"fmt"

	"snnc/internal/fixed"
)

// The compartment engine's two datapaths, executed a piece (a range of one
// entity's units on one core) at a time over register columns: cols[r][i]
// is register r of the piece's unit i. Units never read each other's
// registers, so instruction-major execution gives exactly the results of
// running each unit's program in turn (docs/fixed-point.md §3.3).

// uop is a decoded microcode instruction bound to the piece's columns.
type uop struct {
	op      fixed.Op
	rnd     fixed.Round
	dst     []int64
	a, b, c []int64
	s       uint // shift or width immediate
	lut     *fixed.LUT
}

// bindProgram binds a program's code to a piece's columns; immediates
// become constant columns (allocated once).
func bindProgram(code []fixed.Instr, luts []*fixed.LUT, cols [][]int64, n int) ([]uop, error) {
	ops := make([]uop, 0, len(code))
	consts := map[int64][]int64{}
	col := func(o fixed.Operand) []int64 {
		if !o.Imm {
			return cols[o.Reg][:n]
		}
		c, ok := consts[o.Val]
		if !ok {
			c = make([]int64, n)
			for i := range c {
				c[i] = o.Val
			}
			consts[o.Val] = c
		}
		return c
	}
	for _, in := range code {
		info := in.Op.Info()
		u := uop{op: in.Op, rnd: in.Rnd, dst: cols[in.Dst][:n]}
		args := []*[]int64{&u.a, &u.b, &u.c}
		for j := 0; j < info.NArgs; j++ {
			if j == info.ImmArg {
				if !in.Args[j].Imm || in.Args[j].Val < 0 || in.Args[j].Val > 64 {
					return nil, fmt.Errorf("sim: %v: operand %d must be an immediate 0..64", in.Op, j)
				}
				u.s = uint(in.Args[j].Val)
				continue
			}
			*args[j] = col(in.Args[j])
		}
		if in.Op == fixed.OpLut {
			if int(in.LUT) >= len(luts) || in.LUT < 0 {
				return nil, fmt.Errorf("sim: lut %d does not exist", in.LUT)
			}
			u.lut = luts[in.LUT]
		}
		ops = append(ops, u)
	}
	return ops, nil
}

// run executes the bound code once for every unit of the piece.
func runOps(ops []uop) {
	for k := range ops {
		u := &ops[k]
		d, a, b, c := u.dst, u.a, u.b, u.c
		switch u.op {
		case fixed.OpMov:
			copy(d, a)
		case fixed.OpAdd:
			b = b[:len(a)]
			d = d[:len(a)]
			for i := range a {
				d[i] = a[i] + b[i]
			}
		case fixed.OpSub:
			b = b[:len(a)]
			d = d[:len(a)]
			for i := range a {
				d[i] = a[i] - b[i]
			}
		case fixed.OpNeg:
			for i := range d {
				d[i] = -a[i]
			}
		case fixed.OpMul:
			for i := range d {
				d[i] = a[i] * b[i]
			}
		case fixed.OpMulSh:
			s := u.s
			switch {
			case s == 0:
				for i := range d {
					d[i] = a[i] * b[i]
				}
			case u.rnd == fixed.HalfUp:
				h := int64(1) << (s - 1)
				for i := range d {
					d[i] = (a[i]*b[i] + h) >> s
				}
			case u.rnd == fixed.Trunc:
				m := int64(1)<<s - 1
				for i := range d {
					x := a[i] * b[i]
					d[i] = (x + (x >> 63 & m)) >> s
				}
			default:
				for i := range d {
					d[i] = a[i] * b[i] >> s
				}
			}
		case fixed.OpShl:
			for i := range d {
				d[i] = a[i] << u.s
			}
		case fixed.OpShr:
			for i := range d {
				d[i] = fixed.Shr(a[i], u.s, u.rnd)
			}
		case fixed.OpDiv:
			for i := range d {
				d[i] = fixed.Div(a[i], b[i])
			}
		case fixed.OpRem:
			for i := range d {
				d[i] = fixed.Rem(a[i], b[i])
			}
		case fixed.OpAbs:
			for i := range d {
				d[i] = fixed.Abs(a[i])
			}
		case fixed.OpMin:
			for i := range d {
				d[i] = min(a[i], b[i])
			}
		case fixed.OpMax:
			for i := range d {
				d[i] = max(a[i], b[i])
			}
		case fixed.OpClamp:
			for i := range d {
				d[i] = fixed.Clamp(a[i], b[i], c[i])
			}
		case fixed.OpWrap:
			sh := 64 - u.s
			for i := range d {
				d[i] = a[i] << sh >> sh
			}
		case fixed.OpDecay:
			for i := range d {
				d[i] = fixed.Decay(a[i], b[i])
			}
		case fixed.OpGt:
			for i := range d {
				d[i] = b2i(a[i] > b[i])
			}
		case fixed.OpGe:
			for i := range d {
				d[i] = b2i(a[i] >= b[i])
			}
		case fixed.OpLt:
			for i := range d {
				d[i] = b2i(a[i] < b[i])
			}
		case fixed.OpLe:
			for i := range d {
				d[i] = b2i(a[i] <= b[i])
			}
		case fixed.OpEq:
			for i := range d {
				d[i] = b2i(a[i] == b[i])
			}
		case fixed.OpNe:
			for i := range d {
				d[i] = b2i(a[i] != b[i])
			}
		case fixed.OpAnd:
			for i := range d {
				d[i] = a[i] & b[i]
			}
		case fixed.OpOr:
			for i := range d {
				d[i] = a[i] | b[i]
			}
		case fixed.OpXor:
			for i := range d {
				d[i] = a[i] ^ b[i]
			}
		case fixed.OpSel:
			for i := range d {
				if a[i] != 0 {
					d[i] = b[i]
				} else {
					d[i] = c[i]
				}
			}
		case fixed.OpLut:
			t := u.lut
			for i := range d {
				d[i] = t.At(a[i])
			}
		default:
			panic(fmt.Sprintf("sim: microcode op %v has no implementation", u.op))
		}
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// reduce stores a column through its storage type.
func reduce(c []int64, t fixed.Type) {
	if t.Width >= 64 {
		return
	}
	sh := 64 - uint(t.Width)
	if t.Signed {
		for i := range c {
			c[i] = c[i] << sh >> sh
		}
	} else {
		m := int64(1)<<t.Width - 1
		for i := range c {
			c[i] &= m
		}
	}
}

// cuba is the fixed CUBA-LIF datapath (docs/chip.md §4, docs/fixed-point.md
// §5) over a piece: per unit its profile's du, dv, refr, its threshold
// vth << 6 and its bias.
type cuba struct {
	u, v, ref, ain   []int64 // columns (ref nil without refractoriness)
	du, dv, refr     []int64 // per unit, from the compartment profile
	vth6, bias       []int64 // per unit
	active           []bool  // per unit, this step: input, current or spike
	uniformDu, uniDv bool
}

func (c *cuba) step(spike []bool) {
	u, v, ain := c.u, c.v, c.ain
	for i := range u {
		refr := false
		if c.ref != nil && c.ref[i] > 0 {
			refr = true
			c.ref[i]--
		}
		a := ain[i]
		nu := fixed.Decay(u[i], c.du[i]+1) + a
		nu = nu << 40 >> 40 // wrap to 24 bits
		nv := fixed.Clamp(fixed.Decay(v[i], c.dv[i])+nu+c.bias[i], -fixed.CubaVMax, fixed.CubaVMax)
		if refr {
			nv = 0
		}
		s := nv > c.vth6[i]
		if s {
			nv = 0
			if c.ref != nil {
				c.ref[i] = c.refr[i]
			}
		}
		u[i], v[i] = nu, nv
		spike[i] = s
		c.active[i] = a != 0 || nu != 0 || s
	}
	if c.ref != nil {
		for i, r := range c.ref {
			c.ref[i] = r & 63
		}
	}
}
