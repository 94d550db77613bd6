package fixed

// ExecBatch runs the program for n neurons at once over a column-major
// register file: cols[r][i] is register r of neuron i (len(cols) ==
// len(p.Regs), each column at least n long). Temporaries are zeroed first.
// spike[i] is set to whether neuron i fired. The result is exactly that of
// Exec on each neuron (the instructions of one neuron still run in order);
// only the loop nesting differs.
func (p *Program) ExecBatch(cols [][]int64, n int, spike []bool) {
	for r := range p.Regs {
		if p.Regs[r].Kind == RegTemp {
			c := cols[r][:n]
			for i := range c {
				c[i] = 0
			}
		}
	}
	var ibuf [3][]int64 // immediates broadcast lazily
	col := func(o Operand, slot int) []int64 {
		if !o.Imm {
			return cols[o.Reg][:n]
		}
		b := ibuf[slot]
		if cap(b) < n {
			b = make([]int64, n)
			ibuf[slot] = b
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
		info := in.Op.Info()
		// Fast paths for the common shapes; everything else goes through Eval.
		switch {
		case in.Op == OpAdd && !in.Args[1].Imm:
			a, b := col(in.Args[0], 0), cols[in.Args[1].Reg][:n]
			for i := range d {
				d[i] = a[i] + b[i]
			}
			continue
		case in.Op == OpSub && !in.Args[0].Imm && !in.Args[1].Imm:
			a, b := cols[in.Args[0].Reg][:n], cols[in.Args[1].Reg][:n]
			for i := range d {
				d[i] = a[i] - b[i]
			}
			continue
		case in.Op == OpMulSh && in.Rnd == HalfUp && !in.Args[0].Imm:
			a, s := cols[in.Args[0].Reg][:n], uint(in.Args[2].Val)
			if in.Args[1].Imm {
				c := in.Args[1].Val
				for i := range d {
					d[i] = Shr(a[i]*c, s, HalfUp)
				}
			} else {
				b := cols[in.Args[1].Reg][:n]
				for i := range d {
					d[i] = Shr(a[i]*b[i], s, HalfUp)
				}
			}
			continue
		case in.Op == OpLut:
			t := p.LUTs[in.LUT]
			a := col(in.Args[0], 0)
			for i := range d {
				d[i] = t.At(a[i])
			}
			continue
		}
		var args [3][]int64
		for j := 0; j < info.NArgs; j++ {
			args[j] = col(in.Args[j], j)
		}
		var r [3]int64
		tmp := Instr{Op: in.Op, Rnd: in.Rnd, LUT: in.LUT}
		for j := 0; j < info.NArgs; j++ {
			if in.Args[j].Imm {
				tmp.Args[j] = in.Args[j]
			} else {
				tmp.Args[j] = Operand{Reg: int32(j)}
			}
		}
		for i := range d {
			for j := 0; j < info.NArgs; j++ {
				r[j] = args[j][i]
			}
			d[i] = p.Eval(&tmp, r[:])
		}
	}
	for r := range p.Regs {
		if p.Regs[r].Kind == RegState {
			t := p.Regs[r].Type
			c := cols[r][:n]
			for i := range c {
				c[i] = t.Reduce(c[i])
			}
		}
	}
	if p.Spike >= 0 {
		c := cols[p.Spike][:n]
		for i := range c {
			spike[i] = c[i] != 0
		}
	} else {
		for i := 0; i < n; i++ {
			spike[i] = false
		}
	}
}
