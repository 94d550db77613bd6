package loihi

import (
	"errors"
	"fmt"
	"math/bits"

	"snnc/internal/fixed"
)

// SignMode is how a synapse format stores weight mantissas.
type SignMode uint8

const (
	SignExc   SignMode = iota // mantissas ≥ 0, stored unsigned
	SignInh                   // mantissas ≤ 0, magnitude stored
	SignMixed                 // two's complement
)

var signNames = [...]string{"exc", "inh", "mixed"}

func (s SignMode) String() string {
	if int(s) < len(signNames) {
		return signNames[s]
	}
	return "sign?"
}

// WeightFormat is how a projection's integer weights are stored: weight =
// mantissa << Exp, mantissas of Bits bits in Mode; Bits = 0 when every
// weight is Const.
type WeightFormat struct {
	Bits  int
	Exp   int
	Mode  SignMode
	Const int64
}

// Weight decodes a stored mantissa field.
func (f WeightFormat) Weight(field uint64) int64 {
	if f.Bits == 0 {
		return f.Const
	}
	var m int64
	switch f.Mode {
	case SignExc:
		m = int64(field)
	case SignInh:
		m = -int64(field)
	default:
		m = int64(field<<(64-f.Bits)) >> (64 - f.Bits)
	}
	return m << f.Exp
}

// Field encodes weight w (which must be representable).
func (f WeightFormat) Field(w int64) uint64 {
	if f.Bits == 0 {
		return 0
	}
	m := w >> f.Exp
	switch f.Mode {
	case SignInh:
		m = -m
	}
	return uint64(m) & (1<<f.Bits - 1)
}

// WeightFormatOf is WeightFormatIn on the default chip (DefaultChip).
func WeightFormatOf(p *fixed.Proj, n int) (WeightFormat, error) {
	return WeightFormatIn(p, n, DefaultChip().Limits)
}

// WeightExpError says that a projection's weights need a weight exponent
// outside the chip's range (Limits.WeightExpMin..WeightExpMax): the
// accumulator receives mant·2^(6+weight_exp) with mant of at most
// Limits.WeightBits bits.
type WeightExpError struct {
	Exp      int   // the weight_exp the weights need
	Min, Max int   // the chip's range
	MaxAbs   int64 // the largest |weight| (accumulator LSBs)
}

func (e *WeightExpError) Error() string {
	if e.Exp > e.Max {
		return fmt.Sprintf("weights up to %d accumulator LSBs need weight_exp %d, above the maximum %d by %d", e.MaxAbs, e.Exp, e.Max, e.Exp-e.Max)
	}
	return fmt.Sprintf("weights need weight_exp %d, below the minimum %d by %d", e.Exp, e.Min, e.Min-e.Exp)
}

// Remedy says what to do about it.
func (e *WeightExpError) Remedy() string {
	if e.Exp > e.Max {
		return fmt.Sprintf("scale the projection's weights down by 2^%d, i.e. give its target accumulator %d fraction bits fewer (snnc's quantize does this for program units and shifts the accumulator back in the program)", e.Exp-e.Max, e.Exp-e.Max)
	}
	return fmt.Sprintf("scale the projection's weights up by 2^%d (give its target accumulator %d more fraction bits)", e.Min-e.Exp, e.Min-e.Exp)
}

// WeightFormatIn chooses the storage of a projection's integer weights on
// a chip with limits lim: the largest exponent that keeps every weight
// exact, but at most 6 + lim.WeightExpMax, then the narrowest mantissa (0,
// 1, …, 6 or 8 bits) in the best sign mode. It fails when the mantissas
// need more than 8 bits, and with a *WeightExpError when the weights need a
// weight_exp outside lim's range (a constant weight, stored whole in the
// synapse format, must be representable the same way).
func WeightFormatIn(p *fixed.Proj, n int, lim Limits) (WeightFormat, error) {
	ws := p.Weights
	if ws == nil {
		ws = []int64{p.Weight}
	} else if n == 0 {
		return WeightFormat{}, nil
	}
	first := ws[0]
	same := true
	tz := 63
	var big int64
	for _, w := range ws {
		if w != first {
			same = false
		}
		if w != 0 {
			tz = min(tz, bits.TrailingZeros64(uint64(w)))
		}
		big = max(big, fixed.Abs(w))
	}
	const maxBits = 8 // the widest mantissa field (Limits.WeightBits is checked by Map)
	lo, hi := max(0, 6+lim.WeightExpMin), 6+lim.WeightExpMax
	if big != 0 {
		// The smallest exact exponent whose mantissas fit is what the
		// weights need; it must lie in the chip's range.
		need := -1
		for e := 0; e <= tz; e++ {
			if _, b := mantissaBits(ws, e); b <= maxBits {
				need = e
				break
			}
		}
		if need >= 0 && (need > hi || tz < lo) {
			exp := need
			if tz < lo {
				exp = tz
			}
			return WeightFormat{}, &WeightExpError{Exp: exp - 6, Min: lim.WeightExpMin, Max: lim.WeightExpMax, MaxAbs: big}
		}
	}
	if same {
		return WeightFormat{Const: first}, nil
	}
	exp := min(tz, max(hi, 0))
	f := WeightFormat{Exp: exp}
	mode, need := mantissaBits(ws, exp)
	f.Mode = mode
	f.Bits = WeightBitsFor(max(need, 1))
	if f.Bits < 0 {
		return f, fmt.Errorf("weights need %d mantissa bits (exponent %d), more than the %d a synapse holds", need, exp, maxBits)
	}
	return f, nil
}

// mantissaBits returns the sign mode of weights ws and the mantissa bits
// they need at exponent e (ws[i] >> e; exact when e ≤ their trailing zeros).
func mantissaBits(ws []int64, e int) (SignMode, int) {
	lo, hi := int64(0), int64(0)
	for _, w := range ws {
		m := w >> e
		lo, hi = min(lo, m), max(hi, m)
	}
	switch {
	case lo >= 0:
		return SignExc, bitsFor(int(min(hi, 1<<40)))
	case hi <= 0:
		return SignInh, bitsFor(int(min(-lo, 1<<40)))
	}
	need := 1
	for need < 64 && (lo < -(int64(1)<<(need-1)) || hi > int64(1)<<(need-1)-1) {
		need++
	}
	return SignMixed, need
}

// ProgramKey identifies a program for sharing microcode and LUTs on a core:
// programs with the same text are the same.
func ProgramKey(p *fixed.Program) string { return p.Format() }

// ProgramCost returns the chip cost of a program (docs/chip.md §5):
// instruction mix, state words (states and per-neuron params), microcode
// words (one per instruction plus one per immediate) and LUT words.
func ProgramCost(p *fixed.Program, hetParams []bool) UnitCost {
	c := UnitCost{Datapath: DatapathMicrocode, Program: p.Name, Exact: true}
	for _, in := range p.Code {
		info := in.Op.Info()
		c.MicrocodeWords++
		for j := 0; j < info.NArgs; j++ {
			if in.Args[j].Imm {
				c.MicrocodeWords++
			}
		}
		switch info.Cost {
		case fixed.CostMul:
			c.Mix.Mul++
		case fixed.CostDiv:
			c.Mix.Div++
		case fixed.CostLUT:
			if p.LUTs[in.LUT].Interp {
				c.Mix.LUTInterp++
			} else {
				c.Mix.LUT++
			}
		default:
			c.Mix.ALU++
		}
	}
	for i, r := range p.Regs {
		if r.Kind == fixed.RegState || (r.Kind == fixed.RegParam && hetParams != nil && hetParams[i]) {
			c.StateWords += RegWords(r.Type)
		}
	}
	for _, t := range p.LUTs {
		c.LUTWords += len(t.Vals) * RegWords(t.Type)
	}
	return c
}

// RegWords is the number of 32-bit words a value of type t takes.
func RegWords(t fixed.Type) int {
	if t.Width > 32 {
		return 2
	}
	return 1
}

// HetParams reports, per register of pop's program, whether it is a param
// whose value differs between neurons.
func HetParams(p *fixed.Pop) []bool {
	het := make([]bool, len(p.Prog.Regs))
	for r, reg := range p.Prog.Regs {
		if reg.Kind != fixed.RegParam || len(p.Vals[r]) == 0 {
			continue
		}
		v0 := p.Vals[r][0]
		for _, v := range p.Vals[r] {
			if v != v0 {
				het[r] = true
				break
			}
		}
	}
	return het
}

// ModelFromNet is ModelFor on the default chip (DefaultChip).
func ModelFromNet(n *fixed.Net) (*Model, error) { return ModelFor(n, DefaultChip().Limits) }

// ModelFor builds the chip's exact view of a quantised network for a chip
// with limits lim: CUBA populations on the datapath (profile: du, dv,
// refractory; threshold profile: vth), every other population on microcode
// with its program's exact cost, synaptic targets = the accumulators
// projections deliver into, and weight widths and exponents from the
// integer weights (WeightFormatIn). A projection whose weights need a
// weight_exp outside lim's range is not an error here: Map reports it.
func ModelFor(n *fixed.Net, lim Limits) (*Model, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	m, err := EstimateModel(n.Inst)
	if err != nil {
		return nil, err
	}
	accs := make([][]bool, len(n.Pops))
	for pi, p := range n.Pops {
		accs[pi] = make([]bool, len(p.Prog.Regs))
	}
	for _, q := range n.Projections {
		accs[q.Dst][q.Acc] = true
	}
	for pi, p := range n.Pops {
		e := m.Entities[pi]
		e.Targets = nil
		for r, used := range accs[pi] {
			if used {
				e.Targets = append(e.Targets, Target{Index: r, Name: p.Prog.Regs[r].Name})
			}
		}
		e.Profile, e.Thresh, e.ThrKeys = nil, nil, nil
		if p.Cuba != nil {
			e.Cost = UnitCost{Datapath: DatapathCUBA, Program: p.Prog.Name, Exact: true}
			e.Comps = 1
			if len(e.Targets) > 1 {
				return nil, fmt.Errorf("pop %s: the CUBA-LIF datapath has one synaptic input, the program %d", p.Name, len(e.Targets))
			}
			col := func(name string) []int64 {
				if r := p.Prog.Reg(name); r >= 0 {
					return p.Vals[r]
				}
				return nil
			}
			du, dv, refr, vth := col(fixed.CubaRegDu), col(fixed.CubaRegDv), col(fixed.CubaRegRefR), col(fixed.CubaRegVth)
			e.Profile, e.ProfKeys = keyIDs(p.N, func(i int) string {
				r := int64(0)
				if refr != nil {
					r = refr[i]
				}
				return fmt.Sprintf("cuba|%d|%d|%d", du[i], dv[i], r)
			})
			e.Thresh, e.ThrKeys = keyIDs(p.N, func(i int) string { return fmt.Sprintf("vth|%d", vth[i]) })
			continue
		}
		het := HetParams(p)
		e.Cost = ProgramCost(p.Prog, het)
		e.Cost.Program = ProgramKey(p.Prog)
		e.Comps = compsFor(e.Cost, len(e.Targets))
		key := "microcode|" + e.Cost.Program
		for r, reg := range p.Prog.Regs {
			if reg.Kind == fixed.RegParam && !het[r] && len(p.Vals[r]) > 0 {
				key += fmt.Sprintf("|%d", p.Vals[r][0])
			}
		}
		e.ProfKeys = []string{key}
	}
	for _, q := range n.Projections {
		ip := n.Inst.Projections[q.Index]
		f, err := WeightFormatIn(q, ip.NumSynapses(), lim)
		var ee *WeightExpError
		if errors.As(err, &ee) {
			m.Projs[q.Index] = ProjModel{WeightBits: 8, Exact: true, ExpErr: ee}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("connect %s: %w", ip.Name, err)
		}
		m.Projs[q.Index] = ProjModel{WeightBits: f.Bits, Exact: true}
	}
	return m, nil
}

// keyIDs numbers the distinct keys of n items (nil ids when all equal).
func keyIDs(n int, key func(i int) string) ([]int32, []string) {
	if n == 0 {
		return nil, []string{key(0)}
	}
	seen := map[string]int32{}
	var keys []string
	ids := make([]int32, n)
	for i := 0; i < n; i++ {
		k := key(i)
		id, ok := seen[k]
		if !ok {
			id = int32(len(keys))
			seen[k] = id
			keys = append(keys, k)
		}
		ids[i] = id
	}
	if len(keys) == 1 {
		return nil, keys
	}
	return ids, keys
}
