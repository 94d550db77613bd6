package cpu

// A rough cost model of a population's step, in units of about one
// vector instruction per neuron, to size the chunks threads share and to
// choose how many threads are worth it when none are asked for. It only
// affects speed: results never depend on it.

import (
	"snnc/internal/fixed"
	snn "snnc/ir"
)

// opCost is the cost of an IR op in the model.
func opCost(op snn.Op) int {
	switch op {
	case snn.OpExp, snn.OpExprel:
		return 20
	case snn.OpDiv, snn.OpSqrt:
		return 6
	case snn.OpPow, snn.OpLog, snn.OpSin, snn.OpCos, snn.OpTanh:
		return 40
	}
	if op.Info().Leaf {
		return 0
	}
	return 1
}

// floatCost is the cost per neuron of a float-mode population: every node
// its step evaluates, plus loads, stores and the spike logic.
func (p *popGen) floatCost() int {
	roots := append([]snn.NodeID(nil), p.roots...)
	if p.spikeE != snn.NoNode {
		roots = append(roots, p.spikeE)
	}
	roots = append(roots, p.resetE...)
	c := 4 * len(p.u.States)
	for _, id := range p.g.PostOrder(roots...) {
		c += opCost(p.g.Op(id))
	}
	return c
}

// fixedCost is the cost per neuron of a fixed-mode population.
func fixedCost(prog *fixed.Program) int {
	c := 2 * len(prog.Regs)
	for _, in := range prog.Code {
		switch in.Op {
		case fixed.OpLut:
			c += 6
		case fixed.OpDiv, fixed.OpRem:
			c += 10
		default:
			c += 2
		}
	}
	return c
}

// Sizes in cost units: a chunk is about chunkCost (a microsecond or so); a
// step worth splitting between threads has at least threadCost per thread.
const (
	chunkCost  = 20000
	threadCost = 150000
)

// chunkNeurons returns the chunk size of a population: whole blocks, at
// least one.
func chunkNeurons(cost int) int {
	blocks := chunkCost / max(1, cost*blockSize)
	return max(1, blocks) * blockSize
}

// usefulThreads is how many threads the step's work can keep busy.
func (b *builder) usefulThreads() int {
	total := 0
	for _, p := range b.pops {
		total += p.cost * p.n
	}
	return max(1, min(total/threadCost, len(b.chunks()), maxThreads))
}
