package fixed

import (
	"math/rand"
	"testing"
)

// randomProgram returns a valid program using every op, with random
// operands, over a few registers of each kind.
func randomProgram(rng *rand.Rand) *Program {
	b := NewBuilder("random")
	var regs []int
	for i := 0; i < 3; i++ {
		regs = append(regs, b.AddReg(string(rune('a'+i)), RegState, S(8+rng.Intn(57), 0), ""))
	}
	regs = append(regs, b.AddReg("u", RegState, U(1+rng.Intn(20), 0), ""))
	regs = append(regs, b.AddReg("p", RegParam, S(32, 0), ""))
	regs = append(regs, b.AddReg("acc", RegAcc, S(32, 0), ""))
	var dsts []int
	for i := 0; i < 3; i++ {
		r := b.AddReg(string(rune('x'+i)), RegTemp, I64, "")
		regs = append(regs, r)
		dsts = append(dsts, r)
	}
	dsts = append(dsts, regs[0], regs[1], regs[2], regs[3])
	vals := make([]int64, 64)
	for i := range vals {
		vals[i] = rng.Int63n(1<<20) - 1<<19
	}
	lut := b.AddLUT(&LUT{Name: "t", Type: S(32, 0), X0: -1000, Shift: uint8(rng.Intn(6)), Interp: rng.Intn(2) == 0, Vals: vals})
	opnd := func() Operand {
		if rng.Intn(4) == 0 {
			return Imm(rng.Int63n(1<<24) - 1<<23)
		}
		return R(regs[rng.Intn(len(regs))])
	}
	for k := 0; k < 200; k++ {
		op := Op(1 + rng.Intn(int(numOps)-1))
		d := dsts[rng.Intn(len(dsts))]
		rnd := Round(rng.Intn(3))
		switch op {
		case OpMulSh:
			b.EmitR(op, rnd, d, opnd(), opnd(), Imm(int64(rng.Intn(40))))
		case OpShr:
			b.EmitR(op, rnd, d, opnd(), Imm(int64(rng.Intn(62))))
		case OpShl:
			b.Emit(op, d, opnd(), Imm(int64(rng.Intn(20))))
		case OpWrap:
			b.Emit(op, d, opnd(), Imm(int64(1+rng.Intn(64))))
		case OpClamp:
			lo := rng.Int63n(1<<30) - 1<<29
			b.Emit(op, d, opnd(), Imm(lo), Imm(lo+rng.Int63n(1<<30)))
		case OpDecay:
			b.Emit(op, d, opnd(), Imm(rng.Int63n(4097)))
		case OpLut:
			b.EmitLUT(d, lut, opnd())
		default:
			args := []Operand{opnd(), opnd(), opnd()}
			b.Emit(op, d, args[:op.Info().NArgs]...)
		}
	}
	b.SetSpike(dsts[rng.Intn(len(dsts))])
	return b.P
}

func TestExecBatchMatchesExec(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for trial := 0; trial < 50; trial++ {
		p := randomProgram(rng)
		if err := p.Verify(); err != nil {
			t.Fatal(err)
		}
		const n = 37
		cols := make([][]int64, len(p.Regs))
		rows := make([][]int64, n)
		for i := range rows {
			rows[i] = make([]int64, len(p.Regs))
		}
		for r, reg := range p.Regs {
			cols[r] = make([]int64, n)
			for i := 0; i < n; i++ {
				v := rng.Int63n(1<<40) - 1<<39
				if reg.Kind == RegState {
					v = reg.Type.Reduce(v)
				}
				if reg.Kind == RegTemp {
					v = 0
				}
				cols[r][i], rows[i][r] = v, v
			}
		}
		spk := make([]bool, n)
		var s BatchScratch
		for step := 0; step < 3; step++ {
			p.ExecBatchScratch(cols, n, spk, &s)
			for i := 0; i < n; i++ {
				p.ClearTemps(rows[i])
				sp := p.Exec(rows[i])
				for r := range p.Regs {
					if rows[i][r] != cols[r][i] {
						t.Fatalf("trial %d step %d neuron %d: register %s: Exec %d, ExecBatch %d\n%s", trial, step, i, p.Regs[r].Name, rows[i][r], cols[r][i], p.Format())
					}
				}
				if sp != spk[i] {
					t.Fatalf("trial %d: spike differs", trial)
				}
			}
		}
	}
}
