package fixed

import (
	"fmt"
	"math"

	"snnc/instance"
)

// Net is a quantised network: everything a fixed-point backend needs to run
// it bit-exactly (docs/fixed-point.md §6). Synapse structure (CSR rows,
// postsynaptic indices, delays) and spike sources are the instantiated
// network's (Inst), shared with the float interpreter; every number that
// enters the arithmetic is here, as an integer.
type Net struct {
	Name  string
	Dt    float64 // s
	Steps int64
	Seed  uint64
	Inst  *instance.Instance

	Pops        []*Pop
	Projections []*Proj
	Stims       []*Stim
	Records     []*Rec
}

// Pop is a population: the program every neuron runs and each neuron's
// initial register values.
type Pop struct {
	Name string
	N    int
	Unit string // the IR unit it was quantised from
	Prog *Program
	// Vals[r][i] is the value of register r for neuron i at the start of the
	// run: the initial value of a state, the value of a param. nil for
	// accumulators and temporaries.
	Vals [][]int64
	// Conv[r] converts register r to SI for traces (states; zero otherwise).
	Conv []Conv
	// Cuba is set when the program is CubaLIFProgram: the datapath params of
	// neuron 0 (Vals holds every neuron's); a backend may run the fixed
	// CUBA-LIF datapath instead of the program.
	Cuba *CubaParams
}

// Proj is a projection with integer weights. Its synapses are those of
// Inst.Projections[Index] (Row, Post, DelayAt); Src/Dst there too.
type Proj struct {
	Index   int
	Dst     int     // index into Net.Pops
	Acc     int     // the accumulator register of Pops[Dst].Prog it delivers into
	Weight  int64   // every synapse's weight when Weights is nil
	Weights []int64 // per synapse (CSR order), or nil
	// WeightMant and WeightExp describe the weights as Loihi does when
	// every weight is mant·2^exp with an 8-bit mantissa (Exp ≥ 0); Mant8
	// is false otherwise.
	Mant8     bool
	WeightExp int
}

// WeightAt returns the integer weight of synapse k.
func (p *Proj) WeightAt(k int) int64 {
	if p.Weights != nil {
		return p.Weights[k]
	}
	return p.Weight
}

// Stim injects an integer sequence into an accumulator of every neuron of
// a population.
type Stim struct {
	Name string
	Pop  int
	Acc  int
	Runs []Run // run-length encoded s[k], ascending Step; s[k] = 0 before the first run
}

// Run is one run of a stimulus: Value from step Step until the next run.
type Run struct {
	Step  int64
	Value int64
}

// ValueAt returns s[k].
func (s *Stim) ValueAt(k int64) int64 {
	lo, hi := 0, len(s.Runs)
	for lo < hi {
		m := (lo + hi) / 2
		if s.Runs[m].Step <= k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0
	}
	return s.Runs[lo-1].Value
}

// Rec is a trace recording: a register of neurons Lo ≤ i < Hi every Every
// steps (spike recordings are the instance's, Inst.Records).
type Rec struct {
	Pop    int
	Reg    int
	Lo, Hi int
	Every  int64
	Name   string // POP.VAR
	Unit   string // SI unit of the converted values
	Conv   Conv
}

// Conv converts a register value to SI: Offset + float64(x)·Scale
// (docs/fixed-point.md §7).
type Conv struct {
	Scale, Offset float64
}

// Value returns Offset + float64(x)*Scale, with no fused multiply-add.
func (c Conv) Value(x int64) float64 {
	p := float64(x) * c.Scale
	return c.Offset + float64(p) // float64(p): forbids fusion
}

// QConv is the conversion of a Q format with f fraction bits: 2^−f.
func QConv(f int) Conv { return Conv{Scale: math.Ldexp(1, -f)} }

// Clock converts step boundaries to milliseconds exactly as the float
// interpreter does (docs/fixed-point.md §7): when 1 ms is a whole number
// P of steps, t(k) = float64(k)/float64(P) (the float64 nearest the decimal
// time); otherwise t(k) = float64(k)·(dt·1000).
type Clock struct {
	DtMs  float64
	PerMs int64
}

// NewClock returns the clock of step dt (s).
func NewClock(dt float64) Clock {
	c := Clock{DtMs: dt * 1e3}
	r := 1e-3 / dt
	if rr := math.Round(r); rr >= 1 && math.Abs(r-rr) < 1e-9*rr {
		c.PerMs = int64(rr)
		c.DtMs = 1 / rr
	}
	return c
}

// Ms returns the time of step boundary k in ms.
func (c Clock) Ms(k int64) float64 {
	if c.PerMs > 0 {
		return float64(k) / float64(c.PerMs)
	}
	return float64(k) * c.DtMs
}

// Sampled reports whether a record with interval every takes a sample at
// step boundary b (b = 0: the initial state; b = k+1: the state after step
// k): when b is a multiple of every. The sample's time is Clock.Ms(b).
func Sampled(b, every int64) bool { return b%every == 0 }

// Check verifies the net's internal consistency: programs, register value
// arrays, accumulator targets, stimulus runs, records.
func (n *Net) Check() error {
	if n.Inst == nil {
		return fmt.Errorf("fixed: net %s: no instance", n.Name)
	}
	for i, p := range n.Pops {
		if err := p.Prog.Verify(); err != nil {
			return err
		}
		if len(p.Vals) != len(p.Prog.Regs) || len(p.Conv) != len(p.Prog.Regs) {
			return fmt.Errorf("fixed: pop %s: %d value columns, %d conversions for %d registers", p.Name, len(p.Vals), len(p.Conv), len(p.Prog.Regs))
		}
		for r, reg := range p.Prog.Regs {
			switch reg.Kind {
			case RegState, RegParam:
				if len(p.Vals[r]) != p.N {
					return fmt.Errorf("fixed: pop %s: register %s has %d values for %d neurons", p.Name, reg.Name, len(p.Vals[r]), p.N)
				}
			}
		}
		if i < len(n.Inst.Pops) && n.Inst.Pops[i].N != p.N {
			return fmt.Errorf("fixed: pop %s: size %d, instance says %d", p.Name, p.N, n.Inst.Pops[i].N)
		}
	}
	for _, pr := range n.Projections {
		if pr.Index < 0 || pr.Index >= len(n.Inst.Projections) {
			return fmt.Errorf("fixed: projection index %d out of range", pr.Index)
		}
		ip := n.Inst.Projections[pr.Index]
		if pr.Dst != ip.Dst {
			return fmt.Errorf("fixed: projection %s: destination %d, instance says %d", ip.Name, pr.Dst, ip.Dst)
		}
		prog := n.Pops[pr.Dst].Prog
		if pr.Acc < 0 || pr.Acc >= len(prog.Regs) || prog.Regs[pr.Acc].Kind != RegAcc {
			return fmt.Errorf("fixed: projection %s: target register %d is not an accumulator", ip.Name, pr.Acc)
		}
		if pr.Weights != nil && len(pr.Weights) != ip.NumSynapses() {
			return fmt.Errorf("fixed: projection %s: %d weights for %d synapses", ip.Name, len(pr.Weights), ip.NumSynapses())
		}
	}
	for _, s := range n.Stims {
		if s.Pop < 0 || s.Pop >= len(n.Pops) {
			return fmt.Errorf("fixed: stim %s: bad population", s.Name)
		}
		prog := n.Pops[s.Pop].Prog
		if s.Acc < 0 || s.Acc >= len(prog.Regs) || prog.Regs[s.Acc].Kind != RegAcc {
			return fmt.Errorf("fixed: stim %s: target is not an accumulator", s.Name)
		}
		for i := 1; i < len(s.Runs); i++ {
			if s.Runs[i].Step <= s.Runs[i-1].Step {
				return fmt.Errorf("fixed: stim %s: runs not ascending", s.Name)
			}
		}
	}
	for _, r := range n.Records {
		if r.Pop < 0 || r.Pop >= len(n.Pops) || r.Every < 1 || r.Lo < 0 || r.Hi > n.Pops[r.Pop].N || r.Lo > r.Hi {
			return fmt.Errorf("fixed: record %s: bad population, range or interval", r.Name)
		}
		if r.Reg < 0 || r.Reg >= len(n.Pops[r.Pop].Prog.Regs) {
			return fmt.Errorf("fixed: record %s: register out of range", r.Name)
		}
	}
	return nil
}
