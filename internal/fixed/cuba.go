package fixed

import "fmt"

// CUBA-LIF datapath of Loihi 1 (docs/fixed-point.md §5, HARDWARE.md §1).

// Limits of the CUBA-LIF registers.
const (
	CubaUVBits   = 24         // u and v are signed 24-bit
	CubaVMax     = 1<<23 - 1  // v is clipped to ±CubaVMax
	CubaDecayMax = 4095       // du, dv: 12-bit
	CubaVthMax   = 1<<17 - 1  // vth: unsigned 17-bit
	CubaBiasMax  = 1<<12 - 1  // bias_mant: signed 13-bit
	CubaBiasMin  = -(1 << 12) //
	CubaBiasExp  = 7          // bias_exp: 0..7
	CubaRefMax   = 63         // refractory delay ≤ 63 steps
	CubaActShift = 6          // a_in << 6, vth << 6
	CubaAccBits  = 32         // the dendritic accumulator a_in << 6: s32
)

// CubaParams are one compartment's CUBA-LIF parameters, as integers.
type CubaParams struct {
	Du, Dv            int64 // 0..4095; the current decays by du+1, the voltage by dv
	Vth               int64 // 0..2^17-1; spike when v > vth << 6
	BiasMant, BiasExp int64 // bias = bias_mant << bias_exp
	RefSteps          int64 // refractory period R in steps (0 or 1: none); held steps R−1 ≤ 63
}

// Bias returns bias_mant << bias_exp.
func (c CubaParams) Bias() int64 { return c.BiasMant << c.BiasExp }

// Check returns an error naming the first parameter outside its register.
func (c CubaParams) Check() error {
	switch {
	case c.Du < 0 || c.Du > CubaDecayMax:
		return fmt.Errorf("du = %d outside 0..4095", c.Du)
	case c.Dv < 0 || c.Dv > CubaDecayMax:
		return fmt.Errorf("dv = %d outside 0..4095", c.Dv)
	case c.Vth < 0 || c.Vth > CubaVthMax+1:
		// 2^17 itself is accepted: HARDWARE.md's third golden vector uses it
		// (v can never exceed it, since v is clipped at 2^23 − 1).
		return fmt.Errorf("vth = %d outside 0..2^17", c.Vth)
	case c.BiasMant < CubaBiasMin || c.BiasMant > CubaBiasMax:
		return fmt.Errorf("bias_mant = %d outside -4096..4095", c.BiasMant)
	case c.BiasExp < 0 || c.BiasExp > CubaBiasExp:
		return fmt.Errorf("bias_exp = %d outside 0..7", c.BiasExp)
	case c.RefSteps < 0 || c.RefSteps-1 > CubaRefMax:
		return fmt.Errorf("refractory period %d steps: at most %d", c.RefSteps, CubaRefMax+1)
	}
	return nil
}

// CubaState is one compartment's state.
type CubaState struct {
	U, V int64
	Ref  int64 // refractory steps left
}

// CubaStep advances one compartment by one step with accumulator ain6
// (the synaptic input already in a_in << 6 units) and reports a spike. It
// is the datapath of docs/fixed-point.md §5 written directly in Go, the
// reference the program of CubaLIFProgram is tested against.
func CubaStep(s *CubaState, c CubaParams, ain6 int64) bool {
	refr := s.Ref > 0
	if refr {
		s.Ref--
	}
	s.U = Wrap(Decay(s.U, c.Du+1)+ain6, CubaUVBits)
	v := Clamp(Decay(s.V, c.Dv)+s.U+c.Bias(), -CubaVMax, CubaVMax)
	if refr {
		v = 0
	}
	spike := v > c.Vth<<CubaActShift
	if spike {
		v = 0
		s.Ref = max(c.RefSteps-1, 0)
	}
	s.V = v
	return spike
}

// Register names of the CUBA-LIF program.
const (
	CubaRegU    = "u"
	CubaRegV    = "v"
	CubaRegRef  = "ref"
	CubaRegDu   = "du"
	CubaRegDv   = "dv"
	CubaRegBias = "bias"
	CubaRegVth  = "vth"
	CubaRegRefR = "refr"
	CubaRegAin  = "a_in"
)

// CubaLIFProgram returns the integer update program of the CUBA-LIF
// datapath (docs/fixed-point.md §3.2, §5). Its params are registers du,
// dv, bias (= bias_mant << bias_exp) and vth (= vth << 6), plus refr (= R−1)
// when refractory is true; its accumulator is a_in (in a_in << 6 units);
// its states u, v (s24) and, with refractory, ref (u6). CubaParamValues
// gives the param values for CubaParams.
func CubaLIFProgram(name string, refractory bool) *Program {
	b := NewBuilder(name)
	u := b.AddReg(CubaRegU, RegState, S(24, 0), "current")
	v := b.AddReg(CubaRegV, RegState, S(24, 0), "voltage")
	ref := -1
	if refractory {
		ref = b.AddReg(CubaRegRef, RegState, U(6, 0), "refractory steps left")
	}
	du := b.AddReg(CubaRegDu, RegParam, U(12, 0), "")
	dv := b.AddReg(CubaRegDv, RegParam, U(12, 0), "")
	bias := b.AddReg(CubaRegBias, RegParam, S(32, 0), "bias_mant << bias_exp")
	vth := b.AddReg(CubaRegVth, RegParam, S(32, 0), "vth << 6")
	refr := -1
	if refractory {
		refr = b.AddReg(CubaRegRefR, RegParam, U(6, 0), "refractory steps after a spike (R - 1)")
	}
	ain := b.AddReg(CubaRegAin, RegAcc, S(CubaAccBits, 0), "a_in << 6")
	t0 := b.AddReg("t0", RegTemp, I64, "")
	t1 := -1
	if refractory {
		t1 = b.AddReg("t1", RegTemp, I64, "refractory this step")
		b.Emit(OpGt, t1, R(ref), Imm(0))
		b.Emit(OpSub, ref, R(ref), R(t1))
	}
	b.Emit(OpAdd, t0, R(du), Imm(1))
	b.Emit(OpDecay, u, R(u), R(t0))
	b.Emit(OpAdd, u, R(u), R(ain))
	b.Emit(OpWrap, u, R(u), Imm(CubaUVBits))
	b.Emit(OpDecay, t0, R(v), R(dv))
	b.Emit(OpAdd, t0, R(t0), R(u))
	b.Emit(OpAdd, t0, R(t0), R(bias))
	b.Emit(OpClamp, v, R(t0), Imm(-CubaVMax), Imm(CubaVMax))
	if refractory {
		b.Emit(OpSel, v, R(t1), Imm(0), R(v))
	}
	b.Emit(OpGt, t0, R(v), R(vth))
	b.Emit(OpSel, v, R(t0), Imm(0), R(v))
	if refractory {
		b.Emit(OpSel, ref, R(t0), R(refr), R(ref))
	}
	b.SetSpike(t0)
	return b.P
}

// CubaParamValues returns the values of the program's param registers for
// c, by register name.
func CubaParamValues(c CubaParams) map[string]int64 {
	return map[string]int64{
		CubaRegDu:   c.Du,
		CubaRegDv:   c.Dv,
		CubaRegBias: c.Bias(),
		CubaRegVth:  c.Vth << CubaActShift,
		CubaRegRefR: max(c.RefSteps-1, 0),
	}
}
