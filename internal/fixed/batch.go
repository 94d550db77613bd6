package fixed

// ExecBatch runs the program for n neurons at once over a column-major
// register file: cols[r][i] is register r of neuron i (len(cols) ==
// len(p.Regs), each column at least n long). Temporaries are zeroed first.
// spike[i] is set to whether neuron i fired. The result is exactly that of
// Exec on each neuron (the instructions of one neuron still run in order,
// and each instruction reads all its operands before writing); only the
// loop nesting differs. scratch may be nil or a *BatchScratch reused
// between calls.
func (p *Program) ExecBatch(cols [][]int64, n int, spike []bool) {
	var s BatchScratch
	p.ExecBatchScratch(cols, n, spike, &s)
}

// BatchScratch holds the broadcast immediates of ExecBatchScratch.
type BatchScratch struct {
	imm [3][]int64
	tmp []int64
}

// ExecBatchScratch is ExecBatch with caller-provided scratch space.
func (p *Program) ExecBatchScratch(cols [][]int64, n int, spike []bool, s *BatchScratch) {
	for r := range p.Regs {
		if p.Regs[r].Kind == RegTemp {
			clear(cols[r][:n])
		}
	}
	if cap(s.tmp) < n {
		s.tmp = make([]int64, n)
	}
	tmp := s.tmp[:n]
	col := func(o Operand, slot int) []int64 {
		if !o.Imm {
			return cols[o.Reg][:n]
		}
		b := s.imm[slot]
		if cap(b) < n {
			b = make([]int64, n)
			s.imm[slot] = b
		}
		b = b[:n]
		for i := range b {
			b[i] = o.Val
		}
		return b
	}
	for k := range p.Code {
		in := &p.Code[k]
		d := cols[in.Dst][:n]
		switch in.Op {
		case OpMov:
			if in.Args[0].Imm {
				v := in.Args[0].Val
				for i := range d {
					d[i] = v
				}
			} else {
				copy(d, cols[in.Args[0].Reg][:n])
			}
		case OpAdd:
			a := col(in.Args[0], 0)
			if in.Args[1].Imm {
				c := in.Args[1].Val
				for i := range d {
					d[i] = a[i] + c
				}
			} else {
				b := cols[in.Args[1].Reg][:n]
				for i := range d {
					d[i] = a[i] + b[i]
				}
			}
		case OpSub:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = a[i] - b[i]
			}
		case OpNeg:
			a := col(in.Args[0], 0)
			for i := range d {
				d[i] = -a[i]
			}
		case OpMul:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = a[i] * b[i]
			}
		case OpMulSh:
			a := col(in.Args[0], 0)
			sh := uint(in.Args[2].Val)
			if in.Args[1].Imm && in.Rnd == HalfUp && sh > 0 {
				c, h := in.Args[1].Val, int64(1)<<(sh-1)
				a = a[:len(d)]
				for i := range d {
					d[i] = (a[i]*c + h) >> sh
				}
				continue
			}
			b := col(in.Args[1], 1)
			switch {
			case sh == 0:
				for i := range d {
					d[i] = a[i] * b[i]
				}
			case in.Rnd == HalfUp:
				h := int64(1) << (sh - 1)
				for i := range d {
					d[i] = (a[i]*b[i] + h) >> sh
				}
			case in.Rnd == Trunc:
				m := int64(1)<<sh - 1
				for i := range d {
					x := a[i] * b[i]
					d[i] = (x + (x>>63)&m) >> sh
				}
			default:
				for i := range d {
					d[i] = (a[i] * b[i]) >> sh
				}
			}
		case OpShl:
			a, sh := col(in.Args[0], 0), uint(in.Args[1].Val)
			for i := range d {
				d[i] = a[i] << sh
			}
		case OpShr:
			a, sh := col(in.Args[0], 0), uint(in.Args[1].Val)
			switch {
			case sh == 0:
				copy(tmp, a)
				copy(d, tmp)
			case in.Rnd == HalfUp:
				h := int64(1) << (sh - 1)
				for i := range d {
					d[i] = (a[i] + h) >> sh
				}
			case in.Rnd == Trunc:
				m := int64(1)<<sh - 1
				for i := range d {
					x := a[i]
					d[i] = (x + (x>>63)&m) >> sh
				}
			default:
				for i := range d {
					d[i] = a[i] >> sh
				}
			}
		case OpDiv:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = Div(a[i], b[i])
			}
		case OpRem:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = Rem(a[i], b[i])
			}
		case OpAbs:
			a := col(in.Args[0], 0)
			for i := range d {
				d[i] = Abs(a[i])
			}
		case OpMin:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = min(a[i], b[i])
			}
		case OpMax:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = max(a[i], b[i])
			}
		case OpClamp:
			a := col(in.Args[0], 0)
			if in.Args[1].Imm && in.Args[2].Imm {
				lo, hi := in.Args[1].Val, in.Args[2].Val
				for i := range d {
					d[i] = min(max(a[i], lo), hi)
				}
			} else {
				lo, hi := col(in.Args[1], 1), col(in.Args[2], 2)
				for i := range d {
					d[i] = min(max(a[i], lo[i]), hi[i])
				}
			}
		case OpWrap:
			a, w := col(in.Args[0], 0), uint(in.Args[1].Val)
			if w >= 64 {
				copy(tmp, a)
				copy(d, tmp)
			} else {
				sh := 64 - w
				for i := range d {
					d[i] = a[i] << sh >> sh
				}
			}
		case OpDecay:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				x := a[i] * (4096 - b[i])
				d[i] = (x + (x>>63)&4095) >> 12
			}
		case OpGt, OpGe, OpLt, OpLe, OpEq, OpNe:
			a := col(in.Args[0], 0)
			if in.Args[1].Imm && (in.Op == OpGt || in.Op == OpEq) {
				c := in.Args[1].Val
				a = a[:len(d)]
				if in.Op == OpGt {
					for i := range d {
						d[i] = b2i(a[i] > c)
					}
				} else {
					for i := range d {
						d[i] = b2i(a[i] == c)
					}
				}
				continue
			}
			cmpLoop(in.Op, d, a, col(in.Args[1], 1))
		case OpAnd:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = a[i] & b[i]
			}
		case OpOr:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = a[i] | b[i]
			}
		case OpXor:
			a, b := col(in.Args[0], 0), col(in.Args[1], 1)
			for i := range d {
				d[i] = a[i] ^ b[i]
			}
		case OpSel:
			if !in.Args[0].Imm && !in.Args[2].Imm && in.Args[1].Imm {
				c, v, b := cols[in.Args[0].Reg][:len(d)], in.Args[1].Val, cols[in.Args[2].Reg][:len(d)]
				for i := range d {
					if c[i] != 0 {
						d[i] = v
					} else {
						d[i] = b[i]
					}
				}
				continue
			}
			c, a, b := col(in.Args[0], 0), col(in.Args[1], 1), col(in.Args[2], 2)
			for i := range d {
				if c[i] != 0 {
					d[i] = a[i]
				} else {
					d[i] = b[i]
				}
			}
		case OpLut:
			t := p.LUTs[in.LUT]
			a := col(in.Args[0], 0)
			for i := range d {
				d[i] = t.At(a[i])
			}
		default:
			panic("fixed: ExecBatch: bad op " + in.Op.String())
		}
	}
	for r := range p.Regs {
		if p.Regs[r].Kind == RegState {
			t := p.Regs[r].Type
			c := cols[r][:n]
			if t.Signed {
				if t.Width < 64 {
					sh := 64 - uint(t.Width)
					for i := range c {
						c[i] = c[i] << sh >> sh
					}
				}
			} else if t.Width < 64 {
				m := int64(1)<<t.Width - 1
				for i := range c {
					c[i] &= m
				}
			}
		}
	}
	if p.Spike >= 0 {
		c := cols[p.Spike][:n]
		for i := range c {
			spike[i] = c[i] != 0
		}
	} else {
		clear(spike[:n])
	}
}

func cmpLoop(op Op, d, a, b []int64) {
	switch op {
	case OpGt:
		for i := range d {
			d[i] = b2i(a[i] > b[i])
		}
	case OpGe:
		for i := range d {
			d[i] = b2i(a[i] >= b[i])
		}
	case OpLt:
		for i := range d {
			d[i] = b2i(a[i] < b[i])
		}
	case OpLe:
		for i := range d {
			d[i] = b2i(a[i] <= b[i])
		}
	case OpEq:
		for i := range d {
			d[i] = b2i(a[i] == b[i])
		}
	case OpNe:
		for i := range d {
			d[i] = b2i(a[i] != b[i])
		}
	}
}
